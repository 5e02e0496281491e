/**
 * The meta-learner's solvers: NNLS against brute force over active sets, ridge against the closed
 * form, and standardization against hand-computed ranks and z-scores.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitMeta, moments, nnls, reportedWeights, solveSpd } from "../../src/ensemble/meta.js";
import { standardize } from "../../src/ensemble/standardize.js";

/** Objective w'Gw/2 - b'w. */
function objective(G: Float64Array, b: Float64Array, w: Float64Array, M: number): number {
  let v = 0;
  for (let i = 0; i < M; i++) {
    v -= b[i] * w[i];
    for (let j = 0; j < M; j++) v += 0.5 * w[i] * G[i * M + j] * w[j];
  }
  return v;
}

/** The NNLS optimum by trying every support set: the unconstrained solution on it, when feasible. */
function bruteNnls(G: Float64Array, b: Float64Array, M: number): number {
  let best = 0;
  for (let mask = 1; mask < 1 << M; mask++) {
    const P: number[] = [];
    for (let j = 0; j < M; j++) if (mask & (1 << j)) P.push(j);
    const z = solveSpd(G, b, M, P);
    if (P.some((j) => z[j] < 0)) continue;
    best = Math.min(best, objective(G, b, z, M));
  }
  return best;
}

describe("nnls", () => {
  it("reaches the brute-force optimum on random positive definite systems", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 40, maxLength: 40 }), (M, r) => {
        // G = A'A + 0.1 I from a random A (M+2 x M), b from the remaining numbers
        const rows = M + 2;
        const A = r.slice(0, rows * M);
        while (A.length < rows * M) A.push(0.3);
        const G = new Float64Array(M * M);
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < M; j++) {
            let s = i === j ? 0.1 : 0;
            for (let k = 0; k < rows; k++) s += A[k * M + i] * A[k * M + j];
            G[i * M + j] = s;
          }
        }
        const b = Float64Array.from({ length: M }, (_, i) => r[39 - i]);
        const w = nnls(G, b, M);
        for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
        expect(objective(G, b, w, M)).toBeLessThanOrEqual(bruteNnls(G, b, M) + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it("gives a member unrelated or opposite to the target a zero weight", () => {
    // y = x0; x1 = -x0 + small noise; x2 independent
    const n = 500;
    const X = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[0][i] = Math.sin(i * 0.7);
      X[1][i] = -X[0][i] + 0.1 * Math.cos(i * 1.3);
      X[2][i] = Math.cos(i * 2.1);
      y[i] = X[0][i];
    }
    const cells = Int32Array.from({ length: n }, (_, i) => i);
    const m = fitMeta(moments(X, y, cells), { kind: "non_negative", alpha: 0 });
    expect(m.coef[0]).toBeCloseTo(1, 6);
    expect(m.coef[1]).toBe(0);
    const w = reportedWeights(m.coef);
    expect(w[0]).toBeCloseTo(1, 6);
    expect(w[1]).toBe(0);
    expect(w[2]).toBeLessThan(1e-6);
  });
});

describe("ridge meta-learner", () => {
  it("recovers an exact linear relation with alpha 0, intercept included", () => {
    const n = 200;
    const X = [new Float64Array(n), new Float64Array(n)];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[0][i] = Math.sin(i) + 5;
      X[1][i] = Math.cos(3 * i);
      y[i] = 2 + 3 * X[0][i] - X[1][i];
    }
    const cells = Int32Array.from({ length: n }, (_, i) => i);
    const m = fitMeta(moments(X, y, cells), { kind: "ridge", alpha: 0 });
    expect(m.coef[0]).toBeCloseTo(3, 8);
    expect(m.coef[1]).toBeCloseTo(-1, 8);
    expect(m.intercept).toBeCloseTo(2, 7);
    expect(Array.from(reportedWeights(m.coef)).map((v) => +v.toFixed(6))).toEqual([0.75, -0.25]);
  });

  it("shrinks with alpha as (X'X + alpha n I)^-1 X'y on centred data", () => {
    const n = 4;
    // one centred feature: x = [-1.5, -0.5, 0.5, 1.5], sum x^2 = 5; y = x -> coef = 5 / (5 + alpha n)
    const X = [Float64Array.from([-1.5, -0.5, 0.5, 1.5])];
    const y = Float64Array.from([-1.5, -0.5, 0.5, 1.5]);
    const m = fitMeta(moments(X, y, [0, 1, 2, 3]), { kind: "ridge", alpha: 0.5 });
    expect(m.coef[0]).toBeCloseTo(5 / 7, 10);
  });
});

describe("standardize", () => {
  it("ranks per timestamp: centred ranks with ties averaged, unit-variance scaling, NaN kept, no-spread rows 0", () => {
    const T = 3;
    const S = 4;
    const p = Float64Array.from([3, 1, 2, 2, NaN, 5, 5, 5, 1, NaN, NaN, 9]);
    const cr = standardize(p, T, S, { kind: "timestamp" }, "centred_rank");
    // row 0: ranks 4, 1, 2.5, 2.5 -> (r - 1)/3 - 0.5
    expect(Array.from(cr.subarray(0, 4))).toEqual([0.5, -0.5, 0, 0]);
    expect(Number.isNaN(cr[4])).toBe(true);
    expect(Array.from(cr.subarray(5, 8))).toEqual([0, 0, 0]);
    expect([cr[8], cr[11]]).toEqual([-0.5, 0.5]);
    const r = standardize(p, T, S, { kind: "timestamp" }, "rank");
    const scale = Math.sqrt((12 * 3) / 5);
    expect(r[0]).toBeCloseTo(0.5 * scale, 12);
    const z = standardize(p, T, S, { kind: "timestamp" }, "zscore");
    // row 0: mean 2, sd sqrt(2/3)
    expect(z[0]).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
  });

  it("gives the same ranks per timestamp as the general grouped path (ties, NaN, infinities, single values)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(NaN), fc.constant(Infinity)), { minLength: 24, maxLength: 24 }), (vals) => {
        const T = 4;
        const S = 6;
        const p = Float64Array.from(vals);
        const group = Int32Array.from({ length: T * S }, (_, c) => Math.floor(c / S));
        for (const how of ["rank", "centred_rank"] as const) {
          const fast = standardize(p, T, S, { kind: "timestamp" }, how);
          const slow = standardize(p, T, S, { kind: "cells", group }, how);
          for (let c = 0; c < T * S; c++) {
            if (Number.isNaN(slow[c])) expect(Number.isNaN(fast[c])).toBe(true);
            else expect(fast[c]).toBeCloseTo(slow[c], 12);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("standardizes within explicit groups of cells for pooled metrics", () => {
    const p = Float64Array.from([1, 2, 3, 100, 200, 300]);
    const group = Int32Array.from([0, 0, 0, 1, 1, -1]);
    const z = standardize(p, 2, 3, { kind: "cells", group }, "centred_rank");
    expect(Array.from(z.subarray(0, 5))).toEqual([-0.5, 0, 0.5, -0.5, 0.5]);
    expect(Number.isNaN(z[5])).toBe(true);
  });
});
