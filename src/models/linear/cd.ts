/**
 * Cyclic coordinate descent for penalized least squares (Friedman, Hastie & Tibshirani 2010):
 * minimize 1/2 sum_i h_i (e_i)^2 + l1 |beta|_1 + l2/2 |beta|^2, one coefficient at a time by
 * soft-thresholding. Two bookkeeping schemes give the same iterates:
 * - covariance updates: keep g = c - G beta (G = X'HX, c = X'Hy); a coordinate costs O(1) to test
 *   and O(p) when it moves. Best when rows >> features.
 * - naive updates: keep the residual e; a coordinate costs O(n). Needed for wide data and for the
 *   logistic inner problems, whose weights change every Newton step.
 * Both run active-set cycles: a full pass, then passes over the nonzero coefficients until they
 * settle, then a full pass to confirm no other coefficient wants to move (KKT check).
 */

export interface CdResult {
  passes: number;
  converged: boolean;
}

export function softThreshold(x: number, t: number): number {
  return x > t ? x - t : x < -t ? x + t : 0;
}

/** Indices of the columns not skipped (constant columns never move). */
export function freeColumns(skip: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let j = 0; j < skip.length; j++) if (!skip[j]) out.push(j);
  return Int32Array.from(out);
}

function activeSetLoop(
  free: Int32Array,
  beta: Float64Array,
  pass: (idx: Int32Array, count: number) => number,
  thresh: number,
  maxPasses: number,
): CdResult {
  const active = new Int32Array(free.length);
  let passes = 0;
  while (passes < maxPasses) {
    const change = pass(free, free.length);
    passes++;
    if (change <= thresh) return { passes, converged: true };
    let m = 0;
    for (let q = 0; q < free.length; q++) if (beta[free[q]] !== 0) active[m++] = free[q];
    while (passes < maxPasses) {
      const c = pass(active, m);
      passes++;
      if (c <= thresh) break;
    }
  }
  return { passes, converged: false };
}

/**
 * Covariance-update CD. G: symmetric p x p (row-major), g: c - G beta on entry and exit, beta: warm
 * start in, solution out. Converged when no coordinate moves by more than thresh in the loss
 * (G_jj * delta^2).
 */
export function cdCovariance(
  G: Float64Array,
  p: number,
  g: Float64Array,
  beta: Float64Array,
  l1: number,
  l2: number,
  free: Int32Array,
  thresh: number,
  maxPasses: number,
): CdResult {
  const pass = (idx: Int32Array, count: number): number => {
    let maxChange = 0;
    for (let q = 0; q < count; q++) {
      const j = idx[q];
      const row = j * p;
      const gjj = G[row + j];
      const old = beta[j];
      const next = softThreshold(g[j] + gjj * old, l1) / (gjj + l2);
      if (next === old) continue;
      const delta = next - old;
      beta[j] = next;
      for (let k = 0; k < p; k++) g[k] -= delta * G[row + k];
      const change = gjj * delta * delta;
      if (change > maxChange) maxChange = change;
    }
    return maxChange;
  };
  return activeSetLoop(free, beta, pass, thresh, maxPasses);
}

/** A weighted least-squares problem on a column-major design, for naive-update CD. */
export interface NaiveProblem {
  /** Column-major [p x n]: column j at offset j * n. */
  Xc: Float64Array;
  n: number;
  p: number;
  /** Working weights, length n. */
  h: Float64Array;
  /** Per column: sum_i h_i x_ij^2. */
  hjj: Float64Array;
  /** Residual (working response minus current fit), length n; updated in place. */
  e: Float64Array;
}

/**
 * Naive-update CD on `prob`, updating `beta` (length p) and, when `intercept` is given, an
 * unpenalized intercept held in intercept[0] (the columns need not be centered for the weights h).
 */
export function cdNaive(
  prob: NaiveProblem,
  beta: Float64Array,
  intercept: Float64Array | null,
  l1: number,
  l2: number,
  free: Int32Array,
  thresh: number,
  maxPasses: number,
): CdResult {
  const { Xc, n, h, hjj, e } = prob;
  let hsum = 0;
  if (intercept) for (let i = 0; i < n; i++) hsum += h[i];
  const pass = (idx: Int32Array, count: number): number => {
    let maxChange = 0;
    for (let q = 0; q < count; q++) {
      const j = idx[q];
      const off = j * n;
      const d = hjj[j];
      if (d === 0) continue;
      let rho = 0;
      for (let i = 0; i < n; i++) rho += h[i] * Xc[off + i] * e[i];
      const old = beta[j];
      const next = softThreshold(rho + d * old, l1) / (d + l2);
      if (next === old) continue;
      const delta = next - old;
      beta[j] = next;
      for (let i = 0; i < n; i++) e[i] -= delta * Xc[off + i];
      const change = d * delta * delta;
      if (change > maxChange) maxChange = change;
    }
    if (intercept && hsum > 0) {
      let s = 0;
      for (let i = 0; i < n; i++) s += h[i] * e[i];
      const delta = s / hsum;
      if (delta !== 0) {
        intercept[0] += delta;
        for (let i = 0; i < n; i++) e[i] -= delta;
        const change = hsum * delta * delta;
        if (change > maxChange) maxChange = change;
      }
    }
    return maxChange;
  };
  return activeSetLoop(free, beta, pass, thresh, maxPasses);
}
