/**
 * How far to trust a target's best model, as a tier with its reasons: the rows of
 * target_confidence.json. The figures are out of sample: the skill's t-statistic over time blocks,
 * its stability across folds, and the deflated Sharpe ratio of its portfolio (which discounts the
 * number of models tried). The leakage gate caps the tier: a target whose leakage is unverified or
 * has suspicious features cannot be high, and one whose leaks were found and kept is low.
 */
import type { EvaluatedModel, EvaluationFile, TargetConfidence, TargetRankingRow } from "../artifacts/run-files.js";
import { DEFAULT_EVALUATION, type ConfidenceConfig } from "./schema.js";

export interface ConfidenceInput {
  target: string;
  ranking?: TargetRankingRow;
  evaluation: EvaluationFile;
  /** The leakage gate's outcome for the target (LeakageSummaryFile row): status and suspicious features. */
  leakage?: { status: string; suspicious: readonly string[] };
  /** Mean rank correlation between the feature-selection methods (SelectionFile.agreement). */
  selectionAgreement?: number;
  thresholds?: ConfidenceConfig;
}

type Tier = TargetConfidence["tier"];
const ORDER: Record<Tier, number> = { low: 0, medium: 1, high: 2 };

/** Leakage statuses that leave nothing unexplained: the gate's re-check passed. */
const VERIFIED = new Set(["clean", "leaks_excluded"]);

export function targetConfidence(input: ConfidenceInput): TargetConfidence {
  const th = input.thresholds ?? DEFAULT_EVALUATION.confidence;
  const ev = input.evaluation;
  const reasons: string[] = [];
  const model = ev.models.find((m) => m.name === ev.best);
  if (model === undefined) {
    return { target: input.target, tier: "low", reasons: ["no model produced an out-of-sample score"], best_model: null, score: null };
  }
  const noSkill = noSkillOf(ev);
  const score = scoreOf(model, ev.metric);
  const t = tOf(model, ev.metric);
  const stability = foldStability(model, ev.metric, noSkill);
  const dsr = model.backtests[0]?.deflated_sharpe ?? null;
  const strategy = model.backtests[0]?.strategy ?? "none";

  reasons.push(`best model ${model.name}: out-of-sample ${ev.metric} ${fmt(score)} (no skill ${noSkill})`);
  let tier: Tier = "high";
  const limit = (to: Tier, why: string): void => {
    reasons.push(why);
    if (ORDER[to] < ORDER[tier]) tier = to;
  };
  if (score === null || !(score > noSkill)) limit("low", `no skill: the ${ev.metric} is not above ${noSkill}`);
  tier = capBy(tier, grade("t-statistic of the skill over time blocks", t, th.high.min_t, th.medium.min_t, reasons));
  tier = capBy(tier, grade("share of folds beating no skill", stability, th.high.min_stability, th.medium.min_stability, reasons));
  tier = capBy(tier, grade(`deflated Sharpe ratio (${strategy}, ${ev.trials} trial${ev.trials === 1 ? "" : "s"})`, dsr, th.high.min_dsr, th.medium.min_dsr, reasons));

  const lk = input.leakage;
  if (lk === undefined) limit("medium", "leakage not checked: cannot be high");
  else if (lk.status === "leaks_found") limit("low", "leakage gate found leaking features and kept them (auto-fix off): low");
  else if (!VERIFIED.has(lk.status)) limit("medium", `leakage gate status ${lk.status}: cannot be high`);
  else if (lk.suspicious.length > 0) limit("medium", `suspicious features left for review (${lk.suspicious.join(", ")}): cannot be high`);
  else reasons.push(`leakage gate status ${lk.status}, nothing suspicious`);

  const agreement = input.selectionAgreement;
  if (agreement !== undefined && Number.isFinite(agreement)) {
    if (agreement < th.high.min_selection_agreement) limit("medium", `feature-selection methods agree weakly (mean rank correlation ${fmt(agreement)} < ${th.high.min_selection_agreement}): cannot be high`);
    else reasons.push(`feature-selection methods agree (mean rank correlation ${fmt(agreement)} >= ${th.high.min_selection_agreement})`);
  }
  const r = input.ranking;
  if (r !== undefined) {
    reasons.push(`target ranking: rank ${r.rank}, composite ${fmt(r.composite)}, skill ${fmt(r.skill)}, stability ${fmt(r.stability)}, family agreement ${fmt(r.agreement)}`);
  }
  reasons.push(`tier ${tier}`);
  return { target: input.target, tier, reasons, best_model: model.name, score };
}

/** Grades one figure against the two thresholds, adds the reason, and returns the tier it allows. */
function grade(figure: string, value: number | null, high: number, medium: number, reasons: string[]): Tier {
  if (value === null) {
    reasons.push(`${figure}: not available (medium needs >= ${medium})`);
    return "low";
  }
  if (value >= high) {
    reasons.push(`${figure} ${fmt(value)} >= ${high} (high)`);
    return "high";
  }
  if (value >= medium) {
    reasons.push(`${figure} ${fmt(value)} >= ${medium} (medium) but < ${high} (high)`);
    return "medium";
  }
  reasons.push(`${figure} ${fmt(value)} < ${medium} (medium)`);
  return "low";
}

function capBy(tier: Tier, allowed: Tier): Tier {
  return ORDER[allowed] < ORDER[tier] ? allowed : tier;
}

function noSkillOf(ev: EvaluationFile): number {
  const given = (ev as { no_skill?: unknown }).no_skill;
  return typeof given === "number" ? given : ev.metric === "auc" ? 0.5 : 0;
}

/** The model's value of the target's metric: its score when the file has it, else the matching metric. */
function scoreOf(m: EvaluatedModel, metric: string): number | null {
  const s = (m as { score?: unknown }).score;
  if (typeof s === "number") return s;
  if (metric === "ic") return m.metrics.ic;
  if (metric === "auc") return m.metrics.auc;
  return null;
}

function tOf(m: EvaluatedModel, metric: string): number | null {
  const s = (m as { score_t?: unknown }).score_t;
  if (typeof s === "number") return s;
  return metric === "ic" ? m.metrics.ic_t : null;
}

/** Share of the folds with a score whose score is above no skill; null without any fold score. */
export function foldStability(m: EvaluatedModel, metric: string, noSkill: number): number | null {
  let n = 0;
  let above = 0;
  for (const f of m.folds) {
    const given = (f as { score?: unknown }).score;
    const v = typeof given === "number" ? given : metric === "ic" ? f.ic : metric === "auc" ? f.auc : null;
    if (v === null || !Number.isFinite(v)) continue;
    n++;
    if (v > noSkill) above++;
  }
  return n > 0 ? above / n : null;
}

function fmt(x: number | null): string {
  return x === null || !Number.isFinite(x) ? "n/a" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3);
}
