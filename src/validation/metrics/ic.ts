import { CorrelationScratch, pearsonN, spearmanScratch } from "./correlation.js";

/**
 * Information coefficient: the cross-sectional correlation between predictions and realized
 * targets at each timestamp, then summarized over time. Pearson gives the IC, Spearman (average
 * ranks for ties) the Rank IC. Timestamps with too few symbols give NaN and are left out of the
 * summary, so a thin cross-section cannot produce a spurious +-1.
 */

export type CorrelationMethod = "pearson" | "spearman";

export interface ICOptions {
  method?: CorrelationMethod;
  /** Minimum number of symbols with both a finite prediction and target; default 5. */
  minObs?: number;
}

const DEFAULT_MIN_OBS = 5;

/**
 * IC per timestamp on time-major grids (index t * S + s). Returns a length-T series, NaN where
 * fewer than `minObs` symbols have both values or either side is constant across symbols.
 */
export function icSeries(pred: ArrayLike<number>, target: ArrayLike<number>, T: number, S: number, opts: ICOptions = {}): Float64Array {
  if (pred.length !== T * S || target.length !== T * S) {
    throw new Error(`icSeries: grids must have T*S = ${T * S} values (pred ${pred.length}, target ${target.length})`);
  }
  const method = opts.method ?? "pearson";
  const minObs = Math.max(2, opts.minObs ?? DEFAULT_MIN_OBS);
  const scratch = new CorrelationScratch(S);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let n = 0;
    const base = t * S;
    for (let s = 0; s < S; s++) {
      const p = pred[base + s];
      const y = target[base + s];
      if (Number.isFinite(p) && Number.isFinite(y)) {
        scratch.x[n] = p;
        scratch.y[n] = y;
        n++;
      }
    }
    out[t] = n < minObs ? NaN : method === "pearson" ? pearsonN(scratch.x, scratch.y, n) : spearmanScratch(scratch, n);
  }
  return out;
}

/**
 * IC per timestamp for a row-oriented dataset: `rowTimes[i]` is row i's time index and must be
 * non-decreasing (rows of one timestamp contiguous, as a Dataset built time-major has them).
 * Returns the distinct times and their IC.
 */
export function icSeriesByTime(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  rowTimes: ArrayLike<number>,
  opts: ICOptions = {},
): { times: Int32Array; ic: Float64Array } {
  const n = rowTimes.length;
  if (pred.length !== n || target.length !== n) {
    throw new Error(`icSeriesByTime: pred (${pred.length}), target (${target.length}) and rowTimes (${n}) differ in length`);
  }
  const method = opts.method ?? "pearson";
  const minObs = Math.max(2, opts.minObs ?? DEFAULT_MIN_OBS);
  let groups = 0;
  let maxGroup = 0;
  for (let i = 0, start = 0; i <= n; i++) {
    if (i > 0 && i < n && rowTimes[i] < rowTimes[i - 1]) {
      throw new Error(`icSeriesByTime: rowTimes must be non-decreasing (row ${i}: ${rowTimes[i]} after ${rowTimes[i - 1]})`);
    }
    if (i === n || (i > 0 && rowTimes[i] !== rowTimes[i - 1])) {
      if (i > start) {
        groups++;
        maxGroup = Math.max(maxGroup, i - start);
      }
      start = i;
    }
  }
  const times = new Int32Array(groups);
  const ic = new Float64Array(groups);
  const scratch = new CorrelationScratch(maxGroup);
  let g = 0;
  let i = 0;
  while (i < n) {
    const t = rowTimes[i];
    let m = 0;
    for (; i < n && rowTimes[i] === t; i++) {
      const p = pred[i];
      const y = target[i];
      if (Number.isFinite(p) && Number.isFinite(y)) {
        scratch.x[m] = p;
        scratch.y[m] = y;
        m++;
      }
    }
    times[g] = t;
    ic[g] = m < minObs ? NaN : method === "pearson" ? pearsonN(scratch.x, scratch.y, m) : spearmanScratch(scratch, m);
    g++;
  }
  return { times, ic };
}

/** Summary of a per-period series (IC, returns...) over its finite values. */
export interface SeriesSummary {
  /** Finite values used. */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  std: number;
  /** mean / std: the information ratio of the series, per period (not annualized). */
  ir: number;
  /** mean / std * sqrt(n): the t-statistic of the mean against zero. */
  tStat: number;
  /** Share of finite values above zero. */
  positiveShare: number;
}

export function summarizeSeries(x: ArrayLike<number>): SeriesSummary {
  let n = 0;
  let sum = 0;
  let pos = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) {
      n++;
      sum += v;
      if (v > 0) pos++;
    }
  }
  if (n === 0) return { n: 0, mean: NaN, std: NaN, ir: NaN, tStat: NaN, positiveShare: NaN };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const std = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const ir = std > 0 ? mean / std : NaN;
  return { n, mean, std, ir, tStat: ir * Math.sqrt(n), positiveShare: pos / n };
}

/** IC and Rank IC with their summaries, the usual factor-evaluation table row. */
export interface ICReport {
  ic: SeriesSummary;
  rankIc: SeriesSummary;
}

export function icReport(pred: ArrayLike<number>, target: ArrayLike<number>, T: number, S: number, minObs?: number): ICReport {
  return {
    ic: summarizeSeries(icSeries(pred, target, T, S, { method: "pearson", minObs })),
    rankIc: summarizeSeries(icSeries(pred, target, T, S, { method: "spearman", minObs })),
  };
}
