/**
 * The logistic loss on a column-major design: binary (one output, P(y = 1) = sigmoid(z)) or
 * multinomial (K outputs, softmax). Coefficients are output-major [nOut x p]; linear predictors z
 * output-major [nOut x n] and include the data's offsets (init scores).
 */

export interface LogisticProblem {
  /** Column-major design [p x n]. */
  Xc: Float64Array;
  n: number;
  p: number;
  /** Normalized weights (sum 1). */
  v: Float64Array;
  /** Class index per row. */
  label: Int32Array;
  /** Number of classes (2 = binary). */
  K: number;
  /** Outputs: 1 for binary, K for multinomial. */
  nOut: number;
  /** Output-major [nOut x n] starting scores, or null. */
  offset: Float64Array | null;
  /** Constant design columns (coefficient fixed at 0). */
  skip: Uint8Array;
  fitIntercept: boolean;
}

/** log(1 + e^z) without overflow. */
export function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Target indicator of output k at row i. */
export function target(prob: LogisticProblem, k: number, i: number): number {
  return prob.nOut === 1 ? (prob.label[i] === 1 ? 1 : 0) : prob.label[i] === k ? 1 : 0;
}

/** z = offset + b + X beta, for every output. */
export function linearPredictors(prob: LogisticProblem, beta: Float64Array, b: Float64Array, z: Float64Array): void {
  const { Xc, n, p, nOut, offset } = prob;
  for (let k = 0; k < nOut; k++) {
    const zk = k * n;
    for (let i = 0; i < n; i++) z[zk + i] = (offset ? offset[zk + i] : 0) + b[k];
    for (let j = 0; j < p; j++) {
      const c = beta[k * p + j];
      if (c === 0) continue;
      const off = j * n;
      for (let i = 0; i < n; i++) z[zk + i] += c * Xc[off + i];
    }
  }
}

/** Weighted mean log loss of the linear predictors z. */
export function logLossOf(prob: LogisticProblem, z: Float64Array): number {
  const { n, nOut, v, label } = prob;
  let s = 0;
  if (nOut === 1) {
    for (let i = 0; i < n; i++) if (v[i] !== 0) s += v[i] * (log1pExp(z[i]) - (label[i] === 1 ? z[i] : 0));
    return s;
  }
  for (let i = 0; i < n; i++) {
    if (v[i] === 0) continue;
    let mx = -Infinity;
    for (let k = 0; k < nOut; k++) mx = Math.max(mx, z[k * n + i]);
    let se = 0;
    for (let k = 0; k < nOut; k++) se += Math.exp(z[k * n + i] - mx);
    s += v[i] * (mx + Math.log(se) - z[label[i] * n + i]);
  }
  return s;
}

/** Probabilities per output (binary: P(y = 1)), output-major like z. */
export function probabilitiesOf(prob: LogisticProblem, z: Float64Array, out: Float64Array): void {
  const { n, nOut } = prob;
  if (nOut === 1) {
    for (let i = 0; i < n; i++) out[i] = sigmoid(z[i]);
    return;
  }
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < nOut; k++) mx = Math.max(mx, z[k * n + i]);
    let se = 0;
    for (let k = 0; k < nOut; k++) se += out[k * n + i] = Math.exp(z[k * n + i] - mx);
    for (let k = 0; k < nOut; k++) out[k * n + i] /= se;
  }
}

export function penaltyOf(beta: Float64Array, l1: number, l2: number): number {
  let a = 0;
  let q = 0;
  for (let i = 0; i < beta.length; i++) {
    a += Math.abs(beta[i]);
    q += beta[i] * beta[i];
  }
  return l1 * a + 0.5 * l2 * q;
}

/**
 * Gradient of the mean loss at probabilities P: d/d beta_kj = sum_i v_i x_ij (P_ik - y_ik), and
 * d/d b_k = sum_i v_i (P_ik - y_ik). Written into gBeta [nOut x p] and gB [nOut].
 */
export function lossGradient(prob: LogisticProblem, P: Float64Array, gBeta: Float64Array, gB: Float64Array, resid: Float64Array): void {
  const { Xc, n, p, nOut, v, skip } = prob;
  for (let k = 0; k < nOut; k++) {
    let sb = 0;
    for (let i = 0; i < n; i++) {
      resid[i] = v[i] * (P[k * n + i] - target(prob, k, i));
      sb += resid[i];
    }
    gB[k] = sb;
    for (let j = 0; j < p; j++) {
      if (skip[j]) {
        gBeta[k * p + j] = 0;
        continue;
      }
      const off = j * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += Xc[off + i] * resid[i];
      gBeta[k * p + j] = s;
    }
  }
}
