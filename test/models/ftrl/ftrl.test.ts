import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { ftrlFamily } from "../../../src/models/ftrl/index.js";
import { logisticFamily } from "../../../src/models/linear/index.js";
import { Rng } from "../../../src/util/random.js";
import { InputError } from "../../../src/util/errors.js";

const ctx = { seed: 3, threads: 1 };
const F = 4;
const names = Array.from({ length: F }, (_, i) => `f${i}`);

/** Logistic labels from x . beta(t), beta(t) given per row (a drift when it changes). */
function logisticRows(n: number, beta: (i: number) => number[], seed: number): TabularData {
  const rng = new Rng(seed);
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = beta(i);
    let s = 0.2;
    for (let f = 0; f < F; f++) {
      const x = Math.fround(rng.normal());
      X[i * F + f] = x;
      s += b[f] * x;
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
  }
  return { nRows: n, nFeatures: F, featureNames: names, X, y };
}

function slice(d: TabularData, start: number, end: number): TabularData {
  return { ...d, nRows: end - start, X: d.X.slice(start * F, end * F), y: d.y.slice(start, end) };
}

const logLoss = (p: Float64Array, y: Float64Array) => p.reduce((s, q, i) => s - (y[i] === 1 ? Math.log(q) : Math.log(1 - q)), 0) / p.length;

describe("ftrl", () => {
  const stationary = logisticRows(6000, () => [1, -0.7, 0.4, 0], 11);

  it("from a cold start, online passes reach the batch logistic fit on stationary data", async () => {
    const batch = await logisticFamily.fit(stationary, logisticFamily.paramsSchema.parse({ lambda: 0, missing_indicator: false }), ctx);
    const p = ftrlFamily.paramsSchema.parse({ objective: "binary", warm_start: "none", passes: 16, alpha: 0.2, l2: 0, winsorize: 0 });
    const online = await ftrlFamily.fit(stationary, p, ctx);
    const ref = batch.coefficients().standardized[0];
    const got = online.coefficients().standardized;
    for (let f = 0; f < F; f++) expect(Math.abs(got[`f${f}`] - ref[f])).toBeLessThan(0.03);
    const pa = batch.predict(stationary.X, stationary.nRows);
    const pb = online.predict(stationary.X, stationary.nRows);
    let worst = 0;
    let mean = 0;
    for (let i = 0; i < pa.length; i++) {
      worst = Math.max(worst, Math.abs(pa[i] - pb[i]));
      mean += Math.abs(pa[i] - pb[i]) / pa.length;
    }
    expect(worst).toBeLessThan(0.03);
    expect(mean).toBeLessThan(0.006);
    // The planted zero coefficient stays near zero; the signs are the planted ones.
    expect(Math.abs(got.f3)).toBeLessThan(0.06);
    expect(got.f0).toBeGreaterThan(0.8);
    expect(got.f1).toBeLessThan(-0.5);
  });

  it("a warm start with no passes is the batch fit", async () => {
    const batch = await logisticFamily.fit(stationary, logisticFamily.paramsSchema.parse({ lambda: 0.001, missing_indicator: false }), ctx);
    const warm = await ftrlFamily.fit(stationary, ftrlFamily.paramsSchema.parse({ objective: "binary", passes: 0, warm_lambda: 0.001, winsorize: 0 }), ctx);
    const pa = batch.predict(stationary.X.subarray(0, 500 * F), 500);
    const pb = warm.predict(stationary.X.subarray(0, 500 * F), 500);
    for (let i = 0; i < 500; i++) expect(pb[i]).toBeCloseTo(pa[i], 9);
  });

  it("tracks a planted drift bar by bar better than the batch fit it started from", async () => {
    // The first coefficient turns from +1.5 to -1.5 over the whole series; the model is fitted on
    // the first half and then predicts the second half one row at a time, learning after each.
    const n = 12000;
    const drift = logisticRows(n, (i) => [1.5 - (3 * i) / n, -0.5, 0.3, 0], 12);
    const train = slice(drift, 0, n / 2);
    const test = slice(drift, n / 2, n);
    const batch = await logisticFamily.fit(train, logisticFamily.paramsSchema.parse({ lambda: 0, missing_indicator: false }), ctx);
    const batchLoss = logLoss(batch.predict(test.X, test.nRows), test.y);
    const online = await ftrlFamily.fit(train, ftrlFamily.paramsSchema.parse({ objective: "binary", decay: 0.995, alpha: 0.1 }), ctx);
    const onlineLoss = online.update(test.X, test.nRows, test.y);
    expect(onlineLoss).toBeLessThan(batchLoss - 0.03);
    // Its first coefficient has followed the drift below zero by the end.
    expect(online.coefficients().standardized.f0).toBeLessThan(-0.5);
    // Without updates it is no better than the batch fit: the gain comes from learning online.
    const frozen = await ftrlFamily.fit(train, ftrlFamily.paramsSchema.parse({ objective: "binary", decay: 0.995, alpha: 0.1 }), ctx);
    expect(logLoss(frozen.predict(test.X, test.nRows), test.y)).toBeGreaterThan(onlineLoss + 0.03);
  });

  it("learns a planted linear signal and beats the training mean out of sample (regression)", async () => {
    const rng = new Rng(5);
    const n = 5000;
    const X = new Float32Array(n * F);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) X[i * F + f] = Math.fround(rng.normal());
      y[i] = 0.002 + 0.01 * (0.4 * X[i * F] - 0.3 * X[i * F + 2]) + 0.01 * rng.normal();
    }
    const d: TabularData = { nRows: n, nFeatures: F, featureNames: names, X, y };
    const train = slice(d, 0, 4000);
    const test = slice(d, 4000, n);
    const model = await ftrlFamily.fit(train, ftrlFamily.paramsSchema.parse({ passes: 2 }), ctx);
    const pred = model.predict(test.X, test.nRows);
    const mean = train.y.reduce((a, b) => a + b, 0) / train.nRows;
    let mse = 0;
    let naive = 0;
    for (let i = 0; i < test.nRows; i++) {
      mse += (pred[i] - test.y[i]) ** 2;
      naive += (mean - test.y[i]) ** 2;
    }
    expect(mse).toBeLessThan(0.85 * naive);
  });

  it("round-trips through JSON with identical predictions, online state included", async () => {
    const model = await ftrlFamily.fit(stationary, ftrlFamily.paramsSchema.parse({ objective: "binary", l1: 2, decay: 0.999 }), ctx);
    const loaded = ftrlFamily.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(loaded.predict(stationary.X.subarray(0, 300 * F), 300))).toEqual(Array.from(model.predict(stationary.X.subarray(0, 300 * F), 300)));
    const more = slice(stationary, 0, 200);
    expect(loaded.update(more.X, more.nRows, more.y)).toBe(model.update(more.X, more.nRows, more.y));
    expect(Array.from(loaded.predict(stationary.X.subarray(0, 300 * F), 300))).toEqual(Array.from(model.predict(stationary.X.subarray(0, 300 * F), 300)));
    expect(loaded.state.updates).toBe(200);
  });

  it("rejects bad labels and bad model files with an InputError", async () => {
    const model = await ftrlFamily.fit(stationary, ftrlFamily.paramsSchema.parse({ objective: "binary", passes: 0 }), ctx);
    expect(() => model.update(stationary.X.slice(0, F), 1, [2])).toThrow(/label at row 0 is 2/);
    expect(() => ftrlFamily.load({ format: "foxml-ftrl", version: 1 })).toThrow(InputError);
    expect(() => ftrlFamily.paramsSchema.parse({ warm_start: "none", passes: 0 })).toThrow(/learns nothing/);
  });
});
