/**
 * A softmax-gated combination of M member predictions: the weight of member m at a row is
 * softmax_m(c_m + B_m . g) of the row's regime features g, and the prediction is
 * a + sum_m w_m b_m z_m (z: standardized member predictions, b_m each member's own scale: a mixture
 * of calibrated experts), read through a sigmoid for binary targets. So the members' weights move
 * with the regime: where one family is right and another is not, the gate learns to trust the
 * first there. Fitted by L-BFGS on the squared error (regression) or log loss (binary) with an L2
 * penalty on B, from equal weights and the least-squares scale of the members' mean.
 */
import { lbfgs } from "../linear/lbfgs.js";

export interface Gate {
  M: number;
  G: number;
  /** Row-major [M x G]. */
  B: number[];
  c: number[];
  a: number;
  /** Scale of each member. */
  b: number[];
  binary: boolean;
}

/** Member weights at one row (length M), written into `w`. */
function weights(gate: Pick<Gate, "M" | "G">, x: ArrayLike<number>, g: ArrayLike<number>, go: number, w: Float64Array): void {
  const { M, G } = gate;
  // x: [B (M*G) | c (M) | a | b (M)]
  let mx = -Infinity;
  for (let m = 0; m < M; m++) {
    let v = x[M * G + m];
    for (let j = 0; j < G; j++) v += x[m * G + j] * g[go + j];
    w[m] = v;
    if (v > mx) mx = v;
  }
  let s = 0;
  for (let m = 0; m < M; m++) s += w[m] = Math.exp(w[m] - mx);
  for (let m = 0; m < M; m++) w[m] /= s;
}

/**
 * Fits the gate on n rows: Z row-major [n x M] standardized member predictions, Gf row-major
 * [n x G] standardized regime features (0 where missing), y the target.
 */
export function fitGate(Z: Float64Array, Gf: Float64Array, y: Float64Array, n: number, M: number, G: number, o: { l2: number; binary: boolean; maxIter: number }): Gate {
  const dim = M * G + 2 * M + 1;
  const A = M * G + M;
  const x = new Float64Array(dim);
  // start: equal weights, a + b * mean(z) by least squares (regression) or a small slope (binary)
  let ms = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += Z[i * M + m] / M;
    ms += s;
    my += y[i];
  }
  ms /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += Z[i * M + m] / M;
    sxy += (s - ms) * (y[i] - my);
    sxx += (s - ms) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  for (let m = 0; m < M; m++) x[A + 1 + m] = o.binary ? 0.5 : slope;
  x[A] = o.binary ? Math.log(Math.max(1e-6, my) / Math.max(1e-6, 1 - my)) : my - slope * ms;
  const w = new Float64Array(M);
  const fg = (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const a = p[A];
    let f = 0;
    for (let i = 0; i < n; i++) {
      weights({ M, G }, p, Gf, i * G, w);
      let s = 0;
      for (let m = 0; m < M; m++) s += w[m] * p[A + 1 + m] * Z[i * M + m];
      const eta = a + s;
      let e: number;
      if (o.binary) {
        // log(1 + e^eta) - y eta, stably; its derivative sigmoid(eta) - y
        f += Math.max(eta, 0) - y[i] * eta + Math.log1p(Math.exp(-Math.abs(eta)));
        e = 1 / (1 + Math.exp(-eta)) - y[i];
      } else {
        e = eta - y[i];
        f += 0.5 * e * e;
      }
      grad[A] += e;
      for (let m = 0; m < M; m++) {
        const z = Z[i * M + m];
        grad[A + 1 + m] += e * w[m] * z;
        const dm = e * w[m] * (p[A + 1 + m] * z - s);
        grad[M * G + m] += dm;
        for (let j = 0; j < G; j++) grad[m * G + j] += dm * Gf[i * G + j];
      }
    }
    f /= n;
    for (let k = 0; k < dim; k++) grad[k] /= n;
    for (let k = 0; k < M * G; k++) {
      f += 0.5 * o.l2 * p[k] * p[k];
      grad[k] += o.l2 * p[k];
    }
    return f;
  };
  lbfgs(fg, x, { gtol: 1e-7, ftol: 1e-12, maxIter: o.maxIter });
  return { M, G, B: Array.from(x.subarray(0, M * G)), c: Array.from(x.subarray(M * G, A)), a: x[A], b: Array.from(x.subarray(A + 1)), binary: o.binary };
}

/** Weights [n x M] and predictions of a fitted gate. */
export function applyGate(gate: Gate, Z: Float64Array, Gf: Float64Array, n: number): { pred: Float64Array; weights: Float64Array } {
  const { M, G } = gate;
  const x = [...gate.B, ...gate.c];
  const w = new Float64Array(M);
  const pred = new Float64Array(n);
  const W = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    weights(gate, x, Gf, i * G, w);
    let s = 0;
    for (let m = 0; m < M; m++) {
      s += w[m] * gate.b[m] * Z[i * M + m];
      W[i * M + m] = w[m];
    }
    const eta = gate.a + s;
    pred[i] = gate.binary ? 1 / (1 + Math.exp(-eta)) : eta;
  }
  return { pred, weights: W };
}
