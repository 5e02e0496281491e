/**
 * Correlated-feature clustering: the partitions equal scipy's linkage + fcluster(criterion=
 * "distance") on the same matrix (reference computed with scipy 1.10), the linkage rules keep their
 * defining properties on random matrices, and correlations see copies, sign flips and (Spearman)
 * monotone transforms as one feature.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { absCorrelations, clusterFeatures } from "../../src/selection/cluster.js";
import type { Linkage } from "../../src/selection/schema.js";
import { Rng } from "../../src/util/random.js";
import { fixture, nearCopy } from "./helpers.js";

/** Labels renumbered by first appearance, so two partitions compare as arrays. */
function canonical(labels: ArrayLike<number>): number[] {
  const map = new Map<number, number>();
  return Array.from(labels, (l) => {
    if (!map.has(l)) map.set(l, map.size);
    return map.get(l)!;
  });
}

const C = [
  [1.0, 0.904, 0.842, 0.01, 0.106, 0.017, 0.053, 0.465, 0.612, 0.04],
  [0.904, 1.0, 0.867, 0.123, 0.214, 0.06, 0.055, 0.519, 0.593, 0.026],
  [0.842, 0.867, 1.0, 0.334, 0.414, 0.215, 0.041, 0.607, 0.562, 0.04],
  [0.01, 0.123, 0.334, 1.0, 0.907, 0.659, 0.028, 0.512, 0.023, 0.21],
  [0.106, 0.214, 0.414, 0.907, 1.0, 0.654, 0.02, 0.553, 0.085, 0.204],
  [0.017, 0.06, 0.215, 0.659, 0.654, 1.0, 0.66, 0.67, 0.439, 0.77],
  [0.053, 0.055, 0.041, 0.028, 0.02, 0.66, 1.0, 0.452, 0.592, 0.893],
  [0.465, 0.519, 0.607, 0.512, 0.553, 0.67, 0.452, 1.0, 0.636, 0.541],
  [0.612, 0.593, 0.562, 0.023, 0.085, 0.439, 0.592, 0.636, 1.0, 0.58],
  [0.04, 0.026, 0.04, 0.21, 0.204, 0.77, 0.893, 0.541, 0.58, 1.0],
];
const SCIPY: Array<[Linkage, number, number[]]> = [
  ["average", 0.8, [1, 1, 1, 4, 4, 6, 5, 2, 3, 5]],
  ["average", 0.6, [1, 1, 1, 3, 3, 4, 4, 2, 2, 4]],
  ["complete", 0.8, [4, 4, 4, 1, 1, 2, 5, 3, 6, 5]],
  ["complete", 0.6, [3, 3, 3, 1, 1, 2, 4, 2, 5, 4]],
  ["single", 0.8, [1, 1, 1, 2, 2, 4, 3, 5, 6, 3]],
  ["single", 0.6, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
];

describe("clusterFeatures", () => {
  it("gives scipy's partitions for average, complete and single linkage", () => {
    const m = Float64Array.from(C.flat());
    for (const [linkage, threshold, ref] of SCIPY) {
      expect(canonical(clusterFeatures(m, 10, threshold, linkage)), `${linkage} ${threshold}`).toEqual(canonical(ref));
    }
  });

  it("separates what the linkages disagree on: a chain joins under single, splits under complete", () => {
    // a-b 0.95, b-c 0.85, a-c 0.78: average distance of c to {a, b} = (0.22 + 0.15) / 2 = 0.185
    const m = Float64Array.from([1, 0.95, 0.78, 0.95, 1, 0.85, 0.78, 0.85, 1]);
    expect(canonical(clusterFeatures(m, 3, 0.8, "single"))).toEqual([0, 0, 0]);
    expect(canonical(clusterFeatures(m, 3, 0.8, "average"))).toEqual([0, 0, 0]);
    expect(canonical(clusterFeatures(m, 3, 0.8, "complete"))).toEqual([0, 0, 1]);
    expect(canonical(clusterFeatures(m, 3, 0.99, "average"))).toEqual([0, 1, 2]);
  });

  it("complete linkage: every pair inside a cluster reaches the threshold; single: clusters are the threshold graph's components", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 14 }), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.3, max: 0.95, noNaN: true }), (F, seed, thr) => {
        const rng = new Rng(seed);
        const m = new Float64Array(F * F);
        for (let i = 0; i < F; i++) {
          m[i * F + i] = 1;
          for (let j = i + 1; j < F; j++) m[i * F + j] = m[j * F + i] = Math.round(rng.uniform() * 1000) / 1000;
        }
        const complete = clusterFeatures(m, F, thr, "complete");
        for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) if (complete[i] === complete[j]) expect(m[i * F + j]).toBeGreaterThanOrEqual(thr - 1e-9);
        // components of the graph |corr| >= thr
        const comp = Int32Array.from({ length: F }, (_, i) => i);
        const find = (i: number): number => (comp[i] === i ? i : (comp[i] = find(comp[i])));
        for (let i = 0; i < F; i++) for (let j = i + 1; j < F; j++) if (m[i * F + j] >= thr) comp[find(i)] = find(j);
        expect(canonical(clusterFeatures(m, F, thr, "single"))).toEqual(canonical(Array.from({ length: F }, (_, i) => find(i))));
      }),
      { numRuns: 60 },
    );
  });
});

describe("absCorrelations", () => {
  it("sees copies, sign flips and monotone transforms (Spearman) as one feature; independent columns as unrelated", () => {
    const T = 200;
    const S = 5;
    const rng = new Rng(9);
    const x = new Float32Array(T * S);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    const indep = new Float32Array(T * S);
    for (let i = 0; i < x.length; i++) indep[i] = rng.normal();
    const grids = new Map<string, Float32Array>([
      ["x", x],
      ["neg", x.map((v) => -v)],
      ["cube", x.map((v) => v * v * v)],
      ["indep", indep],
      ["holes", x.map((v, i) => (i % 7 === 0 ? NaN : v))],
    ]);
    const names = [...grids.keys()];
    const cells = Int32Array.from({ length: T * S }, (_, i) => i);
    const sp = absCorrelations(names, grids, cells, "spearman");
    const at = (a: string, b: string, m = sp) => m[names.indexOf(a) * names.length + names.indexOf(b)];
    expect(at("x", "neg")).toBeCloseTo(1, 12);
    expect(at("x", "cube")).toBeCloseTo(1, 12);
    expect(at("x", "indep")).toBeLessThan(0.1);
    expect(at("x", "holes")).toBeGreaterThan(0.999);
    expect(at("cube", "x")).toBe(at("x", "cube"));
    const pe = absCorrelations(names, grids, cells, "pearson");
    expect(at("x", "cube", pe)).toBeLessThan(0.9);
    expect(at("x", "neg", pe)).toBeCloseTo(1, 12);
  });

  it("puts a planted near copy of a signal in the signal's cluster, and nothing else with them", () => {
    const fx = fixture();
    const grids = new Map(fx.grids);
    grids.set("sig_h5_copy", nearCopy(fx.grids.get("sig_h5")!, 0.1, 3));
    const names = [...fx.names, "sig_h5_copy"];
    const data = fx.cv("fwd_ret_5");
    const cells: number[] = [];
    for (let c = 0; c < data.valid.length; c++) if (data.valid[c]) cells.push(c);
    const corr = absCorrelations(names, grids, Int32Array.from(cells), "spearman");
    const labels = clusterFeatures(corr, names.length, 0.8, "average");
    const i = names.indexOf("sig_h5");
    const j = names.indexOf("sig_h5_copy");
    expect(labels[i]).toBe(labels[j]);
    expect(labels.filter((l) => l === labels[i]).length).toBe(2);
  });
});
