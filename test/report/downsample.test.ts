import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsample, lttbIndices, pointsPerSeries, seriesPoints } from "../../src/report/downsample.js";

describe("lttbIndices", () => {
  it("keeps every point when the series is short enough", () => {
    expect(lttbIndices([1, 2, 3], [5, 6, 7], 3)).toEqual([0, 1, 2]);
    expect(lttbIndices([1, 2, 3], [5, 6, 7], 10)).toEqual([0, 1, 2]);
  });

  it("keeps the spike of a flat series (a stride would drop it)", () => {
    const n = 1000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => (i === 503 ? -40 : 0));
    const idx = lttbIndices(x, y, 50);
    expect(idx).toContain(503);
    // A stride of 20 from 0 would not land on 503.
    expect(503 % 20).not.toBe(0);
  });

  it("picks the known answer on a small series", () => {
    // Buckets between the ends: {1,2}, {3,4}; the peaks at 2 and 3 form the largest triangles.
    const x = [0, 1, 2, 3, 4, 5];
    const y = [0, 1, 5, -5, 0, 0];
    expect(lttbIndices(x, y, 4)).toEqual([0, 2, 3, 5]);
  });

  it("returns `target` increasing indices that start at 0 and end at n - 1", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 400 }), fc.integer({ min: 3, max: 120 }), (ys, target) => {
        const xs = ys.map((_, i) => i * 86_400_000);
        const idx = lttbIndices(xs, ys, target);
        expect(idx.length).toBe(Math.min(target, ys.length));
        expect(idx[0]).toBe(0);
        expect(idx[idx.length - 1]).toBe(ys.length - 1);
        for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
      }),
    );
  });
});

describe("seriesPoints and downsample", () => {
  it("skips null values and unparsable times, and orders by time", () => {
    const pts = seriesPoints({ times: ["2021-01-05", "2021-01-04", "not a date", "2021-01-06", "2021-01-07"], values: [2, 1, 3, null, 5] });
    expect(pts).toEqual([
      { t: Date.UTC(2021, 0, 4), v: 1 },
      { t: Date.UTC(2021, 0, 5), v: 2 },
      { t: Date.UTC(2021, 0, 7), v: 5 },
    ]);
  });

  it("uses only the common length when times and values differ in length", () => {
    expect(seriesPoints({ times: ["2021-01-04", "2021-01-05"], values: [1, 2, 3] })).toHaveLength(2);
  });

  it("keeps the worst drawdown when thinning", () => {
    const times = Array.from({ length: 900 }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString());
    const values = times.map((_, i) => -Math.abs(Math.sin(i / 37)) * (i === 611 ? 3 : 1) * 0.1);
    const thin = downsample(seriesPoints({ times, values }), 150);
    expect(thin).toHaveLength(150);
    expect(Math.min(...thin.map((p) => p.v))).toBe(Math.min(...values));
  });

  it("gives each series fewer points as there are more, within bounds", () => {
    expect(pointsPerSeries(1)).toBe(400);
    expect(pointsPerSeries(4)).toBe(400);
    expect(pointsPerSeries(8)).toBe(200);
    expect(pointsPerSeries(100)).toBe(100);
    expect(pointsPerSeries(8, { total: 1200 })).toBe(150);
  });
});
