/**
 * Cross-checks of the technical indicators against an independent implementation
 * (technicalindicators 3.1.0) on the bundled real daily series. technicalindicators seeds its
 * EMAs and Wilder averages with a simple average and recurses forever; ours are truncated at a
 * tail weight of 1e-6 (see EWM_TAIL_MASS), so the two agree once both have warmed up: compared
 * from 2x our lookback on, to tolerances set by Float32 storage and that tail.
 */
import { ATR, BollingerBands, EMA, MACD, RSI, SMA, Stochastic } from "technicalindicators";
import { describe, expect, it } from "vitest";
import { buildFeatures, standardRegistry, type FeatureSet } from "../../src/features/index.js";
import { realPanel, realSeries } from "./helpers/panels.js";

const series = realSeries();
const SYMBOLS = ["SPX", "GOOG", "MSFT"] as const;
/** SPX (5,105 bars) and GOOG (1,047) are long enough for every window; MSFT (249) for the short ones. */
const LONG = ["SPX", "GOOG"] as const;
const built = new Map<string, FeatureSet>(SYMBOLS.map((s) => [s, buildFeatures(realPanel([s]), { exclude: ["*__*"] })]));

/** Pairs ours[i] with theirs aligned at the end (their arrays drop the warm-up rows). */
function aligned(n: number, theirs: number[], from: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const offset = n - theirs.length;
  for (let i = Math.max(from, offset); i < n; i++) pairs.push([i, theirs[i - offset]]);
  return pairs;
}

function specLookback(set: FeatureSet, name: string): number {
  return set.specs.find((s) => s.name === name)!.lookback;
}

/** Largest |ours - theirs| / scale over the compared rows, and how many rows were compared. */
function worst(
  sym: string,
  feature: string,
  theirs: number[],
  toTheirs: (v: number, i: number) => number,
  scale: (i: number) => number = () => 1,
  warmupFactor = 2,
): { err: number; rows: number } {
  const set = built.get(sym)!;
  const g = set.get(feature);
  const from = warmupFactor * specLookback(set, feature);
  let err = 0;
  let rows = 0;
  for (const [i, t] of aligned(g.length, theirs, from)) {
    const ours = toTheirs(g[i], i);
    expect(Number.isFinite(ours), `${sym} ${feature} row ${i} is ${ours}`).toBe(true);
    err = Math.max(err, Math.abs(ours - t) / scale(i));
    rows++;
  }
  return { err, rows };
}

describe.each(LONG)("indicators on %s match technicalindicators", (sym) => {
  const s = series.get(sym)!;
  const { close, high, low } = s;

  it("SMA 20 / 50 / 200 (from dist_sma)", () => {
    for (const W of [20, 50, 200]) {
      const theirs = SMA.calculate({ period: W, values: close });
      const r = worst(sym, `dist_sma_${W}`, theirs, (v, i) => close[i] / (1 + v), (i) => close[i]);
      expect(r.rows).toBeGreaterThan(10);
      expect(r.err).toBeLessThan(2e-7);
    }
  });

  it("EMA 12 / 26 (from dist_ema)", () => {
    for (const W of [12, 26]) {
      const theirs = EMA.calculate({ period: W, values: close });
      const r = worst(sym, `dist_ema_${W}`, theirs, (v, i) => close[i] / (1 + v), (i) => close[i]);
      expect(r.rows).toBeGreaterThan(10);
      expect(r.err).toBeLessThan(5e-6);
    }
  });

  it("RSI 7 / 14 / 21 (theirs rounded to 2 decimals)", () => {
    for (const p of [7, 14, 21]) {
      const r = worst(sym, `rsi_${p}`, RSI.calculate({ period: p, values: close }), (v) => v);
      expect(r.rows).toBeGreaterThan(10);
      expect(r.err).toBeLessThan(0.006);
    }
  });

  it("MACD 12/26/9 line, signal and histogram (EMA-based)", () => {
    const theirs = MACD.calculate({ values: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
    const parts = [
      ["macd", theirs.map((m) => m.MACD!)],
      ["macd_signal", theirs.map((m) => m.signal ?? NaN)],
      ["macd_hist", theirs.map((m) => m.histogram ?? NaN)],
    ] as const;
    for (const [name, values] of parts) {
      const r = worst(sym, name, [...values], (v, i) => v * close[i], (i) => close[i]);
      expect(r.rows).toBeGreaterThan(10);
      expect(r.err).toBeLessThan(5e-6);
    }
  });

  it("Bollinger %B and band width (20, 2)", () => {
    const theirs = BollingerBands.calculate({ period: 20, stdDev: 2, values: close });
    const pb = worst(sym, "bb_pctb_20", theirs.map((b) => b.pb), (v) => v);
    expect(pb.rows).toBeGreaterThan(100);
    expect(pb.err).toBeLessThan(2e-5);
    const width = worst(sym, "bb_width_20", theirs.map((b) => (b.upper - b.lower) / b.middle), (v) => v, () => 1);
    expect(width.err).toBeLessThan(1e-6);
  });

  it("ATR 7 / 14 (from natr)", () => {
    for (const p of [7, 14]) {
      const theirs = ATR.calculate({ period: p, high, low, close });
      const r = worst(sym, `natr_${p}`, theirs, (v, i) => v * close[i], (i) => close[i]);
      expect(r.rows).toBeGreaterThan(10);
      expect(r.err).toBeLessThan(5e-6);
    }
  });

  it("Stochastic %K and %D (14, 3)", () => {
    const theirs = Stochastic.calculate({ period: 14, signalPeriod: 3, high, low, close });
    const k = worst(sym, "stoch_k_14", theirs.map((x) => x.k), (v) => v, () => 1, 1);
    const d = worst(sym, "stoch_d_14", theirs.map((x) => x.d ?? NaN), (v) => v, () => 1, 1);
    expect(k.rows).toBeGreaterThan(200);
    expect(k.err).toBeLessThan(2e-5);
    expect(d.err).toBeLessThan(2e-5);
  });
});

describe("indicators on MSFT (249 bars): the windows that fit twice", () => {
  const { close, high, low } = series.get("MSFT")!;
  it("SMA 20 / 50, EMA 12, RSI 7, ATR 7, Bollinger, Stochastic", () => {
    expect(close.length).toBe(249);
    for (const W of [20, 50]) {
      expect(worst("MSFT", `dist_sma_${W}`, SMA.calculate({ period: W, values: close }), (v, i) => close[i] / (1 + v), (i) => close[i]).err).toBeLessThan(2e-7);
    }
    const ema = worst("MSFT", "dist_ema_12", EMA.calculate({ period: 12, values: close }), (v, i) => close[i] / (1 + v), (i) => close[i]);
    expect(ema.rows).toBeGreaterThan(50);
    expect(ema.err).toBeLessThan(5e-6);
    const rsi = worst("MSFT", "rsi_7", RSI.calculate({ period: 7, values: close }), (v) => v);
    expect(rsi.rows).toBeGreaterThan(50);
    expect(rsi.err).toBeLessThan(0.006);
    const atr = worst("MSFT", "natr_7", ATR.calculate({ period: 7, high, low, close }), (v, i) => v * close[i], (i) => close[i]);
    expect(atr.rows).toBeGreaterThan(50);
    expect(atr.err).toBeLessThan(5e-6);
    expect(worst("MSFT", "bb_pctb_20", BollingerBands.calculate({ period: 20, stdDev: 2, values: close }).map((b) => b.pb), (v) => v).err).toBeLessThan(2e-5);
    const st = Stochastic.calculate({ period: 14, signalPeriod: 3, high, low, close });
    expect(worst("MSFT", "stoch_k_14", st.map((x) => x.k), (v) => v, () => 1, 1).err).toBeLessThan(2e-5);
  });

  it("features whose lookback exceeds the history are skipped with the reason", () => {
    const set = built.get("MSFT")!;
    const rsi21 = standardRegistry().get("rsi_21")!;
    expect(rsi21.lookback).toBeGreaterThan(249);
    expect(set.skipped.find((s) => s.name === "rsi_21")?.reason).toBe(`needs ${rsi21.lookback} rows of history and the panel has 249`);
    expect(set.skipped.find((s) => s.name === "mom_252")?.reason).toMatch(/needs 253 rows/);
  });
});

describe("the real panel itself", () => {
  it("has the staggered coverage the gap tests rely on", () => {
    const p = realPanel();
    const goog = p.symbols.indexOf("GOOG");
    const set = buildFeatures(p, { include: ["ret_1"] });
    // GOOG is NaN before its listing (2004-08-19) on the union axis, and has values after it.
    const g = set.get("ret_1");
    const first = p.times.findIndex((t) => t === Date.parse("2004-08-19T00:00:00Z"));
    expect(g[first * 4 + goog]).toBeNaN();
    expect(Number.isFinite(g[(first + 1) * 4 + goog])).toBe(true);
    expect(g[(first - 1) * 4 + goog]).toBeNaN();
  });
});
