import { writeJsonAtomic } from "../util/atomic.js";
import { sharpeReport } from "../validation/metrics/sharpe.js";
import type { Benchmark } from "./benchmark.js";
import type { Simulation } from "./engine.js";
import { activeStats, annualizeReturn, compoundedReturn, positiveShare, maxDrawdown, meanOver } from "./metrics.js";
import type { BacktestConfig, BacktestTiming, StrategyConfig } from "./schema.js";
import { finiteOrNull as num } from "../util/finite.js";

/**
 * The backtest report: one JSON document (snake_case keys in a fixed order, null where a figure is
 * undefined) with the headline figures and the series to plot. Annualized figures use the bars per
 * year of the data; Sharpe ratios are of per-bar net returns (the bars never overlap, whatever the
 * step), and PSR/DSR use validation's sharpeReport on the same returns.
 */

/** A close in the data: its bar index and, when timestamps are known, its ISO time. */
export interface BarPoint {
  bar: number;
  time: string | null;
}

type Num = number | null;

export interface BacktestReport {
  format: "foxml.backtest-report";
  format_version: 1;
  strategy: StrategyConfig & { description: string };
  settings: {
    step: number;
    delay_bars: number;
    min_symbols: number;
    cost_bps: number;
    slippage_bps: number;
    /** True when half the relative spread was charged per unit traded (spread_cost auto and spread data present). */
    spread_cost: boolean;
    benchmark: string | null;
  };
  period: { start: BarPoint; end: BarPoint; bars: number; years: number; bars_per_year: number };
  performance: {
    total_return: Num;
    annualized_return: Num;
    annualized_volatility: Num;
    sharpe: Num;
    sharpe_per_bar: Num;
    /** Probability that the true Sharpe ratio exceeds 0. */
    psr: Num;
    /** Deflated Sharpe ratio: PSR against the best Sharpe expected from n_trials lucky trials; null without trials. */
    dsr: Num;
    /** The per-bar Sharpe ratio the DSR tests against; null without trials. */
    dsr_sharpe_benchmark_per_bar: Num;
    n_trials: Num;
    skew: Num;
    kurtosis: Num;
    hit_rate: Num;
    /** Bar at which equity was wiped out (the backtest stops there), or null. */
    ruined_at: BarPoint | null;
  };
  gross: { total_return: Num; annualized_return: Num; sharpe: Num; sharpe_per_bar: Num };
  benchmark: {
    name: string;
    total_return: Num;
    annualized_return: Num;
    annualized_volatility: Num;
    sharpe: Num;
    annualized_active_return: Num;
    tracking_error: Num;
    information_ratio: Num;
  } | null;
  drawdown: { max_drawdown: Num; peak: BarPoint | null; trough: BarPoint | null; recovery: BarPoint | null; duration_bars: number };
  trading: {
    rebalances: number;
    skipped_rebalances: number;
    delisted_exits: number;
    /** Two-sided traded notional / equity per rebalance, after the initial build. */
    average_turnover: Num;
    /** Two-sided traded notional / equity per year, after the initial build. */
    annualized_turnover: Num;
    /** Sum of per-bar costs as fractions of equity (including the initial build). */
    total_cost: Num;
    /** Of which half-spread costs (0 when spread_cost is not charged). */
    total_spread_cost: Num;
    cost_drag_annualized: Num;
    average_gross_exposure: Num;
    average_net_exposure: Num;
    average_long_positions: Num;
    average_short_positions: Num;
  };
  /** Equity points at the closes start, start + 1, ..., end + 1 (the first is the starting equity). */
  equity_curve: { bar: number[]; time: string[] | null; cumulative_return: Num[]; drawdown: Num[]; benchmark_cumulative_return: Num[] | null };
  /** Per-bar figures for the bars start..end (bar t earns the return from its close to the next). */
  bars: { bar: number[]; time: string[] | null; net_return: Num[]; gross_return: Num[]; cost: Num[]; turnover: Num[] };
}

export interface ReportContext {
  config: BacktestConfig;
  timing: BacktestTiming;
  description: string;
  barsPerYear: number;
  times?: ArrayLike<number>;
  benchmark: Benchmark | null;
  trials?: { nTrials: number; trialSharpeVariance: number };
  /** Whether a half-spread cost was charged. */
  spreadCharged?: boolean;
}


export function buildBacktestReport(sim: Simulation, ctx: ReportContext): BacktestReport {
  const { start, end, series } = sim;
  const ppy = ctx.barsPerYear;
  const times = ctx.times;
  const timeOf = (bar: number): string | null => (times !== undefined && bar < times.length ? new Date(times[bar]).toISOString() : null);
  const point = (bar: number | null): BarPoint | null => (bar === null ? null : { bar, time: timeOf(bar) });
  const bars = end - start + 1;
  const years = bars / ppy;
  const net = series.net.subarray(start, end + 1);
  const gross = series.gross.subarray(start, end + 1);
  const sr = sharpeReport(net, ppy, ctx.trials);
  const grossSr = sharpeReport(gross, ppy);
  const total = series.nav[end] - 1;
  const grossTotal = compoundedReturn(series.gross, start, end);
  const dd = maxDrawdown(series.nav, start, end);

  let benchmark: BacktestReport["benchmark"] = null;
  let benchCurve: Num[] | null = null;
  if (ctx.benchmark) {
    const b = ctx.benchmark.returns;
    const bTotal = compoundedReturn(b, start, end);
    const bSr = sharpeReport(b.subarray(start, end + 1), ppy);
    const active = activeStats(series.net, b, start, end, ppy);
    benchmark = {
      name: ctx.benchmark.name,
      total_return: num(bTotal),
      annualized_return: num(annualizeReturn(bTotal, bars, ppy)),
      annualized_volatility: num(bSr.std * Math.sqrt(ppy)),
      sharpe: num(bSr.annualizedSharpe),
      annualized_active_return: num(active.annualizedActiveReturn),
      tracking_error: num(active.trackingError),
      information_ratio: num(active.informationRatio),
    };
    benchCurve = [0];
    let level = 1;
    for (let t = start; t <= end; t++) {
      if (b[t] === b[t]) level *= 1 + b[t];
      benchCurve.push(level - 1);
    }
  }

  let totalTurnover = 0;
  let totalCost = 0;
  let totalSpread = 0;
  for (let t = start; t <= end; t++) {
    totalTurnover += series.turnover[t];
    totalCost += series.cost[t];
    totalSpread += series.spreadCost[t];
  }
  const nReb = sim.rebalanceBars.length;
  const initial = nReb > 0 ? series.turnover[sim.rebalanceBars[0]] : 0;
  const afterBuild = totalTurnover - initial;

  const curveBars: number[] = [];
  const cum: Num[] = [0];
  const draw: Num[] = [0];
  const barIdx: number[] = [];
  for (let t = start; t <= end + 1; t++) curveBars.push(t);
  for (let t = start; t <= end; t++) {
    barIdx.push(t);
    cum.push(num(series.nav[t] - 1));
    draw.push(num(series.drawdown[t]));
  }
  const pick = (x: Float64Array): Num[] => barIdx.map((t) => num(x[t]));
  const isoTimes = (idx: number[]): string[] | null => (times === undefined ? null : idx.map((t) => timeOf(t) ?? ""));

  const { config, timing } = ctx;
  return {
    format: "foxml.backtest-report",
    format_version: 1,
    strategy: { ...config.strategy, description: ctx.description },
    settings: {
      step: timing.step,
      delay_bars: timing.delay,
      min_symbols: config.min_symbols,
      cost_bps: config.cost_bps,
      slippage_bps: config.slippage_bps,
      spread_cost: ctx.spreadCharged ?? false,
      benchmark: ctx.benchmark?.name ?? null,
    },
    period: { start: point(start)!, end: point(end + 1)!, bars, years, bars_per_year: ppy },
    performance: {
      total_return: num(total),
      annualized_return: num(annualizeReturn(total, bars, ppy)),
      annualized_volatility: num(sr.std * Math.sqrt(ppy)),
      sharpe: num(sr.annualizedSharpe),
      sharpe_per_bar: num(sr.sharpe),
      psr: num(sr.psr),
      dsr: sr.dsr === undefined ? null : num(sr.dsr),
      dsr_sharpe_benchmark_per_bar: sr.dsrBenchmark === undefined ? null : num(sr.dsrBenchmark),
      n_trials: ctx.trials?.nTrials ?? null,
      skew: num(sr.skew),
      kurtosis: num(sr.kurtosis),
      hit_rate: num(positiveShare(series.net, start, end)),
      ruined_at: point(sim.ruinedAt),
    },
    gross: {
      total_return: num(grossTotal),
      annualized_return: num(annualizeReturn(grossTotal, bars, ppy)),
      sharpe: num(grossSr.annualizedSharpe),
      sharpe_per_bar: num(grossSr.sharpe),
    },
    benchmark,
    drawdown: { max_drawdown: num(dd.depth), peak: point(dd.peak), trough: point(dd.trough), recovery: point(dd.recovery), duration_bars: dd.durationBars },
    trading: {
      rebalances: nReb,
      skipped_rebalances: sim.skippedRebalances,
      delisted_exits: sim.delistedExits,
      average_turnover: nReb > 1 ? afterBuild / (nReb - 1) : null,
      annualized_turnover: num(afterBuild / years),
      total_cost: num(totalCost),
      total_spread_cost: num(totalSpread),
      cost_drag_annualized: num(totalCost / years),
      average_gross_exposure: num(meanOver(series.grossExposure, start, end)),
      average_net_exposure: num(meanOver(series.netExposure, start, end)),
      average_long_positions: num(meanOver(series.longCount, start, end)),
      average_short_positions: num(meanOver(series.shortCount, start, end)),
    },
    equity_curve: { bar: curveBars, time: isoTimes(curveBars), cumulative_return: cum, drawdown: draw, benchmark_cumulative_return: benchCurve },
    bars: { bar: barIdx, time: isoTimes(barIdx), net_return: pick(series.net), gross_return: pick(series.gross), cost: pick(series.cost), turnover: pick(series.turnover) },
  };
}

/** Writes the report atomically (temp file, then rename). */
export function writeBacktestReport(path: string, report: BacktestReport): void {
  writeJsonAtomic(path, report);
}
