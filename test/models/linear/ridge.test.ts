import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { ridgeFamily } from "../../../src/models/linear/index.js";
import { ctx, linearData, maxRelDiff } from "./helpers.js";

const parse = (p: object) => ridgeFamily.paramsSchema.parse({ missing_indicator: false, tol: 1e-14, ...p });

function tiny(x: number[][], y: number[], weight?: number[]): TabularData {
  const F = x[0].length;
  return {
    nRows: y.length,
    nFeatures: F,
    featureNames: Array.from({ length: F }, (_, f) => `x${f}`),
    X: Float32Array.from(x.flat()),
    y: Float64Array.from(y),
    weight: weight && Float64Array.from(weight),
  };
}

describe("ridge", () => {
  it("closed form on tiny data: x = 1,2,3, y = 1,2,2, lambda = 1/3 gives slope 1/3 and intercept 1", async () => {
    // Mean-loss scale: slope = cov(x, y) / (var(x) + lambda) = (1/3) / (2/3 + 1/3).
    const m = await ridgeFamily.fit(tiny([[1], [2], [3]], [1, 2, 2]), parse({ lambda: 1 / 3, standardize: false }), ctx);
    const c = m.coefficients();
    expect(c.raw[0][0]).toBeCloseTo(1 / 3, 14);
    expect(c.intercept[0]).toBeCloseTo(1, 14);
    expect(Array.from(m.predict(Float32Array.of(0, 6), 2))).toEqual([expect.closeTo(1, 13), expect.closeTo(3, 13)]);
  });

  it("two features: matches the explicit 2x2 inverse of (cov + lambda I) on the standardized scale", async () => {
    const d = tiny(
      [
        [1, 0],
        [2, 1],
        [0, 3],
        [4, 2],
        [3, 5],
      ],
      [1, 3, 2, 6, 7],
    );
    const lambda = 0.25;
    const m = await ridgeFamily.fit(d, parse({ lambda }), ctx);
    // Standardize by hand (population sd), then solve [a b; b c] beta = r.
    const cols = [0, 1].map((f) => Array.from({ length: 5 }, (_, i) => d.X[i * 2 + f]));
    const z = cols.map((col) => {
      const mu = col.reduce((s, v) => s + v, 0) / 5;
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - mu) ** 2, 0) / 5);
      return col.map((v) => (v - mu) / sd);
    });
    const ym = Array.from(d.y).reduce((s, v) => s + v, 0) / 5;
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0) / 5;
    const yc = Array.from(d.y, (v) => v - ym);
    const [a, b, c] = [dot(z[0], z[0]) + lambda, dot(z[0], z[1]), dot(z[1], z[1]) + lambda];
    const [r0, r1] = [dot(z[0], yc), dot(z[1], yc)];
    const det = a * c - b * b;
    const expected = [(c * r0 - b * r1) / det, (a * r1 - b * r0) / det];
    const std = m.coefficients().standardized[0];
    expect(maxRelDiff(std, expected)).toBeLessThan(1e-12);
  });

  it("lambda 0 is ordinary least squares and recovers noise-free coefficients exactly", async () => {
    const { data, truth } = linearData(50, [2, -1, 0.5], { seed: 3, noise: 0, intercept: 1.5 });
    const m = await ridgeFamily.fit(data, parse({ lambda: 0 }), ctx);
    const c = m.coefficients();
    expect(maxRelDiff(c.raw[0], truth)).toBeLessThan(1e-9);
    expect(c.intercept[0]).toBeCloseTo(1.5, 9);
  });

  it("collinear features with lambda 0 are an error naming the column; lambda > 0 resolves them", async () => {
    const d = tiny(
      [
        [1, 2],
        [2, 4],
        [3, 6],
        [5, 10],
      ],
      [1, 2, 3, 4],
    );
    await expect(ridgeFamily.fit(d, parse({ lambda: 0 }), ctx)).rejects.toThrow(/singular at lambda = 0 \(design column 1/);
    const m = await ridgeFamily.fit(d, parse({ lambda: 0.1 }), ctx);
    const s = m.coefficients().standardized[0];
    expect(s[0]).toBeCloseTo(s[1], 12); // the penalty splits the weight evenly between twins
  });

  it("conjugate gradient equals Cholesky", async () => {
    const { data } = linearData(200, [1, 0, -2, 0.3, 0, 0, 1], { seed: 4, noise: 1, scales: [1, 5, 0.2, 1, 1, 3, 1] });
    const a = await ridgeFamily.fit(data, parse({ lambda: 0.05, solver: "cholesky" }), ctx);
    const b = await ridgeFamily.fit(data, parse({ lambda: 0.05, solver: "cg" }), ctx);
    expect(b.info.fit.solver).toBe("cg");
    expect(maxRelDiff(b.coefficients().raw[0], a.coefficients().raw[0])).toBeLessThan(1e-10);
  });

  it("lambda auto scores a log grid on the validation set and keeps the best", async () => {
    const { data } = linearData(300, [1, -1, 0.5, 0, 0, 0, 0, 0], { seed: 5, noise: 2 });
    const { data: valid } = linearData(300, [1, -1, 0.5, 0, 0, 0, 0, 0], { seed: 6, noise: 2 });
    const m = await ridgeFamily.fit(data, parse({ n_lambda: 12 }), ctx, valid);
    const path = m.path();
    expect(path.lambdas).toHaveLength(12);
    for (let l = 1; l < 12; l++) expect(path.lambdas[l]).toBeLessThan(path.lambdas[l - 1]);
    expect(path.selection.source).toBe("validation");
    const scores = path.selection.scores!;
    expect(scores[path.selected]).toBe(Math.min(...scores));
    expect(m.info.lambda).toBe(path.lambdas[path.selected]);
    // Shrinkage is monotone along the grid.
    const norm = path.coef.map((c) => Math.hypot(...c));
    for (let l = 1; l < 12; l++) expect(norm[l]).toBeGreaterThanOrEqual(norm[l - 1] - 1e-12);
  });
});
