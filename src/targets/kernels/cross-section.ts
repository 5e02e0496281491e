import { averageRanksInto } from "../../validation/metrics/ranks.js";

/**
 * Per-timestamp transforms across symbols, applied in place on a time-major grid. Only finite
 * values take part; a timestamp with fewer than `minCount` of them becomes all NaN, because a
 * "relative to the others" label is meaningless without others.
 */

/** Subtracts the cross-sectional mean at each timestamp. */
export function demeanCrossSection(grid: Float64Array, T: number, S: number, minCount = 2): void {
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const v = grid[row + s];
      if (v === v) {
        n++;
        sum += v;
      }
    }
    if (n < minCount) {
      for (let s = 0; s < S; s++) grid[row + s] = NaN;
      continue;
    }
    const mean = sum / n;
    for (let s = 0; s < S; s++) grid[row + s] -= mean;
  }
}

/**
 * Replaces each value by its cross-sectional quantile bucket 0..K-1 (0 = lowest). With n finite
 * values and average ranks r (1..n, ties share one), bucket = floor(K (r - 1/2) / n): equal-sized
 * buckets when n is a multiple of K, and tied values always in the same bucket. Timestamps with
 * fewer than K values become NaN.
 */
export function quantileBucketsCrossSection(grid: Float64Array, T: number, S: number, K: number): void {
  const vals = new Float64Array(S);
  const pos = new Int32Array(S);
  const ranks = new Float64Array(S);
  const order = new Int32Array(S);
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    for (let s = 0; s < S; s++) {
      const v = grid[row + s];
      if (v === v) {
        vals[n] = v;
        pos[n] = s;
        n++;
      }
    }
    if (n < K) {
      for (let s = 0; s < S; s++) grid[row + s] = NaN;
      continue;
    }
    averageRanksInto(vals, n, order, ranks);
    for (let i = 0; i < n; i++) grid[row + pos[i]] = Math.min(K - 1, Math.floor((K * (ranks[i] - 0.5)) / n));
  }
}

/** 1 where the value is > 0, 0 where <= 0, NaN stays NaN. A zero return counts as "not up". */
export function signInPlace(grid: Float64Array): void {
  for (let i = 0; i < grid.length; i++) {
    const v = grid[i];
    if (v === v) grid[i] = v > 0 ? 1 : 0;
  }
}
