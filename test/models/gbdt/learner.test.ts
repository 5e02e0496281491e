import { describe, expect, it } from "vitest";
import { trainGbdt } from "../../../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import { gbdtParamsSchema } from "../../../src/models/gbdt/params.js";
import { ctx1, lcg, names } from "./helpers.js";
import { oraclePredict, oracleTree } from "./oracle.js";

const schema = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);
const exact = { min_data_in_bin: 1, min_data_in_leaf: 1, min_sum_hessian_in_leaf: 0 };

describe("tree learner: known answers", () => {
  it("splits a step function at the midpoint with the exact leaf means", async () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = x.map((v) => (v <= 5 ? 1 : 3));
    const data = { nRows: 10, nFeatures: 1, featureNames: ["x"], X: Float32Array.from(x), y: Float64Array.from(y) };
    const p = schema.parse({ ...exact, n_estimators: 1, num_leaves: 2, learning_rate: 1 });
    const { model } = await trainGbdt("lightgbm", data, p, ctx1);
    const t = model.trees[0];
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBe(5.5);
    expect(model.info.baseScore[0]).toBe(2);
    // leaf outputs are the mean residuals: -1 and +1
    expect(t.value[t.left[0]]).toBe(-1);
    expect(t.value[t.right[0]]).toBe(1);
    expect(Array.from(model.predict(Float32Array.of(0, 5, 5.5, 100), 4))).toEqual([1, 1, 3, 3]);
  });

  it("picks the informative feature and respects lambda_l2 in the leaf value", async () => {
    const y = Float64Array.of(0, 0, 4, 4);
    const data = { nRows: 4, nFeatures: 2, featureNames: ["noise", "signal"], X: Float32Array.of(5, 0, 1, 1, 4, 2, 2, 3), y };
    const p = schema.parse({ ...exact, n_estimators: 1, num_leaves: 2, learning_rate: 1, lambda_l2: 2 });
    const { model } = await trainGbdt("lightgbm", data, p, ctx1);
    const t = model.trees[0];
    expect(t.feature[0]).toBe(1);
    expect(t.threshold[0]).toBe(1.5);
    // residuals -2,-2 | 2,2 -> output = -G/(H + lambda) = 4/(2+2) = 1
    expect(t.value[t.right[0]]).toBe(1);
    expect(t.value[t.left[0]]).toBe(-1);
    expect(model.importance("split")).toEqual({ noise: 0, signal: 1 });
  });

  it("learns where missing values go: with the rows they resemble", async () => {
    // x missing on rows whose y is high: NaN must go right (with the high x values).
    const xs = [1, 2, 3, 4, NaN, NaN, 7, 8, 9, 10];
    const y = [0, 0, 0, 0, 5, 5, 5, 5, 5, 5];
    const data = { nRows: 10, nFeatures: 1, featureNames: ["x"], X: Float32Array.from(xs), y: Float64Array.from(y) };
    const p = schema.parse({ ...exact, n_estimators: 1, num_leaves: 2, learning_rate: 1 });
    const { model } = await trainGbdt("lightgbm", data, p, ctx1);
    expect(model.trees[0].defaultLeft[0]).toBe(false);
    const pred = model.predict(Float32Array.of(NaN, 1), 2);
    expect(pred[0]).toBeCloseTo(5, 12);
    expect(pred[1]).toBeCloseTo(0, 12);
    // flipped: missing rows resemble the low side -> default left
    const y2 = [5, 5, 5, 5, 0, 0, 0, 0, 0, 0].map((v, i) => (i < 4 ? 0 : i < 6 ? 0 : 5));
    const { model: m2 } = await trainGbdt("lightgbm", { ...data, y: Float64Array.from(y2) }, p, ctx1);
    expect(m2.trees[0].defaultLeft[0]).toBe(true);
    expect(m2.predict(Float32Array.of(NaN), 1)[0]).toBeCloseTo(0, 12);
  });

  it("finds a categorical split that groups non-adjacent codes", async () => {
    const codes = [0, 1, 2, 3, 4, 5, 6, 7];
    const high = new Set([1, 4, 6]);
    const X: number[] = [];
    const y: number[] = [];
    for (let rep = 0; rep < 30; rep++) for (const c of codes) {
      X.push(c);
      y.push(high.has(c) ? 10 : 0);
    }
    const data = { nRows: X.length, nFeatures: 1, featureNames: ["sector"], X: Float32Array.from(X), y: Float64Array.from(y) };
    const p = schema.parse({ ...exact, n_estimators: 1, num_leaves: 2, learning_rate: 1, categorical_feature: ["sector"], cat_smooth: 1, min_data_per_group: 1, cat_l2: 0 });
    const { model } = await trainGbdt("lightgbm", data, p, ctx1);
    const cats = model.trees[0].categories[0]!;
    const left = new Set(cats);
    // one side of the split is exactly the high set
    const isHigh = [...left].every((c) => high.has(c)) && left.size === 3;
    const isLow = [...left].every((c) => !high.has(c)) && left.size === 5;
    expect(isHigh || isLow).toBe(true);
    const pred = model.predict(Float32Array.from(codes), 8);
    codes.forEach((c, i) => expect(pred[i]).toBeCloseTo(high.has(c) ? 10 : 0, 10));
    // unseen code and missing go to the right child
    const right = model.trees[0].value[model.trees[0].right[0]] + model.info.baseScore[0];
    expect(model.predict(Float32Array.of(99, NaN), 2)[0]).toBeCloseTo(right, 12);
  });

  it("matches a plain exact-greedy oracle tree when every value has its own bin", async () => {
    const n = 300;
    const F = 3;
    const rnd = lcg(11);
    const X = new Float32Array(n * F);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) X[i * F + f] = Math.round(rnd() * 200) / 10;
      y[i] = Math.sin(X[i * F] / 3) * 2 + (X[i * F + 1] > 10 ? 1 : 0) + 0.3 * rnd();
    }
    const data = { nRows: n, nFeatures: F, featureNames: names(F), X, y };
    const p = schema.parse({ ...exact, n_estimators: 1, grow_policy: "depthwise", max_depth: 3, num_leaves: 8, min_data_in_leaf: 5, lambda_l2: 1, learning_rate: 0.5 });
    const { model } = await trainGbdt("lightgbm", data, p, ctx1);
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const g = y.map((v) => mean - v);
    const oracle = oracleTree(X, F, Array.from({ length: n }, (_, i) => i), g, 1, 3, 5, 0.5);
    const pred = model.predictRaw(X, n);
    for (let i = 0; i < n; i++) expect(pred[i] - model.info.baseScore[0]).toBeCloseTo(oraclePredict(oracle, X, i * F), 10);
  });

  it("grows leaf-wise up to num_leaves and depth-wise up to max_depth", async () => {
    const rnd = lcg(3);
    const n = 2000;
    const X = Float32Array.from({ length: n * 2 }, () => rnd());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(10 * X[2 * i]) + X[2 * i + 1] ** 2);
    const data = { nRows: n, nFeatures: 2, featureNames: names(2), X, y };
    const leafwise = await trainGbdt("lightgbm", data, schema.parse({ n_estimators: 1, num_leaves: 7 }), ctx1);
    const t = leafwise.model.trees[0];
    expect(t.left.filter((l) => l === -1).length).toBe(7);
    const depthwise = await trainGbdt("lightgbm", data, schema.parse({ n_estimators: 1, grow_policy: "depthwise", max_depth: 3, num_leaves: 1000 }), ctx1);
    const d = depthwise.model.trees[0];
    expect(d.left.filter((l) => l === -1).length).toBe(8);
    // min_data_in_leaf holds exactly for unit hessians
    const big = await trainGbdt("lightgbm", data, schema.parse({ n_estimators: 1, num_leaves: 63, min_data_in_leaf: 150 }), ctx1);
    const bt = big.model.trees[0];
    for (let i = 0; i < bt.left.length; i++) if (bt.left[i] === -1) expect(bt.count[i]).toBeGreaterThanOrEqual(150);
  });
});
