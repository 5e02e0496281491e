import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng, rng } from "../../src/util/random.js";

function moments(xs: Float64Array): { mean: number; variance: number; skew: number; kurtosis: number } {
  const n = xs.length;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

function correlation(a: Float64Array, b: Float64Array): number {
  const ma = moments(a).mean;
  const mb = moments(b).mean;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("xoshiro128** core", () => {
  it("matches the reference C implementation for state {1, 2, 3, 4}", () => {
    // Printed by the reference xoshiro128starstar.c (Blackman & Vigna) seeded with s = {1, 2, 3, 4}.
    const r = Rng.fromState([1, 2, 3, 4]);
    const first = Array.from({ length: 8 }, () => r.nextUint32());
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    for (let i = 0; i < 992; i++) r.nextUint32();
    expect(r.nextUint32()).toBe(136054147);
  });

  it("refuses the all-zero state", () => {
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/all zero/);
  });
});

describe("seeding and reproducibility", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    const r1 = rng(42);
    const r2 = rng(42);
    const r3 = rng(43);
    const s1 = draw(1000, () => r1.uniform());
    const s2 = draw(1000, () => r2.uniform());
    const s3 = draw(1000, () => r3.uniform());
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
  });

  it("distinguishes numeric and string seeds, negative seeds and large seeds", () => {
    const first = (seed: number | string) => rng(seed).nextUint32();
    const seeds: (number | string)[] = [0, 1, -1, "1", "", "a", 2 ** 40, -(2 ** 40), 2 ** 53 - 1, 0.5];
    const outs = new Set(seeds.map(first));
    expect(outs.size).toBe(seeds.length);
  });

  it("rejects non-finite seeds", () => {
    expect(() => rng(Number.NaN)).toThrow(RangeError);
    expect(() => rng(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("is reproducible for any seed (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), (seed) => {
        const a = rng(seed);
        const b = rng(seed);
        for (let i = 0; i < 20; i++) if (a.normal() !== b.normal()) return false;
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe("fork", () => {
  it("does not depend on how much the parent has drawn", () => {
    const p1 = rng(7);
    const p2 = rng(7);
    for (let i = 0; i < 1234; i++) p2.uniform();
    const c1 = p1.fork("symbol:AAPL");
    const c2 = p2.fork("symbol:AAPL");
    expect(draw(100, () => c1.uniform())).toEqual(draw(100, () => c2.uniform()));
  });

  it("does not change the parent's stream", () => {
    const a = rng(9);
    const b = rng(9);
    a.fork("x").uniform();
    expect(a.uniform()).toBe(b.uniform());
  });

  it("gives different streams for different labels, paths and parents", () => {
    const root = rng(1);
    const firsts = [
      root.fork("a"),
      root.fork("b"),
      root.fork(1),
      root.fork("1"),
      root.fork("a").fork("b"),
      root.fork("b").fork("a"),
      root.fork("ab"),
      rng(2).fork("a"),
    ].map((r) => r.nextUint32());
    expect(new Set(firsts).size).toBe(firsts.length);
  });

  it("gives sub-streams that are uncorrelated with each other and with the parent", () => {
    const root = rng(2024);
    const n = 20_000;
    const parent = draw(n, () => root.normal());
    const kids = Array.from({ length: 5 }, (_, k) => {
      const child = root.fork(`child-${k}`);
      return draw(n, () => child.normal());
    });
    // 4.5 standard errors of a correlation of independent series (1/sqrt(n)).
    const bound = 4.5 / Math.sqrt(n);
    for (let i = 0; i < kids.length; i++) {
      expect(Math.abs(correlation(parent, kids[i]))).toBeLessThan(bound);
      for (let j = i + 1; j < kids.length; j++) expect(Math.abs(correlation(kids[i], kids[j]))).toBeLessThan(bound);
    }
  });
});

describe("distributions", () => {
  const N = 100_000;

  it("uniform: in [0, 1), mean 1/2, variance 1/12, flat histogram", () => {
    const r = rng(11);
    const xs = draw(N, () => r.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const m = moments(xs);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
    // Chi-square over 20 equal bins: 19 df, the 99.9% quantile is 43.8.
    const bins = new Float64Array(20);
    for (const x of xs) bins[Math.floor(x * 20)] += 1;
    const expected = N / 20;
    let chi2 = 0;
    for (const b of bins) chi2 += (b - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(43.8);
  });

  it("uniformIn covers [lo, hi)", () => {
    const r = rng(12);
    const xs = draw(10_000, () => r.uniformIn(-3, 5));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(5);
    expect(moments(xs).mean).toBeCloseTo(1, 1);
  });

  it("normal: mean 0, variance 1, no skew, kurtosis 3", () => {
    const r = rng(13);
    const m = moments(draw(N, () => r.normal()));
    expect(Math.abs(m.mean)).toBeLessThan(0.015);
    expect(m.variance).toBeGreaterThan(0.98);
    expect(m.variance).toBeLessThan(1.02);
    expect(Math.abs(m.skew)).toBeLessThan(0.05);
    expect(m.kurtosis).toBeGreaterThan(2.9);
    expect(m.kurtosis).toBeLessThan(3.1);
  });

  it("normal(mean, sd) shifts and scales", () => {
    const r = rng(14);
    const m = moments(draw(N, () => r.normal(10, 2)));
    expect(m.mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(m.variance)).toBeCloseTo(2, 1);
  });

  it("normal: the share beyond 1.96 sd is 5%", () => {
    const r = rng(15);
    const xs = draw(N, () => r.normal());
    const tail = xs.filter((x) => Math.abs(x) > 1.96).length / N;
    expect(tail).toBeGreaterThan(0.045);
    expect(tail).toBeLessThan(0.055);
  });

  it("gamma: mean shape*scale, variance shape*scale^2, for shapes below and above 1", () => {
    for (const [shape, scale] of [
      [0.5, 1],
      [2.5, 2],
      [10, 0.1],
    ] as const) {
      const r = rng(`gamma-${shape}`);
      const m = moments(draw(N, () => r.gamma(shape, scale)));
      expect(m.mean / (shape * scale)).toBeGreaterThan(0.98);
      expect(m.mean / (shape * scale)).toBeLessThan(1.02);
      expect(m.variance / (shape * scale * scale)).toBeGreaterThan(0.95);
      expect(m.variance / (shape * scale * scale)).toBeLessThan(1.05);
    }
  });

  it("studentT: variance df/(df-2) and excess kurtosis 6/(df-4)", () => {
    const r = rng(16);
    const df = 8;
    const m = moments(draw(200_000, () => r.studentT(df)));
    expect(Math.abs(m.mean)).toBeLessThan(0.02);
    expect(m.variance).toBeGreaterThan((df / (df - 2)) * 0.97);
    expect(m.variance).toBeLessThan((df / (df - 2)) * 1.03);
    // Kurtosis 3 + 6/4 = 4.5; its sample estimate is noisy, so a wide band.
    expect(m.kurtosis).toBeGreaterThan(4.0);
    expect(m.kurtosis).toBeLessThan(5.2);
  });

  it("standardT: unit variance with fat tails", () => {
    const r = rng(17);
    const m = moments(draw(N, () => r.standardT(5)));
    expect(m.variance).toBeGreaterThan(0.95);
    expect(m.variance).toBeLessThan(1.05);
    expect(m.kurtosis).toBeGreaterThan(4.5);
    expect(() => r.standardT(2)).toThrow(RangeError);
  });

  it("exponential: mean 1/rate", () => {
    const r = rng(18);
    const m = moments(draw(N, () => r.exponential(4)));
    expect(m.mean).toBeCloseTo(0.25, 2);
  });

  it("int: every value in [lo, hi) about equally often, never outside", () => {
    const r = rng(19);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const k = r.int(-2, 4);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.int(3, 3)).toThrow(RangeError);
    expect(() => r.int(0, 1.5)).toThrow(RangeError);
    expect(r.int(5, 6)).toBe(5);
  });

  it("int: spans beyond 2^32 stay in range", () => {
    const r = rng(20);
    const hi = 2 ** 40;
    for (let i = 0; i < 1000; i++) {
      const k = r.int(0, hi);
      expect(Number.isInteger(k)).toBe(true);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(hi);
    }
  });

  it("bernoulli: frequency p", () => {
    const r = rng(21);
    let hits = 0;
    for (let i = 0; i < N; i++) if (r.bernoulli(0.3)) hits++;
    expect(hits / N).toBeCloseTo(0.3, 2);
  });
});

describe("shuffle and permutation", () => {
  it("permutes without losing or duplicating elements (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer(), (arr, seed) => {
        const shuffled = rng(seed).shuffle([...arr]);
        return JSON.stringify([...shuffled].sort((a, b) => a - b)) === JSON.stringify([...arr].sort((a, b) => a - b));
      }),
    );
  });

  it("puts each element in each position about equally often", () => {
    const r = rng(22);
    const n = 4;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    const trials = 40_000;
    for (let t = 0; t < trials; t++) {
      const p = r.permutation(n);
      for (let pos = 0; pos < n; pos++) counts[p[pos]][pos] += 1;
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(400);
  });

  it("shuffles typed arrays in place and is reproducible", () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = new Float64Array(a);
    rng(5).shuffle(a);
    rng(5).shuffle(b);
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("pick chooses from the list and refuses an empty one", () => {
    const r = rng(23);
    const seen = new Set(Array.from({ length: 200 }, () => r.pick(["a", "b", "c"])));
    expect(seen).toEqual(new Set(["a", "b", "c"]));
    expect(() => r.pick([])).toThrow(RangeError);
  });
});
