import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { Preprocessor } from "../../../src/models/linear/preprocess.js";
import { quantileInPlace, selectKth } from "../../../src/models/linear/quantile.js";

const opts = { fitIntercept: true, standardize: true, missingIndicator: true, winsorize: 0 };
const full = (n: number, w?: Float64Array) => {
  const v = new Float64Array(n).fill(1 / n);
  if (w) {
    const s = w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) v[i] = w[i] / s;
  }
  return { start: 0, end: n, v };
};

function table(cols: number[][]): TabularData {
  const F = cols.length;
  const n = cols[0].length;
  const X = new Float32Array(n * F);
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) X[i * F + f] = cols[f][i];
  return { nRows: n, nFeatures: F, featureNames: cols.map((_, f) => `c${f}`), X, y: new Float64Array(n) };
}

/** numpy's default ("linear") quantile, from a sorted copy. */
function npQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const k = Math.floor(h);
  return k + 1 < s.length ? s[k] + (h - k) * (s[k + 1] - s[k]) : s[k];
}

describe("order statistics", () => {
  it("selectKth returns the k-th smallest for any input (repeats, sorted, reversed)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.nat(), (xs, kk) => {
        const k = kk % xs.length;
        const a = Float64Array.from(xs);
        expect(selectKth(a, a.length, k)).toBe([...xs].sort((x, y) => x - y)[k]);
      }),
    );
    const sorted = Float64Array.from({ length: 1001 }, (_, i) => i);
    expect(selectKth(sorted, 1001, 500)).toBe(500);
    const rev = Float64Array.from({ length: 1001 }, (_, i) => 1000 - i);
    expect(selectKth(rev, 1001, 10)).toBe(10);
  });

  it("quantileInPlace equals numpy's linear interpolation", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        expect(quantileInPlace(Float64Array.from(xs), xs.length, q)).toBeCloseTo(npQuantile(xs, q), 9);
      }),
    );
    expect(quantileInPlace(Float64Array.of(1, 2, 3, 4), 4, 0.5)).toBe(2.5);
    expect(quantileInPlace(Float64Array.of(10, 0, 5, 20, 15), 5, 0.1)).toBe(2);
  });
});

describe("Preprocessor", () => {
  it("imputes NaN with the training median and adds an indicator only for features with NaN", () => {
    const d = table([
      [1, NaN, 3, 10, NaN],
      [1, 2, 3, 4, 5],
    ]);
    const pre = Preprocessor.fit(d, full(5), { ...opts, standardize: false, fitIntercept: false });
    expect(Array.from(pre.median)).toEqual([3, 3]);
    expect(pre.columnNames).toEqual(["c0", "c1", "c0__missing"]);
    const row = new Float64Array(3);
    pre.fillRow(d.X, 1, row);
    expect(Array.from(row)).toEqual([3, 2, 1]);
    pre.fillRow(d.X, 3, row);
    expect(Array.from(row)).toEqual([10, 4, 0]);
    const noInd = Preprocessor.fit(d, full(5), { ...opts, missingIndicator: false });
    expect(noInd.nCols).toBe(2);
  });

  it("winsorizes at the training quantiles", () => {
    const col = Array.from({ length: 101 }, (_, i) => i);
    col[100] = 1e6;
    const d = table([col]);
    const pre = Preprocessor.fit(d, full(101), { ...opts, winsorize: 0.05, standardize: false, fitIntercept: false });
    expect(pre.lower[0]).toBeCloseTo(npQuantile(col, 0.05), 9);
    expect(pre.upper[0]).toBeCloseTo(npQuantile(col, 0.95), 9);
    const row = new Float64Array(1);
    pre.fillRow(d.X, 100, row);
    expect(row[0]).toBeCloseTo(95, 9);
    pre.fillRow(Float32Array.of(-1e9), 0, row);
    expect(row[0]).toBe(pre.lower[0]);
  });

  it("standardizes with the weighted mean and population standard deviation", () => {
    const x = [1, 2, 4, 8];
    const w = Float64Array.of(1, 3, 1, 5);
    const d = table([x]);
    const pre = Preprocessor.fit(d, full(4, w), opts);
    const W = 10;
    const mean = (1 * 1 + 3 * 2 + 1 * 4 + 5 * 8) / W;
    const sd = Math.sqrt(x.reduce((s, xi, i) => s + w[i] * (xi - mean) ** 2, 0) / W);
    expect(pre.center[0]).toBeCloseTo(mean, 12);
    expect(pre.scale[0]).toBeCloseTo(sd, 12);
    // Transformed training column has weighted mean 0 and weighted variance 1.
    const z = pre.columnMajor(d.X, 0, 4);
    expect(z.reduce((s, zi, i) => s + (w[i] / W) * zi, 0)).toBeCloseTo(0, 12);
    expect(z.reduce((s, zi, i) => s + (w[i] / W) * zi * zi, 0)).toBeCloseTo(1, 12);
  });

  it("without an intercept it scales but does not center", () => {
    const d = table([[1, 2, 3, 6]]);
    const pre = Preprocessor.fit(d, full(4), { ...opts, fitIntercept: false });
    expect(pre.center[0]).toBe(0);
    expect(pre.scale[0]).toBeGreaterThan(0);
  });

  it("marks constant columns (also all-NaN ones and constant on positive-weight rows) and zeroes them", () => {
    const d = table([
      [5, 5, 5, 5],
      [NaN, NaN, NaN, NaN],
      [1, 1, 1, 9],
    ]);
    const pre = Preprocessor.fit(d, full(4, Float64Array.of(1, 1, 1, 0)), opts);
    expect([0, 1, 2].map((c) => pre.isConstant(c))).toEqual([true, true, true]);
    // The all-NaN feature's indicator is constant 1 too.
    expect(pre.columnNames).toEqual(["c0", "c1", "c2", "c1__missing"]);
    expect(pre.isConstant(3)).toBe(true);
    const row = new Float64Array(4);
    pre.fillRow(Float32Array.of(100, 3, -7), 0, row);
    expect(Array.from(row, (x) => x + 0)).toEqual([0, 0, 0, 0]);
  });

  it("round-trips through JSON (infinite clip bounds as null) with identical rows", () => {
    const d = table([
      [1, NaN, 3, 10, -4],
      [0.5, 2, 3, 4, 5],
    ]);
    const pre = Preprocessor.fit(d, full(5), opts);
    const json = JSON.parse(JSON.stringify(pre.toJSON()));
    expect(json.lower).toEqual([null, null]);
    const back = Preprocessor.fromJSON(json, d.featureNames);
    expect(Array.from(back.rowMajor(d.X, 0, 5))).toEqual(Array.from(pre.rowMajor(d.X, 0, 5)));
    expect(() => Preprocessor.fromJSON({ ...json, center: [0] }, d.featureNames)).toThrow(/preprocess.center has 1 entries, expected 3/);
  });
});
