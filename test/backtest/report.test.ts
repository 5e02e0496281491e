import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  activeStats,
  backtestSchema,
  DEFAULT_BACKTEST,
  maxDrawdown,
  resolveBacktestTiming,
  runBacktest,
  writeBacktestReport,
} from "../../src/backtest/index.js";
import { equalWeightMarket } from "../../src/targets/kernels/market.js";
import { InputError } from "../../src/util/errors.js";
import { barsPerYear, deflatedSharpe, longShortReport, longShortSeries, probabilisticSharpe, returnMoments } from "../../src/validation/metrics/index.js";
import { cfg, randomMarket } from "./helpers.js";

const N = NaN;

describe("agreement with validation/metrics", () => {
  const T = 120;
  const S = 20;
  const m = randomMarket(11, T, S, { nanShare: 0.1, ic: 0.2 });

  it("step 1 without costs: every bar's return is half the research long-short return (gross 1 vs 1 + 1)", () => {
    const res = runBacktest({ T, S, ...m }, cfg({ strategy: { kind: "long_short", quantile: 0.2 }, step: 1, cost_bps: 0 }), { barsPerYear: 252 });
    const research = longShortSeries(m.signal, m.returns, T, S, { quantile: 0.2, minSymbols: 5 });
    let compared = 0;
    for (let t = 0; t < T - 1; t++) {
      expect(Number.isFinite(research[t])).toBe(true);
      expect(res.series.gross[t]).toBeCloseTo(0.5 * research[t], 15);
      compared++;
    }
    expect(compared).toBe(T - 1);
    const rep = longShortReport(m.signal, m.returns, T, S, { quantile: 0.2, barsPerYear: 252 });
    expect(res.report.gross.sharpe_per_bar).toBeCloseTo(rep.sharpe.sharpe, 12);
    expect(res.report.gross.sharpe).toBeCloseTo(rep.sharpe.annualizedSharpe, 10);
  });

  it("PSR and DSR are validation's, on the per-bar net returns", () => {
    const trials = { nTrials: 25, trialSharpeVariance: 0.004 };
    const res = runBacktest({ T, S, ...m }, cfg({ step: 2 }), { barsPerYear: 252, trials });
    const { start, end } = { start: res.report.period.start.bar, end: res.report.period.end.bar - 1 };
    const mo = returnMoments(res.series.net.subarray(start, end + 1));
    expect(mo.n).toBe(res.report.period.bars);
    const p = res.report.performance;
    expect(p.sharpe_per_bar).toBe(mo.sharpe);
    expect(p.psr).toBe(probabilisticSharpe(mo.sharpe, mo.n, mo.skew, mo.kurtosis));
    const d = deflatedSharpe({ sharpe: mo.sharpe, n: mo.n, skew: mo.skew, kurtosis: mo.kurtosis, ...trials });
    expect(p.dsr).toBe(d.dsr);
    expect(p.dsr_sharpe_benchmark_per_bar).toBe(d.benchmark);
    expect(p.n_trials).toBe(25);
    expect(p.dsr!).toBeLessThan(p.psr!);
    expect(p.annualized_volatility).toBeCloseTo(mo.std * Math.sqrt(252), 14);
    // one trial: nothing to deflate
    const one = runBacktest({ T, S, ...m }, cfg({ step: 2 }), { barsPerYear: 252, trials: { nTrials: 1, trialSharpeVariance: 0.004 } });
    expect(one.report.performance.dsr).toBe(one.report.performance.psr);
    // no trials: no DSR
    expect(runBacktest({ T, S, ...m }, cfg({ step: 2 }), { barsPerYear: 252 }).report.performance.dsr).toBeNull();
  });

  it("the equal-weight benchmark is targets' equal-weight market on forward timing", () => {
    // prices from returns, so both sides see the same market
    const close = new Float64Array(T * S);
    for (let s = 0; s < S; s++) close[s] = 100;
    const r = randomMarket(12, T, S).returns;
    for (let t = 1; t < T; t++) for (let s = 0; s < S; s++) close[t * S + s] = close[(t - 1) * S + s] * (1 + r[(t - 1) * S + s]);
    const market = equalWeightMarket(close, T, S);
    const res = runBacktest({ T, S, signal: m.signal, returns: r }, cfg({ step: 1, cost_bps: 0 }), { barsPerYear: 252 });
    const bench = res.report.benchmark!;
    expect(bench.name).toBe("equal_weight");
    const total = market.returnBetween(0, T - 1);
    expect(bench.total_return!).toBeCloseTo(total, 12);
    const curve = res.report.equity_curve.benchmark_cumulative_return!;
    expect(curve[5]!).toBeCloseTo(market.returnBetween(0, 5), 13);
  });
});

describe("report figures", () => {
  it("information ratio and tracking error by hand", () => {
    const net = [0.01, 0.03, -0.01];
    const bench = [0.0, 0.01, -0.02];
    // active 0.01, 0.02, 0.01: mean 1/75, sd sqrt(((1/300)^2 * 2 + (2/300)^2) / 2)
    const mean = 0.04 / 3;
    const sd = Math.sqrt(((0.01 - mean) ** 2 * 2 + (0.02 - mean) ** 2) / 2);
    const a = activeStats(net, bench, 0, 2, 252);
    expect(a.n).toBe(3);
    expect(a.annualizedActiveReturn).toBeCloseTo(mean * 252, 14);
    expect(a.trackingError).toBeCloseTo(sd * Math.sqrt(252), 14);
    expect(a.informationRatio).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
  });

  it("a benchmark given as a series or as a symbol; an unknown symbol names the key", () => {
    const m = randomMarket(13, 40, 6);
    const bench = new Float64Array(40).fill(0.001);
    const given = runBacktest({ T: 40, S: 6, ...m, benchmarkReturns: { name: "SPY", returns: bench } }, cfg({ step: 1 }), { barsPerYear: 252 });
    expect(given.report.benchmark!.name).toBe("SPY");
    expect(given.report.benchmark!.annualized_active_return).toBeCloseTo((meanNet(given) - 0.001) * 252, 12);
    const symbols = ["A", "B", "C", "D", "E", "F"];
    const bySymbol = runBacktest({ T: 40, S: 6, ...m, symbols }, cfg({ step: 1, benchmark: { symbol: "C" } }), { barsPerYear: 252 });
    const c = Array.from({ length: 40 }, (_, t) => m.returns[t * 6 + 2]);
    expect(bySymbol.report.benchmark!.total_return!).toBeCloseTo(c.slice(0, 39).reduce((g, r) => g * (1 + r), 1) - 1, 13);
    expect(() => runBacktest({ T: 40, S: 6, ...m, symbols }, cfg({ benchmark: { symbol: "SPY" } }), { barsPerYear: 252 })).toThrow(InputError);
    expect(() => runBacktest({ T: 40, S: 6, ...m, symbols }, cfg({ benchmark: { symbol: "SPY" } }), { barsPerYear: 252 })).toThrow(/pipeline\.evaluation\.backtest\.benchmark\.symbol: .*"SPY"/);
    expect(runBacktest({ T: 40, S: 6, ...m }, cfg({ benchmark: "none" }), { barsPerYear: 252 }).report.benchmark).toBeNull();
  });

  it("drawdown with a recovery, and without any fall", () => {
    // equity points: 1 | 1.2 1.1 0.9 1.3 1.25
    const nav = [1.2, 1.1, 0.9, 1.3, 1.25];
    expect(maxDrawdown(nav, 0, 4)).toEqual({ depth: 1 - 0.9 / 1.2, peak: 1, trough: 3, recovery: 4, durationBars: 3 });
    expect(maxDrawdown([1.1, 1.2, 1.3], 0, 2)).toEqual({ depth: 0, peak: null, trough: null, recovery: null, durationBars: 0 });
    // a fall straight from the start: the peak is the starting equity at the close of the first bar
    expect(maxDrawdown([N, N, N, N, N, 0.9, 0.95, 1.0], 5, 7)).toEqual({ depth: 1 - 0.9, peak: 5, trough: 6, recovery: 8, durationBars: 3 });
  });

  it("dates come from the timestamps: each point is a close, bars per year measured from them", () => {
    const T = 30;
    const S = 5;
    const m = randomMarket(14, T, S);
    const day = 86_400_000;
    const t0 = Date.UTC(2024, 0, 1);
    const times = Float64Array.from({ length: T }, (_, t) => t0 + t * day);
    const res = runBacktest({ T, S, ...m, times }, cfg({ step: 3 }), {});
    const r = res.report;
    expect(r.period.bars_per_year).toBeCloseTo(barsPerYear(times), 12);
    expect(r.period.start.time).toBe("2024-01-01T00:00:00.000Z");
    expect(r.period.end).toEqual({ bar: 29, time: "2024-01-30T00:00:00.000Z" });
    expect(r.equity_curve.time!.length).toBe(r.period.bars + 1);
    expect(r.bars.time![0]).toBe("2024-01-01T00:00:00.000Z");
    if (r.drawdown.trough) expect(r.drawdown.trough.time).toBe(new Date(times[r.drawdown.trough.bar]).toISOString());
  });

  it("costs: net = gross - cost every bar, drag = total cost per year", () => {
    const m = randomMarket(15, 80, 10, { ic: 0.3 });
    const res = runBacktest({ T: 80, S: 10, ...m }, cfg({ strategy: { kind: "topk_dropout", top_k: 3, n_drop: 1 }, step: 1, cost_bps: 20, slippage_bps: 5 }), { barsPerYear: 252 });
    const { series, report } = res;
    let cost = 0;
    for (let t = 0; t < 79; t++) {
      expect(series.net[t]).toBeCloseTo(series.gross[t] - series.cost[t], 16);
      expect(series.cost[t]).toBeCloseTo(series.turnover[t] * 0.0025, 16);
      cost += series.cost[t];
    }
    expect(report.trading.total_cost).toBeCloseTo(cost, 15);
    expect(report.trading.cost_drag_annualized).toBeCloseTo(cost / (79 / 252), 13);
    expect(report.gross.total_return!).toBeGreaterThan(report.performance.total_return!);
    // replacing at most one name per bar trades far less than re-picking the top 3 every bar
    const full = runBacktest({ T: 80, S: 10, ...m }, cfg({ strategy: { kind: "top_k", top_k: 3 }, step: 1, cost_bps: 20, slippage_bps: 5 }), { barsPerYear: 252 });
    expect(report.trading.average_turnover!).toBeLessThan(0.6 * full.report.trading.average_turnover!);
    expect(report.trading.average_long_positions).toBeCloseTo(3, 12);
    expect(report.trading.average_short_positions).toBe(0);
  });

  it("is plain JSON (no NaN, no typed arrays) and is written atomically", () => {
    const m = randomMarket(16, 25, 6, { nanShare: 0.2 });
    const { report } = runBacktest({ T: 25, S: 6, ...m }, cfg({ step: 2 }), { barsPerYear: 252 });
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(JSON.parse(text)).toEqual(report);
    const dir = mkdtempSync(join(tmpdir(), "foxml-backtest-"));
    try {
      const path = join(dir, "backtest.json");
      writeBacktestReport(path, report);
      expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(report);
      expect(readdirSync(dir)).toEqual(["backtest.json"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function meanNet(res: ReturnType<typeof runBacktest>): number {
  const { start, end } = res.report.period;
  let s = 0;
  for (let t = start.bar; t < end.bar; t++) s += res.series.net[t];
  return s / (end.bar - start.bar);
}

describe("configuration", () => {
  it("fills defaults", () => {
    expect(DEFAULT_BACKTEST).toEqual({
      strategy: { kind: "long_short", quantile: 0.2, weighting: "equal" },
      min_symbols: 5,
      cost_bps: 5,
      slippage_bps: 0,
      spread_cost: "auto",
      benchmark: "equal_weight",
    });
    expect(backtestSchema.parse({ strategy: { kind: "topk_dropout" } }).strategy).toEqual({ kind: "topk_dropout", top_k: 10, n_drop: 2 });
    expect(resolveBacktestTiming(DEFAULT_BACKTEST, { horizon: 5, executionLag: 1 })).toEqual({ step: 5, delay: 1 });
    expect(resolveBacktestTiming(cfg({ step: 3, delay_bars: 0 }), { horizon: 5, executionLag: 1 })).toEqual({ step: 3, delay: 0 });
    expect(resolveBacktestTiming(DEFAULT_BACKTEST)).toEqual({ step: 1, delay: 0 });
  });

  it("refuses unknown keys, keys of another strategy and impossible values, naming the path", () => {
    const issuePaths = (input: unknown) => {
      const r = backtestSchema.safeParse(input);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issuePaths({ costs_bps: 5 }).join()).toMatch(/costs_bps/);
    expect(issuePaths({ strategy: { kind: "long_short", top_k: 5 } }).join()).toMatch(/top_k/);
    expect(issuePaths({ strategy: { kind: "topk_dropout", top_k: 3, n_drop: 4 } })).toEqual(["strategy.n_drop: n_drop cannot exceed top_k"]);
    expect(issuePaths({ strategy: { kind: "long_short", quantile: 0.6 } })[0]).toMatch(/^strategy\.quantile/);
    expect(issuePaths({ step: 0 })[0]).toMatch(/^step/);
    expect(issuePaths({ cost_bps: -1 })[0]).toMatch(/^cost_bps/);
    expect(issuePaths({ benchmark: "spy" })[0]).toMatch(/^benchmark/);
    expect(issuePaths({ strategy: { kind: "momentum" } })[0]).toMatch(/^strategy\.kind/);
  });
});
