import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { ridgeFamily } from "../../../src/models/linear/index.js";
import { gmmRegimeFamily } from "../../../src/models/regime/index.js";
import { Rng } from "../../../src/util/random.js";
import "../../../src/models/index.js"; // every family registered, as in a run (the test names a sequence family)

/**
 * Two regimes of a state feature `vol_state` (bimodal); the sign of x1's effect flips between
 * them, so a pooled linear model sees almost no signal and a per-regime one sees all of it.
 */
function regimes(n: number, seed: number): TabularData {
  const rng = new Rng(seed);
  const F = 3;
  const X = new Float32Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hi = rng.uniform() < 0.4;
    const s = (hi ? 1.5 : -1.5) + 0.4 * rng.normal();
    const x1 = rng.normal();
    const x2 = rng.normal();
    X[i * F] = Math.fround(s);
    X[i * F + 1] = Math.fround(x1);
    X[i * F + 2] = Math.fround(x2);
    y[i] = (hi ? -0.5 : 0.5) * x1 + 0.1 * x2 + 0.5 * rng.normal();
  }
  return { nRows: n, nFeatures: F, featureNames: ["vol_state", "x1", "x2"], X, y };
}

const mse = (p: Float64Array, y: Float64Array) => p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / p.length;
const ctx = { seed: 4, threads: 1 };

describe("gmm_regime", () => {
  const train = regimes(4000, 1);
  const test = regimes(2000, 2);

  it("finds the two planted regimes by BIC and beats pooled ridge and the mean out of sample", async () => {
    const model = await gmmRegimeFamily.fit(train, gmmRegimeFamily.paramsSchema.parse({}), ctx);
    expect(model.info.stateIndex).toEqual([0]);
    expect(model.gmm.k).toBe(2);
    expect(model.info.bic.map((b) => b.k)).toEqual([1, 2, 3, 4, 5]);
    const pred = model.predict(test.X, test.nRows);
    const ridge = await ridgeFamily.fit(train, ridgeFamily.paramsSchema.parse({}), ctx);
    const mean = train.y.reduce((a, b) => a + b, 0) / train.nRows;
    const naive = mse(new Float64Array(test.nRows).fill(mean), test.y);
    const pooled = mse(ridge.predict(test.X, test.nRows), test.y);
    const ours = mse(pred, test.y);
    expect(pooled).toBeGreaterThan(0.95 * naive);
    expect(ours).toBeLessThan(0.8 * naive);
    // Regime probabilities separate the planted regimes almost perfectly.
    const p = model.regimeProbabilities(test.X, test.nRows);
    let agree = 0;
    const hiRegime = model.gmm.means[0] > model.gmm.means[1] ? 0 : 1;
    for (let i = 0; i < test.nRows; i++) if ((p[i * 2 + hiRegime] > 0.5) === (test.X[i * 3] > 0)) agree++;
    expect(agree / test.nRows).toBeGreaterThan(0.98);
  });

  it("a pooled model on the features plus regime probabilities, and fixed regime counts, also work", async () => {
    const model = await gmmRegimeFamily.fit(train, gmmRegimeFamily.paramsSchema.parse({ per_regime: false, min_states: 3, max_states: 3, covariance: "diag" }), ctx);
    expect(model.gmm.k).toBe(3);
    expect(model.perRegime).toHaveLength(0);
    expect(mse(model.predict(test.X, test.nRows), test.y)).toBeLessThan(1);
  });

  it("round-trips through JSON with identical predictions", async () => {
    const model = await gmmRegimeFamily.fit(train, gmmRegimeFamily.paramsSchema.parse({}), ctx);
    const loaded = gmmRegimeFamily.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(loaded.predict(test.X, test.nRows))).toEqual(Array.from(model.predict(test.X, test.nRows)));
  });

  it("names the problem in bad settings", async () => {
    expect(() => gmmRegimeFamily.paramsSchema.parse({ min_states: 4, max_states: 2 })).toThrow(/min_states 4 is above max_states 2/);
    await expect(gmmRegimeFamily.fit(train, gmmRegimeFamily.paramsSchema.parse({ base_family: "lstm" }), ctx)).rejects.toThrow(/base_family lstm is a sequence family/);
    await expect(gmmRegimeFamily.fit(train, gmmRegimeFamily.paramsSchema.parse({ base_params: { lambda: -1 } }), ctx)).rejects.toThrow(/invalid base_params for ridge: lambda/);
  });
});
