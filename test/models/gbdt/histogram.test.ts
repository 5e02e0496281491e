import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binMatrix, fitBins } from "../../../src/models/gbdt/binning.js";
import { allocEngineBuffers, kernelCall, partitionWithKernel } from "../../../src/models/gbdt/engine.js";
import { buildHistogram, packedCode, referenceHistogram, subtractHistogram, type PackedCodes } from "../../../src/models/gbdt/histogram.js";
import { lcg } from "./helpers.js";

/** Random data binned into (up to) nb bins per feature, through the real binning code. */
function setup(n: number, F: number, nb: number, wide: boolean, seed: number) {
  const rnd = lcg(seed);
  const X = Float32Array.from({ length: n * F }, () => (rnd() < 0.05 ? NaN : Math.floor(rnd() * (nb - 1))));
  const bins = fitBins(X, n, F, Array.from({ length: F }, (_, f) => `f${f}`), new Set(), { maxBin: wide ? 1000 : 255, minDataInBin: 1, sampleCount: 200_000, seed: 1 });
  const matrix: PackedCodes = binMatrix(X, n, F, bins);
  const grad = Float64Array.from({ length: n }, () => rnd() * 2 - 1);
  const hess = Float64Array.from({ length: n }, () => rnd());
  const nBinsOf = Int32Array.from(bins, (b) => b.nBins);
  const offsets = new Int32Array(F);
  for (let f = 1; f < F; f++) offsets[f] = offsets[f - 1] + nBinsOf[f - 1];
  const total = offsets[F - 1] + nBinsOf[F - 1];
  return { matrix, bins, codes: matrix.codes, grad, hess, offsets, nBinsOf, total, groups: Math.ceil(F / matrix.pack) };
}

describe("histogram kernel (fast path) against the plain reference", () => {
  it("is bit-identical for any row subset (dense: packed kernel, sparse: row kernel), feature subset and code width (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 11 }), fc.boolean(), fc.double({ min: 0.01, max: 1 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (n, F, wide, share, root, seed) => {
        const s = setup(n, F, wide ? 300 : 17, wide, seed);
        const rnd = lcg(seed + 1);
        const rowList: number[] = [];
        for (let i = 0; i < n; i++) if (root || rnd() < share) rowList.push(i);
        // A root node holds all rows from offset 0 (the in-place path); other nodes start at offset 2.
        const rows = root ? Int32Array.from(rowList) : Int32Array.from([7, 7, ...rowList]);
        const start = root ? 0 : 2;
        const features = Int32Array.from({ length: F }, (_, f) => f).filter(() => rnd() < 0.7);
        const hist = new Float64Array(s.total * 2).fill(123); // stale content must be cleared
        buildHistogram(s.matrix, rows, start, rowList.length, s.grad, s.hess, new Float64Array(2 * n), s.offsets, s.nBinsOf, features, features.length, 0, s.groups, hist);
        const ref = referenceHistogram(s.codes, F, rowList, s.grad, s.hess, s.offsets, s.total);
        for (const f of features) {
          const a = hist.subarray(s.offsets[f] * 2, (s.offsets[f] + s.nBinsOf[f]) * 2);
          const b = ref.subarray(s.offsets[f] * 2, (s.offsets[f] + s.nBinsOf[f]) * 2);
          expect(Array.from(a)).toEqual(Array.from(b));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("builds each range of feature groups independently (how threads split the work)", () => {
    const F = 14;
    const s = setup(500, F, 20, false, 3);
    const rows = Int32Array.from({ length: 500 }, (_, i) => i);
    const features = Int32Array.from({ length: F }, (_, f) => f);
    const whole = new Float64Array(s.total * 2);
    buildHistogram(s.matrix, rows, 0, 500, s.grad, s.hess, new Float64Array(1000), s.offsets, s.nBinsOf, features, F, 0, s.groups, whole);
    const parts = new Float64Array(s.total * 2);
    for (const [a, b] of [[0, 1], [1, 3], [3, 4]]) buildHistogram(s.matrix, rows, 0, 500, s.grad, s.hess, new Float64Array(1000), s.offsets, s.nBinsOf, features, F, a, b, parts);
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

describe("WebAssembly kernels against the plain reference", () => {
  it("histograms are bit-identical for the root, dense and sparse nodes, feature subsets and thread group ranges (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 14 }), fc.double({ min: 0.001, max: 1 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (n, F, share, root, seed) => {
        const s = setup(n, F, 200, false, seed);
        const data = { matrix: s.matrix, nRows: n, nFeatures: F, bins: s.bins, offsets: s.offsets, nBinsOf: s.nBinsOf, totalBins: s.total };
        const buf = allocEngineBuffers(data, 4, 2, 2);
        expect(buf.arena).not.toBeNull();
        const kc = kernelCall(buf.arena, n, 1)!;
        buf.grad.set(s.grad);
        buf.hess.set(s.hess);
        const rnd = lcg(seed + 1);
        const rowList: number[] = [];
        for (let i = 0; i < n; i++) if (root || rnd() < share) rowList.push(i);
        const start = root ? 0 : Math.min(2, n - rowList.length);
        buf.rows.fill(0);
        buf.rows.set(rowList, start);
        const features = Int32Array.from({ length: F }, (_, f) => f).filter(() => rnd() < 0.7);
        const slot = 1;
        const hist = buf.slotsAll.subarray(slot * buf.slotLen, (slot + 1) * buf.slotLen).fill(123);
        kc.hist = buf.arena!.ptr.slots + slot * buf.slotLen * 8;
        // Two group ranges, as two threads would split them.
        const cut = Math.floor(s.groups / 2);
        for (const [a, b] of [[0, cut], [cut, s.groups]]) buildHistogram(s.matrix, buf.rows, start, rowList.length, buf.grad, buf.hess, buf.ordered(1), s.offsets, s.nBinsOf, features, features.length, a, b, hist, kc);
        const ref = referenceHistogram(s.codes, F, rowList, s.grad, s.hess, s.offsets, s.total);
        for (const f of features) {
          expect(Array.from(hist.subarray(s.offsets[f] * 2, (s.offsets[f] + s.nBinsOf[f]) * 2))).toEqual(Array.from(ref.subarray(s.offsets[f] * 2, (s.offsets[f] + s.nBinsOf[f]) * 2)));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("partition is the stable split of the plain filter (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), (n, F, seed, missLeft) => {
        const s = setup(n, F, 40, false, seed);
        const data = { matrix: s.matrix, nRows: n, nFeatures: F, bins: s.bins, offsets: s.offsets, nBinsOf: s.nBinsOf, totalBins: s.total };
        const buf = allocEngineBuffers(data, 4, 2, 1);
        const kc = kernelCall(buf.arena, n, 0)!;
        const rnd = lcg(seed + 2);
        const f = Math.floor(rnd() * F);
        const miss = s.nBinsOf[f] - 1;
        const thr = Math.floor(rnd() * miss);
        const start = Math.floor(rnd() * n);
        const count = Math.floor(rnd() * (n - start + 1));
        for (let i = 0; i < n; i++) buf.rows[i] = n - 1 - i;
        const before = Array.from(buf.rows.subarray(start, start + count));
        const goesLeft = (r: number): boolean => {
          const b = packedCode(s.matrix, r, f);
          return b <= thr || (b === miss && missLeft);
        };
        const nl = partitionWithKernel(kc, buf.rows, buf.scratch, n, start, count, f, thr, miss, missLeft);
        const want = [...before.filter(goesLeft), ...before.filter((r) => !goesLeft(r))];
        expect(nl).toBe(before.filter(goesLeft).length);
        expect(Array.from(buf.rows.subarray(start, start + count))).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});
