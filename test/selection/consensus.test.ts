/**
 * Consensus: normalization keeps zeros at zero and shares ties, weights decide (a weight of 0 has
 * no effect at all), per-symbol importances are aggregated by the median so one symbol cannot carry
 * a feature, and the agreement matrix is a symmetric Spearman matrix with 1 on the diagonal.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agreementMatrix } from "../../src/selection/agreement.js";
import { consensusRanking, methodVector, minMaxNormalize, normalizeScores, rankNormalize } from "../../src/selection/consensus.js";
import { consensusSchema } from "../../src/selection/schema.js";

const F = ["a", "b", "c", "d", "e"];
const cfg = consensusSchema.parse({});

describe("normalization", () => {
  it("ranks positive scores into (0, 1], keeps zero and negative at 0, shares ties", () => {
    const v = rankNormalize(Float64Array.from([0, 5, 2, 2, -1, NaN, 9]));
    expect(Array.from(v.subarray(0, 5))).toEqual([0, 3 / 4, 1.5 / 4, 1.5 / 4, 0]);
    expect(v[5]).toBeNaN();
    expect(v[6]).toBe(1);
    expect(Array.from(rankNormalize(Float64Array.from([0, 0, 0])))).toEqual([0, 0, 0]);
  });

  it("min-max maps to [0, 1]", () => {
    expect(Array.from(minMaxNormalize(Float64Array.from([1, 3, 2])))).toEqual([0, 1, 0.5]);
    expect(Array.from(minMaxNormalize(Float64Array.from([2, 2])))).toEqual([1, 1]);
  });

  it("reads scores by feature name; missing or non-finite scores are NaN", () => {
    const v = normalizeScores(F, { a: 1, b: 2, c: Infinity, e: 3 }, "rank");
    expect(v[0]).toBeCloseTo(1 / 3);
    expect(v[2]).toBeNaN();
    expect(v[3]).toBeNaN();
    expect(v[4]).toBe(1);
  });

  it("stays in [0, 1] and preserves the order of positive scores (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }), (xs) => {
        const v = Float64Array.from(xs);
        const rank = rankNormalize(v);
        const mm = minMaxNormalize(v);
        for (let i = 0; i < v.length; i++) {
          for (const out of [rank, mm]) {
            expect(out[i]).toBeGreaterThanOrEqual(0);
            expect(out[i]).toBeLessThanOrEqual(1);
          }
          for (let j = 0; j < v.length; j++) {
            if (v[i] > v[j] && v[i] > 0) expect(rank[i]).toBeGreaterThan(rank[j]);
            // min-max may round two nearly equal values to one
            if (v[i] > v[j]) expect(mm[i]).toBeGreaterThanOrEqual(mm[j]);
          }
        }
      }),
    );
  });
});

describe("consensusRanking", () => {
  const m1 = { name: "m1", weight: 1, values: Float64Array.from([1, 0.75, 0.5, 0.25, 0]) };
  const m2 = { name: "m2", weight: 1, values: Float64Array.from([0, 0.25, 0.5, 0.75, 1]) };

  it("is the weighted mean of the normalized scores, best first", () => {
    const r = consensusRanking(F, [m1, { ...m2, weight: 3 }]);
    expect(Array.from(r.score)).toEqual([0.25, 0.375, 0.5, 0.625, 0.75]);
    expect(Array.from(r.order)).toEqual([4, 3, 2, 1, 0]);
    expect(Array.from(r.rank)).toEqual([5, 4, 3, 2, 1]);
  });

  it("a method with weight 0 has no effect, whatever its scores", () => {
    const base = consensusRanking(F, [m1]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (xs) => {
        const r = consensusRanking(F, [m1, { name: "zero", weight: 0, values: Float64Array.from(xs) }]);
        expect(Array.from(r.score)).toEqual(Array.from(base.score));
        expect(Array.from(r.order)).toEqual(Array.from(base.order));
      }),
    );
  });

  it("a method that skipped a feature neither helps nor hurts it; ties break by name", () => {
    const gap = { name: "gap", weight: 1, values: Float64Array.from([NaN, 0, 0, 0, 0]) };
    const r = consensusRanking(F, [m1, gap]);
    expect(r.score[0]).toBe(1);
    const tie = consensusRanking(["z", "y", "x"], [{ name: "t", weight: 1, values: Float64Array.from([0.5, 0.5, 0.5]) }]);
    expect(Array.from(tie.order)).toEqual([2, 1, 0]);
  });
});

describe("methodVector", () => {
  it("uses the median across symbols of per-symbol normalized scores, so one symbol cannot carry a feature", () => {
    const bySymbol: Record<string, Record<string, number>> = {};
    for (let s = 0; s < 9; s++) bySymbol[`S${s}`] = { a: 3, b: 2, c: 1, d: 0, e: 0 };
    bySymbol.S9 = { a: 0, b: 0, c: 0, d: 0, e: 1000 }; // one symbol where e is everything
    const pooled = { a: 3, b: 2, c: 1, d: 0, e: 1000 };
    const med = methodVector(F, { scores: pooled, bySymbol }, cfg);
    expect(med.symbols).toBe(10);
    expect(Array.from(med.values)).toEqual([1, 2 / 3, 1 / 3, 0, 0]);
    const mean = methodVector(F, { scores: pooled, bySymbol }, { ...cfg, per_symbol: "mean" });
    expect(mean.values[4]).toBeCloseTo(0.1, 12);
    const off = methodVector(F, { scores: pooled, bySymbol }, { ...cfg, per_symbol: "pooled" });
    expect(off.values[4]).toBe(1);
    expect(off.symbols).toBe(0);
  });
});

describe("agreementMatrix", () => {
  it("is symmetric with 1 on the diagonal, -1 for reversed rankings, null for a constant method", () => {
    const a = Float64Array.from([1, 0.75, 0.5, 0.25, 0]);
    const b = Float64Array.from([0, 0.25, 0.5, 0.75, 1]);
    const c = Float64Array.from([0.9, 0.8, 0.1, 0.3, 0.2]);
    const k = Float64Array.from([0, 0, 0, 0, 0]);
    const m = agreementMatrix([
      { name: "a", values: a },
      { name: "b", values: b },
      { name: "c", values: c },
      { name: "k", values: k },
    ]);
    expect(m.methods).toEqual(["a", "b", "c", "k"]);
    for (let i = 0; i < 4; i++) {
      expect(m.matrix[i][i]).toBe(1);
      for (let j = 0; j < 4; j++) expect(m.matrix[i][j]).toBe(m.matrix[j][i]);
    }
    expect(m.matrix[0][1]).toBeCloseTo(-1, 12);
    // Spearman of c against a: ranks of c are [5, 4, 1, 3, 2] vs [5, 4, 3, 2, 1]: 1 - 6 * 6 / 120 = 0.7
    expect(m.matrix[0][2]).toBeCloseTo(0.7, 12);
    expect(m.matrix[0][3]).toBeNull();
  });
});
