/**
 * Past-only volatility for volatility-scaled targets and triple-barrier widths: the sample standard
 * deviation of the last `window` one-bar log returns ending at bar t (bars t-window..t are read),
 * so the scale is known at decision time and never borrows from the label window. Missing returns
 * are skipped; at least max(2, ceil(window / 2)) are required, else NaN.
 */
export function rollingVolatility(logRet: ArrayLike<number>, T: number, S: number, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 2) throw new Error(`rollingVolatility: window must be a whole number >= 2, got ${window}`);
  const minCount = Math.max(2, Math.ceil(window / 2));
  const out = new Float64Array(T * S).fill(NaN);
  for (let s = 0; s < S; s++) {
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < T; t++) {
      const r = logRet[t * S + s];
      if (r === r) {
        n++;
        sum += r;
        sumSq += r * r;
      }
      if (t >= window) {
        const old = logRet[(t - window) * S + s];
        if (old === old) {
          n--;
          sum -= old;
          sumSq -= old * old;
        }
      }
      if (n >= minCount) {
        const v = (sumSq - (sum * sum) / n) / (n - 1);
        out[t * S + s] = Math.sqrt(v > 0 ? v : 0);
      }
    }
  }
  return out;
}
