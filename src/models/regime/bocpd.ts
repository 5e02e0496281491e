/**
 * Bayesian online change-point detection (Adams & MacKay, 2007) with a constant hazard and a
 * Normal-Gamma prior on each segment's mean and precision, so a change in either the level or the
 * volatility of a series shows up. Run length r after observing x_t = bars in the current segment
 * before x_t (r = 0: x_t starts a new segment); each segment's predictive is a Student t.
 *
 * `windowFeatures` runs the recursion from scratch over one window of bars ending at t: the
 * features of bar t read only bars t - window + 1 .. t, so they are causal and the same whether
 * computed over a whole history or from a live window (as a truncated EWM is).
 */
import { logGamma } from "../../selection/methods/univariate.js";

export interface BocpdOptions {
  /** Prior probability of a change at each bar (1 / expected run length). */
  hazard: number;
  mu0: number;
  kappa0: number;
  alpha0: number;
  beta0: number;
  /** A change is "recent" when the run length is below this many bars. */
  changeWindow: number;
}

/** Features per series, in this order. */
export const CP_FEATURES = ["run_length", "change_prob", "segment_mean", "segment_vol"] as const;

/** Reusable buffers for windows of up to `maxLen` values. */
export class BocpdScratch {
  readonly R: Float64Array;
  readonly next: Float64Array;
  readonly mu: Float64Array;
  readonly kappa: Float64Array;
  readonly beta: Float64Array;
  /** Gamma(alpha_r + 1/2) / Gamma(alpha_r) for alpha_r = alpha0 + (r + 1) / 2 (run r holds r + 1 values). */
  readonly gammaRatio: Float64Array;
  readonly priorGammaRatio: number;

  constructor(
    readonly maxLen: number,
    readonly o: BocpdOptions,
  ) {
    this.R = new Float64Array(maxLen + 1);
    this.next = new Float64Array(maxLen + 1);
    this.mu = new Float64Array(maxLen + 1);
    this.kappa = new Float64Array(maxLen + 1);
    this.beta = new Float64Array(maxLen + 1);
    this.gammaRatio = new Float64Array(maxLen + 1);
    for (let r = 0; r <= maxLen; r++) {
      const a = o.alpha0 + (r + 1) / 2;
      this.gammaRatio[r] = Math.exp(logGamma(a + 0.5) - logGamma(a));
    }
    this.priorGammaRatio = Math.exp(logGamma(o.alpha0 + 0.5) - logGamma(o.alpha0));
  }
}

/**
 * Student-t predictive density of x under Normal-Gamma(mu, kappa, alpha, beta) (nu = 2 alpha,
 * scale^2 = beta (kappa + 1) / (alpha kappa)); `gammaRatio` = Gamma(alpha + 1/2) / Gamma(alpha).
 */
function predictive(x: number, mu: number, kappa: number, alpha: number, beta: number, gammaRatio: number): number {
  const s2 = (2 * beta * (kappa + 1)) / kappa;
  const e = x - mu;
  // exp(log1p) rather than Math.pow: several times faster in V8, and this is the inner loop.
  return (gammaRatio / Math.sqrt(Math.PI * s2)) * Math.exp(-(alpha + 0.5) * Math.log1p((e * e) / s2));
}

/**
 * Runs the recursion over x[start, end) (NaN values skipped) and writes the CP_FEATURES after the
 * last value into out[o .. o + 4): expected run length as a share of the values seen, probability
 * that the current segment began within the last `changeWindow` values, and the segment's mean and
 * standard deviation (posterior means, mixed over run lengths). NaN when the window holds no value.
 */
export function windowFeatures(x: ArrayLike<number>, start: number, end: number, sc: BocpdScratch, out: Float64Array, o: number): void {
  const len = runLengthPosterior(x, start, end, sc);
  const { alpha0, changeWindow } = sc.o;
  const { R, mu, beta } = sc;
  if (len === 0) {
    out[o] = out[o + 1] = out[o + 2] = out[o + 3] = NaN;
    return;
  }
  let er = 0;
  let recent = 0;
  let m = 0;
  let sd = 0;
  for (let r = 0; r < len; r++) {
    er += R[r] * r;
    if (r < changeWindow) recent += R[r];
    m += R[r] * mu[r];
    const a = alpha0 + (r + 1) / 2;
    sd += R[r] * Math.sqrt(beta[r] / a);
  }
  out[o] = len > 1 ? er / (len - 1) : 0;
  out[o + 1] = recent;
  out[o + 2] = m;
  out[o + 3] = sd;
}

/**
 * The recursion over x[start, end) (NaN skipped): afterwards sc.R[0 .. len) holds the posterior of
 * the run length after the last value, and sc.mu / kappa / beta each run's statistics. Returns len
 * (0 when the window holds no value).
 */
export function runLengthPosterior(x: ArrayLike<number>, start: number, end: number, sc: BocpdScratch): number {
  const { hazard: h, mu0, kappa0, alpha0, beta0 } = sc.o;
  const { R, next, mu, kappa, beta, gammaRatio } = sc;
  let len = 0; // number of run lengths held: 0 .. len - 1
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v !== v) continue;
    if (len === 0) {
      R[0] = 1;
      kappa[0] = kappa0 + 1;
      mu[0] = (kappa0 * mu0 + v) / kappa[0];
      beta[0] = beta0 + (kappa0 * (v - mu0) ** 2) / (2 * kappa[0]);
      len = 1;
      continue;
    }
    // Growth: every run length r -> r + 1 (no change), weighted by its predictive of v.
    let total = 0;
    for (let r = len - 1; r >= 0; r--) {
      const a = alpha0 + (r + 1) / 2;
      const p = R[r] * predictive(v, mu[r], kappa[r], a, beta[r], gammaRatio[r]) * (1 - h);
      next[r + 1] = p;
      total += p;
    }
    // Change: v starts a new segment, predicted by the prior.
    const cp = h * predictive(v, mu0, kappa0, alpha0, beta0, sc.priorGammaRatio);
    next[0] = cp;
    total += cp;
    const cap = Math.min(len + 1, sc.maxLen);
    if (len + 1 > sc.maxLen) total -= next[len]; // the longest run falls off a capped window
    // Sufficient statistics after v, from the longest run down so nothing is overwritten early.
    for (let r = cap - 1; r >= 1; r--) {
      const k = kappa[r - 1];
      const m = mu[r - 1];
      kappa[r] = k + 1;
      mu[r] = (k * m + v) / (k + 1);
      beta[r] = beta[r - 1] + (k * (v - m) ** 2) / (2 * (k + 1));
    }
    kappa[0] = kappa0 + 1;
    mu[0] = (kappa0 * mu0 + v) / kappa[0];
    beta[0] = beta0 + (kappa0 * (v - mu0) ** 2) / (2 * kappa[0]);
    const inv = total > 0 ? 1 / total : 0;
    for (let r = 0; r < cap; r++) R[r] = next[r] * inv;
    len = cap;
  }
  return len;
}
