/**
 * The series the pre-scan compares: a feature as it is and as two transformations that expose
 * leaks hidden in a level (a future price looks like any price until it is read as a return), and
 * the past quantities a genuine feature is expected to relate to (the realized past returns and
 * the lagged target). Every shift moves values along one symbol's own column of the time-major
 * grid, never from one symbol into another.
 */
import { Rng } from "../util/random.js";

/** The scanned part of the panel: all timestamps, a (seeded) subset of symbols. */
export interface ScanFrame {
  readonly T: number;
  /** Number of scanned symbols. */
  readonly S: number;
  /** Panel column of each scanned symbol, ascending. */
  readonly cols: Int32Array;
  /** Panel width (symbols in the panel). */
  readonly panelS: number;
}

/** All symbols, or a seeded subset of them when the panel has more than `maxCells` cells. */
export function scanFrame(T: number, panelS: number, maxCells: number, seed: number): ScanFrame {
  const keep = Math.max(Math.min(panelS, 20), Math.floor(maxCells / Math.max(1, T)));
  let cols: Int32Array;
  if (keep >= panelS) {
    cols = new Int32Array(panelS);
    for (let s = 0; s < panelS; s++) cols[s] = s;
  } else {
    cols = new Rng(seed).fork("leakage:scan-symbols").permutation(panelS).slice(0, keep).sort();
  }
  return { T, S: cols.length, cols, panelS };
}

/** A panel grid restricted to the scanned symbols, as Float64. */
export function extract(grid: ArrayLike<number>, f: ScanFrame): Float64Array {
  const { T, S, cols, panelS } = f;
  const out = new Float64Array(T * S);
  for (let t = 0; t < T; t++) {
    const src = t * panelS;
    const dst = t * S;
    for (let j = 0; j < S; j++) out[dst + j] = grid[src + cols[j]];
  }
  return out;
}

/**
 * out[t, s] = v[t - k, s]: the series k rows later (k > 0, a lag: the value known k bars ago) or
 * earlier (k < 0, a lead). Rows shifted in from outside the panel are NaN. Per symbol column only.
 */
export function shiftWithinSymbols(v: Float64Array, T: number, S: number, k: number): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  for (let t = 0; t < T; t++) {
    const from = t - k;
    if (from < 0 || from >= T) continue;
    out.set(v.subarray(from * S, from * S + S), t * S);
  }
  return out;
}

/** v[t, s] - v[t - 1, s]: the change from the previous row of the same symbol (NaN when either is missing). */
export function changeWithinSymbols(v: Float64Array, T: number, S: number): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  for (let i = S; i < T * S; i++) out[i] = v[i] - v[i - S];
  return out;
}

/** log(x / close) where both are positive. */
export function logRatio(x: Float64Array, close: Float64Array): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const c = close[i];
    if (a > 0 && c > 0 && a < Infinity && c < Infinity) out[i] = Math.log(a / c);
  }
  return out;
}

/**
 * True when `x` behaves like a price of the same instrument: positive and within a factor of two
 * of the bar's close on at least 95% of the cells where both exist (and there are enough of them).
 * Moving averages, VWAPs, highs and lows do; returns, ratios and oscillators do not.
 */
export function isPriceLike(x: Float64Array, close: Float64Array): boolean {
  let n = 0;
  let near = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const c = close[i];
    if (!(a === a) || !(c > 0)) continue;
    n++;
    if (a > 0 && a <= 2 * c && 2 * a >= c) near++;
  }
  return n >= 100 && near >= 0.95 * n;
}

/** log(close[t] / close[t - k]) per symbol: the return realized over the k bars ending at t. */
export function pastLogReturn(close: Float64Array, T: number, S: number, k: number): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  for (let i = k * S; i < T * S; i++) {
    const a = close[i - k * S];
    const b = close[i];
    if (a > 0 && b > 0 && a < Infinity && b < Infinity) out[i] = Math.log(b / a);
  }
  return out;
}

export type ViewKind = "level" | "change" | "relative_to_close";

export const VIEW_TEXT: Record<ViewKind, string> = {
  level: "as is",
  change: "as its change from the previous bar",
  relative_to_close: "as log(feature / close), a price read as a return",
};
