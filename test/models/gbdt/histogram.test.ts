import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildHistogram, referenceHistogram, subtractHistogram } from "../../../src/models/gbdt/histogram.js";
import { lcg } from "./helpers.js";

function setup(n: number, F: number, nb: number, wide: boolean, seed: number) {
  const rnd = lcg(seed);
  const codes = wide ? new Uint16Array(n * F) : new Uint8Array(n * F);
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rnd() * nb);
  const grad = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
  const hess = Float64Array.from({ length: n }, () => rnd());
  const offsets = Int32Array.from({ length: F }, (_, f) => f * nb);
  const nBinsOf = new Int32Array(F).fill(nb);
  return { codes, grad, hess, offsets, nBinsOf, total: F * nb };
}

describe("histogram kernel (fast path) against the plain reference", () => {
  it("is bit-identical for any row subset, feature subset and code width (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (n, F, wide, seed) => {
        const nb = wide ? 300 : 17;
        const s = setup(n, F, nb, wide, seed);
        const rnd = lcg(seed + 1);
        const rowList: number[] = [];
        for (let i = 0; i < n; i++) if (rnd() < 0.6) rowList.push(i);
        const rows = Int32Array.from([7, 7, ...rowList]); // rows start at offset 2
        const features = Int32Array.from({ length: F }, (_, f) => f).filter(() => rnd() < 0.7);
        const hist = new Float64Array(s.total * 2).fill(123); // stale content must be cleared
        buildHistogram(s.codes, F, rows, 2, rowList.length, s.grad, s.hess, new Float64Array(2 * n), s.offsets, s.nBinsOf, features, 0, features.length, hist);
        const ref = referenceHistogram(s.codes, F, rowList, s.grad, s.hess, s.offsets, s.total);
        for (const f of features) {
          const a = hist.subarray(s.offsets[f] * 2, (s.offsets[f] + nb) * 2);
          const b = ref.subarray(s.offsets[f] * 2, (s.offsets[f] + nb) * 2);
          expect(Array.from(a)).toEqual(Array.from(b));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("builds each feature range independently (how threads split the work)", () => {
    const F = 6;
    const s = setup(500, F, 20, false, 3);
    const rows = Int32Array.from({ length: 500 }, (_, i) => i);
    const features = Int32Array.from({ length: F }, (_, f) => f);
    const whole = new Float64Array(s.total * 2);
    buildHistogram(s.codes, F, rows, 0, 500, s.grad, s.hess, new Float64Array(1000), s.offsets, s.nBinsOf, features, 0, F, whole);
    const parts = new Float64Array(s.total * 2);
    for (const [a, b] of [[0, 2], [2, 5], [5, 6]]) buildHistogram(s.codes, F, rows, 0, 500, s.grad, s.hess, new Float64Array(1000), s.offsets, s.nBinsOf, features, a, b, parts);
    expect(Array.from(parts)).toEqual(Array.from(whole));
  });

  it("subtraction gives the sibling's histogram", () => {
    const F = 3;
    const s = setup(200, F, 10, false, 4);
    const all = Array.from({ length: 200 }, (_, i) => i);
    const small = all.filter((i) => i % 3 === 0);
    const large = all.filter((i) => i % 3 !== 0);
    const parent = referenceHistogram(s.codes, F, all, s.grad, s.hess, s.offsets, s.total);
    subtractHistogram(parent, referenceHistogram(s.codes, F, small, s.grad, s.hess, s.offsets, s.total), s.offsets, s.nBinsOf, Int32Array.of(0, 1, 2), 0, 3);
    const direct = referenceHistogram(s.codes, F, large, s.grad, s.hess, s.offsets, s.total);
    for (let k = 0; k < parent.length; k++) expect(parent[k]).toBeCloseTo(direct[k], 12);
  });
});
