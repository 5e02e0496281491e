import type { TabularData } from "../../../src/models/family.js";
import { featureGridFromColumns, type SequenceData } from "../../../src/models/nn/sequence-data.js";
import { Rng } from "../../../src/util/random.js";

export const ctx = { seed: 11, threads: 1 };

export function names(F: number, prefix = "f"): string[] {
  return Array.from({ length: F }, (_, i) => `${prefix}${i}`);
}

/** y = x0 x1 + sin(2 x2) + 0.5 x3 + noise; features standard normal. */
export function tabularData(n: number, F: number, seed: number, noise = 0.1): TabularData {
  const r = new Rng(seed);
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) X[i * F + f] = r.normal();
    const x = (k: number): number => (k < F ? X[i * F + k] : 0);
    y[i] = x(0) * x(1) + Math.sin(2 * x(2)) + 0.5 * x(3) + noise * r.normal();
  }
  return { nRows: n, nFeatures: F, featureNames: names(F), X, y };
}

/**
 * A panel-like grid of S symbols x T bars x F standard-normal features with a sequential signal:
 * the target at (t, s) is a0 5 bars ago + 0.5 a1 2 bars ago (+ noise), invisible in the current bar.
 * Rows start at t = 8; the first `trainFrac` of the time axis is training, the rest validation.
 */
export function sequenceData(T: number, S: number, F: number, seed: number, trainFrac = 0.75): { train: SequenceData; valid: SequenceData; cols: Float64Array[] } {
  const r = new Rng(seed);
  const cols = Array.from({ length: F }, () => {
    const c = new Float64Array(T * S);
    for (let i = 0; i < c.length; i++) c[i] = r.normal();
    return c;
  });
  const grid = featureGridFromColumns(cols, names(F, "a"), T, S);
  const cut = Math.floor(T * trainFrac);
  const build = (t0: number, t1: number): SequenceData => {
    const rows: number[] = [];
    const y: number[] = [];
    for (let t = t0; t < t1; t++) {
      for (let s = 0; s < S; s++) {
        rows.push(t * S + s);
        y.push(cols[0][(t - 5) * S + s] + 0.5 * cols[1][(t - 2) * S + s] + 0.1 * r.normal());
      }
    }
    return { grid, rows: Int32Array.from(rows), y: Float64Array.from(y) };
  };
  return { train: build(8, cut), valid: build(cut, T), cols };
}

export function r2(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let mu = 0;
  for (let i = 0; i < y.length; i++) mu += y[i];
  mu /= y.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (pred[i] - y[i]) ** 2;
    sst += (y[i] - mu) ** 2;
  }
  return 1 - sse / sst;
}

/** R^2 of the naive baseline: predicting the training mean on the validation rows. */
export function naiveR2(train: ArrayLike<number>, valid: ArrayLike<number>): number {
  let mu = 0;
  for (let i = 0; i < train.length; i++) mu += train[i];
  mu /= train.length;
  return r2(Array.from({ length: valid.length }, () => mu), valid);
}

export function subset(d: TabularData, from: number, to: number): TabularData {
  const F = d.nFeatures;
  return { nRows: to - from, nFeatures: F, featureNames: d.featureNames, X: d.X.slice(from * F, to * F), y: d.y.slice(from, to), weight: d.weight?.slice(from, to) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
