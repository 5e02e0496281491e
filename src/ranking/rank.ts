/**
 * From the targets' scores to target_rankings.json: one composite per target, the order, and which
 * targets continue.
 *
 * The composite must compare targets of different types and horizons fairly, so its skill part is
 * not the raw metric (an IC of 0.03, an AUC of 0.52 and a pooled rank correlation of 0.03 are not
 * on one scale, and their spreads differ by type and horizon) but the t-statistic of the skill
 * across blocks of time: skill above its no-skill level divided by its own standard error, with
 * blocks long enough (two label windows or more) that overlapping labels of long horizons do not
 * pass for independent evidence. It is mapped into (-1, 1) by t / sqrt(t^2 + scale^2).
 *
 *   composite = w_skill x t / sqrt(t^2 + scale^2)
 *             + w_stability x (2 x stability - 1) x sign(skill)
 *             + w_agreement x agreement x max(0, skill part)
 *
 * Stability (the share of folds and symbols whose skill has the sign of the mean skill) counts
 * against a target whose skill is negative: consistently wrong out of sample is no merit. Agreement
 * between families only means something when they agree on a signal with skill, so it is weighed
 * by the skill part (two models agreeing on noise add nothing).
 */
import type { TargetRankingRow, TargetRankingsFile } from "../artifacts/run-files.js";
import type { TargetType } from "../targets/spec.js";
import type { RankingConfig } from "./schema.js";
import type { FamilyScore, TargetScore } from "./score-target.js";

export interface TargetSummary {
  /** Mean skill above no skill over the families that scored it. */
  skill: number;
  /** Share of folds and symbols (averaged: folds and symbols count equally) with the sign of the mean skill. */
  stability: number;
  agreement: number;
  /** t-statistic of the best family's skill across blocks of time. */
  t: number;
  bestFamily: string | null;
  /** The three parts of the composite before weighting, each in [-1, 1]. */
  parts: { skill: number; stability: number; agreement: number };
  composite: number;
}

/** A by_family entry of the rankings, with the optional fields this module adds to the contract. */
export interface RankingFamilyCell {
  score: number | null;
  folds: Array<number | null>;
  status?: FamilyScore["status"];
  /** What was fitted (e.g. "ridge (linear probability)" or "logistic" for ridge on a binary target). */
  fitted_as?: string | null;
  /** The metric's value (score is it minus no skill). */
  value?: number | null;
  t?: number | null;
  error?: string | null;
}

/** Targets that could not be scored at all (e.g. too few labelled timestamps), listed last. */
export interface UnscoredTarget {
  target: string;
  type: TargetType;
  horizon: number;
  metric?: string;
  reason: string;
}

export interface RankInfo {
  unscored?: readonly UnscoredTarget[];
}

type Weights = RankingConfig["weights"];

export function normalizedWeights(w: Weights): Weights {
  const sum = w.skill + w.stability + w.agreement;
  return { skill: w.skill / sum, stability: w.stability / sum, agreement: w.agreement / sum };
}

export function summarizeTarget(score: TargetScore, config: Pick<RankingConfig, "weights" | "skill_t_scale">): TargetSummary {
  const ok = score.families.filter((f) => f.status === "ok" && Number.isFinite(f.skill));
  const skill = ok.length > 0 ? ok.reduce((a, f) => a + f.skill, 0) / ok.length : NaN;
  const sign = Math.sign(skill);
  let stability = NaN;
  if (ok.length > 0 && sign !== 0 && Number.isFinite(sign)) {
    const per = ok.map((f) => mean([shareWithSign(f.folds.map((x) => x.skill), sign), shareWithSign(f.symbolSkill, sign)])).filter(Number.isFinite);
    stability = per.length > 0 ? mean(per) : NaN;
  }
  let best: FamilyScore | null = null;
  for (const f of ok) {
    if (best === null || better(f, best)) best = f;
  }
  const t = best === null ? NaN : best.score.t;
  const w = normalizedWeights(config.weights);
  const skillPart = Number.isNaN(t) ? NaN : Number.isFinite(t) ? t / Math.sqrt(t * t + config.skill_t_scale ** 2) : Math.sign(t);
  const stabilityPart = Number.isFinite(stability) ? (2 * stability - 1) * sign : 0;
  const agreementPart = Number.isFinite(score.agreement) && Number.isFinite(skillPart) ? score.agreement * Math.max(0, skillPart) : 0;
  const composite = w.skill * skillPart + w.stability * stabilityPart + w.agreement * agreementPart;
  return { skill, stability, agreement: score.agreement, t, bestFamily: best?.family ?? null, parts: { skill: skillPart, stability: stabilityPart, agreement: agreementPart }, composite };
}

/** Higher block t first; without one, higher skill. */
function better(a: FamilyScore, b: FamilyScore): boolean {
  const ta = a.score.t;
  const tb = b.score.t;
  if (!Number.isNaN(ta) || !Number.isNaN(tb)) {
    if (Number.isNaN(tb)) return true;
    if (Number.isNaN(ta)) return false;
    if (ta !== tb) return ta > tb;
  }
  return a.skill > b.skill;
}

export function rankTargets(scores: readonly TargetScore[], config: Pick<RankingConfig, "weights" | "skill_t_scale" | "top_n" | "min_t_stat" | "families">, info: RankInfo = {}): TargetRankingsFile {
  const familyNames = config.families.map((f) => f.name);
  const seen = new Set<string>();
  for (const s of scores) {
    if (seen.has(s.target)) throw new Error(`rankTargets: target "${s.target}" scored twice`);
    seen.add(s.target);
  }
  const items = scores.map((score) => ({ score, sum: summarizeTarget(score, config) }));
  items.sort((a, b) => order(a.sum.composite, b.sum.composite) || order(a.sum.t, b.sum.t) || (a.score.target < b.score.target ? -1 : a.score.target > b.score.target ? 1 : 0));

  const passes = (s: TargetSummary) => s.t >= config.min_t_stat && s.skill > 0;
  const kept = new Set<string>();
  for (const it of items) if (kept.size < config.top_n && passes(it.sum)) kept.add(it.score.target);
  // Something must reach training: when nothing clears the bar, the best of what was scored goes
  // on, and its reason says so.
  let fallback: string | null = null;
  if (kept.size === 0) {
    const scored = items.filter((it) => it.score.families.some((f) => f.status === "ok"));
    const pick = scored.find((it) => Number.isFinite(it.sum.composite)) ?? [...scored].sort((a, b) => order(a.sum.skill, b.sum.skill))[0];
    if (pick !== undefined) {
      fallback = pick.score.target;
      kept.add(fallback);
    }
  }

  let passingSeen = 0;
  const rows: TargetRankingRow[] = items.map((it, i) => {
    const { score, sum } = it;
    const isKept = kept.has(score.target);
    const passing = passes(sum);
    if (passing) passingSeen++;
    return {
      rank: i + 1,
      target: score.target,
      type: score.type,
      horizon: score.horizon,
      metric: score.metric,
      skill: num(sum.skill),
      stability: num(sum.stability),
      agreement: num(sum.agreement),
      t_stat: num(sum.t),
      composite: num(sum.composite),
      kept: isKept,
      reason: reasonFor(score, sum, { kept: isKept, passing, fallback: fallback === score.target, passingRank: passingSeen, config }),
      by_family: byFamily(score, familyNames),
    };
  });
  for (const u of info.unscored ?? []) {
    if (seen.has(u.target)) throw new Error(`rankTargets: target "${u.target}" is both scored and unscored`);
    rows.push({
      rank: rows.length + 1,
      target: u.target,
      type: u.type,
      horizon: u.horizon,
      metric: u.metric ?? "",
      skill: null,
      stability: null,
      agreement: null,
      t_stat: null,
      composite: null,
      kept: false,
      reason: `dropped: not scored: ${u.reason}`,
      by_family: Object.fromEntries(familyNames.map((f) => [f, { score: null, folds: [] }])),
    });
  }
  const everyTarget = familyNames.filter((f) => scores.length > 0 && scores.every((s) => s.families.some((x) => x.family === f && x.status === "ok")));
  return {
    weights: normalizedWeights(config.weights),
    families: everyTarget,
    targets: rows,
    kept: rows.filter((r) => r.kept).map((r) => r.target),
  };
}

function reasonFor(
  score: TargetScore,
  sum: TargetSummary,
  o: { kept: boolean; passing: boolean; fallback: boolean; passingRank: number; config: Pick<RankingConfig, "top_n" | "min_t_stat"> },
): string {
  const failed = score.families.filter((f) => f.status !== "ok");
  const failures = failed.map((f) => `${f.family} ${f.status === "unsupported" ? "unsupported" : "failed"}: ${f.error ?? "unknown error"}`).join("; ");
  const note = failed.length > 0 ? `; ${failures}` : "";
  if (failed.length === score.families.length) return `dropped: no family could score it (${failures})`;
  const evidence = `best family ${sum.bestFamily ?? "?"} t = ${fmt(sum.t)}, mean skill ${fmt(sum.skill)} (${score.metric}${score.noSkill !== 0 ? ` - ${score.noSkill}` : ""}) over ${score.blocks} blocks of time`;
  if (o.fallback) {
    return `kept although below the bar (${evidence}; min_t_stat ${o.config.min_t_stat}): no target cleared it and at least one must continue; treat its results as exploratory${note}`;
  }
  if (o.kept) return `kept: ${ordinal(o.passingRank)} of the targets that clear the bar; ${evidence} >= min_t_stat ${o.config.min_t_stat}${note}`;
  if (Number.isNaN(sum.t)) return `dropped: too little data for a t-statistic (${score.blocks} blocks of time, ${score.timestamps} timestamps)${note}`;
  if (!o.passing) {
    const why = sum.skill > 0 ? `unpredictable: ${evidence} < min_t_stat ${o.config.min_t_stat}` : `no out-of-sample skill: ${evidence}`;
    return `dropped: ${why}${note}`;
  }
  return `dropped: clears the bar (${evidence}) but only the top ${o.config.top_n} continue${note}`;
}

function byFamily(score: TargetScore, names: readonly string[]): Record<string, RankingFamilyCell> {
  const out: Record<string, RankingFamilyCell> = {};
  for (const name of names) {
    const f = score.families.find((x) => x.family === name);
    if (f === undefined) {
      out[name] = { score: null, folds: [], status: "failed", error: "not run" };
      continue;
    }
    const folds: Array<number | null> = new Array(score.folds).fill(null);
    for (const fold of f.folds) if (fold.fold >= 0 && fold.fold < folds.length) folds[fold.fold] = num(fold.skill);
    out[name] = {
      score: num(f.skill),
      folds: f.status === "ok" ? folds : [],
      status: f.status,
      fitted_as: f.fittedAs,
      value: num(f.score.value),
      t: num(f.score.t),
      error: f.error,
    };
  }
  return out;
}

/** Share of the finite entries with the given sign; NaN when there are none. */
function shareWithSign(x: readonly number[], sign: number): number {
  let n = 0;
  let same = 0;
  for (const v of x) {
    if (!Number.isFinite(v)) continue;
    n++;
    if (Math.sign(v) === sign) same++;
  }
  return n > 0 ? same / n : NaN;
}

function mean(x: readonly number[]): number {
  const f = x.filter(Number.isFinite);
  return f.length > 0 ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
}

/** Descending, NaN last. */
function order(a: number, b: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a === b ? 0 : a > b ? -1 : 1;
}

/** A JSON number rounded to 6 significant digits, or null. */
export function num(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}

function fmt(x: number): string {
  if (Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return Number(x.toPrecision(3)).toString();
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${n}${s}`;
}
