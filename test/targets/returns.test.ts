import { describe, expect, it } from "vitest";
import { buildTarget } from "../../src/targets/index.js";
import { panelOf, rounded, seriesOf } from "./helpers.js";

const N = NaN;

describe("forward returns", () => {
  // S0 has a full history; S1 misses bar 2
  const panel = panelOf({ close: [
    [100, 110, 99, 108.9, 120],
    [50, 55, N, 60, 66],
  ] });

  it("fwd_ret_H: close[t+h] / close[t] - 1, NaN where the window is incomplete or a close is missing", () => {
    const t1 = buildTarget("fwd_ret_1");
    expect(t1.horizon).toBe(1);
    expect(t1.window).toBe(1);
    expect(t1.type).toBe("regression");
    const y = t1.compute(panel);
    expect(seriesOf(y, 2, 0)).toEqual(rounded([0.1, -0.1, 0.1, 120 / 108.9 - 1, N]));
    expect(seriesOf(y, 2, 1)).toEqual(rounded([0.1, N, N, 0.1, N]));
    const y2 = buildTarget("fwd_ret_2").compute(panel);
    expect(seriesOf(y2, 2, 0)).toEqual(rounded([-0.01, -0.01, 120 / 99 - 1, N, N]));
    expect(seriesOf(y2, 2, 1)).toEqual(rounded([N, 60 / 55 - 1, N, N, N]));
  });

  it("fwd_logret_H is the log of the gross return", () => {
    const y = buildTarget("fwd_logret_2").compute(panel);
    expect(seriesOf(y, 2, 0)).toEqual(rounded([Math.log(0.99), Math.log(0.99), Math.log(120 / 99), N, N]));
  });

  it("an execution lag moves entry and exit and widens the label window", () => {
    const t = buildTarget("fwd_ret_1", { executionLag: 1 });
    expect(t.window).toBe(2);
    expect(seriesOf(t.compute(panel), 2, 0)).toEqual(rounded([-0.1, 0.1, 120 / 108.9 - 1, N, N]));
  });

  it("converts duration horizons with the bar size", () => {
    expect(buildTarget("fwd_ret_60m", { interval: { interval: "1m", medianSpacingMs: 60_000, explicit: false } }).horizon).toBe(60);
    expect(buildTarget("fwd_ret_60m", { interval: { interval: "5m", medianSpacingMs: 300_000, explicit: false } }).horizon).toBe(12);
    expect(buildTarget("fwd_ret_2h", { interval: { interval: "30m", medianSpacingMs: 1_800_000, explicit: false } }).horizon).toBe(4);
    expect(buildTarget("fwd_ret_5d", { interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: false } }).horizon).toBe(5);
    expect(() => buildTarget("fwd_ret_45m", { interval: { interval: "1h", medianSpacingMs: 3_600_000, explicit: false } })).toThrow(/not a whole number of 1h bars/);
    expect(() => buildTarget("fwd_ret_1w", { interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: false } })).toThrow(/ambiguous/);
    expect(() => buildTarget("fwd_ret_60m", { interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: false } })).toThrow(/write the horizon in bars|not aligned/);
    expect(() => buildTarget("fwd_ret_60m", { interval: { interval: "irregular", medianSpacingMs: 1234, explicit: false } })).toThrow(/no regular bar size/);
    expect(() => buildTarget("fwd_ret_60m")).toThrow(/no regular bar size/);
  });
});

describe("relative forward returns", () => {
  // three symbols; S2 misses bar 2
  const close = [
    [100, 110, 121, 121],
    [100, 90, 99, 108.9],
    [100, 105, N, 100],
  ];
  const panel = panelOf({ close });

  it("fwd_excess_H subtracts the mean over the symbols with a complete window", () => {
    const y = buildTarget("fwd_excess_1").compute(panel);
    // t0: returns 0.1, -0.1, 0.05; t1: 0.1, 0.1 (S2 has no exit); t2: 0, 0.1 (S2 has no bar)
    const m0 = 0.05 / 3;
    expect(seriesOf(y, 3, 0)).toEqual(rounded([0.1 - m0, 0, -0.05, N]));
    expect(seriesOf(y, 3, 1)).toEqual(rounded([-0.1 - m0, 0, 0.05, N]));
    expect(seriesOf(y, 3, 2)).toEqual(rounded([0.05 - m0, N, N, N]));
    const y2 = buildTarget("fwd_excess_2").compute(panel);
    const m1 = (0.1 + 0.21 + (100 / 105 - 1)) / 3;
    expect(seriesOf(y2, 3, 0)).toEqual(rounded([0.11, 0.1 - m1, N, N]));
    expect(seriesOf(y2, 3, 1)).toEqual(rounded([-0.11, 0.21 - m1, N, N]));
    expect(seriesOf(y2, 3, 2)).toEqual(rounded([N, 100 / 105 - 1 - m1, N, N]));
  });

  it("fwd_mktexcess_H against a proxy symbol and against the equal-weighted index", () => {
    const p = panelOf({ close }, { symbols: ["S0", "S1", "S2"] });
    const y = buildTarget("fwd_mktexcess_1", { marketProxy: "S1" }).compute(p);
    expect(seriesOf(y, 3, 0)).toEqual(rounded([0.2, 0, -0.1, N]));
    expect(seriesOf(y, 3, 1)).toEqual(rounded([0, 0, 0, N]));
    // equal weight, compounding one-bar means over the symbols that have each bar's return:
    // t0: step 1 averages 0.1, -0.1, 0.05; step 2 only 0.1, 0.1 (S2 has no bar 2)
    // t1: step 2 -> 0.1; step 3 averages 0 and 0.1
    const ew = buildTarget("fwd_mktexcess_2").compute(panel);
    const mk0 = (1 + 0.05 / 3) * 1.1 - 1;
    const mk1 = 1.1 * 1.05 - 1;
    expect(seriesOf(ew, 3, 0)).toEqual(rounded([0.21 - mk0, 0.1 - mk1, N, N]));
    expect(seriesOf(ew, 3, 1)).toEqual(rounded([-0.01 - mk0, 0.21 - mk1, N, N]));
    expect(seriesOf(ew, 3, 2)).toEqual(rounded([N, 100 / 105 - 1 - mk1, N, N]));
    // log variant: log gross return minus log gross market return
    const lg = buildTarget("fwd_mktexcess_2_log").compute(panel);
    expect(lg[0]).toBeCloseTo(Math.log(1.21) - Math.log(1 + mk0), 12);
    expect(() => buildTarget({ kind: "forward_return", horizon: 1, relative_to: "market", market: "SPY" }).compute(panel)).toThrow(/market symbol "SPY" is not in the data/);
  });

  it("fwd_sign_H and fwd_qK_H label direction and cross-sectional buckets", () => {
    const flat = panelOf({ close: [
      [100, 101],
      [100, 100],
      [100, 99],
      [100, 103],
      [100, 97],
      [100, 101],
    ] });
    const sign = buildTarget("fwd_sign_1");
    expect(sign.type).toBe("binary");
    expect(Array.from(sign.compute(flat).subarray(0, 6))).toEqual([1, 0, 0, 1, 0, 1]);
    const q3 = buildTarget("fwd_q3_1");
    expect(q3.type).toBe("multiclass");
    expect(q3.classes).toEqual(["q1", "q2", "q3"]);
    // returns .01 .00 -.01 .03 -.03 .01 -> ranks 4.5 3 2 6 1 4.5 -> floor(3 (r - .5) / 6)
    expect(Array.from(q3.compute(flat).subarray(0, 6))).toEqual([2, 1, 0, 2, 0, 2]);
    expect(() => buildTarget("fwd_q10_1").compute(flat)).toThrow(/only 6/);
    // sign of excess: above or below the cross-sectional mean (0.001666)
    expect(Array.from(buildTarget("fwd_sign_1_excess").compute(flat).subarray(0, 6))).toEqual([1, 0, 0, 1, 0, 1]);
  });
});
