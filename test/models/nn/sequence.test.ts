import { beforeAll, describe, expect, it } from "vitest";
import { cnn1dFamily, gruFamily, lstmFamily, transformerFamily, type NnFamily } from "../../../src/models/nn/families.js";
import { nnReady } from "../../../src/models/nn/runtime/backend.js";
import type { SequenceData } from "../../../src/models/nn/sequence-data.js";
import { ctx, naiveR2, r2, sequenceData } from "./helpers.js";

/**
 * Each sequence family learns a planted sequential signal (the target is a feature 5 bars ago plus
 * half another 2 bars ago: nothing in the current bar predicts it) from windows gathered out of a
 * grid, beats the naive baseline on the later, held-out part of the time axis, and round-trips.
 */

const L = 8;
const { train, valid } = sequenceData(300, 8, 3, 4);
const base = { lookback: L, epochs: 10, batch_size: 64, dropout: 0, learning_rate: 0.01, early_stopping_patience: 0 };

beforeAll(async () => {
  await nnReady("cpu");
});

/** Flattened windows [rows x L*F], oldest bar first: what `predict` takes for a sequence family. */
function flatten(d: SequenceData): Float32Array {
  const { S, nFeatures: F, values } = d.grid;
  const out = new Float32Array(d.rows.length * L * F);
  d.rows.forEach((cell, r) => {
    const t = Math.floor(cell / S);
    const s = cell % S;
    for (let j = 0; j < L; j++) {
      const tt = t - L + 1 + j;
      for (let f = 0; f < F; f++) out[(r * L + j) * F + f] = tt < 0 ? 0 : values[(tt * S + s) * F + f];
    }
  });
  return out;
}

const cases: [NnFamily<any>, Record<string, unknown>][] = [
  [lstmFamily, { hidden_units: [16] }],
  [gruFamily, { hidden_units: [16] }],
  [cnn1dFamily, { filters: [16, 16], kernel_size: 3, dilation_base: 2, pooling: "last" }],
  [transformerFamily, { d_model: 16, num_heads: 2, num_layers: 1, ff_units: 32, learning_rate: 0.005 }],
];

describe("sequence neural families learn a lagged signal and round-trip", () => {
  for (const [fam, arch] of cases) {
    it(`${fam.name}: R2 > 0.5 on later bars (naive ~0), identical predictions after save/load`, async () => {
      const model = await fam.fit(train, fam.paramsSchema.parse({ ...base, ...arch }), ctx, valid);
      const pred = model.predictSequence(valid);
      expect(naiveR2(train.y, valid.y)).toBeLessThan(0.01);
      expect(r2(pred, valid.y)).toBeGreaterThan(0.5);
      const loaded = fam.load(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(loaded.predictSequence(valid))).toEqual(Array.from(pred));
      model.dispose();
      loaded.dispose();
    });
  }

  it("predict on flattened windows equals predictSequence; fitting from flattened windows works too", async () => {
    const p = lstmFamily.paramsSchema.parse({ ...base, hidden_units: [8], epochs: 2 });
    const model = await lstmFamily.fit(train, p, ctx, valid);
    const X = flatten(valid);
    const a = model.predictSequence(valid);
    const b = model.predict(X, valid.rows.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
    expect(model.info.featureNames.slice(-3)).toEqual(["a0@lag0", "a1@lag0", "a2@lag0"]);

    const names = Array.from({ length: L * 3 }, (_, i) => `x${i}`);
    const flatTrain = { nRows: train.rows.length, nFeatures: L * 3, featureNames: names, X: flatten(train), y: train.y };
    const m2 = await lstmFamily.fit(flatTrain, p, ctx);
    expect(m2.predict(X, valid.rows.length).length).toBe(valid.rows.length);
    await expect(lstmFamily.fit({ ...flatTrain, nFeatures: 25, X: new Float32Array(flatTrain.nRows * 25), featureNames: names.concat("z") }, p, ctx)).rejects.toThrow(/not whole windows of lookback 8/);
    model.dispose();
    m2.dispose();
  });

  it("a tabular family refuses a sequence grid, and a grid with other features is refused at predict", async () => {
    const { mlpFamily } = await import("../../../src/models/nn/families.js");
    await expect(mlpFamily.fit(train, mlpFamily.paramsSchema.parse({ epochs: 1 }), ctx)).rejects.toThrow(/tabular family/);
    const model = await lstmFamily.fit(train, lstmFamily.paramsSchema.parse({ ...base, hidden_units: [4], epochs: 1 }), ctx);
    const other = { ...valid.grid, featureNames: ["a0", "zz", "a2"] };
    expect(() => model.predictSequence({ grid: other, rows: valid.rows })).toThrow(/grid feature 1 is "zz", the model expects "a1"/);
    model.dispose();
  });
});
