import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { trainGbdt } from "../../../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import { groupBounds, ndcgAt } from "../../../src/models/gbdt/lambdarank.js";
import { gbdtParamsSchema } from "../../../src/models/gbdt/params.js";
import { ctx1, gaussian, lcg, names } from "./helpers.js";

/**
 * Planted cross-section: each timestamp is a query group of symbols. The return is
 * vol_t * (sin(3 x0) + 0.5 x1 + heavy-tailed noise), with vol_t varying 20x between timestamps. The
 * relevance grade is the symbol's per-timestamp return quintile (0..4). A pointwise L2 fit of raw
 * returns chases the loud timestamps and the outliers; LambdaRank only sees within-timestamp order.
 */
function crossSection(T: number, S: number, seed: number): { data: TabularData; returns: Float64Array } {
  const rnd = lcg(seed);
  const F = 4;
  const n = T * S;
  const X = new Float32Array(n * F);
  const returns = new Float64Array(n);
  const grade = new Float64Array(n);
  const group = new Int32Array(n);
  for (let t = 0; t < T; t++) {
    const vol = Math.exp(1.5 * gaussian(rnd));
    for (let s = 0; s < S; s++) {
      const i = t * S + s;
      for (let f = 0; f < F; f++) X[i * F + f] = rnd() * 2 - 1;
      const cauchy = Math.tan(Math.PI * (rnd() - 0.5));
      returns[i] = vol * (Math.sin(3 * X[i * F]) + 0.5 * X[i * F + 1] + 0.5 * cauchy);
      group[i] = t;
    }
    const idx = Array.from({ length: S }, (_, s) => t * S + s).sort((a, b) => returns[a] - returns[b]);
    idx.forEach((i, rank) => (grade[i] = Math.floor((5 * rank) / S)));
  }
  return { data: { nRows: n, nFeatures: F, featureNames: names(F), X, y: grade, group }, returns };
}

describe("LambdaRank (cross-sectional ranking objective)", () => {
  it("beats L2 regression of raw returns on test NDCG@10, on planted cross-sectional data", async () => {
    const train = crossSection(50, 60, 1);
    const test = crossSection(25, 60, 2);
    const params = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);
    const rank = await trainGbdt("lightgbm", train.data, params.parse({ objective: "lambdarank", n_estimators: 30, num_leaves: 15, min_data_in_leaf: 10, ndcg_eval_at: 10 }), ctx1, test.data);
    const l2 = await trainGbdt("lightgbm", { ...train.data, y: train.returns, group: undefined }, params.parse({ n_estimators: 30, num_leaves: 15, min_data_in_leaf: 10 }), ctx1);
    const ndcgRank = ndcgAt(rank.model.predict(test.data.X, test.data.nRows), test.data.y, test.data.group!, 10);
    const ndcgL2 = ndcgAt(l2.model.predict(test.data.X, test.data.nRows), test.data.y, test.data.group!, 10);
    const random = ndcgAt(Float64Array.from({ length: test.data.nRows }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1), test.data.y, test.data.group!, 10);
    expect(ndcgRank).toBeGreaterThan(ndcgL2 + 0.05);
    expect(ndcgRank).toBeGreaterThan(random + 0.1);
    // the validation metric recorded during training is the same NDCG@10
    expect(rank.evals[rank.evals.length - 1].value).toBeCloseTo(ndcgRank, 12);
  });

  it("NDCG of a perfect ordering is 1 and groups must be contiguous", () => {
    const y = Float64Array.of(0, 2, 1, 3, 0);
    const group = Int32Array.of(5, 5, 5, 9, 9);
    expect(ndcgAt(y, y, group, 10)).toBe(1);
    expect(ndcgAt(Float64Array.of(2, 0, 1, 0, 3), y, group, 10)).toBeLessThan(1);
    expect(Array.from(groupBounds(group))).toEqual([0, 3, 5]);
    expect(() => groupBounds(Int32Array.of(1, 2, 1))).toThrow(/group 1 is not contiguous/);
  });
});
