/**
 * The consensus ranking: every method's scores brought to [0, 1] the same way, then a weighted
 * average across methods with the configured weights.
 *
 * Normalization ("rank", the default) is by rank among the features a method scored above zero:
 * the best gets 1, the weakest positive 1/k, everything at or below zero 0, ties share their
 * average rank. Ranks make a method with one huge score (gain on a dominant feature) count like
 * one with evenly spread scores; keeping zero at zero matters for sparse methods (a lasso path in
 * which 40 of 50 features never enter, Boruta rejecting most features): ranking them with the rest
 * would hand features the method rejected a middling score. "minmax" keeps relative distances.
 *
 * Methods that report per-symbol importances are aggregated per symbol first (each symbol
 * normalized on its own, then the median across symbols), so one symbol whose features happen to
 * line up with its returns cannot carry a feature.
 */
import type { MethodResult } from "./method.js";
import type { ConsensusConfig } from "./schema.js";

/**
 * Scores of one method over `features` as [0, 1] values; NaN for features the method gave no
 * finite score.
 */
export function normalizeScores(features: readonly string[], scores: Readonly<Record<string, number>>, how: ConsensusConfig["normalize"]): Float64Array {
  const F = features.length;
  const v = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const s = Object.hasOwn(scores, features[f]) ? scores[features[f]] : NaN;
    v[f] = typeof s === "number" && Number.isFinite(s) ? s : NaN;
  }
  return how === "rank" ? rankNormalize(v) : minMaxNormalize(v);
}

/** Rank among positive values scaled to (0, 1]; values <= 0 -> 0; NaN stays NaN. */
export function rankNormalize(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  const pos: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] === v[i])) out[i] = NaN;
    else if (v[i] > 0) pos.push(i);
    else out[i] = 0;
  }
  const k = pos.length;
  pos.sort((a, b) => v[a] - v[b] || a - b);
  let i = 0;
  while (i < k) {
    let j = i + 1;
    while (j < k && v[pos[j]] === v[pos[i]]) j++;
    const r = (i + 1 + j) / 2; // average of ranks i+1..j
    for (let q = i; q < j; q++) out[pos[q]] = r / k;
    i = j;
  }
  return out;
}

/** (v - min) / (max - min) over finite values; all equal -> 1 when positive, else 0. */
export function minMaxNormalize(v: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (!(x === x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(x === x)) out[i] = NaN;
    else if (hi > lo) out[i] = (x - lo) / (hi - lo);
    else out[i] = x > 0 ? 1 : 0;
  }
  return out;
}

/**
 * One method's normalized importance per feature: from its per-symbol scores when it has them and
 * the configuration aggregates per symbol, else from its pooled scores.
 */
export function methodVector(features: readonly string[], result: MethodResult, cfg: ConsensusConfig): { values: Float64Array; symbols: number } {
  const pooled = normalizeScores(features, result.scores, cfg.normalize);
  if (cfg.per_symbol === "pooled" || result.bySymbol === undefined) return { values: pooled, symbols: 0 };
  const per = Object.keys(result.bySymbol)
    .sort()
    .map((sym) => normalizeScores(features, result.bySymbol![sym], cfg.normalize));
  if (per.length === 0) return { values: pooled, symbols: 0 };
  const F = features.length;
  const out = new Float64Array(F);
  const col = new Float64Array(per.length);
  for (let f = 0; f < F; f++) {
    let n = 0;
    for (const v of per) if (v[f] === v[f]) col[n++] = v[f];
    if (n === 0) out[f] = pooled[f];
    else out[f] = cfg.per_symbol === "median" ? median(col.subarray(0, n)) : mean(col.subarray(0, n));
  }
  return { values: out, symbols: per.length };
}

function median(x: Float64Array): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

export interface ConsensusInput {
  name: string;
  weight: number;
  /** Normalized importance per feature (NaN where the method gave none). */
  values: Float64Array;
}

export interface ConsensusRanking {
  /** Weighted mean of the normalized importances, per feature, in [0, 1]. */
  score: Float64Array;
  /** Feature indices, best first (ties by name). */
  order: Int32Array;
  /** 1-based rank per feature. */
  rank: Int32Array;
}

/**
 * Weighted average per feature over the methods with weight > 0 that scored it (a method that
 * skipped a feature neither helps nor hurts it); 0 when none did.
 */
export function consensusRanking(features: readonly string[], methods: readonly ConsensusInput[]): ConsensusRanking {
  const F = features.length;
  const score = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let sw = 0;
    let s = 0;
    for (const m of methods) {
      const x = m.values[f];
      if (!(m.weight > 0) || !(x === x)) continue;
      sw += m.weight;
      s += m.weight * x;
    }
    score[f] = sw > 0 ? s / sw : 0;
  }
  const idx = Array.from({ length: F }, (_, f) => f);
  idx.sort((a, b) => score[b] - score[a] || (features[a] < features[b] ? -1 : features[a] > features[b] ? 1 : 0));
  const order = Int32Array.from(idx);
  const rank = new Int32Array(F);
  for (let r = 0; r < F; r++) rank[order[r]] = r + 1;
  return { score, order, rank };
}
