/**
 * Limited-memory BFGS (Nocedal & Wright, Alg. 7.4 and 7.5) with a backtracking Armijo line search,
 * for smooth convex objectives (the L2-penalized logistic loss). Deterministic: no randomness, a
 * fixed order of floating-point operations.
 */

export interface LbfgsOptions {
  /** Stop when max |gradient| <= gtol. */
  gtol: number;
  /** Stop when the relative decrease of f over one iteration is <= ftol (scipy's factr * eps). */
  ftol: number;
  maxIter: number;
  /** History pairs kept. */
  memory?: number;
}

export interface LbfgsResult {
  f: number;
  iterations: number;
  converged: boolean;
}

/** Minimizes f in place on x; `fg(x, grad)` returns f(x) and writes the gradient. */
export function lbfgs(fg: (x: Float64Array, grad: Float64Array) => number, x: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const dim = x.length;
  const mem = opts.memory ?? 10;
  const S = Array.from({ length: mem }, () => new Float64Array(dim));
  const Y = Array.from({ length: mem }, () => new Float64Array(dim));
  const rho = new Float64Array(mem);
  const alpha = new Float64Array(mem);
  const g = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  const d = new Float64Array(dim);
  const xNew = new Float64Array(dim);
  let f = fg(x, g);
  let stored = 0;
  let head = 0; // next slot to write
  let gamma = 1;
  for (let it = 0; it < opts.maxIter; it++) {
    if (normInf(g) <= opts.gtol) return { f, iterations: it, converged: true };
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < dim; i++) d[i] = -g[i];
    for (let k = 0; k < stored; k++) {
      const s = (head - 1 - k + mem) % mem;
      alpha[s] = rho[s] * dot(S[s], d);
      axpy(-alpha[s], Y[s], d);
    }
    for (let i = 0; i < dim; i++) d[i] *= gamma;
    for (let k = stored - 1; k >= 0; k--) {
      const s = (head - 1 - k + mem) % mem;
      const b = rho[s] * dot(Y[s], d);
      axpy(alpha[s] - b, S[s], d);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (history gone stale): restart from steepest descent.
      stored = 0;
      gamma = 1;
      for (let i = 0; i < dim; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    // First step of a fresh history: scale so the step is at most 1 in the max norm.
    let step = stored === 0 ? Math.min(1, 1 / Math.max(normInf(d), 1e-300)) : 1;
    let fNew = NaN;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < dim; i++) xNew[i] = x[i] + step * d[i];
      fNew = fg(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) return { f, iterations: it + 1, converged: normInf(g) <= opts.gtol };
    const s = S[head];
    const y = Y[head];
    for (let i = 0; i < dim; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    const yy = dot(y, y);
    // Keep the pair only when curvature is positive, so the implicit Hessian stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * yy)) {
      rho[head] = 1 / sy;
      gamma = sy / yy;
      head = (head + 1) % mem;
      if (stored < mem) stored++;
    }
    const fPrev = f;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= opts.ftol) return { f, iterations: it + 1, converged: true };
  }
  return { f, iterations: opts.maxIter, converged: normInf(g) <= opts.gtol };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
