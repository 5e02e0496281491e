/**
 * ensemble as a family: members' weights learned out of fold (inner folds by time, purged), known
 * answers on planted data, save/load of a nested ensemble.
 */
import { describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import { EnsembleModel, innerFolds } from "../../../src/models/ensemble/index.js";
import { getFamily } from "../../../src/models/registry.js";
import { corr, meanBaseline, mse, planted, rowsOf, throughText } from "./planted.js";

const T = 150;
const S = 10;
const CUT = 110;
const gbm = { family: "lightgbm", hyperparameters: { n_estimators: 60, num_leaves: 4, min_data_in_leaf: 20, learning_rate: 0.1, early_stopping_rounds: 0 } };

describe("ensemble family", () => {
  const fam = getFamily("ensemble");

  it("cuts inner folds by time and purges the label window on both sides of each block", () => {
    const d = rowsOf(planted(40, 3, 2, 1, () => 0), 0, 40);
    const folds = innerFolds(d, 4, 2);
    expect(folds).toHaveLength(4);
    for (const f of folds) {
      const testTimes = new Set(Array.from(f.test, (r) => d.rows!.time[r]));
      const lo = Math.min(...testTimes);
      const hi = Math.max(...testTimes);
      expect(testTimes.size).toBe(10);
      for (const r of f.train) {
        const t = d.rows!.time[r];
        expect(t < lo - 2 || t > hi + 2).toBe(true);
      }
    }
    expect(Array.from(folds[1].train).length).toBe(3 * (40 - 10 - 4));
  });

  it("combines a linear and a non-linear member into a forecast better than either and the mean", async () => {
    const p = planted(T, S, 4, 5, (x, o, rng) => 0.8 * x[o] + 0.8 * Math.sign(x[o + 1]) + 0.8 * rng.normal());
    const train = rowsOf(p, 0, CUT);
    const test = rowsOf(p, CUT, T);
    const params = fam.paramsSchema.parse({ members: [{ family: "ridge" }, gbm] });
    const model = (await fam.fit(train, params, { seed: 2, threads: 1, labelWindow: 1 })) as EnsembleModel;
    const w = model.weightsByMember();
    expect(Object.keys(w)).toEqual(["ridge", "lightgbm"]);
    expect(w.ridge).toBeGreaterThanOrEqual(0);
    expect(w.lightgbm).toBeGreaterThan(0);
    expect(w.ridge + w.lightgbm).toBeCloseTo(1, 12);
    const pe = model.predict(test.X, test.nRows);
    const members = model.members.map((m) => mse(m.predict(test.X, test.nRows), test.y));
    const me = mse(pe, test.y);
    expect(me).toBeLessThan(mse(meanBaseline(train.y, test.nRows), test.y) * 0.7);
    expect(me).toBeLessThan(Math.max(...members));
    expect(me).toBeLessThan(Math.min(...members) * 1.02);
  }, 60_000);

  it("puts the weight on the member that is right (a linear truth: ridge over weak stumps)", async () => {
    const p = planted(T, S, 4, 6, (x, o, rng) => x[o] - 0.5 * x[o + 2] + 0.5 * rng.normal());
    const train = rowsOf(p, 0, CUT);
    const test = rowsOf(p, CUT, T);
    const weak = { family: "lightgbm", hyperparameters: { n_estimators: 3, num_leaves: 2, learning_rate: 0.1, early_stopping_rounds: 0 } };
    const model = (await fam.fit(train, fam.paramsSchema.parse({ members: [weak, { family: "ridge" }] }), { seed: 2, threads: 1 })) as EnsembleModel;
    expect(model.weightsByMember().ridge).toBeGreaterThan(0.8);
    expect(corr(model.predict(test.X, test.nRows), test.y)).toBeGreaterThan(0.85);
  }, 60_000);

  it("nests an ensemble inside an ensemble and saves and loads into identical predictions", async () => {
    const p = planted(80, 6, 3, 7, (x, o, rng) => x[o] + 0.5 * rng.normal());
    const train = rowsOf(p, 0, 60);
    const test = rowsOf(p, 60, 80);
    const params = fam.paramsSchema.parse({ inner_folds: 2, members: [{ family: "ridge" }, { family: "ensemble", hyperparameters: { inner_folds: 2, members: [{ family: "lasso" }, gbm] } }] });
    const model = await fam.fit(train, params, { seed: 3, threads: 1 });
    const loaded = fam.load(throughText(model.toJSON()));
    expect(Array.from(loaded.predict(test.X, test.nRows))).toEqual(Array.from(model.predict(test.X, test.nRows)));
    expect(corr(loaded.predict(test.X, test.nRows), test.y)).toBeGreaterThan(0.7);
    expect(() => fam.load({ format: "foxml-nn" })).toThrow(/not a foxml-ensemble v1 model/);
  }, 60_000);

  it("names a bad member in its hyperparameter error", () => {
    const r = fam.paramsSchema.safeParse({ members: [{ family: "ridge" }, { family: "nope" }, { family: "lightgbm", variant: "wild" }, { family: "lstm" }] });
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(msgs).toContainEqual(expect.stringMatching(/^members\.1: .*"nope" is not a registered family/));
    expect(msgs).toContainEqual(expect.stringMatching(/^members\.2: .*no variant "wild"; its variants: conservative, balanced, aggressive/));
    expect(msgs).toContainEqual(expect.stringMatching(/^members\.3: .*sequence family/));
  });
});
