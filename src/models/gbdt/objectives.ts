import { InputError } from "../../util/errors.js";
import type { CustomObjective, GbdtParams } from "./params.js";
import { checkRankingLabels } from "./lambdarank.js";
import { LambdarankGradients } from "./lambdarank-fast.js";

/**
 * Losses as gradient/hessian producers over raw scores. Scores, gradients and hessians are
 * output-major ([output][row]) so that one tree (one output) reads a contiguous slice.
 */
export interface Objective {
  readonly name: string;
  /** Raw scores per row: number of classes for multiclass, else 1. */
  readonly numOutputs: number;
  /**
   * True when every row's hessian is 1 times its weight: the histogram's hessian sums are then
   * exact row counts (for unweighted data), so `min_data_in_leaf` is exact.
   */
  readonly unitHessian: boolean;
  /** Raw starting score per output, from the labels (boost_from_average). */
  initScores(y: Float64Array, w: Float64Array | undefined): Float64Array;
  /** Fills grad/hess ([output][row]) from scores ([output][row]); sample weights included. */
  gradHess(score: Float64Array, y: Float64Array, w: Float64Array | undefined, grad: Float64Array, hess: Float64Array): void;
  /** Raw scores ([output][row]) to predictions (row-major [row][output]). */
  transform(raw: Float64Array, nRows: number): Float64Array;
  /** For L1 and quantile losses: leaf outputs are re-fitted as this quantile of the residuals. */
  readonly renewQuantile?: number;
}

export function makeObjective(p: GbdtParams, y: Float64Array, group: Int32Array | undefined, where: string): Objective {
  const o = p.objective;
  if (typeof o !== "string") return customObjective(o);
  checkFinite(y, where);
  switch (o) {
    case "regression":
      return regression("regression", (s, t) => s - t, undefined, weightedMean);
    case "regression_l1":
      return regression("regression_l1", (s, t) => (s > t ? 1 : s < t ? -1 : 0), 0.5, (yy, w) => weightedQuantile(yy, w, 0.5));
    case "quantile": {
      const a = p.alpha;
      return regression("quantile", (s, t) => (s >= t ? 1 - a : -a), a, (yy, w) => weightedQuantile(yy, w, a));
    }
    case "huber": {
      const d = p.huber_delta;
      return regression("huber", (s, t) => {
        const r = s - t;
        return r > d ? d : r < -d ? -d : r;
      }, undefined, weightedMean);
    }
    case "binary":
      checkBinaryLabels(y, where);
      return binary();
    case "multiclass":
      checkClassLabels(y, p.num_class, where);
      return multiclass(p.num_class);
    case "lambdarank":
      if (!group) throw new InputError(`${where}: objective lambdarank needs query groups (one group per timestamp)`, "pass TabularData.group with the rows of each group contiguous");
      checkRankingLabels(y, where);
      return lambdarank(group, p.lambdarank_truncation_level);
  }
}

function regression(name: string, grad: (s: number, y: number) => number, renewQuantile: number | undefined, init: (y: Float64Array, w: Float64Array | undefined) => number): Objective {
  return {
    name,
    numOutputs: 1,
    unitHessian: true,
    renewQuantile,
    initScores: (y, w) => Float64Array.of(init(y, w)),
    gradHess(score, y, w, g, h) {
      const n = y.length;
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        g[i] = grad(score[i], y[i]) * wi;
        h[i] = wi;
      }
    },
    transform: (raw) => Float64Array.from(raw),
  };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function binary(): Objective {
  return {
    name: "binary",
    numOutputs: 1,
    unitHessian: false,
    initScores(y, w) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, weightedMean(y, w)));
      return Float64Array.of(Math.log(p / (1 - p)));
    },
    gradHess(score, y, w, g, h) {
      const n = y.length;
      for (let i = 0; i < n; i++) {
        const p = sigmoid(score[i]);
        const wi = w ? w[i] : 1;
        g[i] = (p - y[i]) * wi;
        h[i] = Math.max(p * (1 - p), 1e-16) * wi;
      }
    },
    transform: (raw) => raw.map(sigmoid),
  };
}

function multiclass(K: number): Objective {
  return {
    name: "multiclass",
    numOutputs: K,
    unitHessian: false,
    initScores(y, w) {
      const c = new Float64Array(K);
      let tot = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        c[y[i]] += wi;
        tot += wi;
      }
      const out = new Float64Array(K);
      let mean = 0;
      for (let k = 0; k < K; k++) {
        out[k] = Math.log(Math.max(c[k] / tot, 1e-15));
        mean += out[k] / K;
      }
      for (let k = 0; k < K; k++) out[k] -= mean;
      return out;
    },
    gradHess(score, y, w, g, h) {
      const n = y.length;
      const p = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        softmaxRow(score, n, i, K, p);
        const wi = w ? w[i] : 1;
        for (let k = 0; k < K; k++) {
          const pk = p[k];
          g[k * n + i] = (pk - (y[i] === k ? 1 : 0)) * wi;
          // LightGBM's factor K/(K-1) keeps the diagonal Newton step from under-shooting.
          h[k * n + i] = Math.max((K / (K - 1)) * pk * (1 - pk), 1e-16) * wi;
        }
      }
    },
    transform(raw, n) {
      const out = new Float64Array(n * K);
      const p = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        softmaxRow(raw, n, i, K, p);
        out.set(p, i * K);
      }
      return out;
    },
  };
}

function softmaxRow(score: Float64Array, n: number, i: number, K: number, p: Float64Array): void {
  let mx = -Infinity;
  for (let k = 0; k < K; k++) mx = Math.max(mx, score[k * n + i]);
  let s = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp(score[k * n + i] - mx);
    s += p[k];
  }
  for (let k = 0; k < K; k++) p[k] /= s;
}

function lambdarank(group: Int32Array, truncation: number): Objective {
  let fast: { labels: Float64Array; grads: LambdarankGradients } | undefined;
  return {
    name: "lambdarank",
    numOutputs: 1,
    unitHessian: false,
    initScores: () => Float64Array.of(0),
    gradHess: (score, y, w, g, h) => {
      // Labels and groups are fixed for a training run: their precomputation is reused.
      if (fast === undefined || fast.labels !== y) fast = { labels: y, grads: new LambdarankGradients(y, group, truncation) };
      fast.grads.compute(score, w, g, h);
    },
    transform: (raw) => Float64Array.from(raw),
  };
}

function customObjective(c: CustomObjective): Objective {
  return {
    name: `custom:${c.name}`,
    numOutputs: 1,
    unitHessian: false,
    initScores: (y, w) => Float64Array.of(c.initScore ? c.initScore(y, w) : 0),
    gradHess(score, y, w, g, h) {
      c.gradHess(score, y, g, h);
      for (let i = 0; i < y.length; i++) {
        if (!Number.isFinite(g[i]) || !Number.isFinite(h[i]) || h[i] < 0) {
          throw new InputError(`custom objective "${c.name}" returned gradient ${g[i]} / hessian ${h[i]} at row ${i}`, "gradients must be finite and hessians finite and >= 0");
        }
        if (w) {
          g[i] *= w[i];
          h[i] *= w[i];
        }
      }
    },
    transform: (raw) => (c.transform ? raw.map(c.transform) : Float64Array.from(raw)),
  };
}

export function weightedMean(y: Float64Array, w: Float64Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += y[i] * wi;
    sw += wi;
  }
  return sw > 0 ? s / sw : 0;
}

/** The alpha-quantile of values (weighted), interpolating nothing: the first value whose cumulative weight reaches alpha. */
export function weightedQuantile(values: ArrayLike<number>, w: ArrayLike<number> | undefined, alpha: number): number {
  const n = values.length;
  if (n === 0) return 0;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => values[a] - values[b] || a - b);
  let total = 0;
  for (let i = 0; i < n; i++) total += w ? w[i] : 1;
  const target = alpha * total;
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    acc += w ? w[i] : 1;
    if (acc >= target) {
      // Exactly on a boundary between two values: take their midpoint (the usual median of an even count).
      if (acc === target && k + 1 < n) return (values[i] + values[idx[k + 1]]) / 2;
      return values[i];
    }
  }
  return values[idx[n - 1]];
}

function checkFinite(y: Float64Array, where: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) throw new InputError(`${where}: label at row ${i} is ${y[i]}`, "drop rows without a finite label before training");
  }
}

function checkBinaryLabels(y: Float64Array, where: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new InputError(`${where}: objective binary needs labels 0 or 1, row ${i} has ${y[i]}`);
  }
}

function checkClassLabels(y: Float64Array, K: number, where: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= K) {
      throw new InputError(`${where}: objective multiclass with num_class ${K} needs labels 0..${K - 1}, row ${i} has ${y[i]}`);
    }
  }
}
