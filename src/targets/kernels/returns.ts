/**
 * Forward returns on time-major grids (index t * S + s). The label of row t is measured from the
 * entry close at e = t + lag (lag = execution lag, 0 by default) to the close h bars later, so it
 * reads bars t+1..t+lag+h only. A row is NaN when the symbol has no close at t (no decision is
 * possible), at the entry or at the exit, including every row whose window runs past the panel.
 */

/** Usable price: finite and positive (a zero or negative close cannot anchor a return). */
export function isPrice(v: number): boolean {
  return v > 0 && v < Infinity;
}

export function forwardReturns(close: ArrayLike<number>, T: number, S: number, horizon: number, lag: number, log: boolean): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  const last = T - 1 - lag - horizon;
  for (let t = 0; t <= last; t++) {
    const row = t * S;
    const entryRow = (t + lag) * S;
    const exitRow = (t + lag + horizon) * S;
    for (let s = 0; s < S; s++) {
      const c0 = close[entryRow + s];
      const c1 = close[exitRow + s];
      if (!isPrice(close[row + s]) || !isPrice(c0) || !isPrice(c1)) continue;
      out[row + s] = log ? Math.log(c1 / c0) : c1 / c0 - 1;
    }
  }
  return out;
}

/**
 * One-bar log returns r[t] = log(close[t] / close[t-1]): the return realized by bar t, known at
 * its close. NaN at t = 0 and wherever either close is missing.
 */
export function oneBarLogReturns(close: ArrayLike<number>, T: number, S: number): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  for (let t = 1; t < T; t++) {
    const row = t * S;
    const prev = row - S;
    for (let s = 0; s < S; s++) {
      const a = close[prev + s];
      const b = close[row + s];
      if (isPrice(a) && isPrice(b)) out[row + s] = Math.log(b / a);
    }
  }
  return out;
}
