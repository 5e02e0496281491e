import { isPrice } from "./returns.js";

/**
 * Zigzag pivots on closes with a percentage reversal threshold theta. A peak is confirmed when
 * the close falls to peak * (1 - theta) or below before any higher close; a valley when it rises
 * to valley * (1 + theta) or above before any lower close. The state machine runs forward over a
 * symbol's closes (missing bars skipped), so whether bar t is the current candidate pivot depends
 * on bars <= t, and its confirmation on the bars after it.
 *
 * As an indicator the zigzag REPAINTS: its last leg moves as new bars arrive, and a pivot is only
 * known once confirmed. As a label it is legitimate, provided its window is bounded: the label at
 * t is 1 only when t is a pivot confirmed within `horizon` bars, so it reads bars t+1..t+horizon
 * and nothing later, and purging by that horizon is exact. Rows whose window runs past the data
 * (or where the symbol has no close at t or t + horizon) are NaN.
 */
export function zigzagPivotLabels(close: ArrayLike<number>, T: number, S: number, threshold: number, horizon: number, pivot: "peak" | "valley"): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  const confirmedAt = new Int32Array(T);
  const isPeak = pivot === "peak";
  for (let s = 0; s < S; s++) {
    confirmedAt.fill(-1);
    // state 0: no direction yet (tracking both extremes since the start); 1: rising, tracking a
    // candidate peak; -1: falling, tracking a candidate valley
    let state = 0;
    let hiT = -1;
    let hiV = -Infinity;
    let loT = -1;
    let loV = Infinity;
    for (let t = 0; t < T; t++) {
      const c = close[t * S + s];
      if (!isPrice(c)) continue;
      if (state === 0) {
        if (c > hiV) {
          hiV = c;
          hiT = t;
        }
        if (c < loV) {
          loV = c;
          loT = t;
        }
        if (c <= hiV * (1 - threshold)) {
          if (isPeak) confirmedAt[hiT] = t;
          state = -1;
          loV = c;
          loT = t;
        } else if (c >= loV * (1 + threshold)) {
          if (!isPeak) confirmedAt[loT] = t;
          state = 1;
          hiV = c;
          hiT = t;
        }
      } else if (state === 1) {
        if (c > hiV) {
          hiV = c;
          hiT = t;
        } else if (c <= hiV * (1 - threshold)) {
          if (isPeak) confirmedAt[hiT] = t;
          state = -1;
          loV = c;
          loT = t;
        }
      } else {
        if (c < loV) {
          loV = c;
          loT = t;
        } else if (c >= loV * (1 + threshold)) {
          if (!isPeak) confirmedAt[loT] = t;
          state = 1;
          hiV = c;
          hiT = t;
        }
      }
    }
    for (let t = 0; t + horizon <= T - 1; t++) {
      if (!isPrice(close[t * S + s]) || !isPrice(close[(t + horizon) * S + s])) continue;
      const at = confirmedAt[t];
      out[t * S + s] = at >= 0 && at - t <= horizon ? 1 : 0;
    }
  }
  return out;
}
