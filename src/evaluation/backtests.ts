/**
 * Portfolio backtests of every model's out-of-fold predictions, and their deflated Sharpe ratios.
 *
 * Each strategy is judged on what it can earn from skill: a long-short book on its net return (it
 * holds no market), a long-only book (top-K) on its return over the benchmark, since its own Sharpe
 * ratio is mostly the market's, and a time-series book (sign, vol_scaled) on its timing return, its
 * net return minus what its average position would have earned (a model that always says "up"
 * holds the instrument and earns its drift, which no forecast is needed for). PSR and DSR are of that return ("basis"); the Sharpe ratio and
 * annual figures stay those of the book's net return. Likewise the information ratio is against
 * the benchmark for a long-only book and against cash (its Sharpe ratio) for a long-short one.
 *
 * The DSR deflates by the number of trials and the variance of the trials' per-bar Sharpe ratios.
 * Given no trial Sharpes, the variance comes from the models' own Sharpe ratios on the strategy,
 * floored at 1/(n - 1), the sampling variance of a per-bar Sharpe estimate over n bars around zero:
 * the families of one target share features and folds, so their Sharpe ratios are far more alike
 * than independent trials would be, and their spread alone would under-deflate.
 */
import { halfSpreadFromRelative, returnsFromClose, tradableMask, type BacktestInputs } from "../backtest/inputs.js";
import { resolveBenchmark, type Benchmark } from "../backtest/benchmark.js";
import type { BacktestReport } from "../backtest/report.js";
import { runBacktest } from "../backtest/run.js";
import type { BacktestConfig } from "../backtest/schema.js";
import type { Panel } from "../data/types.js";
import type { EvaluatedModel } from "../artifacts/run-files.js";
import type { TargetSpec } from "../targets/spec.js";
import { deflatedSharpe, probabilisticSharpe, returnMoments, trialSharpeVariance, type ReturnMoments } from "../validation/metrics/sharpe.js";
import type { EvaluationConfig } from "./schema.js";
import { downsample } from "./series.js";
import { isLongOnly, type ResolvedStrategy } from "./strategies.js";
import { isCrossSectional } from "../backtest/strategies.js";
import { timingReturns } from "../backtest/metrics.js";

/** net: the book's return; active: over the benchmark (long-only books); timing: over the book's average position held all along (time-series books). */
export type SharpeBasis = "net" | "active" | "timing";

/** One strategy's backtest of one model before deflation. */
export interface RawBacktest {
  strategy: string;
  report: BacktestReport;
  basis: SharpeBasis;
  longOnly: boolean;
  /** Moments of the per-bar basis returns over the evaluated bars. */
  moments: ReturnMoments;
}

/** What every backtest of one target shares: the market's returns, tradability, benchmark and settings. */
export interface BacktestSetup {
  T: number;
  S: number;
  returns: Float64Array;
  tradable: Uint8Array;
  /** Half the relative spread per bar and symbol, when the panel has rel_spread and spread_cost is auto. */
  halfSpread: Float64Array | null;
  times: Float64Array;
  symbols: readonly string[];
  benchmark: Benchmark | null;
  strategies: ResolvedStrategy[];
  backtest: EvaluationConfig["backtest"];
  target: Pick<TargetSpec, "horizon" | "executionLag">;
  direction: 1 | -1;
  /** Binary targets predict probabilities: centred at 0.5, so a time-series book reads their sign as the side. */
  centre: number;
  configKey: string;
}

export function backtestSetup(
  panel: Panel,
  target: Pick<TargetSpec, "horizon" | "executionLag">,
  config: EvaluationConfig,
  strategies: ResolvedStrategy[],
  direction: 1 | -1,
  probabilities: boolean,
  configKey: string,
): BacktestSetup {
  const { T, S } = panel;
  const { returns, tradable } = returnsFromClose(panel.column("close"), T, S);
  const base: BacktestInputs = { T, S, signal: returns, returns, tradable, times: panel.times, symbols: panel.symbols };
  const benchmark = resolveBenchmark(base, tradableMask(base), config.backtest.benchmark, `${configKey}.backtest.benchmark`);
  const halfSpread = config.backtest.spread_cost === "auto" && panel.has("rel_spread") ? halfSpreadFromRelative(panel.column("rel_spread"), T, S) : null;
  return { T, S, returns, tradable, halfSpread, times: panel.times, symbols: panel.symbols, benchmark, strategies, backtest: config.backtest, target, direction, centre: probabilities ? 0.5 : 0, configKey };
}

/** Backtests of one model's predictions with every strategy; empty when it predicted nothing. */
export function runModelBacktests(setup: BacktestSetup, oof: Float64Array): RawBacktest[] {
  const { T, S } = setup;
  let any = false;
  for (let c = 0; c < oof.length && !any; c++) if (Number.isFinite(oof[c])) any = true;
  if (!any) return [];
  // centring does not change a ranking, so cross-sectional books trade the same names either way
  const { centre, direction } = setup;
  const signal = direction === 1 && centre === 0 ? oof : oof.map((v) => direction * (v - centre));
  const inputs: BacktestInputs = {
    T,
    S,
    signal,
    returns: setup.returns,
    tradable: setup.tradable,
    halfSpread: setup.halfSpread ?? undefined,
    times: setup.times,
    symbols: setup.symbols,
    benchmarkReturns: setup.benchmark ?? undefined,
  };
  return setup.strategies.map((s) => {
    const config: BacktestConfig = { ...setup.backtest, strategy: s.config };
    const timeSeries = !isCrossSectional(s.config);
    const res = runBacktest(inputs, config, { horizon: setup.target.horizon, executionLag: setup.target.executionLag, configKey: `${setup.configKey}.backtest`, recordWeights: timeSeries });
    const start = res.report.period.start.bar;
    const end = res.report.period.end.bar - 1;
    const longOnly = isLongOnly(s.config);
    const basis: SharpeBasis = longOnly && setup.benchmark !== null ? "active" : timeSeries ? "timing" : "net";
    let series: Float64Array;
    if (basis === "timing") series = timingReturns(res.series.net, res.weights!, setup.returns, S, start, end);
    else {
      series = new Float64Array(end - start + 1);
      for (let t = start; t <= end; t++) series[t - start] = basis === "net" ? res.series.net[t] : res.series.net[t] - setup.benchmark!.returns[t];
    }
    // a book that never traded has no return of its own: its "active return" would be minus the benchmark
    const traded = res.report.trading.rebalances > 0;
    return { strategy: s.name, report: res.report, basis, longOnly, moments: traded ? returnMoments(series) : returnMoments([]) };
  });
}

export type EvaluatedBacktest = EvaluatedModel["backtests"][number] & {
  /** net: the book's return; active: its return over the benchmark (long-only books); timing: over its average position (time-series books). */
  sharpe_basis: SharpeBasis;
  /** Mean sum of weights held (1 = always fully long, -1 = fully short): a time-series book near +-1 mostly earns the drift. */
  average_net_exposure: number | null;
  /** Mean sum of |weights| held. */
  average_gross_exposure: number | null;
  /** Per-bar Sharpe ratio of the basis return (what PSR and DSR test). */
  basis_sharpe_per_bar: number | null;
  /** The per-bar Sharpe ratio the DSR tests against (expected best of the trials under no skill). */
  dsr_benchmark_per_bar: number | null;
  /** Variance of the trials' per-bar Sharpe ratios used by the DSR. */
  trial_sharpe_variance: number | null;
  /** Average two-sided turnover per rebalance (turnover is per year). */
  turnover_per_rebalance: number | null;
  rebalances: number;
  step: number;
  delay_bars: number;
  total_cost: number | null;
  /** True when half the relative spread was charged per unit traded (data with rel_spread, spread_cost auto). */
  spread_cost: boolean;
  /** Of total_cost, the half-spread part. */
  total_spread_cost: number | null;
  description: string;
};

const num = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

/**
 * Deflates every model's backtests together and shapes them for the evaluation file. `raw[i]` are
 * model i's backtests (strategies in config order, or none).
 */
export function finishBacktests(raw: RawBacktest[][], strategies: readonly ResolvedStrategy[], nTrials: number, trialSharpes: readonly number[] | undefined, maxPoints: number): EvaluatedBacktest[][] {
  const given = trialSharpes !== undefined ? trialSharpeVariance(trialSharpes.filter((v) => Number.isFinite(v))) : NaN;
  const byStrategy = new Map<string, number>();
  for (const s of strategies) {
    const sharpes = raw.flatMap((r) => r.filter((b) => b.strategy === s.name).map((b) => b.moments.sharpe)).filter((v) => Number.isFinite(v));
    byStrategy.set(s.name, sharpes.length >= 2 ? trialSharpeVariance(sharpes) : NaN);
  }
  const trials = Math.max(1, Math.floor(nTrials));
  return raw.map((list) =>
    list.map((b) => {
      const m = b.moments;
      const floor = m.n > 1 ? 1 / (m.n - 1) : NaN;
      const empirical = byStrategy.get(b.strategy) ?? NaN;
      const variance = Number.isFinite(given) ? given : Number.isFinite(empirical) ? Math.max(empirical, floor) : floor;
      const psr = probabilisticSharpe(m.sharpe, m.n, m.skew, m.kurtosis);
      const dsr = Number.isFinite(variance) ? deflatedSharpe({ sharpe: m.sharpe, n: m.n, skew: m.skew, kurtosis: m.kurtosis, nTrials: trials, trialSharpeVariance: variance }) : { dsr: NaN, benchmark: NaN };
      return shape(b, psr, dsr.dsr, dsr.benchmark, variance, maxPoints);
    }),
  );
}

function shape(b: RawBacktest, psr: number, dsr: number, dsrBenchmark: number, variance: number, maxPoints: number): EvaluatedBacktest {
  const r = b.report;
  const curve = r.equity_curve;
  const times = curve.time ?? curve.bar.map(String);
  return {
    strategy: b.strategy,
    annual_return: num(r.performance.annualized_return),
    annual_volatility: num(r.performance.annualized_volatility),
    sharpe: num(r.performance.sharpe),
    // a long-short book's benchmark is cash, so its information ratio is its Sharpe ratio
    information_ratio: b.longOnly ? num(r.benchmark?.information_ratio) : num(r.performance.sharpe),
    max_drawdown: num(r.drawdown.max_drawdown),
    turnover: num(r.trading.annualized_turnover),
    deflated_sharpe: num(dsr),
    probabilistic_sharpe: num(psr),
    equity: downsample(times, curve.cumulative_return, maxPoints, "last"),
    drawdown: downsample(times, curve.drawdown, maxPoints, "min"),
    sharpe_basis: b.basis,
    average_net_exposure: num(r.trading.average_net_exposure),
    average_gross_exposure: num(r.trading.average_gross_exposure),
    basis_sharpe_per_bar: num(b.moments.sharpe),
    dsr_benchmark_per_bar: num(dsrBenchmark),
    trial_sharpe_variance: num(variance),
    turnover_per_rebalance: num(r.trading.average_turnover),
    rebalances: r.trading.rebalances,
    step: r.settings.step,
    delay_bars: r.settings.delay_bars,
    total_cost: num(r.trading.total_cost),
    spread_cost: r.settings.spread_cost,
    total_spread_cost: num(r.trading.total_spread_cost),
    description: r.strategy.description,
  };
}
