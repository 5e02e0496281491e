/**
 * meta_learning: a planted case where different families are right in different regimes. In regime
 * A (x1 > 0) the target is linear in x0, which ridge gets exactly; in regime B it is |x0|, which no
 * linear model sees and additive stumps approximate. Neither member alone (nor their fixed-weight
 * stack) is right in both; the gate on x1 trusts ridge in A and the trees in B.
 */
import { describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import { MetaLearningModel } from "../../../src/models/meta_learning/index.js";
import { getFamily } from "../../../src/models/registry.js";
import { meanBaseline, mse, planted, rowsOf, throughText } from "./planted.js";

const T = 150;
const S = 10;
const CUT = 110;
const stumps = { family: "lightgbm", hyperparameters: { n_estimators: 80, num_leaves: 2, min_data_in_leaf: 20, learning_rate: 0.1, early_stopping_rounds: 0, feature_fraction: 1, bagging_fraction: 1 } };
const members = [{ family: "ridge" }, stumps];
const panel = planted(T, S, 3, 9, (x, o, rng) => (x[o + 1] > 0 ? x[o] : 1.5 * (Math.abs(x[o]) - 0.8)) + 0.3 * rng.normal());

describe("meta_learning family", () => {
  const fam = getFamily("meta_learning");
  const train = rowsOf(panel, 0, CUT);
  const test = rowsOf(panel, CUT, T);

  it("trusts each family in its own regime and beats the best single member and a fixed-weight stack", async () => {
    const model = (await fam.fit(train, fam.paramsSchema.parse({ members, gate_features: ["x1"] }), { seed: 1, threads: 1, labelWindow: 1 })) as MetaLearningModel;
    const { pred, weights } = model.explain(test.X, test.nRows);
    const memberMse = model.members.map((m) => mse(m.predict(test.X, test.nRows), test.y));
    const meta = mse(pred, test.y);
    expect(meta).toBeLessThan(Math.min(...memberMse) * 0.85);
    expect(meta).toBeLessThan(mse(meanBaseline(train.y, test.nRows), test.y) * 0.5);
    const stack = await getFamily("ensemble").fit(train, getFamily("ensemble").paramsSchema.parse({ members }), { seed: 1, threads: 1, labelWindow: 1 });
    expect(meta).toBeLessThan(mse(stack.predict(test.X, test.nRows), test.y) * 0.9);
    // mean weight of ridge (member 0) by regime
    let a = 0;
    let na = 0;
    let b = 0;
    let nb = 0;
    for (let r = 0; r < test.nRows; r++) {
      if (test.X[r * 3 + 1] > 0) {
        a += weights[r * 2];
        na++;
      } else {
        b += weights[r * 2];
        nb++;
      }
    }
    // regime B is the trees' alone; in regime A ridge carries the weight the trees' |x0| part lacks
    expect(b / nb).toBeLessThan(0.15);
    expect(a / na - b / nb).toBeGreaterThan(0.3);
  }, 60_000);

  it("saves and loads into identical predictions, and names a gate feature it does not have", async () => {
    const model = await fam.fit(train, fam.paramsSchema.parse({ members, gate_features: ["x1"], inner_folds: 2 }), { seed: 2, threads: 1 });
    const loaded = fam.load(throughText(model.toJSON()));
    expect(Array.from(loaded.predict(test.X, test.nRows))).toEqual(Array.from(model.predict(test.X, test.nRows)));
    await expect(fam.fit(train, fam.paramsSchema.parse({ members, gate_features: ["vol_20"] }), { seed: 2, threads: 1 })).rejects.toThrow(/gate feature "vol_20" is not among the training features/);
  }, 60_000);
});
