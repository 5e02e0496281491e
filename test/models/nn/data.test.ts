import { describe, expect, it } from "vitest";
import { Scaler, fitTargetScale } from "../../../src/models/nn/data/scaler.js";
import { RowSource, WindowSource, fitGridScaler, fitRowScaler } from "../../../src/models/nn/data/source.js";
import { checkSequenceData, featureGridFromColumns, presentCells } from "../../../src/models/nn/sequence-data.js";
import { InputError } from "../../../src/util/errors.js";

const identity = (F: number): Scaler => new Scaler(new Float64Array(F), new Float64Array(F).fill(1), 0);

describe("feature grid", () => {
  it("interleaves time-major [T x S] columns bar-major: ((t * S) + s) * F + f", () => {
    const T = 3;
    const S = 2;
    const a = Float64Array.from({ length: T * S }, (_, i) => i); // a[t*S+s] = t*S+s
    const b = Float64Array.from({ length: T * S }, (_, i) => 100 + i);
    const g = featureGridFromColumns([a, b], ["a", "b"], T, S);
    for (let t = 0; t < T; t++) {
      for (let s = 0; s < S; s++) {
        expect(g.values[(t * S + s) * 2]).toBe(t * S + s);
        expect(g.values[(t * S + s) * 2 + 1]).toBe(100 + t * S + s);
      }
    }
  });

  it("rejects columns of the wrong length, naming the feature", () => {
    expect(() => featureGridFromColumns([new Float64Array(5)], ["mom"], 2, 3)).toThrow(/feature "mom" has 5 values, expected T x S = 6/);
  });

  it("presentCells lists present (t, s) cells from a minimum t, time-major", () => {
    const present = Uint8Array.from([1, 0, 1, 1, 0, 1]); // T=3, S=2
    expect(Array.from(presentCells({ T: 3, S: 2, present }, 1))).toEqual([2, 3, 5]);
  });

  it("checkSequenceData names the bad row, its time and symbol", () => {
    const grid = featureGridFromColumns([new Float64Array(6)], ["x"], 3, 2);
    expect(() => checkSequenceData({ grid, rows: Int32Array.from([0, 6]), y: new Float64Array(2) }, "training data")).toThrow(/row 1 points at grid cell 6, outside 0..5/);
    expect(() => checkSequenceData({ grid, rows: Int32Array.from([0, 5]), y: Float64Array.from([1, NaN]) }, "training data")).toThrow(/target of row 1 \(t=2, symbol 1\) is NaN/);
    expect(() => checkSequenceData({ grid, rows: Int32Array.from([0]), y: new Float64Array(2) }, "v")).toThrow(InputError);
  });
});

describe("windows gathered per batch", () => {
  // T=5 bars, S=2 symbols, F=2 features; value = 10 t + s (+ 0.5 for feature 1)
  const T = 5;
  const S = 2;
  const f0 = Float64Array.from({ length: T * S }, (_, i) => 10 * Math.floor(i / S) + (i % S));
  const f1 = f0.map((v) => v + 0.5);
  const grid = featureGridFromColumns([f0, f1], ["a", "b"], T, S);

  it("row (t, s) holds bars t-L+1 .. t of symbol s, oldest first, with zeros before the grid starts", () => {
    const src = new WindowSource(grid, Int32Array.from([4 * S + 1, 1 * S + 0]), 3, identity(2));
    expect(src.sampleShape).toEqual([3, 2]);
    const out = new Float32Array(2 * 6);
    src.fill(Int32Array.from([0, 1]), 0, 2, out);
    expect(Array.from(out.subarray(0, 6))).toEqual([21, 21.5, 31, 31.5, 41, 41.5]);
    expect(Array.from(out.subarray(6, 12))).toEqual([0, 0, 0, 0.5, 10, 10.5]);
  });

  it("fills only the requested rows, in the requested order, from an offset", () => {
    const src = new WindowSource(grid, Int32Array.from([2 * S, 3 * S, 4 * S]), 1, identity(2));
    const out = new Float32Array(4);
    src.fill(Int32Array.from([9, 2, 0]), 1, 2, out);
    expect(Array.from(out)).toEqual([40, 40.5, 20, 20.5]);
  });

  it("missing values become 0 after scaling (the training mean), never NaN", () => {
    const g2 = featureGridFromColumns([Float64Array.from([1, NaN, 3, Infinity])], ["x"], 2, 2);
    const sc = fitGridScaler({ grid: g2, rows: Int32Array.from([0, 1, 2, 3]), y: new Float64Array(4) }, 0);
    expect(sc.mean[0]).toBe(2); // NaN and Infinity skipped
    const src = new WindowSource(g2, Int32Array.from([2, 3]), 2, sc);
    const out = new Float32Array(4);
    src.fill(Int32Array.from([0, 1]), 0, 2, out);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(out[1]).toBeCloseTo((3 - 2) * sc.invStd[0], 6);
    expect(out[2]).toBe(0); // NaN at (0, 1)
    expect(out[3]).toBe(0); // Infinity at (1, 1)
  });

  it("the grid scaler is fitted on the training rows' own bars only", () => {
    const vals = Float64Array.from([0, 0, 100, 100]); // T=2, S=2: t=0 bars are 0, t=1 bars are 100
    const g3 = featureGridFromColumns([vals], ["x"], 2, 2);
    const sc = fitGridScaler({ grid: g3, rows: Int32Array.from([0, 1]), y: new Float64Array(2) }, 0);
    expect(sc.mean[0]).toBe(0); // the later (validation) bars did not leak into the scaler
  });
});

describe("scaling", () => {
  it("standardises with the training mean and sample standard deviation, clipping extremes", () => {
    const X = Float32Array.from([1, 10, 2, 10, 3, 10, 100, 10]); // feature 0: 1,2,3,100; feature 1 constant
    const sc = fitRowScaler({ X, nRows: 4, nFeatures: 2, featureNames: ["a", "b"], y: new Float64Array(4) }, 1, 1.5);
    const mean = (1 + 2 + 3 + 100) / 4;
    const sd = Math.sqrt([1, 2, 3, 100].reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
    expect(sc.mean[0]).toBeCloseTo(mean, 10);
    expect(1 / sc.invStd[0]).toBeCloseTo(sd, 6);
    expect(sc.invStd[1]).toBe(1); // constant feature: scale 1, not a division by 0
    const out = new Float32Array(2);
    sc.apply(X, 6, out, 0);
    expect(out[0]).toBeCloseTo((100 - mean) / sd, 5); // 1.4998: just inside the clip
    expect(out[0]).toBeLessThan(1.5);
    sc.apply(Float32Array.from([1e6, 10]), 0, out, 0);
    expect(out[0]).toBe(1.5);
    expect(out[1]).toBe(0);
  });

  it("flattened windows share one scale per bar feature across lags", () => {
    // 2 steps x 2 features per row
    const X = Float32Array.from([0, 5, 2, 5, 4, 5, 6, 5]);
    const sc = fitRowScaler({ X, nRows: 2, nFeatures: 4, featureNames: ["a1", "b1", "a0", "b0"], y: new Float64Array(2) }, 2, 0);
    expect(sc.nFeatures).toBe(2);
    expect(sc.mean[0]).toBe(3); // 0, 2, 4, 6
    const src = new RowSource(X, 2, 4, sc, 2);
    expect(src.sampleShape).toEqual([2, 2]);
  });

  it("round-trips through JSON", () => {
    const sc = new Scaler(Float64Array.from([1.5, -2]), Float64Array.from([0.25, 3]), 7);
    const back = Scaler.fromJSON(JSON.parse(JSON.stringify(sc.toJSON())));
    expect(Array.from(back.mean)).toEqual([1.5, -2]);
    expect(Array.from(back.invStd)).toEqual([0.25, 3]);
    expect(back.clip).toBe(7);
  });

  it("target scale: weighted mean and standard deviation; constant targets keep scale 1", () => {
    const ts = fitTargetScale(Float64Array.from([1, 3]), Float64Array.from([3, 1]));
    expect(ts.shift).toBeCloseTo(1.5, 12);
    expect(ts.scale).toBeCloseTo(Math.sqrt((3 * 0.25 + 2.25) / 4), 12);
    expect(fitTargetScale(Float64Array.from([2, 2, 2])).scale).toBe(1);
  });
});
