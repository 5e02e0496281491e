import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binMatrix, fitBins, numericBin, numericBounds, sortFloat32Values, type NumericBins } from "../../../src/models/gbdt/binning.js";
import { packedCode } from "../../../src/models/gbdt/histogram.js";
import { InputError } from "../../../src/util/errors.js";

const opts = { maxBin: 255, minDataInBin: 1, sampleCount: 200_000, seed: 1 };

describe("quantile binning", () => {
  it("gives each distinct value its own bin when there are few, with cuts between them", () => {
    const b = numericBounds(Float64Array.of(1, 1, 2, 3, 3, 3), 255, 1);
    expect(Array.from(b)).toEqual([1.5, 2.5]);
    expect(numericBin(b, 1)).toBe(0);
    expect(numericBin(b, 1.5)).toBe(1);
    expect(numericBin(b, 2)).toBe(1);
    expect(numericBin(b, 3)).toBe(2);
    expect(numericBin(b, NaN)).toBe(3);
  });

  it("makes equal-frequency bins and never exceeds max_bin", () => {
    const v = Float64Array.from({ length: 1000 }, (_, i) => i);
    const b = numericBounds(v, 10, 1);
    expect(b.length).toBe(9);
    // each bin holds ~100 values
    const counts = new Array(10).fill(0);
    for (const x of v) counts[numericBin(b, x)]++;
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(90);
  });

  it("gives a heavy value its own bin", () => {
    const v = Float64Array.from([...new Array(500).fill(0), ...Array.from({ length: 500 }, (_, i) => i + 1)]);
    const b = numericBounds(v, 10, 1);
    expect(numericBin(b, 0)).not.toBe(numericBin(b, 1));
  });

  it("codes every value as the number of cut points <= it, missing last (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.float({ noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.constant(NaN)), { minLength: 1, maxLength: 300 }), fc.integer({ min: 2, max: 40 }), (vals, maxBin) => {
        const X = Float32Array.from(vals);
        const bins = fitBins(X, X.length, 1, ["x"], new Set(), { ...opts, maxBin });
        const fb = bins[0] as NumericBins;
        expect(fb.nBins).toBeLessThanOrEqual(maxBin + 1);
        const m = binMatrix(X, X.length, 1, bins);
        for (let i = 0; i < X.length; i++) {
          const v = X[i];
          const expected = v !== v ? fb.nBins - 1 : Array.from(fb.bounds).filter((c) => c <= v).length;
          expect(m.codes[i]).toBe(expected);
          expect(packedCode(m, i, 0)).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("lays codes out row-major and packed 4 per word, group-major", () => {
    const F = 5;
    const X = Float32Array.from({ length: 3 * F }, (_, i) => (i % F) * 10 + Math.floor(i / F));
    const bins = fitBins(X, 3, F, ["a", "b", "c", "d", "e"], new Set(), opts);
    const m = binMatrix(X, 3, F, bins);
    expect(Array.from(m.codes)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(m.pack).toBe(4);
    // group 0 holds features 0..3 (byte k = feature k), group 1 feature 4
    expect(Array.from(m.packed)).toEqual([0, 0x01010101, 0x02020202, 0, 1, 2]);
    for (let r = 0; r < 3; r++) for (let f = 0; f < F; f++) expect(packedCode(m, r, f)).toBe(r);
  });

  it("maps categorical codes by frequency; unseen and missing share the last bin", () => {
    const X = Float32Array.of(5, 7, 7, NaN, 7, 5, 9);
    const bins = fitBins(X, 7, 1, ["c"], new Set([0]), opts);
    expect(bins[0].kind).toBe("categorical");
    const m = binMatrix(X, 7, 1, bins);
    expect(Array.from(m.codes)).toEqual([1, 0, 0, 3, 0, 1, 2]);
    const unseen = binMatrix(Float32Array.of(42), 1, 1, bins);
    expect(unseen.codes[0]).toBe(3);
  });

  it("rejects non-integer categorical codes and infinite values, naming feature and row", () => {
    expect(() => fitBins(Float32Array.of(1, 2.5), 2, 1, ["sector"], new Set([0]), opts)).toThrow(/categorical feature "sector" has value 2.5 at row 1/);
    expect(() => fitBins(Float32Array.of(1, Infinity), 2, 1, ["ret"], new Set(), opts)).toThrow(InputError);
  });

  it("uses two bytes per code when a feature needs more than 256 bins", () => {
    const X = Float32Array.from({ length: 1000 }, (_, i) => i);
    const bins = fitBins(X, 1000, 1, ["x"], new Set(), { ...opts, maxBin: 1000 });
    const m = binMatrix(X, 1000, 1, bins);
    expect(m.codes).toBeInstanceOf(Uint16Array);
    expect(m.codes[999]).toBe(999);
    expect(m.pack).toBe(2);
    expect(packedCode(m, 999, 0)).toBe(999);
  });
});

describe("radix sort of float32 sample values", () => {
  it("orders like a numeric sort, negatives, zeros and extremes included (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { maxLength: 500 }), (vals) => {
        const v = Float32Array.from(vals);
        const expected = Float64Array.from(v).sort();
        const got = sortFloat32Values(Float32Array.from(v));
        expect(Array.from(got).map((x) => (Object.is(x, -0) ? 0 : x))).toEqual(Array.from(expected).map((x) => (Object.is(x, -0) ? 0 : x)));
      }),
      { numRuns: 300 },
    );
  });
});
