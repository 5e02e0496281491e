import { InputError } from "../../util/errors.js";
import { ndcgAt } from "./lambdarank.js";
import type { BuiltinMetric, CustomMetric, GbdtParams } from "./params.js";

/** Validation metrics on transformed predictions (row-major [row][output]), for early stopping. */
export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  evaluate(pred: Float64Array, y: Float64Array, w: Float64Array | undefined, group: Int32Array | undefined): number;
}

export function defaultMetricName(objective: GbdtParams["objective"]): BuiltinMetric {
  if (typeof objective !== "string") return "l2";
  switch (objective) {
    case "regression":
      return "l2";
    case "regression_l1":
      return "l1";
    case "huber":
      return "huber";
    case "quantile":
      return "quantile";
    case "binary":
      return "binary_logloss";
    case "multiclass":
      return "multi_logloss";
    case "lambdarank":
      return "ndcg";
  }
}

export function makeMetric(p: GbdtParams): Metric {
  const m: BuiltinMetric | CustomMetric = p.metric ?? defaultMetricName(p.objective);
  if (typeof m !== "string") return m;
  const K = p.num_class;
  const lower = (name: string, loss: (pr: number, t: number) => number): Metric => ({
    name,
    higherIsBetter: false,
    evaluate: (pred, y, w) => weightedAverage(y.length, w, (i) => loss(pred[i], y[i])),
  });
  switch (m) {
    case "l2":
      return lower("l2", (a, b) => (a - b) ** 2);
    case "rmse": {
      const l2 = lower("l2", (a, b) => (a - b) ** 2);
      return { name: "rmse", higherIsBetter: false, evaluate: (pr, y, w, g) => Math.sqrt(l2.evaluate(pr, y, w, g)) };
    }
    case "l1":
      return lower("l1", (a, b) => Math.abs(a - b));
    case "huber": {
      const d = p.huber_delta;
      return lower("huber", (a, b) => {
        const r = Math.abs(a - b);
        return r <= d ? 0.5 * r * r : d * (r - 0.5 * d);
      });
    }
    case "quantile": {
      const al = p.alpha;
      return lower("quantile", (a, b) => (b >= a ? al * (b - a) : (1 - al) * (a - b)));
    }
    case "r2":
      return { name: "r2", higherIsBetter: true, evaluate: r2 };
    case "binary_logloss":
      return lower("binary_logloss", (pr, t) => {
        const q = Math.min(1 - 1e-15, Math.max(1e-15, pr));
        return t > 0.5 ? -Math.log(q) : -Math.log(1 - q);
      });
    case "binary_error":
      return lower("binary_error", (pr, t) => ((pr > 0.5 ? 1 : 0) === t ? 0 : 1));
    case "auc":
      return { name: "auc", higherIsBetter: true, evaluate: (pr, y, w) => auc(pr, y, w) };
    case "multi_logloss":
      return {
        name: "multi_logloss",
        higherIsBetter: false,
        evaluate: (pr, y, w) => weightedAverage(y.length, w, (i) => -Math.log(Math.max(1e-15, pr[i * K + y[i]]))),
      };
    case "multi_error":
      return {
        name: "multi_error",
        higherIsBetter: false,
        evaluate: (pr, y, w) =>
          weightedAverage(y.length, w, (i) => {
            let best = 0;
            for (let k = 1; k < K; k++) if (pr[i * K + k] > pr[i * K + best]) best = k;
            return best === y[i] ? 0 : 1;
          }),
      };
    case "ndcg": {
      const k = p.ndcg_eval_at;
      return {
        name: `ndcg@${k}`,
        higherIsBetter: true,
        evaluate: (pr, y, _w, g) => {
          if (!g) throw new InputError("metric ndcg needs query groups on the validation data", "pass TabularData.group for the validation set");
          return ndcgAt(pr, y, g, k);
        },
      };
    }
  }
}

function weightedAverage(n: number, w: Float64Array | undefined, f: (i: number) => number): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    s += f(i) * wi;
    sw += wi;
  }
  return sw > 0 ? s / sw : NaN;
}

export function r2(pred: Float64Array, y: Float64Array, w: Float64Array | undefined): number {
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    sw += wi;
    sy += wi * y[i];
  }
  const mean = sy / sw;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    ssRes += wi * (y[i] - pred[i]) ** 2;
    ssTot += wi * (y[i] - mean) ** 2;
  }
  return ssTot > 0 ? 1 - ssRes / ssTot : NaN;
}

/** Weighted ROC AUC with ties counted as one half. */
export function auc(pred: Float64Array, y: Float64Array, w: Float64Array | undefined): number {
  const n = y.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => pred[a] - pred[b]);
  let pos = 0;
  let neg = 0;
  let area = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let tp = 0;
    let tn = 0;
    while (j < n && pred[idx[j]] === pred[idx[i]]) {
      const wi = w ? w[idx[j]] : 1;
      if (y[idx[j]] > 0.5) tp += wi;
      else tn += wi;
      j++;
    }
    area += tn * pos + 0.5 * tn * tp;
    pos += tp;
    neg += tn;
    i = j;
  }
  // area counts (negative below positive) pairs; AUC is the share of positive-above-negative pairs.
  return pos > 0 && neg > 0 ? 1 - area / (pos * neg) : NaN;
}
