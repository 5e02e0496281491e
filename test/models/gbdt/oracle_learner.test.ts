import { afterAll, describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { setGrowerForTests, trainGbdt, type GrowerFactory } from "../../../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import { setParallelLimits } from "../../../src/models/gbdt/parallel.js";
import { gbdtParamsSchema } from "../../../src/models/gbdt/params.js";
import { binaryData, lcg, regressionData } from "./helpers.js";
import { SerialEngine } from "./oracle_learner/engine.js";
import { TreeLearner } from "./oracle_learner/learner.js";

/**
 * The fast learner (WebAssembly kernels, threads) against the frozen copy of the learner it
 * replaced (test/models/gbdt/oracle_learner/): same binned data, same gradients, so the same trees
 * and predictions, for 1 and 2 threads, on data that takes every path (missing values, weights,
 * categorical splits, bagging, feature sampling, multiclass, lambdarank).
 */
const oracle: GrowerFactory = async (data, opts) => {
  const engine = new SerialEngine(data, opts.numLeaves, opts.maxDepth);
  const learner = new TreeLearner(data, opts, engine);
  return { rows: engine.rows, grad: engine.grad, hess: engine.hess, times: learner.times, grow: (b, f, r) => learner.grow(b, f, r), close: () => engine.close() };
};

const lgb = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);
const xgb = gbdtParamsSchema(FAMILY_DEFAULTS.xgboost);

function withMissing(d: TabularData, share: number, seed: number): TabularData {
  const rnd = lcg(seed);
  const X = d.X.slice();
  for (let i = 0; i < X.length; i++) if (rnd() < share) X[i] = NaN;
  return { ...d, X };
}

function withCategorical(d: TabularData, f: number, levels: number): TabularData {
  const X = d.X.slice();
  const y = d.y.slice();
  for (let r = 0; r < d.nRows; r++) {
    const c = r % levels;
    X[r * d.nFeatures + f] = c;
    if (c % 3 === 1) y[r] += 0.8;
  }
  return { ...d, X, y };
}

function multiclass(n: number, F: number, seed: number): TabularData {
  const d = regressionData(n, F, seed, 0.3);
  return { ...d, y: d.y.map((v) => (v < -0.4 ? 0 : v < 0.4 ? 1 : 2)) };
}

function ranking(n: number, F: number, seed: number, groupSize: number): TabularData {
  const d = regressionData(n, F, seed, 0.3);
  const y = new Float64Array(n);
  const group = new Int32Array(n);
  for (let s = 0; s < n; s += groupSize) {
    const e = Math.min(n, s + groupSize);
    const ord = Array.from({ length: e - s }, (_, k) => s + k).sort((a, b) => d.y[a] - d.y[b] || a - b);
    ord.forEach((r, k) => (y[r] = Math.floor((4 * k) / ord.length)));
    group.fill(s / groupSize, s, e);
  }
  return { ...d, y, group };
}

function weighted(d: TabularData, seed: number): TabularData {
  const rnd = lcg(seed);
  return { ...d, weight: Float64Array.from({ length: d.nRows }, () => 0.2 + 2 * rnd()) };
}

const cases: { name: string; family: string; data: () => TabularData; params: Record<string, unknown> }[] = [
  { name: "regression, depth-wise, 8% missing", family: "xgboost", data: () => withMissing(regressionData(6000, 13, 1), 0.08, 2), params: { n_estimators: 8, max_depth: 6, num_leaves: 64, grow_policy: "depthwise", min_data_in_leaf: 1 } },
  { name: "regression, leaf-wise, bagging and feature sampling", family: "lightgbm", data: () => regressionData(5000, 18, 3), params: { n_estimators: 8, num_leaves: 31, bagging_fraction: 0.7, bagging_freq: 1, feature_fraction: 0.8, feature_fraction_bynode: 0.7 } },
  { name: "binary with weights and missing values", family: "lightgbm", data: () => weighted(withMissing(binaryData(5000, 10, 4), 0.05, 5), 6), params: { objective: "binary", n_estimators: 8, num_leaves: 15 } },
  { name: "multiclass (3 classes)", family: "lightgbm", data: () => multiclass(4000, 9, 7), params: { objective: "multiclass", num_class: 3, n_estimators: 5, num_leaves: 15 } },
  { name: "lambdarank with query groups", family: "lightgbm", data: () => ranking(4000, 11, 8, 40), params: { objective: "lambdarank", n_estimators: 6, num_leaves: 15, min_sum_hessian_in_leaf: 0 } },
  { name: "categorical feature and few distinct values", family: "lightgbm", data: () => withCategorical(regressionData(5000, 7, 9), 2, 12), params: { n_estimators: 6, num_leaves: 15, categorical_feature: ["f2"] } },
  { name: "extra trees", family: "lightgbm", data: () => regressionData(4000, 9, 10), params: { n_estimators: 6, num_leaves: 15, extra_trees: true } },
  { name: "16-bit codes (max_bin 400: the JavaScript kernels)", family: "lightgbm", data: () => withMissing(regressionData(5000, 6, 12), 0.03, 13), params: { n_estimators: 5, num_leaves: 15, max_bin: 400 } },
];

afterAll(() => setGrowerForTests(null));

describe("fast tree learner against the frozen oracle learner", () => {
  for (const c of cases) {
    it(`grows the same trees: ${c.name}`, async () => {
      const d = c.data();
      const p = (c.family === "xgboost" ? xgb : lgb).parse(c.params);
      setGrowerForTests(oracle);
      const ref = (await trainGbdt(c.family, d, p, { seed: 5, threads: 1 })).model;
      setGrowerForTests(null);
      const refPred = ref.predict(d.X, d.nRows);
      // Every threaded path forced on for the 2-thread run, so small data exercises them too.
      const prev = setParallelLimits({ minUpdates: 1, minPartitionRows: 2, minData: 1 });
      try {
        for (const threads of [1, 2]) {
          const fast = (await trainGbdt(c.family, d, p, { seed: 5, threads })).model;
          expect(fast.trees.length).toBe(ref.trees.length);
          for (let t = 0; t < ref.trees.length; t++) {
            expect(fast.trees[t].feature).toEqual(ref.trees[t].feature);
            expect(fast.trees[t].threshold).toEqual(ref.trees[t].threshold);
            expect(fast.trees[t].left).toEqual(ref.trees[t].left);
            expect(fast.trees[t].defaultLeft).toEqual(ref.trees[t].defaultLeft);
            expect(fast.trees[t].categories).toEqual(ref.trees[t].categories);
            expect(fast.trees[t].count).toEqual(ref.trees[t].count);
          }
          const pred = fast.predict(d.X, d.nRows);
          let worst = 0;
          for (let i = 0; i < pred.length; i++) worst = Math.max(worst, Math.abs(pred[i] - refPred[i]));
          expect(worst).toBeLessThan(1e-9);
        }
      } finally {
        setParallelLimits(prev);
      }
    });
  }

  it("the oracle comparison can fail: a different learner (other depth) grows other trees", async () => {
    const d = regressionData(3000, 6, 11);
    setGrowerForTests(oracle);
    const ref = (await trainGbdt("xgboost", d, xgb.parse({ n_estimators: 2, max_depth: 4, num_leaves: 16 }), { seed: 5, threads: 1 })).model;
    setGrowerForTests(null);
    const other = (await trainGbdt("xgboost", d, xgb.parse({ n_estimators: 2, max_depth: 3, num_leaves: 8 }), { seed: 5, threads: 1 })).model;
    expect(other.trees[0].feature).not.toEqual(ref.trees[0].feature);
  });
});
