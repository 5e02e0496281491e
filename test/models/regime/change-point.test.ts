import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FeatureGrid, SequenceData } from "../../../src/models/nn/sequence-data.js";
import { ridgeFamily } from "../../../src/models/linear/index.js";
import { BocpdScratch, changePointFamily, changePointParamsSchema, gridChangePointFeatures, runLengthPosterior, seriesFeatures, windowFeatures, type CpSeries } from "../../../src/models/regime/index.js";
import { Rng } from "../../../src/util/random.js";
import { pearson } from "../../../src/validation/metrics/correlation.js";

const L = 100;
const opts = { hazard: 1 / 200, mu0: 0, kappa0: 1, alpha0: 3, beta0: 2, changeWindow: 10 };

/** Features at every bar of one series: [T x 4]. */
function featuresAlong(x: Float64Array): Float64Array {
  const sc = new BocpdScratch(L, opts);
  const out = new Float64Array(x.length * 4);
  for (let t = 0; t < x.length; t++) windowFeatures(x, Math.max(0, t - L + 1), t + 1, sc, out, 4 * t);
  return out;
}

/** The most probable start of the current segment at bar t. */
function mapStart(x: Float64Array, t: number): number {
  const sc = new BocpdScratch(L, opts);
  const len = runLengthPosterior(x, Math.max(0, t - L + 1), t + 1, sc);
  let best = 0;
  for (let r = 1; r < len; r++) if (sc.R[r] > sc.R[best]) best = r;
  return t - best;
}

const peak = (f: Float64Array, a: number, b: number) => {
  let m = 0;
  for (let t = a; t < b; t++) m = Math.max(m, f[4 * t + 1]);
  return m;
};

describe("Bayesian online change-point detection", () => {
  it("finds planted breaks in level and in volatility within a few bars", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const rng = new Rng(seed);
      // A 3-sigma level shift at bar 200, volatility x4 at bar 400.
      const x = Float64Array.from({ length: 600 }, (_, t) => (t < 200 ? rng.normal() : t < 400 ? 3 + rng.normal() : 3 + 4 * rng.normal()));
      const f = featuresAlong(x);
      expect(peak(f, 200, 210)).toBeGreaterThan(0.9);
      expect(peak(f, 400, 410)).toBeGreaterThan(0.7);
      expect(Math.abs(mapStart(x, 215) - 200)).toBeLessThanOrEqual(2);
      expect(Math.abs(mapStart(x, 415) - 400)).toBeLessThanOrEqual(3);
      // Before the first break nothing is flagged, and segment statistics follow the planted ones.
      expect(peak(f, 30, 200)).toBeLessThan(0.8);
      expect(f[4 * 390 + 2]).toBeGreaterThan(2.5);
      expect(f[4 * 590 + 3]).toBeGreaterThan(2.5);
      expect(f[4 * 190 + 3]).toBeLessThan(1.4);
    }
  });

  it("flags almost nothing on stationary series", () => {
    let flagged = 0;
    let bars = 0;
    let seriesFlagged = 0;
    for (const seed of [2, 3, 4, 5, 6, 7, 8, 9]) {
      const rng = new Rng(seed);
      const x = Float64Array.from({ length: 800 }, () => rng.normal());
      const f = featuresAlong(x);
      for (let t = 30; t < x.length; t++, bars++) if (f[4 * t + 1] > 0.8) flagged++;
      if (peak(f, 30, 800) > 0.8) seriesFlagged++;
      // The whole window is one segment at the end.
      expect(mapStart(x, 799)).toBeLessThanOrEqual(799 - L + 10);
    }
    // A run of three 2.3-sigma values looks like a level shift now and then; a planted break
    // is flagged at every one of its bars (above).
    expect(flagged / bars).toBeLessThan(0.002);
    expect(seriesFlagged).toBeLessThanOrEqual(2);
  });

  it("one pass over a whole series equals each window computed alone, bit for bit (missing bars too)", () => {
    const rng = new Rng(12);
    const x = Float64Array.from({ length: 400 }, (_, t) => (t % 37 === 5 || (t > 100 && t < 108) ? NaN : (t < 250 ? 0 : 2) + rng.normal()));
    const sc = new BocpdScratch(L, opts);
    const bars = Int32Array.from({ length: 400 }, (_, t) => (t * 7) % 400);
    const whole = new Float64Array(400 * 4);
    seriesFeatures(x, bars, sc, whole, 4, 0);
    const alone = new Float64Array(4);
    for (let i = 0; i < bars.length; i++) {
      const t = bars[i];
      windowFeatures(x, Math.max(0, t - L + 1), t + 1, sc, alone, 0);
      expect(Array.from(whole.subarray(4 * i, 4 * i + 4)), `bar ${t}`).toEqual(Array.from(alone));
    }
  });

  it("is causal: changing later bars (or other symbols) never changes a bar's features", () => {
    const series: CpSeries[] = [{ feature: "ret_1", index: 0, log: false, shift: 0, scale: 1 }];
    const p = changePointParamsSchema.parse({ lookback: 30 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 79 }), (seed, t) => {
        const rng = new Rng(seed);
        const T = 80;
        const S = 2;
        const values = Float32Array.from({ length: T * S }, () => rng.normal());
        const grid: FeatureGrid = { T, S, nFeatures: 1, featureNames: ["ret_1"], values };
        const rows = Int32Array.of(t * S, t * S + 1);
        const before = gridChangePointFeatures({ grid, rows }, series, p);
        const changed = values.slice();
        for (let c = (t + 1) * S; c < T * S; c++) changed[c] = 10 * rng.normal();
        const after = gridChangePointFeatures({ grid: { ...grid, values: changed }, rows }, series, p);
        expect(Array.from(after)).toEqual(Array.from(before));
        // Symbol 1's bars do not move symbol 0's features.
        const other = values.slice();
        for (let u = 0; u < T; u++) other[u * S + 1] = 5;
        const own = gridChangePointFeatures({ grid: { ...grid, values: other }, rows: Int32Array.of(t * S) }, series, p);
        expect(Array.from(own)).toEqual(Array.from(before.subarray(0, 4)));
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * A market whose returns drift by a per-segment mean that jumps every 60-140 bars: the next bar's
 * return is predictable from the current segment's mean, which the detector estimates causally.
 */
function driftMarket(T: number, S: number, seed: number): { grid: FeatureGrid; next: Float64Array } {
  const rng = new Rng(seed);
  const F = 2;
  const values = new Float32Array(T * S * F);
  const ret = new Float64Array(T * S);
  for (let s = 0; s < S; s++) {
    let mu = 0;
    let left = 0;
    let vol = 0.01;
    for (let t = 0; t < T; t++) {
      if (left-- <= 0) {
        mu = 0.006 * rng.normal();
        vol = 0.01 * Math.exp(0.3 * rng.normal());
        left = rng.int(60, 140);
      }
      ret[t * S + s] = mu + vol * rng.normal();
    }
    for (let t = 0; t < T; t++) {
      let v = 0;
      let k = 0;
      for (let u = Math.max(0, t - 19); u <= t; u++, k++) v += ret[u * S + s] ** 2;
      values[(t * S + s) * F] = ret[t * S + s];
      values[(t * S + s) * F + 1] = Math.sqrt(v / k);
    }
  }
  return { grid: { T, S, nFeatures: F, featureNames: ["ret_1", "vol_cc_20"], values }, next: ret };
}

function rowsBetween(grid: FeatureGrid, next: Float64Array, t0: number, t1: number): SequenceData {
  const rows: number[] = [];
  const y: number[] = [];
  for (let t = t0; t < t1; t++) for (let s = 0; s < grid.S; s++) {
    rows.push(t * grid.S + s);
    y.push(next[(t + 1) * grid.S + s]);
  }
  return { grid, rows: Int32Array.from(rows), y: Float64Array.from(y) };
}

describe("change_point family", () => {
  const { grid, next } = driftMarket(2400, 4, 7);
  const train = rowsBetween(grid, next, 20, 1600);
  const test = rowsBetween(grid, next, 1600, 2399);
  const ctx = { seed: 1, threads: 1 };

  it("beats ridge on the bar's own features and the naive mean out of sample on a planted segment drift", async () => {
    const model = await changePointFamily.fit(train, changePointFamily.paramsSchema.parse({}), ctx);
    expect(model.info.series.map((s) => [s.feature, s.log])).toEqual([
      ["ret_1", false],
      ["vol_cc_20", true],
    ]);
    const pred = model.predictSequence(test);
    const flat = (d: SequenceData) => {
      const X = new Float32Array(d.rows.length * 2);
      d.rows.forEach((c, i) => X.set(grid.values.subarray(c * 2, c * 2 + 2), i * 2));
      return { nRows: d.rows.length, nFeatures: 2, featureNames: grid.featureNames.slice(), X, y: d.y };
    };
    const ridge = await ridgeFamily.fit(flat(train), ridgeFamily.paramsSchema.parse({}), ctx);
    const te = flat(test);
    const ic = pearson(pred, test.y);
    const ridgeIc = pearson(ridge.predict(te.X, te.nRows), test.y);
    expect(ic).toBeGreaterThan(0.15);
    expect(ic).toBeGreaterThan(ridgeIc + 0.05);
    const mean = train.y.reduce((a, b) => a + b, 0) / train.y.length;
    let mse = 0;
    let naive = 0;
    for (let i = 0; i < pred.length; i++) {
      mse += (pred[i] - test.y[i]) ** 2;
      naive += (mean - test.y[i]) ** 2;
    }
    expect(mse).toBeLessThan(naive);
  }, 60_000);

  it("round-trips through JSON; window rows predict like grid cells", async () => {
    const p = changePointFamily.paramsSchema.parse({ lookback: 40, interactions: true });
    const model = await changePointFamily.fit(train, p, ctx);
    const loaded = changePointFamily.load(JSON.parse(JSON.stringify(model.toJSON())));
    const some = { grid, rows: test.rows.subarray(0, 200) };
    const a = model.predictSequence(some);
    expect(Array.from(loaded.predictSequence(some))).toEqual(Array.from(a));
    // Flattened windows of 40 bars x 2 features, oldest first.
    const X = new Float32Array(5 * 40 * 2);
    for (let r = 0; r < 5; r++) {
      const c = some.rows[r];
      const t = Math.floor(c / grid.S);
      const s = c % grid.S;
      for (let j = 0; j < 40; j++) X.set(grid.values.subarray(((t - 39 + j) * grid.S + s) * 2, ((t - 39 + j) * grid.S + s) * 2 + 2), (r * 40 + j) * 2);
    }
    expect(Array.from(loaded.predict(X, 5))).toEqual(Array.from(a.subarray(0, 5)));
  });

  it("asks for sequence data instead of guessing a time order for tabular rows", async () => {
    const tab = { nRows: 2, nFeatures: 1, featureNames: ["ret_1"], X: new Float32Array(2), y: new Float64Array(2) };
    await expect(changePointFamily.fit(tab, changePointFamily.paramsSchema.parse({}), ctx)).rejects.toThrow(/needs sequence data/);
    await expect(changePointFamily.fit(train, changePointFamily.paramsSchema.parse({ series: ["close_*"] }), ctx)).rejects.toThrow(/no input feature matches series \[close_\*\]/);
  });
});
