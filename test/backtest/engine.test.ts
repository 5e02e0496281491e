import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { returnsFromClose, runBacktest, type BacktestInputs } from "../../src/backtest/index.js";
import { InputError } from "../../src/util/errors.js";
import { rng } from "../../src/util/random.js";
import { cfg, grid, randomMarket, row } from "./helpers.js";

const N = NaN;

describe("PnL, costs, turnover and drift on a hand-made grid", () => {
  // S = 4, step 2, long-short with k = 1: long the best, short the worst, 10 bps per unit traded
  const signal = grid([
    [4, 3, 2, 1],
    [N, N, N, N],
    [1, 2, 3, 4],
    [N, N, N, N],
  ]);
  const returns = grid([
    [0.1, 0, 0, -0.1],
    [0, 0, 0, 0.1],
    [0.02, 0, 0, 0.04],
    [N, N, N, N],
  ]);
  const run = () =>
    runBacktest({ T: 4, S: 4, signal, returns }, cfg({ strategy: { kind: "long_short", quantile: 0.25 }, step: 2, min_symbols: 2, cost_bps: 7, slippage_bps: 3, benchmark: "none" }), {
      barsPerYear: 252,
      recordWeights: true,
    });

  it("matches the hand computation bar by bar", () => {
    const res = run();
    const { series } = res;
    // bar 0: build +0.5 s0 / -0.5 s3, turnover 1, cost 10 bps; gross 0.5*0.1 + 0.5*0.1
    expect(row(res.weights!, 0, 4)).toEqual([0.5, 0, 0, -0.5]);
    expect(series.turnover[0]).toBe(1);
    expect(series.cost[0]).toBeCloseTo(0.001, 15);
    expect(series.gross[0]).toBeCloseTo(0.1, 15);
    expect(series.nav[0]).toBeCloseTo(1.099, 14);
    // bar 1: no rebalance; the book drifted to $0.55 long s0, $-0.45 short s3 on equity 1.099; s3 rises 10%
    expect(series.turnover[1]).toBe(0);
    expect(row(res.weights!, 1, 4)[0]).toBeCloseTo(0.55 / 1.099, 15);
    expect(row(res.weights!, 1, 4)[3]).toBeCloseTo(-0.45 / 1.099, 15);
    expect(series.net[1]).toBeCloseTo(-0.045 / 1.099, 15);
    expect(series.nav[1]).toBeCloseTo(1.054, 14);
    // bar 2: reverse to -0.5 s0 / +0.5 s3 from $0.55 / $-0.495 on equity 1.054
    const turnover2 = 0.5 + 0.55 / 1.054 + (0.5 + 0.495 / 1.054);
    expect(series.turnover[2]).toBeCloseTo(turnover2, 14);
    expect(series.cost[2]).toBeCloseTo(turnover2 * 0.001, 15);
    expect(series.gross[2]).toBeCloseTo(-0.5 * 0.02 + 0.5 * 0.04, 15);
    const nav2 = 1.054 * (1 + 0.01 - turnover2 * 0.001);
    expect(series.nav[2]).toBeCloseTo(nav2, 14);
    // outside the evaluated bars everything is NaN
    expect(Number.isNaN(series.net[3])).toBe(true);
  });

  it("reports the same figures: drawdown and its dates, turnover, costs, hit rate", () => {
    const { report } = run();
    const nav2 = 1.054 * (1 + 0.01 - (1 + 0.55 / 1.054 + 0.495 / 1.054) * 0.001);
    expect(report.period).toMatchObject({ start: { bar: 0 }, end: { bar: 3 }, bars: 3 });
    expect(report.performance.total_return).toBeCloseTo(nav2 - 1, 14);
    expect(report.performance.annualized_return).toBeCloseTo(Math.pow(nav2, 252 / 3) - 1, 8);
    // equity 1 -> 1.099 (close 1) -> 1.054 (close 2) -> nav2 (close 3) < 1.099: never recovered
    expect(report.drawdown.max_drawdown).toBeCloseTo(0.045 / 1.099, 14);
    expect(report.drawdown.peak).toEqual({ bar: 1, time: null });
    expect(report.drawdown.trough).toEqual({ bar: 2, time: null });
    expect(report.drawdown.recovery).toBeNull();
    expect(report.drawdown.duration_bars).toBe(2);
    expect(report.trading.rebalances).toBe(2);
    expect(report.trading.average_turnover).toBeCloseTo(1 + 0.55 / 1.054 + 0.495 / 1.054, 14);
    expect(report.trading.total_cost).toBeCloseTo(0.001 * (2 + 0.55 / 1.054 + 0.495 / 1.054), 15);
    expect(report.performance.hit_rate).toBeCloseTo(2 / 3, 15);
    expect(report.equity_curve.cumulative_return.map((v) => +v!.toFixed(12))).toEqual([0, 0.099, 0.054, +(nav2 - 1).toFixed(12)]);
    expect(report.equity_curve.drawdown[2]).toBeCloseTo(1.054 / 1.099 - 1, 14);
    expect(report.trading.average_gross_exposure).toBeCloseTo((1 + (0.55 + 0.45) / 1.099 + 1) / 3, 14);
  });

  it("charges nothing without costs: net equals gross", () => {
    const res = runBacktest({ T: 4, S: 4, signal, returns }, cfg({ strategy: { kind: "long_short", quantile: 0.25 }, step: 2, min_symbols: 2, cost_bps: 0 }), { barsPerYear: 252 });
    for (let t = 0; t < 3; t++) expect(res.series.net[t]).toBe(res.series.gross[t]);
  });
});

describe("timing: weights decided at the close of t earn returns from t to t + 1", () => {
  // r[t, s] = a_s (-1)^t: what was good on one bar is bad on the next
  const T = 12;
  const S = 4;
  const a = [0.01, 0.02, 0.03, 0.04];
  const returns = new Float64Array(T * S);
  for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) returns[t * S + s] = t === T - 1 ? NaN : a[s] * (t % 2 === 0 ? 1 : -1);
  const shifted = (k: number) => {
    const g = new Float64Array(T * S).fill(NaN);
    for (let t = 0; t < T; t++) if (t + k >= 0 && t + k < T - 1) for (let s = 0; s < S; s++) g[t * S + s] = returns[(t + k) * S + s];
    return g;
  };
  const gross = (signal: Float64Array, delay = 0) =>
    runBacktest({ T, S, signal, returns }, cfg({ strategy: { kind: "long_short", quantile: 0.25 }, step: 1, delay_bars: delay, min_symbols: 2, cost_bps: 0 }), { barsPerYear: 252 });

  it("a signal equal to the bar's own forward return earns it: 0.5 (0.04 - 0.01) on every bar", () => {
    const res = gross(shifted(0));
    for (let t = 0; t < T - 1; t++) expect(res.series.gross[t]).toBeCloseTo(0.015, 15);
  });

  it("the same information one bar late (the last realized return) earns the opposite", () => {
    const res = gross(shifted(-1));
    for (let t = 1; t < T - 1; t++) expect(res.series.gross[t]).toBeCloseTo(-0.015, 15);
    expect(res.report.period.start.bar).toBe(1);
  });

  it("a delay of one bar trades the oracle one bar later, so it earns the opposite too", () => {
    const res = gross(shifted(0), 1);
    expect(res.report.period.start.bar).toBe(1);
    for (let t = 1; t < T - 1; t++) expect(res.series.gross[t]).toBeCloseTo(-0.015, 15);
  });

  it("no bar's weights, trades or PnL change when the future changes (property)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom("long_short", "top_k", "topk_dropout"), (seed, cut, step, delay, kind) => {
        const T2 = 30;
        const S2 = 12;
        const m = randomMarket(seed, T2, S2, { ic: 0.3 });
        const tradable = new Uint8Array(T2 * S2).fill(1);
        const config = cfg({ strategy: { kind }, step, delay_bars: delay, min_symbols: 2, cost_bps: 10 });
        const base = runBacktest({ T: T2, S: S2, signal: m.signal, returns: m.returns, tradable }, config, { barsPerYear: 252, recordWeights: true, start: 2 });
        // rewrite the future: signals decided after bar cut - delay, returns from bar cut on
        const r = rng(seed ^ 0x5eed);
        const signal = Float64Array.from(m.signal);
        const returns = Float64Array.from(m.returns);
        for (let t = 0; t < T2; t++) {
          for (let s = 0; s < S2; s++) {
            if (t > cut - delay) signal[t * S2 + s] = r.normal();
            if (t >= cut && t < T2 - 1) returns[t * S2 + s] = r.normal(0, 0.05);
          }
        }
        const alt = runBacktest({ T: T2, S: S2, signal, returns, tradable }, config, { barsPerYear: 252, recordWeights: true, start: 2 });
        for (let t = 2; t <= cut; t++) {
          // weights held over bar t and the trades into them are fixed before returns[t] is known
          expect(row(alt.weights!, t, S2)).toEqual(row(base.weights!, t, S2));
          expect(alt.series.turnover[t]).toBe(base.series.turnover[t]);
          expect(alt.series.cost[t]).toBe(base.series.cost[t]);
          if (t < cut) expect(alt.series.nav[t]).toBe(base.series.nav[t]);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe("missing data", () => {
  it("never trades a symbol while it is missing; a held position keeps its last price", () => {
    // s2 misses bars 1-2 (not tradable, unknown return) while long; the rebalance at bar 2 cannot touch it
    const signal = grid([
      [1, 2, 3, 0],
      [N, N, N, N],
      [3, 2, 1, 0],
      [N, N, N, N],
      [N, N, N, N],
    ]);
    const returns = grid([
      [0, 0, 0.1, 0],
      [0, 0, N, 0],
      [0, 0, N, 0],
      [0, 0, 0.2, 0],
      [N, N, N, N],
    ]);
    const tradable = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const res = runBacktest(
      { T: 5, S: 4, signal, returns, tradable },
      cfg({ strategy: { kind: "long_short", quantile: 0.25 }, step: 2, min_symbols: 2, cost_bps: 0, benchmark: "none" }),
      { barsPerYear: 252, recordWeights: true },
    );
    const w = res.weights!;
    expect(row(w, 0, 4)).toEqual([0, 0, 0.5, -0.5]);
    const eq0 = 1 + 0.05;
    expect(row(w, 1, 4)[2]).toBeCloseTo(0.55 / eq0, 15);
    // bar 2: s2 still long at its drifted weight, the others re-ranked (s0 best, s3 worst)
    const w2 = row(w, 2, 4);
    expect(w2[2]).toBeCloseTo(0.55 / eq0, 15);
    expect(w2[0]).toBe(0.5);
    expect(w2[3]).toBe(-0.5);
    expect(res.series.gross[1]).toBe(0);
    expect(res.series.gross[2]).toBe(0);
    // bar 3: s2 is back and earns its 20%
    expect(res.series.gross[3]).toBeCloseTo((0.55 / eq0) * 0.2, 15);
  });

  it("closes a position whose symbol never trades again at the next rebalance, counting the exit", () => {
    const signal = grid([
      [3, 2, 1],
      [N, N, N],
      [3, 2, 1],
      [N, N, N],
    ]);
    const returns = grid([
      [0.1, 0, 0],
      [N, 0, 0],
      [N, 0, 0],
      [N, N, N],
    ]);
    const res = runBacktest({ T: 4, S: 3, signal, returns }, cfg({ strategy: { kind: "top_k", top_k: 1 }, step: 2, min_symbols: 2, cost_bps: 0 }), {
      barsPerYear: 252,
      recordWeights: true,
    });
    expect(row(res.weights!, 1, 3)).toEqual([1, 0, 0]);
    // bar 2: s0 is gone; its position is closed at its last price and s1 (the best tradable) bought
    expect(row(res.weights!, 2, 3)).toEqual([0, 1, 0]);
    expect(res.report.trading.delisted_exits).toBe(1);
    expect(res.series.turnover[2]).toBe(2);
  });

  it("returnsFromClose books a gap's whole move on the bar before the symbol reappears", () => {
    const close = grid([[100], [N], [N], [110], [121], [N]]);
    const { returns, tradable } = returnsFromClose(close, 6, 1);
    expect(Array.from(returns)).toEqual([0, 0, 0.10000000000000009, 0.10000000000000009, N, N]);
    expect(Array.from(tradable)).toEqual([1, 0, 0, 1, 1, 0]);
    // a long bought at 100 and held through the gap ends at 121 (s1 is a flat second name)
    const close2 = grid([
      [100, 50],
      [N, 50],
      [N, 50],
      [110, 50],
      [121, 50],
      [N, 50],
    ]);
    const g = returnsFromClose(close2, 6, 2);
    const signal = grid([[1, 0], [N, N], [N, N], [N, N], [N, N], [N, N]]);
    const res = runBacktest({ T: 6, S: 2, signal, ...g }, cfg({ strategy: { kind: "top_k", top_k: 1 }, step: 5, min_symbols: 2, cost_bps: 0 }), { barsPerYear: 252 });
    expect(res.report.period.end.bar).toBe(5);
    expect(res.report.performance.total_return).toBeCloseTo(0.21, 14);
    expect(Array.from(res.series.gross.subarray(0, 5))).toEqual([0, 0, 0.10000000000000009, 0.10000000000000009, 0]);
  });

  it("ends the backtest when equity is wiped out", () => {
    const signal = grid([
      [1, 2],
      [N, N],
      [N, N],
    ]);
    const returns = grid([
      [3, 0],
      [0, 0],
      [N, N],
    ]);
    const res = runBacktest({ T: 3, S: 2, signal, returns }, cfg({ strategy: { kind: "long_short", quantile: 0.5 }, step: 2, min_symbols: 2, cost_bps: 0 }), { barsPerYear: 252 });
    // short s0 at -0.5 loses 150%
    expect(res.report.performance.ruined_at).toEqual({ bar: 0, time: null });
    expect(res.report.performance.total_return).toBe(-1);
    expect(res.report.drawdown.max_drawdown).toBe(1);
  });
});

describe("span, schedule, errors and determinism", () => {
  it("rebalances every step bars from the first prediction and stops one holding period after the last", () => {
    const T = 20;
    const S = 5;
    const m = randomMarket(3, T, S);
    const signal = Float64Array.from(m.signal);
    for (let t = 0; t < T; t++) if (t < 3 || t > 11) for (let s = 0; s < S; s++) signal[t * S + s] = NaN;
    const res = runBacktest({ T, S, signal, returns: m.returns }, cfg({ step: 4, min_symbols: 2 }), { barsPerYear: 252 });
    expect(res.rebalanceBars).toEqual([3, 7, 11]);
    expect(res.report.period.start.bar).toBe(3);
    expect(res.report.period.end.bar).toBe(15); // bars 3..14 evaluated, last close 15
  });

  it("takes the step and delay from the target when the configuration leaves them out", () => {
    const m = randomMarket(4, 30, 6);
    const res = runBacktest({ T: 30, S: 6, signal: m.signal, returns: m.returns }, cfg({ min_symbols: 2 }), { barsPerYear: 252, horizon: 5, executionLag: 1 });
    expect(res.report.settings).toMatchObject({ step: 5, delay_bars: 1 });
    expect(res.rebalanceBars).toEqual([1, 6, 11, 16, 21, 26]);
  });

  it("holds the book when a scheduled rebalance has too few names, and counts it", () => {
    const m = randomMarket(5, 10, 4);
    const signal = Float64Array.from(m.signal);
    signal.fill(NaN, 2 * 4, 3 * 4 - 1); // bar 2: one name left
    const res = runBacktest({ T: 10, S: 4, signal, returns: m.returns }, cfg({ step: 2, min_symbols: 3 }), { barsPerYear: 252 });
    expect(res.report.trading.skipped_rebalances).toBe(1);
    expect(res.rebalanceBars).not.toContain(2);
    expect(res.series.turnover[2]).toBe(0);
  });

  it("refuses predictions without a single value, and grids of the wrong size", () => {
    const inputs: BacktestInputs = { T: 3, S: 2, signal: new Float64Array(6).fill(NaN), returns: new Float64Array(6) };
    expect(() => runBacktest(inputs, cfg(), { barsPerYear: 252 })).toThrow(InputError);
    expect(() => runBacktest({ ...inputs, returns: new Float64Array(5) }, cfg(), { barsPerYear: 252 })).toThrow(/T\*S = 6/);
    expect(() => runBacktest({ ...inputs, signal: new Float64Array(6), returns: Float64Array.from([0, 0, -1.5, 0, 0, 0]) }, cfg(), { barsPerYear: 252 })).toThrow(/bar 1, symbol 0/);
    expect(() => runBacktest({ ...inputs, signal: new Float64Array(6) }, cfg(), {})).toThrow(/barsPerYear/);
    expect(() => runBacktest({ ...inputs, signal: new Float64Array(6) }, cfg({ strategy: { kind: "top_k", top_k: 3 } }), { barsPerYear: 252 })).toThrow(
      /pipeline\.evaluation\.backtest\.strategy\.top_k: 3 names is more than the 2 symbols/,
    );
  });

  it("gives identical results on identical input", () => {
    const m = randomMarket(6, 60, 12, { nanShare: 0.1, ic: 0.2 });
    for (const kind of ["long_short", "top_k", "topk_dropout"] as const) {
      const config = cfg({ strategy: { kind }, step: 3, min_symbols: 3 });
      const a = runBacktest({ T: 60, S: 12, ...m }, config, { barsPerYear: 252 });
      const b = runBacktest({ T: 60, S: 12, signal: Float64Array.from(m.signal), returns: Float64Array.from(m.returns) }, config, { barsPerYear: 252 });
      expect(JSON.stringify(a.report)).toBe(JSON.stringify(b.report));
    }
  });
});
