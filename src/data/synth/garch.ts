import type { Rng } from "../../util/random.js";

/**
 * GARCH(1,1) with Student-t shocks: h[u+1] = omega + alpha * h[u] * e[u]^2 + beta * h[u], with e
 * of unit variance, so the long-run variance is omega / (1 - alpha - beta). Variances are kept in
 * "per day" units; a bar's return variance is h times the bar's share of the day.
 */
export interface GarchParams {
  alpha: number;
  beta: number;
}

/**
 * The configured parameters describe daily persistence. With n bars a day, per-bar parameters keep
 * a shock's effect on variance decaying at the same speed per day: persistence p = alpha + beta
 * becomes p^(1/n), and alpha shrinks in proportion to (1 - p), so variance persists across days
 * instead of within minutes.
 */
export function perBarGarch(daily: GarchParams, barsPerDay: number): GarchParams {
  if (barsPerDay <= 1) return { ...daily };
  const p = daily.alpha + daily.beta;
  const pBar = Math.pow(p, 1 / barsPerDay);
  const alpha = p < 1 ? (daily.alpha * (1 - pBar)) / (1 - p) : daily.alpha / barsPerDay;
  return { alpha, beta: pBar - alpha };
}

/** Above this many degrees of freedom the t shock is indistinguishable from normal; use the cheaper draw. */
const NORMAL_DF = 200;

export function drawShock(rng: Rng, df: number): number {
  return df >= NORMAL_DF ? rng.normal() : rng.standardT(df);
}

/**
 * Fills `shock[i]` (unit-variance t draws) and `variance[i]` (conditional variance per day before
 * the shock) for i in [0, n), starting at the long-run variance. `variance` has length n + 1: its
 * last entry is the forecast for the bar after the series.
 */
export function garchPath(rng: Rng, n: number, longRunVar: number, g: GarchParams, df: number, shock: Float64Array, variance: Float64Array): void {
  const omega = longRunVar * (1 - g.alpha - g.beta);
  let h = longRunVar;
  for (let i = 0; i < n; i++) {
    const e = drawShock(rng, df);
    variance[i] = h;
    shock[i] = e;
    h = omega + g.alpha * h * e * e + g.beta * h;
  }
  variance[n] = h;
}

/** E[h[u+k] | h[u+1]] - longRun = persistence^(k-1) * (h[u+1] - longRun): the variance forecast's decay. */
export function persistence(g: GarchParams): number {
  return g.alpha + g.beta;
}
