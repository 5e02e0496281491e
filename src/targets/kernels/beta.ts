/**
 * Rolling beta of each symbol to the market, from past data only: the OLS slope of the symbol's
 * one-bar log returns on the market's over the `window` bars ending at t (bars t-window..t are
 * read). A beta-adjusted excess label at t then subtracts beta_t times the market's forward return:
 * the label uses the future, as every label does, but the hedge ratio is the one a trader could
 * have estimated at t, so nothing downstream learns from a beta fitted on the test period.
 * Needs max(3, ceil(window / 2)) pairs and a non-constant market, else NaN.
 */
export function rollingBeta(logRet: ArrayLike<number>, marketLogRet: ArrayLike<number>, T: number, S: number, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 3) throw new Error(`rollingBeta: window must be a whole number >= 3, got ${window}`);
  const minCount = Math.max(3, Math.ceil(window / 2));
  const out = new Float64Array(T * S).fill(NaN);
  for (let s = 0; s < S; s++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let t = 0; t < T; t++) {
      const x = marketLogRet[t];
      const y = logRet[t * S + s];
      if (x === x && y === y) {
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
      if (t >= window) {
        const u = t - window;
        const xo = marketLogRet[u];
        const yo = logRet[u * S + s];
        if (xo === xo && yo === yo) {
          n--;
          sx -= xo;
          sy -= yo;
          sxx -= xo * xo;
          sxy -= xo * yo;
        }
      }
      if (n >= minCount) {
        const varX = sxx - (sx * sx) / n;
        // relative guard: a market with (numerically) no variation has no beta
        if (varX > 1e-14 * (sxx + 1e-300)) out[t * S + s] = (sxy - (sx * sy) / n) / varX;
      }
    }
  }
  return out;
}
