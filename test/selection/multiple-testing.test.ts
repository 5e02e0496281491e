/**
 * Adjusted p-values against hand-computed values (as statsmodels' multipletests gives them), with
 * non-finite p-values left out of the family.
 */
import { describe, expect, it } from "vitest";
import { adjustPValues, CORRECTIONS } from "../../src/selection/multiple-testing.js";

const p = [0.01, 0.04, 0.03, 0.005, NaN];

describe("adjustPValues", () => {
  it.each([
    ["fdr_bh", [0.02, 0.04, 0.04, 0.02]],
    ["fdr_by", [0.02 * (25 / 12), 0.04 * (25 / 12), 0.04 * (25 / 12), 0.02 * (25 / 12)]],
    ["holm", [0.03, 0.06, 0.06, 0.02]],
    ["bonferroni", [0.04, 0.16, 0.12, 0.02]],
    ["none", [0.01, 0.04, 0.03, 0.005]],
  ] as const)("%s", (method, expected) => {
    const q = adjustPValues(p, method);
    expected.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 14));
    expect(q[4]).toBeNaN();
  });

  it("never lowers a p-value, keeps the order of the p-values and caps at 1", () => {
    const many = Array.from({ length: 50 }, (_, i) => ((i * 37) % 50) / 49);
    for (const m of CORRECTIONS) {
      const q = adjustPValues(many, m);
      for (let i = 0; i < many.length; i++) {
        expect(q[i]).toBeGreaterThanOrEqual(many[i] - 1e-15);
        expect(q[i]).toBeLessThanOrEqual(1);
        for (let j = 0; j < many.length; j++) if (many[i] < many[j]) expect(q[i]).toBeLessThanOrEqual(q[j]);
      }
    }
    expect(Array.from(adjustPValues([], "holm"))).toEqual([]);
  });
});
