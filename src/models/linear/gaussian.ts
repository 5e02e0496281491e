import type { TabularData } from "../family.js";
import { cdCovariance, cdNaive, freeColumns, type NaiveProblem } from "./cd.js";
import { PathStop, type PathFit, type PathStopOptions } from "./grid.js";
import { choleskyInPlace, choleskySolveInPlace, conjugateGradient } from "./linalg.js";
import type { Preprocessor, RowRange } from "./preprocess.js";
import { InputError } from "../../util/errors.js";

/**
 * Penalized least squares on preprocessed rows, for ridge, lasso and elastic net:
 *   1/2 sum_i v_i (y_i - b - z_i.beta)^2 + lambda (a |beta|_1 + (1 - a)/2 |beta|^2),  sum v = 1,
 * where z are design rows (centered when there is an intercept, so b = weighted mean of y).
 * Either the Gram matrix is formed once in one streaming pass (memory p^2, no copy of the data) or
 * the design is materialized column-major for wide data.
 */

export interface GaussianProblem {
  p: number;
  /** Constant design columns: coefficient fixed at 0. */
  skip: Uint8Array;
  /** Z'V y~ (y~ = y minus its mean when fitting an intercept). */
  c: Float64Array;
  /** sum v y~^2: twice the null model's loss; scales the convergence threshold. */
  nullVar: number;
  /** Intercept on the design scale (weighted mean of y, or 0 without an intercept). */
  intercept: number;
  /** Covariance form: Z'VZ, row-major p x p. */
  G: Float64Array | null;
  /** Naive form: column-major design, weights and centered target. */
  naive: { Xc: Float64Array; n: number; v: Float64Array; yt: Float64Array; diag: Float64Array } | null;
}

/** Rows of the streaming Gram pass that update G together (G is read and written once per block). */
const GRAM_BLOCK = 4;

/**
 * Accumulates the upper triangle of Z'VZ into G and Z'V y~ into c over the rows of `range`, in row
 * order. Rows are taken GRAM_BLOCK at a time so each element of G is loaded and stored once per
 * block instead of once per row; every element still receives the same products in the same order
 * (((G + a0 z0) + a1 z1) + ...), and a row whose weight or value is 0 adds an exact zero (the design
 * is finite), so G is bit-for-bit the row-at-a-time sum.
 */
function gramInto(G: Float64Array, c: Float64Array, data: TabularData, pre: Preprocessor, range: RowRange, yt: Float64Array): void {
  const p = pre.nCols;
  const n = range.end - range.start;
  const { v } = range;
  const zs = Array.from({ length: GRAM_BLOCK }, () => new Float64Array(p));
  const [z0, z1, z2, z3] = zs;
  const rows = new Int32Array(GRAM_BLOCK);
  let i = 0;
  while (i < n) {
    // The next GRAM_BLOCK rows with a weight (rows of weight 0 add nothing and are skipped, as before).
    let m = 0;
    while (m < GRAM_BLOCK && i < n) {
      if (v[i] !== 0) {
        pre.fillRow(data.X, range.start + i, zs[m]);
        rows[m++] = i;
      }
      i++;
    }
    if (m === 0) break;
    for (let r = m; r < GRAM_BLOCK; r++) zs[r].fill(0);
    const v0 = v[rows[0]];
    const v1 = m > 1 ? v[rows[1]] : 0;
    const v2 = m > 2 ? v[rows[2]] : 0;
    const v3 = m > 3 ? v[rows[3]] : 0;
    for (let j = 0; j < p; j++) {
      // c in row order, each row as before.
      for (let r = 0; r < m; r++) {
        const zj = zs[r][j];
        if (zj !== 0) c[j] += v[rows[r]] * yt[rows[r]] * zj;
      }
      const a0 = z0[j] === 0 ? 0 : v0 * z0[j];
      const a1 = z1[j] === 0 ? 0 : v1 * z1[j];
      const a2 = z2[j] === 0 ? 0 : v2 * z2[j];
      const a3 = z3[j] === 0 ? 0 : v3 * z3[j];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const row = j * p;
      for (let k = j; k < p; k++) G[row + k] = G[row + k] + a0 * z0[k] + a1 * z1[k] + a2 * z2[k] + a3 * z3[k];
    }
  }
}

/**
 * Builds the problem for rows `range` of `data`, preprocessed by `pre`; `y` holds the targets of
 * those rows (offsets already subtracted).
 */
export function gaussianProblem(data: TabularData, pre: Preprocessor, range: RowRange, y: Float64Array, form: "covariance" | "naive", fitIntercept: boolean): GaussianProblem {
  const p = pre.nCols;
  const n = range.end - range.start;
  const { v } = range;
  let ym = 0;
  if (fitIntercept) for (let i = 0; i < n; i++) ym += v[i] * y[i];
  let nullVar = 0;
  const yt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    yt[i] = y[i] - ym;
    nullVar += v[i] * yt[i] * yt[i];
  }
  const skip = new Uint8Array(p);
  for (let j = 0; j < p; j++) skip[j] = pre.isConstant(j) ? 1 : 0;
  const c = new Float64Array(p);
  if (form === "covariance") {
    const G = new Float64Array(p * p);
    gramInto(G, c, data, pre, range, yt);
    for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) G[k * p + j] = G[j * p + k];
    return { p, skip, c, nullVar, intercept: ym, G, naive: null };
  }
  const Xc = pre.columnMajor(data.X, range.start, range.end);
  const diag = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let s = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      const x = Xc[off + i];
      s += v[i] * x * yt[i];
      d += v[i] * x * x;
    }
    c[j] = s;
    diag[j] = d;
  }
  return { p, skip, c, nullVar, intercept: ym, G: null, naive: { Xc, n, v, yt, diag } };
}

/** Largest lambda with a nonzero coefficient: max |c_j| / l1Ratio. */
export function gaussianLambdaMax(prob: GaussianProblem, l1Ratio: number): number {
  let m = 0;
  for (let j = 0; j < prob.p; j++) if (!prob.skip[j]) m = Math.max(m, Math.abs(prob.c[j]));
  return m / l1Ratio;
}

/** Lasso / elastic-net path by coordinate descent with warm starts, largest lambda first. */
export function elasticNetPath(prob: GaussianProblem, lambdas: number[], l1Ratio: number, opts: PathStopOptions & { tol: number; maxPasses: number }): PathFit {
  const { tol, maxPasses, maxActive } = opts;
  const { p } = prob;
  const free = freeColumns(prob.skip);
  const beta = new Float64Array(p);
  const thresh = tol * prob.nullVar;
  const out: PathFit = { lambdas: [], coef: [], intercept: [], converged: [], iterations: 0 };
  let g: Float64Array | null = null;
  let naive: NaiveProblem | null = null;
  if (prob.G) g = Float64Array.from(prob.c);
  else if (prob.naive) {
    const { Xc, n, v, yt, diag } = prob.naive;
    naive = { Xc, n, p, h: v, hjj: diag, e: Float64Array.from(yt) };
  }
  const stop = new PathStop();
  for (const lambda of lambdas) {
    const l1 = lambda * l1Ratio;
    const l2 = lambda * (1 - l1Ratio);
    const r = prob.G ? cdCovariance(prob.G, p, g!, beta, l1, l2, free, thresh, maxPasses) : cdNaive(naive!, beta, null, l1, l2, free, thresh, maxPasses);
    let nnz = 0;
    for (let j = 0; j < p; j++) if (beta[j] !== 0) nnz++;
    if (maxActive !== undefined && nnz > maxActive && out.lambdas.length > 0) break;
    out.lambdas.push(lambda);
    out.coef.push(Float64Array.from(beta));
    out.intercept.push(Float64Array.of(prob.intercept));
    out.converged.push(r.converged);
    out.iterations += r.passes;
    if (opts.stopEarly && stop.saturated(1 - residualVariance(prob, beta, g, naive) / prob.nullVar)) break;
  }
  return out;
}

/** sum v e^2 at beta: from the Gram form (nullVar - beta'c - beta'g) or the naive residual. */
function residualVariance(prob: GaussianProblem, beta: Float64Array, g: Float64Array | null, naive: NaiveProblem | null): number {
  if (g) {
    let s = prob.nullVar;
    for (let j = 0; j < prob.p; j++) if (beta[j] !== 0) s -= beta[j] * (prob.c[j] + g[j]);
    return Math.max(0, s);
  }
  const { e, h, n } = naive!;
  let s = 0;
  for (let i = 0; i < n; i++) s += h[i] * e[i] * e[i];
  return s;
}

/** Largest lambda of the ridge grid: 1e3 x the mean column variance (coefficients shrunk ~1000x). */
export function ridgeLambdaMax(prob: GaussianProblem): number {
  let s = 0;
  let m = 0;
  for (let j = 0; j < prob.p; j++) {
    if (prob.skip[j]) continue;
    s += prob.G ? prob.G[j * prob.p + j] : prob.naive!.diag[j];
    m++;
  }
  return m > 0 ? (1e3 * s) / m : 1;
}

/** Ridge solutions (Z'VZ + lambda I) beta = c, by Cholesky of the Gram matrix or by conjugate gradient. */
export function ridgePath(prob: GaussianProblem, lambdas: number[], tol: number, maxIter: number): PathFit {
  const { p } = prob;
  const free = freeColumns(prob.skip);
  const m = free.length;
  const out: PathFit = { lambdas: [], coef: [], intercept: [], converged: [], iterations: 0 };
  const beta = new Float64Array(p);
  if (prob.G) {
    const G = prob.G;
    const A = new Float64Array(m * m);
    const x = new Float64Array(m);
    for (const lambda of lambdas) {
      for (let a = 0; a < m; a++) {
        for (let b = 0; b <= a; b++) A[a * m + b] = G[free[a] * p + free[b]];
        A[a * m + a] += lambda;
        x[a] = prob.c[free[a]];
      }
      const bad = choleskyInPlace(A, m);
      if (bad >= 0) {
        throw new InputError(
          `ridge: the normal equations are singular at lambda = ${lambda} (design column ${free[bad]} is a linear combination of earlier ones)`,
          "use lambda > 0, or drop collinear features",
        );
      }
      choleskySolveInPlace(A, m, x);
      beta.fill(0);
      for (let a = 0; a < m; a++) beta[free[a]] = x[a];
      push(out, lambda, beta, prob.intercept, true, 1);
    }
    return out;
  }
  const { Xc, n, v, diag } = prob.naive!;
  const t = new Float64Array(n);
  const applyA = (s: Float64Array, res: Float64Array) => {
    // res = Z_free' V Z_free s on the free columns (s and res indexed by position in `free`).
    t.fill(0);
    for (let a = 0; a < m; a++) {
      const sa = s[a];
      if (sa === 0) continue;
      const off = free[a] * n;
      for (let i = 0; i < n; i++) t[i] += sa * Xc[off + i];
    }
    for (let i = 0; i < n; i++) t[i] *= v[i];
    for (let a = 0; a < m; a++) {
      const off = free[a] * n;
      let acc = 0;
      for (let i = 0; i < n; i++) acc += Xc[off + i] * t[i];
      res[a] = acc;
    }
  };
  const dA = Float64Array.from(free, (j) => diag[j]);
  const rhs = Float64Array.from(free, (j) => prob.c[j]);
  const x = new Float64Array(m);
  for (const lambda of lambdas) {
    const r = conjugateGradient(applyA, dA, lambda, rhs, x, tol, maxIter);
    beta.fill(0);
    for (let a = 0; a < m; a++) beta[free[a]] = x[a];
    push(out, lambda, beta, prob.intercept, r.converged, r.iterations);
  }
  return out;
}

function push(out: PathFit, lambda: number, beta: Float64Array, intercept: number, converged: boolean, iterations: number): void {
  out.lambdas.push(lambda);
  out.coef.push(Float64Array.from(beta));
  out.intercept.push(Float64Array.of(intercept));
  out.converged.push(converged);
  out.iterations += iterations;
}
