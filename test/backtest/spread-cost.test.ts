/**
 * The spread as a trading cost: half the relative spread of each symbol at the trade's bar,
 * charged per unit of notional traded in that symbol, on top of the flat rate; off by config;
 * a bar without quotes carries the symbol's last known spread forward (never a later one).
 */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.js";
import { halfSpreadFromRelative } from "../../src/backtest/inputs.js";
import { cfg, grid } from "./helpers.js";

const N = NaN;

describe("half-spread cost", () => {
  // S = 4, step 2, long the best / short the worst at 0.5 each (as in engine.test.ts)
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
  // half spreads (fractions): s0 20 bps, s3 50 bps at bar 0; 10 / 30 bps at bar 2
  const halfSpread = grid([
    [0.002, 0.001, 0.001, 0.005],
    [0.002, 0.001, 0.001, 0.005],
    [0.001, 0.001, 0.001, 0.003],
    [N, N, N, N],
  ]);
  const config = (extra = {}) => cfg({ strategy: { kind: "long_short", quantile: 0.25 }, step: 2, min_symbols: 2, cost_bps: 7, slippage_bps: 3, benchmark: "none", ...extra });

  it("charges |traded| x half-spread per symbol on top of the flat rate", () => {
    const res = runBacktest({ T: 4, S: 4, signal, returns, halfSpread }, config(), { barsPerYear: 252, recordWeights: true });
    const { series, report } = res;
    // bar 0: +0.5 s0, -0.5 s3: flat 10 bps x 1, spread 0.5 x 0.002 + 0.5 x 0.005
    expect(series.spreadCost[0]).toBeCloseTo(0.0035, 15);
    expect(series.cost[0]).toBeCloseTo(0.001 + 0.0035, 15);
    // bar 2: s0 from 0.55/nav1 to -0.5, s3 from -0.495/nav1 to +0.5
    const nav1 = series.nav[1];
    const w0 = res.weights![0 + 4]; // weight held over bar 1 before drift
    expect(w0).toBeGreaterThan(0);
    const traded0 = 0.5 + 0.55 / nav1;
    const traded3 = 0.5 + 0.495 / nav1;
    expect(series.spreadCost[2]).toBeCloseTo(traded0 * 0.001 + traded3 * 0.003, 14);
    expect(series.cost[2]).toBeCloseTo((traded0 + traded3) * 0.001 + traded0 * 0.001 + traded3 * 0.003, 14);
    expect(report.settings.spread_cost).toBe(true);
    expect(report.trading.total_spread_cost).toBeCloseTo(series.spreadCost[0] + series.spreadCost[2], 15);
    // and the equity pays for it
    const flat = runBacktest({ T: 4, S: 4, signal, returns }, config(), { barsPerYear: 252 });
    expect(series.nav[2]).toBeLessThan(flat.series.nav[2]);
  });

  it("spread_cost: off ignores the grid", () => {
    const off = runBacktest({ T: 4, S: 4, signal, returns, halfSpread }, config({ spread_cost: "off" }), { barsPerYear: 252 });
    const flat = runBacktest({ T: 4, S: 4, signal, returns }, config(), { barsPerYear: 252 });
    expect(Array.from(off.series.cost)).toEqual(Array.from(flat.series.cost));
    expect(off.report.settings.spread_cost).toBe(false);
    expect(off.report.trading.total_spread_cost).toBe(0);
  });

  it("halfSpreadFromRelative halves and carries the last known spread forward, never backward", () => {
    // T = 4, S = 2: s0 quotes at bars 1 and 3; s1 at bar 0 only
    const rel = grid([
      [N, 0.004],
      [0.002, N],
      [N, N],
      [0.006, N],
    ]);
    const h = Array.from(halfSpreadFromRelative(rel, 4, 2)).map((v) => (Number.isNaN(v) ? null : +v.toFixed(12)));
    expect(h).toEqual([null, 0.002, 0.001, 0.002, 0.001, 0.002, 0.003, 0.002]);
  });
});
