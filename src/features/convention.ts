/**
 * The decision-time convention every feature and target is held to. It is a constant rather than
 * an option because the leakage guarantees of the whole pipeline (targets, purging, the causality
 * test over the registry) are stated against it; the one knob users get is `extraLag`, which only
 * makes features older, never newer.
 */

/** The only decision-time convention FoxML uses, with the words the config and the report quote. */
export const DECISION_TIME = {
  id: "bar_close",
  /** A feature value at row t may use bars up to and including bar t (its close). */
  featureRule: "a feature value at row t may use panel rows up to and including row t (the close of bar t)",
  /** lag 0: the newest input is bar t itself; lag k: the newest input is bar t - k. */
  lagRule: "lag = number of bars between a feature's newest input and bar t (0 = bar t itself)",
  /** Targets must only use bars strictly after t. */
  targetRule: "a target at row t may only use bars after t (its window starts at t + 1)",
} as const;

export type DecisionTimeId = (typeof DECISION_TIME)["id"];

/**
 * Exponentially weighted features (EMA, MACD, Wilder's RSI and ATR) are computed as *truncated*
 * windows: the weights older than W bars are dropped, where W is the smallest window whose omitted
 * tail weight is at most this fraction of the total. That makes their lookback finite and declared,
 * so chunked computation with a warm-up of max(lookback + lag - 1) rows equals the in-memory result
 * exactly, and purging by lookback is possible. The difference from the infinite recursion is at
 * most this fraction of the spread of the input over the omitted tail.
 */
export const EWM_TAIL_MASS = 1e-6;

/**
 * Minimum number of finite values a cross-section must have at a timestamp for a cross-sectional
 * transform (rank, z-score, ...) to be defined there; below it the transform is NaN.
 */
export const CROSS_SECTION_MIN_COUNT = 2;

/**
 * The configuration keys this module reads, for the config engineer to name in the schema.
 * `extra_lag` shifts every data-driven feature by that many more bars (conservative execution
 * delay); calendar features, which carry no data, are not shifted.
 */
export const FEATURE_CONFIG_KEYS = {
  decisionTime: "pipeline.leakage.decision_time",
  extraLag: "pipeline.features.extra_lag",
  include: "pipeline.features.include",
  exclude: "pipeline.features.exclude",
  chunkRows: "pipeline.features.chunk_rows",
  crossSectional: "pipeline.features.cross_sectional",
  marketProxy: "pipeline.features.market_proxy",
  userColumns: "pipeline.features.user_columns",
} as const;
