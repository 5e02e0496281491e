import { sharpeReport, type SharpeReport } from "./sharpe.js";

/**
 * The long-short quantile portfolio of a prediction: at each timestamp, equal-weight long the
 * symbols in the top quantile of predictions and short the bottom quantile; its return is the mean
 * realized forward return of the top leg minus that of the bottom leg. This is the economic view
 * of a cross-sectional signal that IC summarizes statistically.
 */

export interface LongShortOptions {
  /** Share of the valid symbols in each leg, in (0, 0.5]; default 0.2 (quintiles). */
  quantile?: number;
  /** Fewest symbols with a finite prediction and return for a timestamp to count; default 5. */
  minSymbols?: number;
  /**
   * Use every `step`-th timestamp only (others NaN). With an h-bar forward return, step = h makes
   * the holding periods non-overlapping; overlapping returns overstate the Sharpe ratio's precision.
   */
  step?: number;
  /** First timestamp of the sampling grid when step > 1; default 0. */
  offset?: number;
}

/**
 * Per-timestamp long-short returns on time-major grids (index t * S + s). NaN where the timestamp
 * is skipped or has fewer than `minSymbols` valid symbols. Each leg holds floor(n * quantile)
 * symbols (at least one); ties in the prediction are broken by symbol order, deterministically.
 */
export function longShortSeries(pred: ArrayLike<number>, fwdReturn: ArrayLike<number>, T: number, S: number, opts: LongShortOptions = {}): Float64Array {
  if (pred.length !== T * S || fwdReturn.length !== T * S) {
    throw new Error(`longShortSeries: grids must have T*S = ${T * S} values (pred ${pred.length}, returns ${fwdReturn.length})`);
  }
  const q = opts.quantile ?? 0.2;
  if (!(q > 0 && q <= 0.5)) throw new Error(`longShortSeries: quantile must be in (0, 0.5], got ${q}`);
  const minSymbols = Math.max(2, opts.minSymbols ?? 5);
  const step = opts.step ?? 1;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(step) || step < 1) throw new Error(`longShortSeries: step must be a positive integer, got ${step}`);
  const p = new Float64Array(S);
  const r = new Float64Array(S);
  const order = new Int32Array(S);
  const out = new Float64Array(T).fill(NaN);
  for (let t = offset; t < T; t += step) {
    let n = 0;
    const base = t * S;
    for (let s = 0; s < S; s++) {
      const pv = pred[base + s];
      const rv = fwdReturn[base + s];
      if (Number.isFinite(pv) && Number.isFinite(rv)) {
        p[n] = pv;
        r[n] = rv;
        order[n] = n;
        n++;
      }
    }
    if (n < minSymbols) continue;
    const k = Math.max(1, Math.floor(n * q));
    if (2 * k > n) continue;
    const view = order.subarray(0, n);
    view.sort((a, b) => p[a] - p[b] || a - b);
    let low = 0;
    let high = 0;
    for (let i = 0; i < k; i++) {
      low += r[view[i]];
      high += r[view[n - 1 - i]];
    }
    out[t] = (high - low) / k;
  }
  return out;
}

export interface LongShortReport {
  /** Per-timestamp long-short returns (NaN where skipped). */
  series: Float64Array;
  sharpe: SharpeReport;
}

/**
 * Long-short portfolio and its Sharpe statistics. `barsPerYear` annualizes; with step > 1 one
 * period spans `step` bars, so the annualization uses barsPerYear / step periods.
 */
export function longShortReport(
  pred: ArrayLike<number>,
  fwdReturn: ArrayLike<number>,
  T: number,
  S: number,
  opts: LongShortOptions & { barsPerYear: number; trials?: { nTrials: number; trialSharpeVariance: number } },
): LongShortReport {
  const series = longShortSeries(pred, fwdReturn, T, S, opts);
  const periodsPerYear = opts.barsPerYear / (opts.step ?? 1);
  return { series, sharpe: sharpeReport(series, periodsPerYear, opts.trials) };
}
