import { describe, expect, it } from "vitest";
import { buildTarget, excursion, TB_PROFIT_TAKE, TB_STOP_LOSS, TB_TIME_OUT, tripleBarrier, zigzagPivotLabels } from "../../src/targets/index.js";
import { panelOf, rounded, seriesOf } from "./helpers.js";

const N = NaN;

describe("triple barrier", () => {
  // one row per symbol at t = 0; vol 0.01 and h = 4 -> width 0.02 in log return
  const close = [
    [100, 101, 102.5, 99, 100], // +0.0247 at bar 2: profit-take
    [100, 99.5, 97.9, 103, 100], // -0.0212 at bar 2: stop-loss
    [100, 100.5, 101, 100.2, 100.8], // no touch: time-out
    [100, 100, 100, 100, N], // exit missing: NaN
  ];
  const T = 5;
  const S = 4;
  const grid = (rows: number[][]): Float64Array => {
    const g = new Float64Array(T * S);
    rows.forEach((r, s) => r.forEach((v, t) => (g[t * S + s] = v)));
    return g;
  };
  const vol = new Float64Array(T * S).fill(0.01);

  it("labels the first barrier touched, with the touch time and return", () => {
    const r = tripleBarrier({ close: grid(close), T, S, horizon: 4, lag: 0 }, vol, 1, 1, false);
    expect(Array.from(r.label.subarray(0, 4))).toEqual([TB_PROFIT_TAKE, TB_STOP_LOSS, TB_TIME_OUT, N]);
    expect(Array.from(r.touchBars.subarray(0, 4))).toEqual([2, 2, 4, N]);
    expect(Array.from(r.side.subarray(0, 4))).toEqual([1, -1, 0, N]);
    expect(r.touchReturn[0]).toBeCloseTo(Math.log(1.025), 14);
    expect(r.touchReturn[2]).toBeCloseTo(Math.log(1.008), 14);
    // every later row's window runs past the data
    expect(Array.from(r.label.subarray(S)).every(Number.isNaN)).toBe(true);
  });

  it("scales barriers by the multiples and removes a barrier set to 0", () => {
    const wide = tripleBarrier({ close: grid(close), T, S, horizon: 4, lag: 0 }, vol, 2, 2, false);
    // width 0.04: S0 peaks at +0.0247, S1 dips to -0.0212 and rises to +0.0296: all time out
    expect(Array.from(wide.label.subarray(0, 3))).toEqual([TB_TIME_OUT, TB_TIME_OUT, TB_TIME_OUT]);
    const noStop = tripleBarrier({ close: grid(close), T, S, horizon: 4, lag: 0 }, vol, 1, 0, false);
    expect(Array.from(noStop.label.subarray(0, 3))).toEqual([TB_PROFIT_TAKE, TB_PROFIT_TAKE, TB_TIME_OUT]);
    expect(noStop.touchBars[1]).toBe(3);
  });

  it("with highs and lows, touches at the barrier level and takes the stop first when a bar spans both", () => {
    const c = [[100, 100.5, 100, 100, 100], [100, 100, 100, 100, 100]];
    const hi = [[100, 102.1, 100, 100, 100], [100, 102.1, 100, 100, 100]];
    const lo = [[100, 100, 100, 100, 100], [100, 97.9, 100, 100, 100]];
    const S2 = 2;
    const g = (rows: number[][]) => {
      const out = new Float64Array(T * S2);
      rows.forEach((r, s) => r.forEach((v, t) => (out[t * S2 + s] = v)));
      return out;
    };
    const r = tripleBarrier({ close: g(c), high: g(hi), low: g(lo), T, S: S2, horizon: 4, lag: 0 }, new Float64Array(T * S2).fill(0.01), 1, 1, true);
    expect(Array.from(r.label.subarray(0, 2))).toEqual([TB_PROFIT_TAKE, TB_STOP_LOSS]);
    expect(Array.from(r.touchBars.subarray(0, 2))).toEqual([1, 1]);
    expect(r.touchReturn[0]).toBeCloseTo(0.02, 15);
    expect(r.touchReturn[1]).toBeCloseTo(-0.02, 15);
  });

  it("builds from tb_H_PT_SL with past-only volatility and exposes the touch details", () => {
    // alternating +-1% returns give a known volatility; then a jump
    const up = Math.exp(0.01);
    const dn = Math.exp(-0.01);
    const path = [100];
    for (let i = 0; i < 10; i++) path.push(path[path.length - 1] * (i % 2 === 0 ? up : dn));
    path.push(path[path.length - 1] * Math.exp(0.05), path[path.length - 1] * Math.exp(0.05));
    const panel = panelOf({ close: [path] });
    const tb = buildTarget("tb_2_1_1");
    expect(tb.type).toBe("multiclass");
    expect(tb.classes).toEqual(["stop_loss", "time_out", "profit_take"]);
    expect(tb.horizon).toBe(2);
    expect(tb.pastWindow).toBe(20);
    const y = tb.compute(panel);
    // vol_window 20 needs 10 returns: first defined at t = 10; at t = 10 the next bar jumps +5%
    expect(seriesOf(y, 1, 0)).toEqual(rounded([N, N, N, N, N, N, N, N, N, N, TB_PROFIT_TAKE, N, N]));
    const d = tb.details!(panel);
    expect(d.get("touch_bars")![10]).toBe(1);
    expect(d.get("side")![10]).toBe(1);
  });
});

describe("excursions", () => {
  const close = [[100, 105, 95, 110, 90, 100]];
  const p = { close: Float64Array.from(close[0]), T: 6, S: 1, horizon: 4, lag: 0 };

  it("MFE, MAE and MDD over the horizon as non-negative fractions, NaN where incomplete", () => {
    expect(rounded(Array.from(excursion(p, "mfe", false)))).toEqual(rounded([0.1, 110 / 105 - 1, N, N, N, N]));
    expect(rounded(Array.from(excursion(p, "mae", false)))).toEqual(rounded([0.1, 1 - 90 / 105, N, N, N, N]));
    // t0: peak 105 then 95 (9.5%), new peak 110 then 90 (18.2%); t1: 95 vs 105, then 90 vs 110
    expect(rounded(Array.from(excursion(p, "mdd", false)))).toEqual(rounded([1 - 90 / 110, 1 - 90 / 110, N, N, N, N]));
    const p2 = { ...p, horizon: 2 };
    expect(rounded(Array.from(excursion(p2, "mdd", false)))).toEqual(rounded([1 - 95 / 105, 1 - 95 / 105, 1 - 90 / 110, 1 - 90 / 110, N, N]));
  });

  it("a path that only rises has zero adverse excursion and drawdown", () => {
    const q = { close: Float64Array.from([1, 2, 3, 4]), T: 4, S: 1, horizon: 2, lag: 0 };
    expect(rounded(Array.from(excursion(q, "mae", false)))).toEqual([0, 0, null, null]);
    expect(rounded(Array.from(excursion(q, "mdd", false)))).toEqual([0, 0, null, null]);
  });

  it("uses highs and lows with _hl, never measuring a bar's low against its own high", () => {
    const panel = panelOf({ close: [[100, 100, 100]], high: [[100, 108, 101]], low: [[100, 96, 99]] });
    expect(seriesOf(buildTarget("mfe_2_hl").compute(panel), 1, 0)).toEqual(rounded([0.08, N, N]));
    expect(seriesOf(buildTarget("mae_2_hl").compute(panel), 1, 0)).toEqual(rounded([0.04, N, N]));
    // bar 1: low 96 against the entry 100 (4%), then peak 108; bar 2: low 99 against 108 (8.3%)
    expect(seriesOf(buildTarget("mdd_2_hl").compute(panel), 1, 0)).toEqual(rounded([1 - 99 / 108, N, N]));
    // one bar whose high comes with a deep low: measured against the entry, not its own high
    const one = panelOf({ close: [[100, 100]], high: [[100, 110]], low: [[100, 95]] });
    expect(seriesOf(buildTarget("mdd_1_hl").compute(one), 1, 0)).toEqual(rounded([0.05, N]));
    expect(seriesOf(buildTarget("mfe_2").compute(panel), 1, 0)).toEqual(rounded([0, N, N]));
    expect(() => buildTarget("mfe_2_hl").compute(panelOf({ close: [[1, 2, 3]] }))).toThrow(/lacks a high or low/);
  });
});

describe("zigzag pivots", () => {
  // theta 10%: peak 110 at t2 confirmed at t4 (99 <= 99), valley 99 at t4 confirmed at t7
  // (112 >= 108.9), peak 112 at t7 confirmed at t8 (100 <= 100.8)
  const close = Float64Array.from([100, 104, 110, 104, 99, 101, 108, 112, 100]);

  it("marks pivots confirmed within the horizon; NaN where the window is incomplete", () => {
    expect(rounded(Array.from(zigzagPivotLabels(close, 9, 1, 0.1, 2, "peak")))).toEqual(rounded([0, 0, 1, 0, 0, 0, 0, N, N]));
    // the valley at t4 takes 3 bars to confirm: not within 2, within 3
    expect(rounded(Array.from(zigzagPivotLabels(close, 9, 1, 0.1, 2, "valley")))).toEqual(rounded([0, 0, 0, 0, 0, 0, 0, N, N]));
    expect(rounded(Array.from(zigzagPivotLabels(close, 9, 1, 0.1, 3, "valley")))).toEqual(rounded([0, 0, 0, 0, 1, 0, N, N, N]));
  });

  it("is flagged repainting and declares its confirmation horizon", () => {
    const z = buildTarget("zigzag_peak_0.05");
    expect(z.repainting).toBe(true);
    expect(z.horizon).toBe(20);
    expect(z.window).toBe(20);
    expect(z.canonical).toBe("zigzag_peak_0.05_20");
    expect(z.type).toBe("binary");
    expect(buildTarget("zigzag_valley_0.1_3").horizon).toBe(3);
    expect(buildTarget("fwd_ret_5").repainting).toBe(false);
  });
});
