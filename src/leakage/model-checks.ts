/**
 * Checks after the quick model: is its out-of-sample score implausibly high for the target type,
 * and does one feature dominate its importance. A dominant feature is investigated by refitting
 * without it: when the score falls from implausible (or suspicious) to plausible, that feature
 * alone carried it.
 *
 * Score thresholds come from pipeline.leakage.thresholds.scores and are raised by the baseline,
 * the same metric for the lagged target used as the prediction: what the target's own realized
 * past achieves is not evidence of leakage (it matters for persistent targets such as drawdowns).
 */
import type { TargetSpec } from "../targets/spec.js";
import { pearson } from "../validation/metrics/index.js";
import type { CvSetup } from "./dataset.js";
import { cvPredict, importanceShares, METRIC_TEXT, r2Of, scorePredictions, type CvPrediction, type ModelTask, type Score } from "./quick-model.js";
import type { CheckResult, LeakageConfig } from "./types.js";
import { band, evidence, fmt, result } from "./verdict.js";
import { shiftWithinSymbols } from "./views.js";

export interface ModelContext {
  readonly setup: CvSetup;
  readonly names: readonly string[];
  readonly grids: ReadonlyMap<string, Float32Array>;
  /** The target (scores are against it). */
  readonly y: Float64Array;
  /** What the model is fitted to (see ModelTask.fitTo). */
  readonly yFit: Float64Array;
  readonly leakage: LeakageConfig;
  readonly task: ModelTask;
  readonly target: TargetSpec;
  readonly seed: number;
  readonly threads: number;
  readonly base: CvPrediction;
  readonly score: Score;
  /** The metric for the lagged target as the prediction, on the same test cells. */
  readonly baseline: number;
  /** Score levels after raising by the baseline. */
  readonly suspicious: number;
  readonly implausible: number;
}

/** y where `mask` is finite, NaN elsewhere. */
export function onCells(y: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length).fill(NaN);
  for (let i = 0; i < y.length; i++) if (Number.isFinite(mask[i])) out[i] = y[i];
  return out;
}

function scoreBand(leakage: LeakageConfig, task: ModelTask): { suspicious: number; implausible: number } {
  const s = leakage.thresholds.scores;
  return task.metric === "auc" ? s.auc : s.ic;
}

/** Builds the model context: base score, baseline and the raised score levels. */
export function modelContext(parts: Omit<ModelContext, "score" | "baseline" | "suspicious" | "implausible">): ModelContext {
  const { setup, y, task, target, base, leakage } = parts;
  const { T, S } = setup;
  const score = scorePredictions(base.pred, y, T, S, task, target.window);
  const lagged = onCells(shiftWithinSymbols(y, T, S, target.window), base.pred);
  const b = scorePredictions(lagged, y, T, S, task, target.window);
  const baseline = b.value === b.value ? b.value : task.noSkill;
  // Only a significant baseline raises the levels: a chance 0.01 is not what the past achieves.
  const raise = b.t >= leakage.thresholds.min_t_stat ? Math.max(0, baseline - task.noSkill) : 0;
  const top = task.metric === "auc" ? 0.999 : 0.99;
  const levels = scoreBand(leakage, task);
  const implausible = Math.min(levels.implausible + raise, top);
  const suspicious = Math.min(levels.suspicious + raise, implausible);
  return { ...parts, score, baseline, suspicious, implausible };
}

export function r2Figure(task: ModelTask): string {
  return task.fitTo === "cross_sectional_rank" ? "out-of-sample R^2 on the cross-sectional rank of the target" : "out-of-sample R^2";
}

/** Meaningful skill: above no skill with a t-statistic that reaches min_t_stat. */
export function hasSkill(score: Score, task: ModelTask, minT: number): boolean {
  return score.value > task.noSkill && score.t >= minT;
}

export function scoreChecks(ctx: ModelContext): CheckResult[] {
  const { score, task, suspicious, implausible, leakage } = ctx;
  const check = task.metric === "ic" ? "model_ic" : task.metric === "auc" ? "model_auc" : "model_rank_correlation";
  const lift = suspicious - scoreBand(leakage, task).suspicious;
  const raised = lift > 0 ? ` (levels raised by ${fmt(lift)}, what the lagged target achieves)` : "";
  const significant = score.t >= leakage.thresholds.min_t_stat;
  let v = significant ? band(score.value, suspicious, implausible) : "OK";
  const what = `${METRIC_TEXT[task.metric]} ${fmt(score.value)} (t = ${fmt(score.t, 1)})`;
  const out: CheckResult[] = [];
  const ev = evidence(METRIC_TEXT[task.metric], score.value, v === "LEAK" ? implausible : suspicious);
  if (v === "LEAK") {
    out.push(result(check, v, ev, `The quick model's ${what} is implausible for a ${ctx.target.type} target like ${ctx.target.name} (>= ${fmt(implausible)}${raised}): some feature sees the future.`));
  } else if (v === "SUSPICIOUS") {
    out.push(result(check, v, ev, `The quick model's ${what} is unusually high (>= ${fmt(suspicious)}${raised}, below the leak level ${fmt(implausible)}). Review the features that carry it.`));
  } else {
    const why = significant || !(score.value >= suspicious) ? `below the suspicious level ${fmt(suspicious)}${raised}` : `not significant (t < ${leakage.thresholds.min_t_stat})`;
    out.push(result(check, "OK", ev, `The quick model's ${what} is ${why}.`));
  }
  if (task.r2) {
    const r2 = r2Of(ctx.base.pred, ctx.yFit);
    const lagged = onCells(shiftWithinSymbols(ctx.yFit, ctx.setup.T, ctx.setup.S, ctx.target.window), ctx.base.pred);
    const rho = pearson(lagged, ctx.yFit);
    // raised only when the lagged target's skill is significant (as for the primary metric)
    const raise = lift > 0 && rho > 0 ? rho * rho : 0;
    const b = leakage.thresholds.scores.r2;
    const imp = Math.min(b.implausible + raise, 0.99);
    const sus = Math.min(b.suspicious + raise, imp);
    v = significant ? band(r2, sus, imp) : "OK";
    const e = evidence(r2Figure(task), r2, v === "LEAK" ? imp : sus);
    const text =
      v === "LEAK"
        ? `The quick model explains ${fmt(r2 * 100, 1)}% of the target's variance out of sample (>= ${fmt(imp * 100, 1)}%): not possible for ${ctx.target.name} without seeing the future.`
        : v === "SUSPICIOUS"
          ? `The quick model explains ${fmt(r2 * 100, 1)}% of the target's variance out of sample (>= ${fmt(sus * 100, 1)}%), unusually much.`
          : `Out-of-sample R^2 ${fmt(r2)} is below the suspicious level ${fmt(sus)}.`;
    out.push(result("model_r2", v, e, text));
  }
  return out;
}

/**
 * The importance check: when one feature holds more than importance_dominance of the gain and the
 * score is at least suspicious, the model is refitted without it. Returns the check and the
 * dominant feature (null when no feature dominates).
 */
export async function dominanceCheck(ctx: ModelContext): Promise<{ feature: string | null; check: CheckResult }> {
  const shares = importanceShares(ctx.base.gain);
  const limit = ctx.leakage.thresholds.importance_dominance;
  const top = shares[0];
  const figure = "share of the quick model's gain importance held by its top feature";
  if (top === undefined || !(top.share > limit) || ctx.names.length < 2) {
    const name = top?.feature ?? "none";
    return {
      feature: null,
      check: result("importance_dominance", "OK", evidence(figure, top?.share ?? null, limit), `No feature dominates: the top one (${name}) holds ${fmt((top?.share ?? 0) * 100, 1)}% of the importance.`),
    };
  }
  const ev = evidence(`${figure} (${top.feature})`, top.share, limit);
  const intro = `"${top.feature}" holds ${fmt(top.share * 100, 1)}% of the quick model's importance (> ${fmt(limit * 100, 0)}%)`;
  const minT = ctx.leakage.thresholds.min_t_stat;
  if (!(ctx.score.value >= ctx.suspicious) || ctx.score.t < minT) {
    return { feature: top.feature, check: result("importance_dominance", "OK", ev, `${intro}, but the model's score (${fmt(ctx.score.value)}) is plausible: a strong feature, not investigated further.`) };
  }
  const others = ctx.names.filter((n) => n !== top.feature);
  const without = await cvPredict(ctx.setup, others, ctx.grids, ctx.yFit, ctx.leakage, ctx.task, ctx.seed, { purpose: `without:${top.feature}`, threads: ctx.threads });
  const s2 = scorePredictions(without.pred, ctx.y, ctx.setup.T, ctx.setup.S, ctx.task, ctx.target.window);
  const after = `refitted without it, the score falls from ${fmt(ctx.score.value)} to ${fmt(s2.value)}`;
  if (ctx.score.value >= ctx.implausible && !(s2.value >= ctx.suspicious)) {
    return { feature: top.feature, check: result("importance_dominance", "LEAK", ev, `${intro}; ${after}, below the suspicious level ${fmt(ctx.suspicious)}: this feature alone makes the score implausible.`) };
  }
  if (!(s2.value >= ctx.suspicious)) {
    return { feature: top.feature, check: result("importance_dominance", "SUSPICIOUS", ev, `${intro}; ${after}: it alone lifts the score to a suspicious level (${fmt(ctx.suspicious)}).`) };
  }
  return { feature: top.feature, check: result("importance_dominance", "OK", ev, `${intro}; ${after}: the rest of the features carry the score without it.`) };
}
