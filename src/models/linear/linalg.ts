/** Dense symmetric solvers for the ridge normal equations (row-major, Float64). */

/**
 * In-place Cholesky factorization A = L L^T of a symmetric m x m matrix (lower triangle read,
 * L written there). Returns the first column whose pivot is not positive (relative to the diagonal's
 * size), or -1 when A is positive definite.
 */
export function choleskyInPlace(A: Float64Array, m: number): number {
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * m + i]));
  const floor = maxDiag * m * 1e-14;
  for (let j = 0; j < m; j++) {
    const rj = j * m;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= A[rj + k] * A[rj + k];
    if (!(d > floor)) return j;
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * m;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= A[ri + k] * A[rj + k];
      A[ri + j] = s * inv;
    }
  }
  return -1;
}

/** Solves L L^T x = b in place (b becomes x) with the factor from choleskyInPlace. */
export function choleskySolveInPlace(L: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * b[k];
    b[i] = s / L[i * m + i];
  }
}

/**
 * Preconditioned conjugate gradient for (A + lambda I) x = b where A is only available as a
 * product `applyA(s, out)`; Jacobi preconditioner from `diagA`. `x` holds the starting point (warm
 * start along a path) and receives the solution. Stops when ||residual|| <= tol ||b||.
 */
export function conjugateGradient(
  applyA: (s: Float64Array, out: Float64Array) => void,
  diagA: Float64Array,
  lambda: number,
  b: Float64Array,
  x: Float64Array,
  tol: number,
  maxIter: number,
): { iterations: number; converged: boolean } {
  const m = b.length;
  const r = new Float64Array(m);
  const z = new Float64Array(m);
  const s = new Float64Array(m);
  const q = new Float64Array(m);
  const pinv = new Float64Array(m);
  for (let i = 0; i < m; i++) pinv[i] = diagA[i] + lambda > 0 ? 1 / (diagA[i] + lambda) : 1;
  applyA(x, q);
  let bnorm = 0;
  for (let i = 0; i < m; i++) {
    r[i] = b[i] - q[i] - lambda * x[i];
    bnorm += b[i] * b[i];
  }
  const target = tol * tol * bnorm;
  let rz = 0;
  let rr = 0;
  for (let i = 0; i < m; i++) {
    z[i] = pinv[i] * r[i];
    s[i] = z[i];
    rz += r[i] * z[i];
    rr += r[i] * r[i];
  }
  if (rr <= target) return { iterations: 0, converged: true };
  for (let it = 1; it <= maxIter; it++) {
    applyA(s, q);
    let sq = 0;
    for (let i = 0; i < m; i++) {
      q[i] += lambda * s[i];
      sq += s[i] * q[i];
    }
    if (!(sq > 0)) return { iterations: it, converged: false };
    const alpha = rz / sq;
    rr = 0;
    let rzNew = 0;
    for (let i = 0; i < m; i++) {
      x[i] += alpha * s[i];
      r[i] -= alpha * q[i];
      rr += r[i] * r[i];
      z[i] = pinv[i] * r[i];
      rzNew += r[i] * z[i];
    }
    if (rr <= target) return { iterations: it, converged: true };
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < m; i++) s[i] = z[i] + beta * s[i];
  }
  return { iterations: maxIter, converged: false };
}
