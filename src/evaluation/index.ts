/**
 * Evaluation of a target's families and ensembles: research metrics per fold and overall, the IC
 * over time, portfolio backtests with deflated Sharpe ratios, and the confidence tier of the target.
 */
export * from "./schema.js";
export * from "./strategies.js";
export * from "./metrics.js";
export * from "./series.js";
export * from "./backtests.js";
export * from "./evaluate.js";
export * from "./confidence.js";
export * from "./series-file.js";
