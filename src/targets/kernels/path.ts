import { isPrice } from "./returns.js";

/**
 * Path-dependent labels: what happens between entry and exit, not only at the exit. The entry is
 * the close at e = t + lag; the path is bars e+1..e+h. With `highLow`, a bar's high and low (where
 * present, else its close) are the extremes it reached; otherwise only closes count. Bars missing
 * inside the path are skipped, but the symbol must have a close at t, at the entry and at the exit
 * (the window is complete), else the row is NaN.
 */
export interface PathInputs {
  close: ArrayLike<number>;
  high?: ArrayLike<number>;
  low?: ArrayLike<number>;
  T: number;
  S: number;
  horizon: number;
  lag: number;
}

/** Whether row (t, s) has a complete window, i.e. prices at t, at the entry and at the exit. */
export function windowComplete(p: PathInputs, t: number, s: number): boolean {
  const { close, S, T, horizon, lag } = p;
  if (t + lag + horizon > T - 1) return false;
  return isPrice(close[t * S + s]) && isPrice(close[(t + lag) * S + s]) && isPrice(close[(t + lag + horizon) * S + s]);
}

function barHigh(p: PathInputs, i: number): number {
  const h = p.high ? p.high[i] : NaN;
  return isPrice(h) ? h : p.close[i];
}

function barLow(p: PathInputs, i: number): number {
  const l = p.low ? p.low[i] : NaN;
  return isPrice(l) ? l : p.close[i];
}

/** Triple-barrier classes: class indices, as classifiers consume them. */
export const TB_STOP_LOSS = 0;
export const TB_TIME_OUT = 1;
export const TB_PROFIT_TAKE = 2;

export interface TripleBarrierResult {
  /** Class index: 0 stop-loss, 1 time-out, 2 profit-take. */
  label: Float64Array;
  /** Bars after the entry at which the first barrier was touched (h on time-out). */
  touchBars: Float64Array;
  /** Log return at the touch: the barrier level when touched by a high/low, else the close. */
  touchReturn: Float64Array;
  /** -1 stop-loss, 0 time-out, +1 profit-take. */
  side: Float64Array;
}

/**
 * Triple-barrier labels (Lopez de Prado, AFML ch. 3). Barriers are symmetric in log-return space
 * around the entry: +profitTake * width and -stopLoss * width, width = vol[t] * sqrt(h), with vol
 * the past-only one-bar volatility at t (so the barrier is in units of the horizon's expected
 * move). A multiple of 0 removes that barrier. The first barrier touched decides; when a bar's
 * high and low touch both, the stop-loss is assumed first (intrabar order is unknown, and the
 * pessimistic reading keeps labels from flattering a strategy). No touch by the exit: time-out.
 */
export function tripleBarrier(p: PathInputs, vol: ArrayLike<number>, profitTake: number, stopLoss: number, highLow: boolean): TripleBarrierResult {
  const { close, T, S, horizon, lag } = p;
  const n = T * S;
  const label = new Float64Array(n).fill(NaN);
  const touchBars = new Float64Array(n).fill(NaN);
  const touchReturn = new Float64Array(n).fill(NaN);
  const side = new Float64Array(n).fill(NaN);
  const sqrtH = Math.sqrt(horizon);
  for (let t = 0; t + lag + horizon <= T - 1; t++) {
    for (let s = 0; s < S; s++) {
      if (!windowComplete(p, t, s)) continue;
      const sigma = vol[t * S + s];
      if (!(sigma > 0) || sigma === Infinity) continue;
      const width = sigma * sqrtH;
      const up = profitTake > 0 ? profitTake * width : Infinity;
      const down = stopLoss > 0 ? -stopLoss * width : -Infinity;
      const e = t + lag;
      const c0 = close[e * S + s];
      let cls = TB_TIME_OUT;
      let k = horizon;
      let ret = Math.log(close[(e + horizon) * S + s] / c0);
      for (let j = 1; j <= horizon; j++) {
        const i = (e + j) * S + s;
        const c = close[i];
        if (!isPrice(c)) continue;
        const rHi = Math.log((highLow ? barHigh(p, i) : c) / c0);
        const rLo = Math.log((highLow ? barLow(p, i) : c) / c0);
        if (rLo <= down) {
          cls = TB_STOP_LOSS;
          ret = highLow ? down : rLo;
        } else if (rHi >= up) {
          cls = TB_PROFIT_TAKE;
          ret = highLow ? up : rHi;
        } else continue;
        k = j;
        break;
      }
      const o = t * S + s;
      label[o] = cls;
      touchBars[o] = k;
      touchReturn[o] = ret;
      side[o] = cls - 1;
    }
  }
  return { label, touchBars, touchReturn, side };
}

export type ExcursionMeasure = "mfe" | "mae" | "mdd";

/**
 * Excursions over the path, as non-negative fractions of the entry price:
 *  - mfe: maximum favourable excursion, max(0, highest / entry - 1)
 *  - mae: maximum adverse excursion, max(0, 1 - lowest / entry)
 *  - mdd: maximum drawdown, the largest fall from a running peak (starting at the entry) to a
 *    later low. Within one bar the order of high and low is unknown, so a bar's low is measured
 *    against the peak of the bars before it, never against its own high.
 */
export function excursion(p: PathInputs, measure: ExcursionMeasure, highLow: boolean): Float64Array {
  const { close, T, S, horizon, lag } = p;
  const out = new Float64Array(T * S).fill(NaN);
  for (let t = 0; t + lag + horizon <= T - 1; t++) {
    for (let s = 0; s < S; s++) {
      if (!windowComplete(p, t, s)) continue;
      const e = t + lag;
      const c0 = close[e * S + s];
      let best = 0;
      let peak = c0;
      for (let j = 1; j <= horizon; j++) {
        const i = (e + j) * S + s;
        if (!isPrice(close[i])) continue;
        const hi = highLow ? barHigh(p, i) : close[i];
        const lo = highLow ? barLow(p, i) : close[i];
        if (measure === "mfe") best = Math.max(best, hi / c0 - 1);
        else if (measure === "mae") best = Math.max(best, 1 - lo / c0);
        else {
          best = Math.max(best, 1 - lo / peak);
          if (hi > peak) peak = hi;
        }
      }
      out[t * S + s] = best;
    }
  }
  return out;
}
