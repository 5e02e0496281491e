import { beforeAll, describe, expect, it } from "vitest";
import { mlpFamily, tabCnnFamily, tabLstmFamily, tabTransformerFamily, vaeFamily, type NnFamily } from "../../../src/models/nn/families.js";
import { nnReady } from "../../../src/models/nn/runtime/backend.js";
import { ctx, naiveR2, r2, subset, tabularData } from "./helpers.js";

/**
 * Each tabular family learns a planted non-linear signal (y = x0 x1 + sin 2 x2 + 0.5 x3 + noise) and
 * beats the naive baseline out of sample; its JSON round-trips into identical predictions.
 */

const data = tabularData(1300, 6, 3);
const train = subset(data, 0, 1000);
const valid = subset(data, 1000, 1300);
const base = { epochs: 10, batch_size: 64, dropout: 0, learning_rate: 0.005, early_stopping_patience: 0 };

beforeAll(async () => {
  await nnReady("cpu");
});

const cases: [NnFamily<any>, Record<string, unknown>, number][] = [
  [mlpFamily, { hidden_units: [32, 32] }, 0.7],
  [vaeFamily, { encoder_units: [32], latent_dim: 6, head_units: [32], recon_weight: 0.1 }, 0.5],
  [tabCnnFamily, { token_dim: 8, filters: [16, 16] }, 0.6],
  [tabLstmFamily, { token_dim: 8, hidden_units: [16] }, 0.6],
  [tabTransformerFamily, { d_model: 16, num_heads: 2, num_layers: 1, ff_units: 32 }, 0.6],
];

describe("tabular neural families learn and round-trip", () => {
  for (const [fam, arch, minR2] of cases) {
    it(`${fam.name}: R2 > ${minR2} out of sample (naive ~0), identical predictions after save/load`, async () => {
      const model = await fam.fit(train, fam.paramsSchema.parse({ ...base, ...arch }), ctx, valid);
      const pred = model.predict(valid.X, valid.nRows);
      expect(naiveR2(train.y, valid.y)).toBeLessThan(0.01);
      expect(r2(pred, valid.y)).toBeGreaterThan(minR2);
      const loaded = fam.load(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(loaded.predict(valid.X, valid.nRows))).toEqual(Array.from(pred));
      expect(model.info.training.history.length).toBe(10);
      model.dispose();
      loaded.dispose();
    });
  }
});

describe("VAE reconstruction error as an anomaly / regime score", () => {
  it("is higher for rows unlike the training data, survives save/load, and unknown scores are named", async () => {
    const p = vaeFamily.paramsSchema.parse({ ...base, encoder_units: [16], latent_dim: 3, head_units: [], recon_weight: 1, epochs: 6 });
    const model = await vaeFamily.fit(train, p, ctx);
    expect(model.scoreNames()).toEqual(["reconstruction_error"]);
    const normal = model.score("reconstruction_error", valid.X, valid.nRows);
    const shifted = Float32Array.from(valid.X, (v) => 4 * v + 3); // a different regime
    const anomalous = model.score("reconstruction_error", shifted, valid.nRows);
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(anomalous)).toBeGreaterThan(3 * mean(normal));
    const loaded = vaeFamily.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(loaded.score("reconstruction_error", valid.X, valid.nRows))).toEqual(Array.from(normal));
    expect(() => model.score("surprise", valid.X, valid.nRows)).toThrow(/vae has no score "surprise"/);
    model.dispose();
    loaded.dispose();
  });
});

describe("model files", () => {
  it("load refuses other families, other formats, wrong shapes and missing weights, naming what is wrong", async () => {
    const model = await mlpFamily.fit(train, mlpFamily.paramsSchema.parse({ ...base, hidden_units: [4], epochs: 1 }), ctx);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.format).toBe("foxml-nn");
    expect(json.version).toBe(1);
    expect(() => vaeFamily.load(json)).toThrow(/a "mlp" model, not "vae"/);
    expect(() => mlpFamily.load({ ...json, format: "other" })).toThrow(/not a valid foxml-nn model: format/);
    expect(() => mlpFamily.load({ ...json, params: { ...json.params, hidden_units: [5] } })).toThrow(/weight "mlp.0.w" has shape \[6,4\], the network needs \[6,5\]/);
    expect(() => mlpFamily.load({ ...json, weights: json.weights.slice(1) })).toThrow(/no weight "mlp.0.w"/);
    expect(() => mlpFamily.load({ ...json, weights: [{ ...json.weights[0], data: "AAAAAA==" }, ...json.weights.slice(1)] })).toThrow(/has 1 values, its shape \[6,4\] needs 24/);
    expect(() => mlpFamily.load({ ...json, params: { ...json.params, learning_rate: -1 } })).toThrow(/params do not validate for mlp: learning_rate/);
    model.dispose();
  });
});
