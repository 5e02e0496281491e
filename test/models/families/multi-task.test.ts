/**
 * multi_task as a family: a planted case where the primary target is too noisy to learn alone and a
 * related auxiliary target is clean, so the shared trunk learned from both predicts the primary
 * better out of sample than the same network without the auxiliary head, and both beat the mean.
 */
import { beforeAll, describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import type { TabularData } from "../../../src/models/family.js";
import { getFamily } from "../../../src/models/registry.js";
import { MultiTaskFamilyModel } from "../../../src/models/multi_task/index.js";
import { nnReady } from "../../../src/models/nn/runtime/backend.js";
import { corr, meanBaseline, mse, planted, rowsOf, throughText } from "./planted.js";

beforeAll(async () => {
  await nnReady();
});

const T = 160;
const S = 10;
// latent = a smooth non-linear function of x0, x1; primary = latent + heavy noise, aux = latent + light noise
const latentOf = (x: Float32Array, o: number) => Math.tanh(x[o] - x[o + 1]) + 0.5 * x[o + 2];
const panel = planted(T, S, 5, 11, (x, o, rng) => 0.4 * latentOf(x, o) + 1.5 * rng.normal());
const auxY = (() => {
  const a = new Float64Array(T * S);
  for (let c = 0; c < T * S; c++) a[c] = latentOf(panel.X, c * panel.F) + 0.1 * Math.sin(c);
  return a;
})();
const CUT = 120;

function withAux(d: TabularData, t0: number, t1: number): TabularData {
  return { ...d, aux: { names: ["fwd_ret_20"], objectives: ["regression"], Y: auxY.slice(t0 * S, t1 * S) } };
}

const base = { hidden_units: [16], epochs: 25, batch_size: 64, learning_rate: 0.01, dropout: 0, early_stopping_patience: 0, weight_decay: 0 };

describe("multi_task family", () => {
  const fam = getFamily("multi_task");
  const train = withAux(rowsOf(panel, 0, CUT), 0, CUT);
  const test = rowsOf(panel, CUT, T);

  it("learns from the auxiliary target: beats the single-head network and the mean out of sample", async () => {
    const withHead = await fam.fit(train, fam.paramsSchema.parse({ ...base, aux_weight: 1 }), { seed: 3, threads: 1 });
    const alone = await fam.fit(train, fam.paramsSchema.parse({ ...base, aux_weight: 0 }), { seed: 3, threads: 1 });
    expect((withHead as MultiTaskFamilyModel).targets).toEqual(["primary", "fwd_ret_20"]);
    expect((alone as MultiTaskFamilyModel).targets).toEqual(["primary"]);
    const pm = withHead.predict(test.X, test.nRows);
    const ps = alone.predict(test.X, test.nRows);
    const naive = meanBaseline(train.y, test.nRows);
    const mm = mse(pm, test.y);
    expect(mm).toBeLessThan(mse(naive, test.y));
    expect(corr(pm, test.y)).toBeGreaterThan(corr(ps, test.y) + 0.02);
    expect(mm).toBeLessThan(mse(ps, test.y));
    // the auxiliary head itself predicts its target
    const all = (withHead as MultiTaskFamilyModel).predictAll(test.X, test.nRows);
    const auxPred = Float64Array.from({ length: test.nRows }, (_, r) => all[r * 2 + 1]);
    expect(corr(auxPred, auxY.slice(CUT * S))).toBeGreaterThan(0.8);
  }, 60_000);

  it("saves and loads into identical predictions of every head", async () => {
    const m = (await fam.fit(train, fam.paramsSchema.parse({ ...base, epochs: 3 }), { seed: 4, threads: 1 })) as MultiTaskFamilyModel;
    const loaded = fam.load(throughText(m.toJSON())) as MultiTaskFamilyModel;
    expect(loaded.targets).toEqual(m.targets);
    expect(Array.from(loaded.predict(test.X, test.nRows))).toEqual(Array.from(m.predict(test.X, test.nRows)));
    expect(Array.from(loaded.predictAll(test.X, test.nRows))).toEqual(Array.from(m.predictAll(test.X, test.nRows)));
    expect(() => fam.load({ format: "foxml-nn" })).toThrow(/not a multi_task model/);
  }, 60_000);

  it("leaves out an auxiliary head without labels and trains on the primary alone", async () => {
    const empty = { ...train, aux: { names: ["fwd_ret_20"], objectives: ["regression" as const], Y: new Float64Array(train.nRows).fill(NaN) } };
    const warned: object[] = [];
    const log = { info() {}, debug() {}, warn: (o: object) => void warned.push(o) };
    const m = (await fam.fit(empty, fam.paramsSchema.parse({ ...base, epochs: 2 }), { seed: 4, threads: 1, log })) as MultiTaskFamilyModel;
    expect(m.targets).toEqual(["primary"]);
    expect(warned).toContainEqual(expect.objectContaining({ target: "fwd_ret_20", labels: 0 }));
  }, 60_000);
});
