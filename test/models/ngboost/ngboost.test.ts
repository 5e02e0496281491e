import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { ngboostFamily, normalNll } from "../../../src/models/ngboost/index.js";
import { Rng } from "../../../src/util/random.js";
import { spearman } from "../../../src/validation/metrics/correlation.js";

const F = 4;
const names = Array.from({ length: F }, (_, i) => `f${i}`);

/** y = 0.6 x1 + sigma(x0) e with sigma = 0.3 exp(0.6 x0): a mean signal and a planted noise level. */
function hetero(n: number, seed: number): { data: TabularData; sigma: Float64Array } {
  const rng = new Rng(seed);
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) X[i * F + f] = Math.fround(rng.normal());
    sigma[i] = 0.3 * Math.exp(0.6 * X[i * F]);
    y[i] = 0.6 * X[i * F + 1] + sigma[i] * rng.normal();
  }
  return { data: { nRows: n, nFeatures: F, featureNames: names, X, y }, sigma };
}

const ctx = { seed: 9, threads: 1 };

describe("ngboost", () => {
  const train = hetero(4000, 1);
  const valid = hetero(1000, 2);
  const test = hetero(2000, 3);
  const params = ngboostFamily.paramsSchema.parse({ n_estimators: 300, learning_rate: 0.1 });

  it("predicted scale tracks the planted heteroscedastic noise (Spearman > 0.8); loc beats the mean", async () => {
    const model = await ngboostFamily.fit(train.data, params, ctx, valid.data);
    const { loc, scale } = model.predictDistribution(test.data.X, test.data.nRows);
    expect(spearman(scale, test.sigma)).toBeGreaterThan(0.8);
    const mean = train.data.y.reduce((a, b) => a + b, 0) / train.data.nRows;
    let mse = 0;
    let naive = 0;
    let nll = 0;
    let naiveNll = 0;
    const sdAll = Math.sqrt(train.data.y.reduce((a, b) => a + (b - mean) ** 2, 0) / train.data.nRows);
    for (let i = 0; i < test.data.nRows; i++) {
      const y = test.data.y[i];
      mse += (loc[i] - y) ** 2;
      naive += (mean - y) ** 2;
      nll += normalNll(y, loc[i], Math.log(scale[i]));
      naiveNll += normalNll(y, mean, Math.log(sdAll));
    }
    expect(mse).toBeLessThan(0.7 * naive);
    // The distribution as a whole beats the marginal Normal out of sample.
    expect(nll / test.data.nRows).toBeLessThan(naiveNll / test.data.nRows - 0.2);
    expect(Array.from(model.predict(test.data.X.subarray(0, 50 * F), 50))).toEqual(Array.from(loc.subarray(0, 50)));
    expect(model.predictScale(test.data.X.subarray(0, 50 * F), 50)).toEqual(scale.subarray(0, 50));
    // The scale trees split on the noise feature, the loc trees on the signal one.
    const imp = model.importance("gain");
    expect(imp.f0).toBeGreaterThan(imp.f2 * 5);
    expect(imp.f1).toBeGreaterThan(imp.f3 * 5);
    expect(model.info.bestIteration).toBeLessThan(300);
  }, 60_000);

  it("round-trips through JSON with identical loc and scale", async () => {
    const model = await ngboostFamily.fit(train.data, { ...params, n_estimators: 40, minibatch_frac: 0.7, feature_fraction: 0.75 }, ctx);
    const loaded = ngboostFamily.load(JSON.parse(JSON.stringify(model.toJSON())));
    const a = model.predictDistribution(test.data.X, test.data.nRows);
    const b = loaded.predictDistribution(test.data.X, test.data.nRows);
    expect(Array.from(b.loc)).toEqual(Array.from(a.loc));
    expect(Array.from(b.scale)).toEqual(Array.from(a.scale));
  });

  it("gives the same model for the same seed whatever the thread count", async () => {
    const p = { ...params, n_estimators: 20, minibatch_frac: 0.8 };
    const big = hetero(30_000, 4).data;
    const one = await ngboostFamily.fit(big, p, { seed: 5, threads: 1 });
    const two = await ngboostFamily.fit(big, p, { seed: 5, threads: 2 });
    expect(JSON.stringify(two.toJSON())).toBe(JSON.stringify(one.toJSON()));
  }, 60_000);

  it("rejects a constant target and a foreign model file", async () => {
    const d = { ...train.data, y: new Float64Array(train.data.nRows).fill(1) };
    await expect(ngboostFamily.fit(d, params, ctx)).rejects.toThrow(/target is constant/);
    expect(() => ngboostFamily.load({ format: "foxml-gbdt" })).toThrow(/not a valid foxml-ngboost model/);
  });
});
