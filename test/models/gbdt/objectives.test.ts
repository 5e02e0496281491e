import { describe, expect, it } from "vitest";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import { makeObjective, weightedQuantile } from "../../../src/models/gbdt/objectives.js";
import { lambdarankGradients } from "../../../src/models/gbdt/lambdarank.js";
import { LambdarankGradients } from "../../../src/models/gbdt/lambdarank-fast.js";
import { gbdtParamsSchema } from "../../../src/models/gbdt/params.js";
import { lcg } from "./helpers.js";

const schema = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);

/** Per-row losses whose derivatives the objectives must be. */
const losses: Record<string, (s: number, y: number) => number> = {
  regression: (s, y) => 0.5 * (s - y) ** 2,
  huber: (s, y) => {
    const r = Math.abs(s - y);
    return r <= 1 ? 0.5 * r * r : r - 0.5;
  },
  binary: (s, y) => Math.log(1 + Math.exp(-s)) + (1 - y) * s,
  regression_l1: (s, y) => Math.abs(s - y),
  quantile: (s, y) => (y >= s ? 0.3 * (y - s) : 0.7 * (s - y)),
};

describe("objective gradients", () => {
  for (const [name, loss] of Object.entries(losses)) {
    it(`${name}: gradient matches a central difference of the loss; hessian of smooth losses too`, () => {
      const rnd = lcg(5);
      const n = 50;
      const y = Float64Array.from({ length: n }, () => (name === "binary" ? (rnd() < 0.5 ? 1 : 0) : rnd() * 4 - 2));
      const s = Float64Array.from({ length: n }, () => rnd() * 4 - 2);
      const w = Float64Array.from({ length: n }, () => 0.5 + rnd());
      const obj = makeObjective(schema.parse({ objective: name, alpha: 0.3 }), y, undefined, "t");
      const g = new Float64Array(n);
      const h = new Float64Array(n);
      obj.gradHess(s, y, w, g, h);
      const eps = 1e-5;
      for (let i = 0; i < n; i++) {
        const num = (w[i] * (loss(s[i] + eps, y[i]) - loss(s[i] - eps, y[i]))) / (2 * eps);
        expect(g[i]).toBeCloseTo(num, 5);
        if (name === "regression" || name === "binary" || (name === "huber" && Math.abs(s[i] - y[i]) < 0.99)) {
          const hn = (w[i] * (loss(s[i] + eps, y[i]) - 2 * loss(s[i], y[i]) + loss(s[i] - eps, y[i]))) / (eps * eps);
          expect(h[i]).toBeCloseTo(hn, 3);
        }
      }
    });
  }

  it("multiclass softmax: gradient matches a central difference of the cross-entropy", () => {
    const K = 3;
    const n = 20;
    const rnd = lcg(9);
    const y = Float64Array.from({ length: n }, () => Math.floor(rnd() * K));
    const s = Float64Array.from({ length: n * K }, () => rnd() * 2 - 1);
    const obj = makeObjective(schema.parse({ objective: "multiclass", num_class: K }), y, undefined, "t");
    const g = new Float64Array(n * K);
    const h = new Float64Array(n * K);
    obj.gradHess(s, y, undefined, g, h);
    const ce = (sc: Float64Array, i: number): number => {
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(sc[k * n + i]);
      return Math.log(z) - sc[y[i] * n + i];
    };
    const eps = 1e-6;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        const a = Float64Array.from(s);
        const b = Float64Array.from(s);
        a[k * n + i] += eps;
        b[k * n + i] -= eps;
        expect(g[k * n + i]).toBeCloseTo((ce(a, i) - ce(b, i)) / (2 * eps), 6);
        expect(h[k * n + i]).toBeGreaterThan(0);
      }
    }
  });

  it("lambdarank: pushes the more relevant row up within each group, sums to zero per group", () => {
    const y = Float64Array.of(0, 1, 2, 2, 0);
    const group = Int32Array.of(0, 0, 0, 1, 1);
    const s = new Float64Array(5);
    const g = new Float64Array(5);
    const h = new Float64Array(5);
    lambdarankGradients(s, y, undefined, group, 30, g, h);
    // negative gradient = push the score up
    expect(g[2]).toBeLessThan(g[1]);
    expect(g[1]).toBeLessThan(g[0]);
    expect(g[3]).toBeLessThan(0);
    expect(g[4]).toBeGreaterThan(0);
    expect(g[0] + g[1] + g[2]).toBeCloseTo(0, 12);
    expect(g[3] + g[4]).toBeCloseTo(0, 12);
    for (const v of h) expect(v).toBeGreaterThan(0);
  });

  it("lambdarank: the fast gradients equal the straightforward ones bit for bit over boosting iterations", () => {
    const rnd = lcg(77);
    // groups of 1..60 rows (one of a single row, one with only zero grades), grades 0..4, ties in scores
    const sizes = [1, 7, 60, 33, 2, 45, 12];
    const rows = sizes.reduce((a, b) => a + b, 0);
    const y = new Float64Array(rows);
    const group = new Int32Array(rows);
    let r = 0;
    sizes.forEach((size, q) => {
      for (let i = 0; i < size; i++, r++) {
        group[r] = q;
        y[r] = q === 4 ? 0 : Math.floor(rnd() * 5);
      }
    });
    const w = Float64Array.from({ length: rows }, () => 0.5 + rnd());
    for (const [trunc, weights] of [[30, undefined], [5, w], [100, undefined]] as const) {
      const fast = new LambdarankGradients(y, group, trunc);
      const score = Float64Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 0 : Math.round(rnd() * 8) / 8));
      const g1 = new Float64Array(rows), h1 = new Float64Array(rows), g2 = new Float64Array(rows), h2 = new Float64Array(rows);
      for (let it = 0; it < 12; it++) {
        lambdarankGradients(score, y, weights, group, trunc, g1, h1);
        fast.compute(score, weights, g2, h2);
        expect(Array.from(g2)).toEqual(Array.from(g1));
        expect(Array.from(h2)).toEqual(Array.from(h1));
        // a boosting-like step, with some big moves that reorder whole groups
        for (let i = 0; i < rows; i++) score[i] -= (it % 4 === 3 ? 3 : 0.1) * g1[i] / h1[i] + (rnd() - 0.5) * 0.01;
      }
    }
  });

  it("starting scores: mean, median, alpha-quantile, log-odds", () => {
    const y = Float64Array.of(1, 2, 3, 10);
    const init = (o: string, extra = {}) => makeObjective(schema.parse({ objective: o, ...extra }), y, undefined, "t").initScores(y, undefined)[0];
    expect(init("regression")).toBe(4);
    expect(init("regression_l1")).toBe(2.5);
    // Empirical quantile averaged at jumps (Hyndman-Fan type 2): 0.6 -> 3; 0.75 falls exactly between 3 and 10.
    expect(init("quantile", { alpha: 0.6 })).toBe(3);
    expect(init("quantile", { alpha: 0.75 })).toBe(6.5);
    const yb = Float64Array.of(1, 0, 0, 0);
    expect(makeObjective(schema.parse({ objective: "binary" }), yb, undefined, "t").initScores(yb, undefined)[0]).toBeCloseTo(Math.log(1 / 3), 12);
    expect(weightedQuantile([1, 2, 3], [1, 1, 10], 0.5)).toBe(3);
  });

  it("rejects labels the objective cannot take, naming the row", () => {
    expect(() => makeObjective(schema.parse({ objective: "binary" }), Float64Array.of(0, 1, 2), undefined, "training data")).toThrow(/row 2 has 2/);
    expect(() => makeObjective(schema.parse({ objective: "multiclass", num_class: 2 }), Float64Array.of(0, 3), undefined, "training data")).toThrow(/row 1 has 3/);
    expect(() => makeObjective(schema.parse({ objective: "lambdarank" }), Float64Array.of(0, 1), undefined, "training data")).toThrow(/needs query groups/);
    expect(() => makeObjective(schema.parse({ objective: "regression" }), Float64Array.of(0, NaN), undefined, "training data")).toThrow(/row 1 is NaN/);
  });
});
