import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  agreementAsCorrelation,
  associate,
  AssociationScratch,
  blockCount,
  crossSectionalRanks,
  MIN_CENTRE_VALUES,
  scanSeries,
  timeBlocks,
} from "../../src/leakage/association.js";
import { changeWithinSymbols, isPriceLike, pastLogReturn, shiftWithinSymbols } from "../../src/leakage/views.js";
import { Rng } from "../../src/util/random.js";
import { averageRanks, icSeries, summarizeSeries } from "../../src/validation/metrics/index.js";

const T = 400;
const S = 30;

function normals(seed: number, n = T * S): Float64Array {
  const r = new Rng(seed);
  const out = new Float64Array(n);
  r.fillNormal(out);
  return out;
}

function scratch(window = 1): AssociationScratch {
  const B = blockCount(T, window);
  return new AssociationScratch(T, S, timeBlocks(T, B), B, window);
}

function assoc(a: Float64Array, b: Float64Array) {
  return associate(scanSeries(a, T, S), scanSeries(b, T, S), scratch(), true);
}

describe("cross-sectional ranks", () => {
  it("rank each timestamp's finite values like scipy's rankdata, keeping NaN", () => {
    const v = normals(1);
    for (let i = 0; i < v.length; i += 7) v[i] = NaN;
    for (let i = 3; i < v.length; i += 11) v[i] = 0.5; // ties
    const r = crossSectionalRanks(v, T, S);
    for (const t of [0, 17, 399]) {
      const row = v.subarray(t * S, t * S + S);
      expect(Array.from(r.subarray(t * S, t * S + S))).toEqual(Array.from(averageRanks(row)));
    }
  });
});

describe("association statistics", () => {
  it("a copy is associated 1 by every measure (whole-sample centring), with a large t", () => {
    const y = normals(2);
    const a = assoc(Float64Array.from(y), y);
    expect(a.rankIc.value).toBeCloseTo(1, 12);
    expect(a.symmetric.tsCorr.value).toBeCloseTo(1, 12);
    expect(a.symmetric.agreement.value).toBe(1);
    expect(a.symmetric.agreement.t).toBe(Infinity);
    expect(a.rankIc.n).toBe(T);
    expect(a.symmetric.tsCorr.n).toBe(T * S);
    // Predictive centring differs from the copy's own by the noise of two mean estimates only.
    expect(a.tsCorr.value).toBeGreaterThan(0.98);
    expect(agreementAsCorrelation(a.agreement.value)).toBeGreaterThan(0.98);
    // rows without MIN_CENTRE_VALUES older feature values (gap 1) or later target values do not enter it
    expect(a.tsCorr.n).toBe((T - 2 * MIN_CENTRE_VALUES) * S);
  });

  it("independent series are associated about 0, without significance", () => {
    const a = assoc(normals(3), normals(4));
    expect(Math.abs(a.rankIc.value)).toBeLessThan(0.03);
    expect(Math.abs(a.tsCorr.value)).toBeLessThan(0.03);
    expect(Math.abs(a.agreement.value - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(a.rankIc.t)).toBeLessThan(3.5);
    expect(Math.abs(a.tsCorr.t)).toBeLessThan(3.5);
  });

  it("the rank IC is the mean per-timestamp Spearman correlation (validation's icSeries as oracle)", () => {
    const x = normals(5);
    const y = normals(6);
    for (let i = 0; i < x.length; i++) y[i] += 0.3 * x[i];
    for (let i = 0; i < x.length; i += 13) x[i] = NaN;
    const ours = assoc(x, y).rankIc.value;
    const oracle = summarizeSeries(icSeries(x, y, T, S, { method: "spearman" })).mean;
    // Ranks are taken over each series' own finite values, then correlated on the common cells:
    // with missing values this differs from re-ranking the common cells only by a hair.
    expect(ours).toBeCloseTo(oracle, 2);
    const full = normals(7);
    const yy = normals(8);
    for (let i = 0; i < full.length; i++) yy[i] += 0.5 * full[i];
    expect(assoc(full, yy).rankIc.value).toBeCloseTo(summarizeSeries(icSeries(full, yy, T, S, { method: "spearman" })).mean, 10);
  });

  it("the symmetric pooled correlation centres each symbol on its own means (a per-symbol level does not count)", () => {
    const x = normals(9);
    const y = normals(10);
    for (let i = 0; i < x.length; i++) y[i] += 0.4 * x[i];
    // Add a large per-symbol offset to both: pooled across symbols it would dominate.
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) {
      x[t * S + s] += 10 * s;
      y[t * S + s] -= 7 * s;
    }
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let s = 0; s < S; s++) {
      let mx = 0;
      let my = 0;
      for (let t = 0; t < T; t++) {
        mx += x[t * S + s] / T;
        my += y[t * S + s] / T;
      }
      for (let t = 0; t < T; t++) {
        const dx = x[t * S + s] - mx;
        const dy = y[t * S + s] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
      }
    }
    expect(assoc(x, y).symmetric.tsCorr.value).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 10);
    expect(assoc(x, y).symmetric.tsCorr.value).toBeGreaterThan(0.3);
    // The predictive one removes the level too (the running mean catches up within a few rows).
    expect(assoc(x, y).tsCorr.value).toBeGreaterThan(0.3);
  });

  it("the predictive pooled correlation: feature centred on its values from `gap` bars back, target on its values from `gap` bars on (a direct oracle)", () => {
    const gap = 5;
    const x = normals(31);
    const y = normals(32);
    for (let i = 0; i < x.length; i++) y[i] += 0.3 * x[i];
    for (let i = 0; i < x.length; i += 17) x[i] = NaN;
    for (let i = 3; i < x.length; i += 23) y[i] = NaN;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    let n = 0;
    for (let s = 0; s < S; s++) {
      for (let t = 0; t < T; t++) {
        const xv = x[t * S + s];
        const yv = y[t * S + s];
        if (!(xv === xv && yv === yv)) continue;
        const older: number[] = [];
        for (let u = 0; u <= t - gap; u++) if (x[u * S + s] === x[u * S + s]) older.push(x[u * S + s]);
        const later: number[] = [];
        for (let u = t + gap; u < T; u++) if (y[u * S + s] === y[u * S + s]) later.push(y[u * S + s]);
        const min = Math.max(MIN_CENTRE_VALUES, gap);
        if (later.length < min || older.length < min) continue;
        const dx = xv - older.reduce((p, q) => p + q, 0) / older.length;
        const dy = yv - later.reduce((p, q) => p + q, 0) / later.length;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
        n++;
      }
    }
    const a = associate(scanSeries(x, T, S), scanSeries(y, T, S), scratch(gap));
    expect(a.tsCorr.n).toBe(n);
    expect(a.tsCorr.value).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 10);
  });

  it("a random-walk level does not 'predict' the forward return on a short history; whole-sample centring says it does (Stambaugh)", () => {
    // 60 bars per symbol, 5-bar forward returns: the level above its sample mean must come back,
    // so whole-sample centring ties the level to the coming returns by about -1.2 sqrt(5 / 60).
    const t0 = 60;
    const s0 = 400;
    const h = 5;
    const r = normals(33, t0 * s0);
    const level = new Float64Array(t0 * s0);
    for (let s = 0; s < s0; s++) for (let t = 0; t < t0; t++) level[t * s0 + s] = (t > 0 ? level[(t - 1) * s0 + s] : 0) + r[t * s0 + s];
    const fwd = new Float64Array(t0 * s0).fill(NaN);
    for (let s = 0; s < s0; s++) for (let t = 0; t + h < t0; t++) fwd[t * s0 + s] = level[(t + h) * s0 + s] - level[t * s0 + s];
    const B = blockCount(t0, h);
    const a = associate(scanSeries(level, t0, s0), scanSeries(fwd, t0, s0), new AssociationScratch(t0, s0, timeBlocks(t0, B), B, h), true);
    expect(a.symmetric.tsCorr.value).toBeLessThan(-0.25);
    expect(Math.abs(a.tsCorr.value)).toBeLessThan(0.05);
    expect(Math.abs(agreementAsCorrelation(a.agreement.value))).toBeLessThan(0.05);
    // ... while a leak of the same forward return keeps its tie (0.96 in truth): on a history this
    // short each centring mean rests on a few overlapping windows, whose noise costs a fifth of it.
    const e = normals(34, t0 * s0);
    const leak = fwd.map((v, i) => v + 0.3 * Math.sqrt(h) * e[i]);
    const l = associate(scanSeries(leak, t0, s0), scanSeries(fwd, t0, s0), new AssociationScratch(t0, s0, timeBlocks(t0, B), B, h), true);
    expect(l.symmetric.tsCorr.value).toBeGreaterThan(0.95);
    expect(l.tsCorr.value).toBeGreaterThan(0.7);
  });

  it("sees a series common to all symbols (no cross-section) through time", () => {
    const market = normals(11, T);
    const y = normals(12);
    const x = new Float64Array(T * S);
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) {
      x[t * S + s] = market[t];
      y[t * S + s] += market[t];
    }
    const a = assoc(x, y);
    expect(a.rankIc.n).toBe(0);
    expect(a.rankIc.value).toBeNaN();
    expect(a.tsCorr.value).toBeGreaterThan(0.6);
    expect(a.tsCorr.t).toBeGreaterThan(10);
  });

  it("sign agreement reads as a correlation through Greiner's relation", () => {
    expect(agreementAsCorrelation(0.5)).toBeCloseTo(0, 15);
    expect(agreementAsCorrelation(1)).toBeCloseTo(1, 15);
    expect(agreementAsCorrelation(0)).toBeCloseTo(-1, 15);
    // bivariate normal with correlation rho: P(same sign) = 1/2 + asin(rho)/pi
    const rho = 0.6;
    const x = normals(13);
    const e = normals(14);
    const y = x.map((v, i) => rho * v + Math.sqrt(1 - rho * rho) * e[i]);
    expect(agreementAsCorrelation(assoc(x, y).agreement.value)).toBeCloseTo(rho, 1);
  });

  it("a tie carried by one symbol is not significant: the t across symbols is the weaker one", () => {
    const x = normals(41);
    const y = normals(42);
    // symbol 0: ten times the spread of the others and tied to the target; the rest unrelated
    for (let t = 0; t < T; t++) {
      x[t * S] *= 10;
      y[t * S] = x[t * S] + 3 * y[t * S];
    }
    const a = assoc(x, y);
    expect(a.tsCorr.value).toBeGreaterThan(0.5);
    expect(Math.abs(a.tsCorr.t)).toBeLessThan(3);
    // the same tie in every symbol is significant both ways
    const z = Float64Array.from(x, (v, i) => 0.5 * v + normals(43)[i]);
    expect(assoc(x, z).tsCorr.t).toBeGreaterThan(10);
  });

  it("gives a t-statistic only with enough blocks of time", () => {
    const small = new AssociationScratch(30, S, timeBlocks(30, blockCount(30, 10)), blockCount(30, 10));
    expect(blockCount(30, 10)).toBe(1);
    const y = normals(15, 30 * S);
    const a = associate(scanSeries(y, 30, S), scanSeries(Float64Array.from(y), 30, S), small, true);
    expect(a.symmetric.tsCorr.value).toBeCloseTo(1, 12);
    expect(a.tsCorr.t).toBeNaN();
    expect(a.symmetric.tsCorr.t).toBeNaN();
  });
});

describe("per-symbol transformations never move values across symbols", () => {
  const grid = fc.record({ T: fc.integer({ min: 1, max: 12 }), S: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: -14, max: 14 }) });

  it("shiftWithinSymbols: each value comes from the same symbol's column, k rows earlier", () => {
    fc.assert(
      fc.property(grid, ({ T: t0, S: s0, k }) => {
        const v = Float64Array.from({ length: t0 * s0 }, (_, i) => i);
        const out = shiftWithinSymbols(v, t0, s0, k);
        for (let t = 0; t < t0; t++) {
          for (let s = 0; s < s0; s++) {
            const x = out[t * s0 + s];
            const from = t - k;
            if (from < 0 || from >= t0) expect(x).toBeNaN();
            else {
              expect(x % s0).toBe(s);
              expect(x).toBe(from * s0 + s);
            }
          }
        }
      }),
    );
  });

  it("changeWithinSymbols and pastLogReturn difference a symbol against its own previous rows", () => {
    fc.assert(
      fc.property(grid, ({ T: t0, S: s0, k }) => {
        const v = Float64Array.from({ length: t0 * s0 }, (_, i) => 1 + i * i);
        const d = changeWithinSymbols(v, t0, s0);
        const lag = Math.abs(k) % 4;
        const r = pastLogReturn(v, t0, s0, lag + 1);
        for (let i = 0; i < v.length; i++) {
          if (i < s0) expect(d[i]).toBeNaN();
          else expect(d[i]).toBe(v[i] - v[i - s0]);
          const back = i - (lag + 1) * s0;
          if (back < 0) expect(r[i]).toBeNaN();
          else expect(r[i]).toBeCloseTo(Math.log(v[i] / v[back]), 12);
        }
      }),
    );
  });
});

describe("price-like detection", () => {
  it("recognises a moving average of the close and rejects returns and oscillators", () => {
    const close = Float64Array.from({ length: 500 }, (_, i) => 100 + 10 * Math.sin(i / 20));
    const ma = close.map((c, i) => (i < 4 ? NaN : (close[i] + close[i - 1] + close[i - 2] + close[i - 3] + close[i - 4]) / 5));
    expect(isPriceLike(ma, close)).toBe(true);
    expect(isPriceLike(close.map((c) => c * 1.5), close)).toBe(true);
    expect(isPriceLike(close.map((c) => c * 3), close)).toBe(false);
    expect(isPriceLike(close.map(() => 0.01), close)).toBe(false);
    expect(isPriceLike(close.map((_, i) => 20 + (i % 60)), close)).toBe(false); // an RSI-like oscillator
    expect(isPriceLike(close.map((c, i) => (i % 10 === 0 ? c * 5 : c)), close)).toBe(false); // 10% far off
    expect(isPriceLike(ma.subarray(0, 50), close.subarray(0, 50))).toBe(false); // too few cells to tell
  });
});

describe("constant series", () => {
  it("a symbol on which either series is constant takes no part (rounding is not agreement)", () => {
    const y = new Float64Array(T * S).fill(0.01);
    const a = assoc(Float64Array.from(y), y);
    expect(a.agreement.n).toBe(0);
    expect(a.agreement.value).toBeNaN();
    expect(a.tsCorr.value).toBeNaN();
    expect(a.rankIc.value).toBeNaN();
    // one varying symbol among constant ones is measured alone
    const x = normals(16);
    const z = Float64Array.from(x);
    for (let t = 0; t < T; t++) for (let s = 1; s < S; s++) x[t * S + s] = z[t * S + s] = 3;
    const b = assoc(x, z);
    expect(b.symmetric.tsCorr.n).toBe(T);
    expect(b.symmetric.tsCorr.value).toBeCloseTo(1, 12);
    expect(b.tsCorr.n).toBe(T - 2 * MIN_CENTRE_VALUES);
  });
});
