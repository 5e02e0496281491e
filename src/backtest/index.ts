/**
 * The portfolio backtest of predictions: signals -> target weights -> PnL with costs -> report.
 *
 * How it relates to validation/metrics: validation's longShortSeries/longShortReport is the
 * research metric of a signal (mean h-bar forward return of the top quantile minus the bottom one
 * per sampled timestamp, $1 long and $1 short, no costs, no tradability, no compounding between
 * samples). The backtest is the tradable portfolio: one-bar returns, weights that drift between
 * rebalances, turnover and costs, gross 1. With step 1, no costs and every symbol tradable, a
 * long-short backtest bar returns exactly half the research series (gross 1 vs 2), so both have the
 * same Sharpe ratio. Sharpe, PSR, DSR and bars per year are validation's functions, not copies.
 */
export * from "./schema.js";
export * from "./inputs.js";
export * from "./rank.js";
export * from "./strategies.js";
export * from "./time-series.js";
export * from "./engine.js";
export * from "./benchmark.js";
export * from "./metrics.js";
export * from "./report.js";
export * from "./run.js";
