import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ewmWindow, geometricPowers, rollingExtreme, rollingGeomMean, rollingSum, shiftSeries } from "../../src/features/kernels/rolling.js";
import { firstMismatch, naiveGeomMean, naiveRolling, recursiveEwm, sum } from "./helpers/oracle.js";

const run = {
  sum(x: Float64Array, W: number, abs0 = 0) {
    const out = new Float64Array(x.length);
    rollingSum(x, x.length, W, abs0, out, new Float64Array(x.length));
    return out;
  },
  geom(x: Float64Array, W: number, d: number, abs0 = 0) {
    const out = new Float64Array(x.length);
    rollingGeomMean(x, x.length, W, geometricPowers(d, W), abs0, out, new Float64Array(x.length));
    return out;
  },
  extreme(x: Float64Array, W: number, sign: 1 | -1) {
    const out = new Float64Array(x.length);
    rollingExtreme(x, x.length, W, sign, out, new Int32Array(x.length));
    return out;
  },
};

/** Series with occasional NaN (missing bars). */
const seriesArb = fc
  .array(fc.oneof({ weight: 12, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(NaN) }), {
    minLength: 0,
    maxLength: 80,
  })
  .map((a) => Float64Array.from(a));

describe("rollingSum", () => {
  it("known answer: windows of 3 over 1..6, NaN until the first full window", () => {
    expect([...run.sum(Float64Array.from([1, 2, 3, 4, 5, 6]), 3)]).toEqual([NaN, NaN, 6, 9, 12, 15]);
    expect([...run.sum(Float64Array.from([1, 2, 3]), 1)]).toEqual([1, 2, 3]);
    expect([...run.sum(Float64Array.from([1, 2]), 5)]).toEqual([NaN, NaN]);
  });

  it("a missing value makes exactly the windows that contain it NaN", () => {
    const out = run.sum(Float64Array.from([1, 1, NaN, 1, 1, 1, 1]), 3);
    expect([...out]).toEqual([NaN, NaN, NaN, NaN, NaN, 3, 3]);
  });

  it("matches the naive window sum for any series, window and block anchor", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 1000 }), (x, W, abs0) => {
        expect(firstMismatch(run.sum(x, W, abs0), naiveRolling(x, W, sum), 1e-12, 1e-9)).toBe(-1);
      }),
    );
  });

  it("gives bit-identical values whatever row the computation starts at", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 40 }), (x, W, k) => {
        fc.pre(k < x.length);
        const whole = run.sum(x, W, 100);
        const part = run.sum(x.slice(k), W, 100 + k);
        for (let i = k + W - 1; i < x.length; i++) expect(Object.is(part[i - k], whole[i])).toBe(true);
      }),
    );
  });
});

describe("truncated EWM", () => {
  it("window is the smallest W whose omitted tail weight is at most the tail mass", () => {
    for (const d of [0.5, 0.8, 11 / 13, 25 / 27, 13 / 14]) {
      for (const tail of [1e-3, 1e-6]) {
        const W = ewmWindow(d, tail);
        expect(d ** W).toBeLessThanOrEqual(tail * (1 + 1e-9));
        expect(d ** (W - 1)).toBeGreaterThan(tail);
      }
    }
    expect(ewmWindow(25 / 27, 1e-6)).toBe(180);
    expect(() => ewmWindow(1, 1e-6)).toThrow(/decay/);
  });

  it("known answer: d = 0.5, W = 3 weights 1, 0.5, 0.25", () => {
    const out = run.geom(Float64Array.from([4, 8, 16, 4]), 3, 0.5);
    expect(out[2]).toBeCloseTo((16 + 8 * 0.5 + 4 * 0.25) / 1.75, 12);
    expect(out[3]).toBeCloseTo((4 + 16 * 0.5 + 8 * 0.25) / 1.75, 12);
    expect(out[0]).toBeNaN();
  });

  it("matches the naive truncated weighted mean", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 30 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.nat(500), (x, W, d, abs0) => {
        expect(firstMismatch(run.geom(x, W, d, abs0), naiveGeomMean(x, W, d), 1e-10, 1e-9)).toBe(-1);
      }),
    );
  });

  it("is bit-identical whatever row the computation starts at", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 20 }), fc.nat(40), (x, W, k) => {
        fc.pre(k < x.length);
        const whole = run.geom(x, W, 0.8, 7);
        const part = run.geom(x.slice(k), W, 0.8, 7 + k);
        for (let i = k + W - 1; i < x.length; i++) expect(Object.is(part[i - k], whole[i])).toBe(true);
      }),
    );
  });

  it("converges to the infinite recursion within the tail mass", () => {
    const x = Float64Array.from({ length: 600 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));
    const alpha = 2 / 27;
    const W = ewmWindow(1 - alpha, 1e-6);
    const trunc = run.geom(x, W, 1 - alpha);
    const inf = recursiveEwm(x, alpha);
    // Past 2W bars the recursion's start no longer matters; what is left is the truncated tail.
    for (let i = 2 * W; i < x.length; i++) expect(Math.abs(trunc[i] - inf[i])).toBeLessThan(30 * 1e-6);
  });
});

describe("rollingExtreme", () => {
  it("matches the naive max and min, NaN where a window holds a missing value", () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 25 }), (x, W) => {
        expect(firstMismatch(run.extreme(x, W, 1), naiveRolling(x, W, (w) => Math.max(...w)), 0, 0)).toBe(-1);
        expect(firstMismatch(run.extreme(x, W, -1), naiveRolling(x, W, (w) => Math.min(...w)), 0, 0)).toBe(-1);
      }),
    );
  });

  it("known answer with ties and a gap", () => {
    const x = Float64Array.from([3, 1, 3, 2, NaN, 5, 4, 4]);
    expect([...run.extreme(x, 2, 1)]).toEqual([NaN, 3, 3, 3, NaN, NaN, 5, 4]);
    expect([...run.extreme(x, 3, -1)]).toEqual([NaN, NaN, 1, 1, NaN, NaN, NaN, 4]);
  });
});

describe("shiftSeries", () => {
  it("moves values k rows later, NaN in front, and works in place", () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    const out = new Float64Array(4);
    shiftSeries(x, 4, 2, out);
    expect([...out]).toEqual([NaN, NaN, 1, 2]);
    shiftSeries(x, 4, 1, x);
    expect([...x]).toEqual([NaN, 1, 2, 3]);
    shiftSeries(x, 4, 9, out);
    expect([...out]).toEqual([NaN, NaN, NaN, NaN]);
  });
});
