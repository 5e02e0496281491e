import { isPrice } from "./returns.js";

/**
 * The market a symbol's return is measured against. With a market proxy symbol (e.g. SPY, set by
 * pipeline.features.market_proxy or the target's `market`) the market is that symbol's close. Without
 * one it is the equal-weighted index of all symbols, rebalanced every bar: its one-bar return is
 * the mean simple return of the symbols that have one, and its h-bar return compounds those. That
 * differs from the cross-sectional mean of h-bar returns (fwd_excess), which only averages the
 * symbols whose whole window exists.
 */
export interface Market {
  /** One-bar log returns of the market, length T (NaN where undefined). */
  readonly logRet: Float64Array;
  /** Simple market return from the close of bar a to the close of bar b (a < b), NaN when undefined. */
  returnBetween(a: number, b: number): number;
}

export function proxyMarket(close: ArrayLike<number>, T: number, S: number, proxy: number): Market {
  const level = new Float64Array(T);
  for (let t = 0; t < T; t++) level[t] = close[t * S + proxy];
  const logRet = new Float64Array(T).fill(NaN);
  for (let t = 1; t < T; t++) if (isPrice(level[t - 1]) && isPrice(level[t])) logRet[t] = Math.log(level[t] / level[t - 1]);
  return {
    logRet,
    returnBetween: (a, b) => (isPrice(level[a]) && isPrice(level[b]) ? level[b] / level[a] - 1 : NaN),
  };
}

export function equalWeightMarket(close: ArrayLike<number>, T: number, S: number): Market {
  const logRet = new Float64Array(T).fill(NaN);
  // prefix sums of log(1 + m_t) and of undefined steps, so any window compounds in O(1)
  const cum = new Float64Array(T);
  const gaps = new Int32Array(T);
  for (let t = 1; t < T; t++) {
    let n = 0;
    let sum = 0;
    for (let s = 0; s < S; s++) {
      const a = close[(t - 1) * S + s];
      const b = close[t * S + s];
      if (isPrice(a) && isPrice(b)) {
        sum += b / a - 1;
        n++;
      }
    }
    const m = n > 0 ? Math.log1p(sum / n) : NaN;
    logRet[t] = m;
    cum[t] = cum[t - 1] + (m === m ? m : 0);
    gaps[t] = gaps[t - 1] + (m === m ? 0 : 1);
  }
  return {
    logRet,
    returnBetween: (a, b) => (gaps[b] - gaps[a] > 0 ? NaN : Math.expm1(cum[b] - cum[a])),
  };
}
