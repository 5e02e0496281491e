import { InputError } from "../util/errors.js";
import { barsPerYear as barsPerYearOf } from "../validation/metrics/annualization.js";
import { resolveBenchmark } from "./benchmark.js";
import { simulate, type BacktestSeries } from "./engine.js";
import { checkInputs, tradableMask, type BacktestInputs } from "./inputs.js";
import { buildBacktestReport, type BacktestReport } from "./report.js";
import { resolveBacktestTiming, type BacktestConfig } from "./schema.js";
import { makeStrategy } from "./strategies.js";

export interface BacktestRunOptions {
  /** The evaluated target's horizon in bars: the default rebalance step. */
  horizon?: number;
  /** The evaluated target's execution lag in bars: the default delay between prediction and trade. */
  executionLag?: number;
  /** Bars per year for annualizing; default: measured from inputs.times (validation's barsPerYear). */
  barsPerYear?: number;
  /**
   * Selection context for the deflated Sharpe ratio: how many configurations (models, targets,
   * strategies) were tried, and the variance of their PER-BAR Sharpe ratios (report.performance.sharpe_per_bar
   * of each trial; validation's trialSharpeVariance computes it from a list).
   */
  trials?: { nTrials: number; trialSharpeVariance: number };
  /** First rebalance bar; default: the first bar whose decision bar has a prediction. */
  start?: number;
  /** Keep the T x S grid of weights held over each bar (for inspection and tests). */
  recordWeights?: boolean;
  /** Where the configuration lives, for messages (default pipeline.evaluation.backtest). */
  configKey?: string;
}

export interface BacktestResult {
  report: BacktestReport;
  /** Full-length per-bar series (NaN outside the evaluated bars), for further computation. */
  series: BacktestSeries;
  /** Bars where the portfolio was rebalanced. */
  rebalanceBars: number[];
  weights?: Float64Array;
}

/**
 * Backtests predictions as a portfolio: weights from the configured strategy every `step` bars,
 * costs on traded notional, weights drifting with returns in between, and the report. Deterministic:
 * no randomness anywhere, ties broken by symbol order.
 */
export function runBacktest(inputs: BacktestInputs, config: BacktestConfig, opts: BacktestRunOptions = {}): BacktestResult {
  checkInputs(inputs);
  const configKey = opts.configKey ?? "pipeline.evaluation.backtest";
  const ppy = opts.barsPerYear ?? (inputs.times !== undefined ? barsPerYearOf(inputs.times) : undefined);
  if (ppy === undefined || !(ppy > 0)) throw new Error("backtest: pass inputs.times or a positive barsPerYear to annualize");
  const strat = config.strategy;
  if ((strat.kind === "top_k" || strat.kind === "topk_dropout") && strat.top_k > inputs.S) {
    throw new InputError(
      `${configKey}.strategy.top_k: ${strat.top_k} names is more than the ${inputs.S} symbols in the data`,
      `set top_k below ${inputs.S}, or use the long_short strategy`,
    );
  }
  const tradable = tradableMask(inputs);
  const timing = resolveBacktestTiming(config, { horizon: opts.horizon, executionLag: opts.executionLag });
  const strategy = makeStrategy(config.strategy, inputs.S, config.min_symbols);
  const sim = simulate(inputs, tradable, strategy, {
    step: timing.step,
    delay: timing.delay,
    costRate: (config.cost_bps + config.slippage_bps) / 10_000,
    halfSpread: config.spread_cost === "off" ? undefined : inputs.halfSpread,
    barsPerYear: ppy,
    start: opts.start,
    recordWeights: opts.recordWeights,
  });
  const benchmark = resolveBenchmark(inputs, tradable, config.benchmark, configKey + ".benchmark");
  const spreadCharged = config.spread_cost !== "off" && inputs.halfSpread !== undefined;
  const report = buildBacktestReport(sim, { config, timing, description: strategy.description, barsPerYear: ppy, times: inputs.times, benchmark, trials: opts.trials, spreadCharged });
  return { report, series: sim.series, rebalanceBars: sim.rebalanceBars, weights: sim.weights };
}
