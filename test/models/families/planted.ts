/** Small generated panels with planted signals for the family tests, and out-of-sample scores. */
import type { TabularData } from "../../../src/models/family.js";
import { Rng } from "../../../src/util/random.js";
import { pearsonN } from "../../../src/validation/metrics/correlation.js";

export interface PlantedPanel {
  T: number;
  S: number;
  F: number;
  /** Time-major [T*S x F]. */
  X: Float32Array;
  y: Float64Array;
}

/** Rows of the cells at times [t0, t1), time-major, with their panel index. */
export function rowsOf(p: PlantedPanel, t0: number, t1: number, y: Float64Array = p.y, names?: string[]): TabularData {
  const n = (t1 - t0) * p.S;
  const X = p.X.slice(t0 * p.S * p.F, t1 * p.S * p.F);
  const time = new Int32Array(n);
  const symbol = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    time[i] = t0 + Math.floor(i / p.S);
    symbol[i] = i % p.S;
  }
  return {
    nRows: n,
    nFeatures: p.F,
    featureNames: names ?? Array.from({ length: p.F }, (_, j) => `x${j}`),
    X,
    y: y.slice(t0 * p.S, t1 * p.S),
    rows: { time, symbol },
  };
}

/** A panel of iid standard normal features; y from `f(features of the cell, rng)`. */
export function planted(T: number, S: number, F: number, seed: number, f: (x: Float32Array, o: number, rng: Rng, t: number, s: number) => number): PlantedPanel {
  const rng = new Rng(seed);
  const X = new Float32Array(T * S * F);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  const y = new Float64Array(T * S);
  for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) y[t * S + s] = f(X, (t * S + s) * F, rng, t, s);
  return { T, S, F, X, y };
}

/** Pearson correlation (the project's metric). */
export function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonN(a, b, a.length);
}

export function mse(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / y.length;
}

/** The naive baseline: every prediction is the training mean. */
export function meanBaseline(train: ArrayLike<number>, n: number): Float64Array {
  let m = 0;
  for (let i = 0; i < train.length; i++) m += train[i];
  return new Float64Array(n).fill(m / train.length);
}

/** A saved model's JSON after a trip through text, as a file would hold it. */
export function throughText(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json));
}
