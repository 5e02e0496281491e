/**
 * The stacking meta-learner: a linear model of the target on the members' standardized
 * predictions, with an intercept. Members are few (one per family), so everything works on the
 * M x M Gram matrix of the centred features, accumulated in one pass over the rows.
 *
 * ridge:        min ||y - b - X w||^2 + alpha n ||w||^2
 * non_negative: the same with w >= 0 (Lawson-Hanson active set on the Gram matrix). The weights are
 *               reported normalized to sum to 1; the fitted scale is kept for predicting, so the
 *               stacked prediction stays on the scale of what the members were fitted to.
 */
import type { StackerConfig } from "./schema.js";

export interface MetaModel {
  intercept: number;
  /** Coefficients on the standardized member predictions, as fitted. */
  coef: Float64Array;
}

/** Centred Gram matrix, cross-products with the target, and means of n rows of M features. */
export interface Moments {
  n: number;
  M: number;
  meanX: Float64Array;
  meanY: number;
  /** Row-major M x M: sum over rows of (x - meanX)(x - meanX)'. */
  gram: Float64Array;
  /** sum over rows of (x - meanX)(y - meanY). */
  xy: Float64Array;
}

/**
 * Moments of the rows `cells` of the feature grids `X[m]` against `y`. Two passes (means, then
 * centred sums), so a feature with a large offset loses no precision.
 */
export function moments(X: readonly Float64Array[], y: ArrayLike<number>, cells: ArrayLike<number>): Moments {
  const M = X.length;
  const n = cells.length;
  const meanX = new Float64Array(M);
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    meanY += y[c];
    for (let m = 0; m < M; m++) meanX[m] += X[m][c];
  }
  if (n > 0) {
    meanY /= n;
    for (let m = 0; m < M; m++) meanX[m] /= n;
  }
  const gram = new Float64Array(M * M);
  const xy = new Float64Array(M);
  const d = new Float64Array(M);
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    const dy = y[c] - meanY;
    for (let m = 0; m < M; m++) d[m] = X[m][c] - meanX[m];
    for (let a = 0; a < M; a++) {
      xy[a] += d[a] * dy;
      const da = d[a];
      for (let b = a; b < M; b++) gram[a * M + b] += da * d[b];
    }
  }
  for (let a = 0; a < M; a++) for (let b = 0; b < a; b++) gram[a * M + b] = gram[b * M + a];
  return { n, M, meanX, meanY, gram, xy };
}

export function fitMeta(mo: Moments, config: Pick<StackerConfig, "kind" | "alpha">): MetaModel {
  const { M, n } = mo;
  const G = Float64Array.from(mo.gram);
  // a tiny ridge keeps the system solvable when two members are identical or one is constant
  let trace = 0;
  for (let m = 0; m < M; m++) trace += G[m * M + m];
  const jitter = 1e-12 * (trace / Math.max(1, M)) + 1e-300;
  for (let m = 0; m < M; m++) G[m * M + m] += config.alpha * n + jitter;
  const coef = config.kind === "ridge" ? solveSpd(G, mo.xy, M, allIndices(M)) : nnls(G, mo.xy, M);
  let intercept = mo.meanY;
  for (let m = 0; m < M; m++) intercept -= coef[m] * mo.meanX[m];
  return { intercept, coef };
}

/** Weights for the report: non-negative ones summing to 1, ridge ones with absolute values summing to 1. */
export function reportedWeights(coef: Float64Array): Float64Array {
  let total = 0;
  for (const v of coef) total += Math.abs(v);
  const out = new Float64Array(coef.length);
  if (total > 0) for (let m = 0; m < coef.length; m++) out[m] = coef[m] / total;
  return out;
}

function allIndices(M: number): number[] {
  return Array.from({ length: M }, (_, i) => i);
}

/**
 * Solves G[P,P] z = b[P] for the index set P by Cholesky (G symmetric positive definite on P);
 * entries outside P are 0.
 */
export function solveSpd(G: Float64Array, b: Float64Array, M: number, P: readonly number[]): Float64Array {
  const p = P.length;
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[P[i] * M + P[j]];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      if (i === j) L[i * p + i] = Math.sqrt(Math.max(s, 1e-300));
      else L[i * p + j] = s / L[j * p + j];
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[P[i]];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * z[k];
    z[i] = s / L[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * z[k];
    z[i] = s / L[i * p + i];
  }
  const out = new Float64Array(M);
  for (let i = 0; i < p; i++) out[P[i]] = z[i];
  return out;
}

/**
 * Non-negative least squares in Gram form (Lawson & Hanson 1974): minimizes w'Gw/2 - b'w subject
 * to w >= 0. Exact for the small systems here; terminates because the passive set never repeats.
 */
export function nnls(G: Float64Array, b: Float64Array, M: number): Float64Array {
  const w = new Float64Array(M);
  const passive = new Uint8Array(M);
  let scale = 0;
  for (let m = 0; m < M; m++) scale = Math.max(scale, Math.abs(b[m]), Math.abs(G[m * M + m]));
  const tol = 1e-12 * Math.max(scale, 1e-300);
  for (let outer = 0; outer < 3 * M + 10; outer++) {
    // gradient of the objective's negative: b - G w
    let best = -1;
    let bestGrad = tol;
    for (let j = 0; j < M; j++) {
      if (passive[j]) continue;
      let g = b[j];
      for (let k = 0; k < M; k++) g -= G[j * M + k] * w[k];
      if (g > bestGrad) {
        bestGrad = g;
        best = j;
      }
    }
    if (best < 0) break;
    passive[best] = 1;
    for (let inner = 0; inner < 3 * M + 10; inner++) {
      const P: number[] = [];
      for (let j = 0; j < M; j++) if (passive[j]) P.push(j);
      const z = solveSpd(G, b, M, P);
      let feasible = true;
      for (const j of P) if (z[j] <= 0) feasible = false;
      if (feasible) {
        w.set(z);
        break;
      }
      // step from w towards z until the first passive weight hits zero, and drop it
      let step = Infinity;
      for (const j of P) if (z[j] <= 0) step = Math.min(step, w[j] / (w[j] - z[j]));
      for (let j = 0; j < M; j++) w[j] += step * (z[j] - w[j]);
      for (const j of P) {
        if (w[j] <= tol) {
          w[j] = 0;
          passive[j] = 0;
        }
      }
    }
  }
  return w;
}
