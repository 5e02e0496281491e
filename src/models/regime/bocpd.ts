/**
 * Bayesian online change-point detection (Adams & MacKay, 2007) with a constant hazard and a
 * Normal-Gamma prior on each segment's mean and precision, so a change in either the level or the
 * volatility of a series shows up. Run length r after observing x_t = values in the current segment
 * before x_t (r = 0: x_t starts a new segment); each segment's predictive is a Student t.
 *
 * The recursion runs from scratch over one window of values ending at the bar of interest: the
 * features of bar t read only bars t - window + 1 .. t, so they are causal and the same whether
 * computed over a whole history or from a live window (as a truncated EWM is).
 *
 * Speed: the predictive density of value u under a segment holding the j values just before it
 * does not depend on where the window starts, so a series computes that table once (T x window
 * transcendental evaluations) and every window's recursion is multiply-adds on it. A lone window
 * fills the same table for its own values, in the same order, so both paths give identical numbers.
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

/** Reusable buffers and constants for windows of up to `maxLen` values. */
export class BocpdScratch {
  readonly R: Float64Array;
  readonly next: Float64Array;
  /** Gamma(alpha_j + 1/2) / Gamma(alpha_j), alpha_j = alpha0 + j / 2 (a segment of j values). */
  readonly gammaRatio: Float64Array;
  /** Per-run statistics of the last window's segments (index r: r + 1 values). */
  readonly mu: Float64Array;
  readonly beta: Float64Array;
  /** Predictive table of a lone window (see fillPredictive). */
  readonly table: Float64Array;

  constructor(
    readonly maxLen: number,
    readonly o: BocpdOptions,
  ) {
    this.R = new Float64Array(maxLen + 1);
    this.next = new Float64Array(maxLen + 1);
    this.mu = new Float64Array(maxLen + 1);
    this.beta = new Float64Array(maxLen + 1);
    this.table = new Float64Array(maxLen * maxLen);
    this.gammaRatio = new Float64Array(maxLen + 1);
    for (let j = 0; j <= maxLen; j++) {
      const a = o.alpha0 + j / 2;
      this.gammaRatio[j] = Math.exp(logGamma(a + 0.5) - logGamma(a));
    }
  }
}

/**
 * Normal-Gamma posterior after n values with sum s and sum of squares q, written to post[0..3] as
 * (mu, kappa, alpha, beta).
 */
function posterior(o: BocpdOptions, n: number, s: number, q: number, post: Float64Array): void {
  const kappa = o.kappa0 + n;
  const mean = n > 0 ? s / n : 0;
  const ss = n > 0 ? Math.max(0, q - s * mean) : 0;
  post[0] = (o.kappa0 * o.mu0 + s) / kappa;
  post[1] = kappa;
  post[2] = o.alpha0 + n / 2;
  post[3] = o.beta0 + 0.5 * ss + (n > 0 ? (o.kappa0 * n * (mean - o.mu0) ** 2) / (2 * kappa) : 0);
}

/**
 * The recursion over the values v[a .. b] (one segment starts at a), reading the predictive table
 * whose row 0 is value `from`; writes the CP_FEATURES after v[b] into out[o .. o + 4): expected run
 * length as a share of the values seen minus one, the probability that the segment began within
 * the last `changeWindow` values, and the segment's mean and standard deviation (posterior means,
 * mixed over run lengths). Leaves the run-length posterior in sc.R[0 .. b - a].
 */
function recurse(v: Float64Array, a: number, b: number, table: Float64Array, from: number, sc: BocpdScratch, out: Float64Array | null, o: number): number {
  const L = sc.maxLen;
  const h = sc.o.hazard;
  const { R, next } = sc;
  R[0] = 1;
  let len = 1;
  for (let u = a + 1; u <= b; u++) {
    const row = (u - from) * L;
    let total = 0;
    for (let r = len - 1; r >= 0; r--) {
      const p = R[r] * table[row + r + 1] * (1 - h);
      next[r + 1] = p;
      total += p;
    }
    const cp = h * table[row];
    next[0] = cp;
    total += cp;
    len++;
    const inv = total > 0 ? 1 / total : 0;
    for (let r = 0; r < len; r++) R[r] = next[r] * inv;
  }
  if (out === null) return len;
  const post = new Float64Array(4);
  let s = 0;
  let q = 0;
  let er = 0;
  let recent = 0;
  let m = 0;
  let sd = 0;
  for (let r = 0; r < len; r++) {
    const w = v[b - r];
    s += w;
    q += w * w;
    posterior(sc.o, r + 1, s, q, post);
    sc.mu[r] = post[0];
    sc.beta[r] = post[3];
    er += R[r] * r;
    if (r < sc.o.changeWindow) recent += R[r];
    m += R[r] * post[0];
    sd += R[r] * Math.sqrt(post[3] / post[2]);
  }
  out[o] = len > 1 ? er / (len - 1) : 0;
  out[o + 1] = recent;
  out[o + 2] = m;
  out[o + 3] = sd;
  return len;
}

/** Non-NaN values of x[start, end) in order, and their positions. */
function compact(x: ArrayLike<number>, start: number, end: number): { v: Float64Array; at: Int32Array } {
  let n = 0;
  for (let i = start; i < end; i++) if (x[i] === x[i]) n++;
  const v = new Float64Array(n);
  const at = new Int32Array(n);
  n = 0;
  for (let i = start; i < end; i++) {
    if (x[i] !== x[i]) continue;
    v[n] = x[i];
    at[n++] = i;
  }
  return { v, at };
}

/**
 * Features after the last value of x[start, end) (NaN skipped; at most sc.maxLen values), into
 * out[o .. o + 4). NaN when the window holds no value.
 */
export function windowFeatures(x: ArrayLike<number>, start: number, end: number, sc: BocpdScratch, out: Float64Array, o: number): void {
  const { v, at } = compact(x, start, end);
  if (v.length === 0) {
    out[o] = out[o + 1] = out[o + 2] = out[o + 3] = NaN;
    return;
  }
  if (end - start > sc.maxLen) throw new Error(`window of ${end - start} bars, above the detector's ${sc.maxLen}`);
  fillPredictive(v, at, 0, v.length, sc, sc.table);
  recurse(v, 0, v.length - 1, sc.table, 0, sc, out, o);
}

/** The run-length posterior after the last value of x[start, end): sc.R[0 .. returned length). */
export function runLengthPosterior(x: ArrayLike<number>, start: number, end: number, sc: BocpdScratch): number {
  const { v, at } = compact(x, start, end);
  if (v.length === 0) return 0;
  if (end - start > sc.maxLen) throw new Error(`window of ${end - start} bars, above the detector's ${sc.maxLen}`);
  fillPredictive(v, at, 0, v.length, sc, sc.table);
  return recurse(v, 0, v.length - 1, sc.table, 0, sc, null, 0);
}

/**
 * Features of one whole series x (length T, NaN = no value) at the bars `bars` (any order), each
 * from the values of its own window (bars t - window + 1 .. t), into out[i * stride + o ..].
 * Equal to windowFeatures on each window, at a fraction of the cost.
 */
export function seriesFeatures(x: ArrayLike<number>, bars: ArrayLike<number>, sc: BocpdScratch, out: Float64Array, stride: number, o: number): void {
  const L = sc.maxLen;
  const { v, at } = compact(x, 0, x.length);
  // Last value at or before each bar, and the first value inside its window.
  const lastAt = (t: number) => {
    let lo = 0;
    let hi = at.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid] <= t) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  };
  // Table rows only for the values some window reads.
  let lo = Infinity;
  let hi = -1;
  const spans: [number, number][] = [];
  for (let i = 0; i < bars.length; i++) {
    const t = bars[i];
    const b = lastAt(t);
    const a = b < 0 ? 0 : Math.max(lastAt(t - L) + 1, 0);
    spans.push([a, b]);
    if (b >= a) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
  }
  if (hi < 0) {
    for (let i = 0; i < bars.length; i++) for (let k = 0; k < 4; k++) out[i * stride + o + k] = NaN;
    return;
  }
  const table = new Float64Array((hi - lo + 1) * L);
  fillPredictive(v, at, lo, hi + 1, sc, table);
  for (let i = 0; i < bars.length; i++) {
    const [a, b] = spans[i];
    if (b < a) {
      for (let k = 0; k < 4; k++) out[i * stride + o + k] = NaN;
      continue;
    }
    recurse(v, a, b, table, lo, sc, out, i * stride + o);
  }
}

/**
 * table[(u - from) * L + j] = predictive density of v[u] under the segment of the j values
 * v[u - j .. u - 1] (j = 0: the prior), for u in [from, to), as far back as a window of L bars
 * ending at u reaches (`at` = each value's bar). A window's recursion reads only such entries.
 */
function fillPredictive(v: Float64Array, at: Int32Array, from: number, to: number, sc: BocpdScratch, table: Float64Array): void {
  const L = sc.maxLen;
  const o = sc.o;
  const post = new Float64Array(4);
  for (let u = from; u < to; u++) {
    const x = v[u];
    const row = (u - from) * L;
    let s = 0;
    let q = 0;
    for (let j = 0; j < L && u - j >= 0 && at[u] - at[u - j] < L; j++) {
      if (j > 0) {
        const w = v[u - j];
        s += w;
        q += w * w;
      }
      posterior(o, j, s, q, post);
      // Student t: nu = 2 alpha, scale^2 = beta (kappa + 1) / (alpha kappa).
      const s2 = (2 * post[3] * (post[1] + 1)) / post[1];
      const e = x - post[0];
      table[row + j] = (sc.gammaRatio[j] / Math.sqrt(Math.PI * s2)) * Math.exp(-(post[2] + 0.5) * Math.log1p((e * e) / s2));
    }
  }
}
