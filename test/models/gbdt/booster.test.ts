import { describe, expect, it } from "vitest";
import { trainGbdt } from "../../../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import { r2 } from "../../../src/models/gbdt/metrics.js";
import { setParallelLimits } from "../../../src/models/gbdt/parallel.js";
import { gbdtParamsSchema, type CustomObjective } from "../../../src/models/gbdt/params.js";
import { binaryData, ctx1, lcg, regressionData, subset } from "./helpers.js";

const lgb = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);

describe("boosting", () => {
  it("is bit-identical for 1 and 2 threads, with bagging, feature sampling and a categorical feature", async () => {
    const d = regressionData(12_000, 20, 1);
    for (let i = 0; i < d.nRows; i++) d.X[i * 20 + 5] = i % 7; // categorical codes
    const p = lgb.parse({ n_estimators: 12, num_leaves: 15, bagging_fraction: 0.8, bagging_freq: 1, feature_fraction: 0.9, feature_fraction_bynode: 0.8, categorical_feature: ["f5"] });
    const a = await trainGbdt("lightgbm", d, p, { seed: 3, threads: 1 });
    const b = await trainGbdt("lightgbm", d, p, { seed: 3, threads: 2 });
    expect(JSON.stringify(b.model.toJSON())).toBe(JSON.stringify(a.model.toJSON()));
    const c = await trainGbdt("lightgbm", d, p, { seed: 4, threads: 2 });
    expect(JSON.stringify(c.model.toJSON())).not.toBe(JSON.stringify(a.model.toJSON()));
  });

  it("stays bit-identical with every threaded path forced on (binning, histograms, partition), 1 to 3 threads", async () => {
    const prev = setParallelLimits({ minUpdates: 1, minPartitionRows: 2, minData: 1 });
    try {
      const d = regressionData(3000, 11, 5);
      for (let i = 0; i < d.nRows; i++) {
        d.X[i * 11 + 3] = i % 5; // categorical codes
        d.y[i] += [0, 1.5, -1, 2, 0][i % 5];
        if (i % 9 === 0) d.X[i * 11 + 1] = NaN;
      }
      const p = lgb.parse({ n_estimators: 8, num_leaves: 12, bagging_fraction: 0.7, bagging_freq: 2, feature_fraction: 0.8, categorical_feature: ["f3"], min_data_per_group: 5, cat_smooth: 1 });
      const one = (await trainGbdt("lightgbm", d, p, { seed: 9, threads: 1 })).model;
      expect(one.trees.some((t) => t.categories.some((c) => c !== null))).toBe(true);
      const ref = JSON.stringify(one.toJSON());
      for (const threads of [2, 3]) {
        expect(JSON.stringify((await trainGbdt("lightgbm", d, p, { seed: 9, threads })).model.toJSON())).toBe(ref);
      }
    } finally {
      setParallelLimits(prev);
    }
  });

  it("a bad value found by a binning worker thread is the same clear error", async () => {
    const d = regressionData(12_000, 20, 1);
    d.X[5000 * 20 + 19] = Infinity;
    const p = lgb.parse({ n_estimators: 1 });
    await expect(trainGbdt("lightgbm", d, p, { seed: 1, threads: 2 })).rejects.toThrow(/feature "f19" has an infinite value at row 5000/);
    await expect(trainGbdt("lightgbm", d, p, { seed: 1, threads: 1 })).rejects.toThrow(/feature "f19" has an infinite value at row 5000/);
  });

  it("learns: leaf-wise and depth-wise reach a high test R^2", async () => {
    const d = regressionData(6000, 8, 2);
    const train = subset(d, 0, 5000);
    const test = subset(d, 5000, 6000);
    for (const extra of [{}, { grow_policy: "depthwise", max_depth: 5 }]) {
      const { model } = await trainGbdt("lightgbm", train, lgb.parse({ n_estimators: 150, ...extra }), ctx1);
      expect(r2(model.predict(test.X, test.nRows), test.y, undefined)).toBeGreaterThan(0.9);
    }
  });

  it("early stopping keeps the best iteration on the validation metric", async () => {
    const d = regressionData(3000, 6, 3, 1.5);
    const train = subset(d, 0, 1500);
    const valid = subset(d, 1500, 3000);
    const p = lgb.parse({ n_estimators: 500, learning_rate: 0.3, num_leaves: 63, min_data_in_leaf: 2, early_stopping_rounds: 10 });
    const out = await trainGbdt("lightgbm", train, p, ctx1, valid);
    const best = out.model.info.bestIteration;
    expect(out.evals.length).toBeLessThan(500);
    expect(out.evals.length).toBe(best + 11);
    expect(out.model.trees.length).toBe(best + 1);
    const vals = out.evals.map((e) => e.value);
    expect(Math.min(...vals)).toBe(vals[best]);
    // the kept model's validation loss is the best one
    const pred = out.model.predict(valid.X, valid.nRows);
    let mse = 0;
    for (let i = 0; i < valid.nRows; i++) mse += (pred[i] - valid.y[i]) ** 2 / valid.nRows;
    expect(mse).toBeCloseTo(vals[best], 10);
  });

  it("early stopping works with a higher-is-better metric (AUC) and a custom metric", async () => {
    const d = binaryData(3000, 6, 4);
    const train = subset(d, 0, 2000);
    const valid = subset(d, 2000, 3000);
    const out = await trainGbdt("lightgbm", train, lgb.parse({ objective: "binary", metric: "auc", n_estimators: 300, early_stopping_rounds: 15 }), ctx1, valid);
    const vals = out.evals.map((e) => e.value);
    expect(Math.max(...vals)).toBe(vals[out.model.info.bestIteration]);
    expect(vals[out.model.info.bestIteration]).toBeGreaterThan(0.85);
    const custom = { name: "neg_brier", higherIsBetter: true, evaluate: (p: Float64Array, y: Float64Array) => -p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) };
    const out2 = await trainGbdt("lightgbm", train, lgb.parse({ objective: "binary", metric: custom, n_estimators: 300, early_stopping_rounds: 15 }), ctx1, valid);
    expect(out2.model.info.metric?.name).toBe("neg_brier");
  });

  it("init_score: boosting starts from it and the model excludes it", async () => {
    const d = regressionData(2000, 5, 5);
    const offset = Float64Array.from({ length: d.nRows }, (_, i) => (i % 2 ? 3 : -3));
    const shifted = { ...d, y: d.y.map((v, i) => v + offset[i]), initScore: offset };
    const p = lgb.parse({ n_estimators: 30 });
    const a = await trainGbdt("lightgbm", d, { ...p, boost_from_average: false }, ctx1);
    const b = await trainGbdt("lightgbm", shifted, p, ctx1);
    expect(b.model.info.baseScore).toEqual([0]);
    // Same residuals to fit, so the same trees.
    const pa = a.model.predict(d.X, d.nRows);
    const pb = b.model.predict(d.X, d.nRows);
    for (let i = 0; i < d.nRows; i++) expect(pb[i]).toBeCloseTo(pa[i], 9);
  });

  it("sample weights: weight 2 equals a duplicated row", async () => {
    const rnd = lcg(8);
    const n = 300;
    // At most 201 distinct values: each gets its own bin, so binning cannot tell weights from duplicates.
    const X = Float32Array.from({ length: n }, () => Math.round(rnd() * 200) / 2);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(X[i] / 10) + rnd() * 0.1);
    const w = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 2 : 1));
    const dupIdx: number[] = [];
    for (let i = 0; i < n; i++) dupIdx.push(...(w[i] === 2 ? [i, i] : [i]));
    const dup = { nRows: dupIdx.length, nFeatures: 1, featureNames: ["x"], X: Float32Array.from(dupIdx, (i) => X[i]), y: Float64Array.from(dupIdx, (i) => y[i]) };
    const p = lgb.parse({ n_estimators: 10, min_data_in_leaf: 1, min_sum_hessian_in_leaf: 0, min_data_in_bin: 1, num_leaves: 8 });
    const a = await trainGbdt("lightgbm", { nRows: n, nFeatures: 1, featureNames: ["x"], X, y, weight: w }, p, ctx1);
    const b = await trainGbdt("lightgbm", dup, p, ctx1);
    const pa = a.model.predict(X, n);
    const pb = b.model.predict(X, n);
    for (let i = 0; i < n; i++) expect(pa[i]).toBeCloseTo(pb[i], 9);
  });

  it("multiclass softmax, quantile coverage, random forest and extra trees", async () => {
    const d = regressionData(4000, 6, 6, 0.3);
    const train = subset(d, 0, 3000);
    const test = subset(d, 3000, 4000);
    const cls = (t: typeof d) => ({ ...t, y: t.y.map((v) => (v < -0.5 ? 0 : v < 0.5 ? 1 : 2)) });
    const mc = await trainGbdt("lightgbm", cls(train), lgb.parse({ objective: "multiclass", num_class: 3, n_estimators: 60 }), ctx1);
    const probs = mc.model.predict(test.X, test.nRows);
    let correct = 0;
    const yt = cls(test).y;
    for (let i = 0; i < test.nRows; i++) {
      const row = probs.subarray(i * 3, i * 3 + 3);
      expect(row[0] + row[1] + row[2]).toBeCloseTo(1, 12);
      if (row.indexOf(Math.max(...row)) === yt[i]) correct++;
    }
    expect(correct / test.nRows).toBeGreaterThan(0.8);

    const q = await trainGbdt("quantile_lightgbm", train, gbdtParamsSchema(FAMILY_DEFAULTS.quantile_lightgbm).parse({ alpha: 0.9, n_estimators: 100 }), ctx1);
    const qp = q.model.predict(test.X, test.nRows);
    const below = test.y.filter((v, i) => v <= qp[i]).length / test.nRows;
    expect(below).toBeGreaterThan(0.84);
    expect(below).toBeLessThan(0.96);

    for (const fam of ["random_forest", "extra_trees"] as const) {
      const rf = await trainGbdt(fam, train, gbdtParamsSchema(FAMILY_DEFAULTS[fam]).parse({ n_estimators: 40 }), ctx1);
      expect(rf.model.info.averageTrees).toBe(true);
      expect(r2(rf.model.predict(test.X, test.nRows), test.y, undefined)).toBeGreaterThan(0.7);
    }
  });

  it("custom objective hook: a hand-written L2 reproduces the built-in one", async () => {
    const d = regressionData(1500, 4, 9);
    const l2: CustomObjective = {
      name: "my_l2",
      gradHess(score, label, grad, hess) {
        for (let i = 0; i < label.length; i++) {
          grad[i] = score[i] - label[i];
          hess[i] = 1;
        }
      },
      initScore: (y) => y.reduce((a, b) => a + b, 0) / y.length,
    };
    const a = await trainGbdt("lightgbm", d, lgb.parse({ n_estimators: 20 }), ctx1);
    const b = await trainGbdt("lightgbm", d, lgb.parse({ n_estimators: 20, objective: l2 }), ctx1);
    const pa = a.model.predict(d.X, d.nRows);
    const pb = b.model.predict(d.X, d.nRows);
    for (let i = 0; i < d.nRows; i++) expect(pb[i]).toBeCloseTo(pa[i], 9);
    expect(b.model.info.objective).toBe("custom:my_l2");
  });

  it("rejects bad input with errors that name what to fix", async () => {
    const d = regressionData(100, 3, 1);
    const p = lgb.parse({ n_estimators: 2 });
    await expect(trainGbdt("lightgbm", { ...d, X: d.X.subarray(1) }, p, ctx1)).rejects.toThrow(/X has 299 values, expected nRows x nFeatures = 300/);
    await expect(trainGbdt("lightgbm", d, lgb.parse({ categorical_feature: ["nope"] }), ctx1)).rejects.toThrow(/categorical_feature "nope" is not a feature/);
    await expect(trainGbdt("lightgbm", { ...d, weight: new Float64Array(100).fill(-1) }, p, ctx1)).rejects.toThrow(/weight at row 0 is -1/);
    await expect(trainGbdt("lightgbm", d, p, ctx1, { ...d, featureNames: ["a", "b", "c"] })).rejects.toThrow(/different features/);
    expect(() => lgb.parse({ num_leavs: 3 })).toThrow();
    expect(() => lgb.parse({ bagging_fraction: 0 })).toThrow();
  });
});
