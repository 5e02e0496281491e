import { z } from "zod";

/**
 * The backtest section of the configuration, meant to sit at pipeline.evaluation.backtest. The
 * strategy is a discriminated union so that a key that only another strategy reads (top_k under a
 * long-short strategy, say) is an error instead of being silently ignored.
 *
 * `step` and `delay_bars` default to the target being evaluated (its horizon and its execution
 * lag), so they are optional here and resolved by resolveBacktestTiming with the target at hand.
 */

export const longShortStrategySchema = z.strictObject({
  kind: z.literal("long_short"),
  quantile: z
    .number()
    .gt(0)
    .max(0.5)
    .default(0.2)
    .describe("share of the tradable symbols with a prediction in each leg: long the top quantile, short the bottom one (0.2 = quintiles)"),
  weighting: z
    .enum(["equal", "signal"])
    .default("equal")
    .describe("equal: every name in a leg gets the same weight; signal: weights proportional to the distance of the prediction from the cross-sectional median"),
});

export const topKStrategySchema = z.strictObject({
  kind: z.literal("top_k"),
  top_k: z.number().int().min(1).default(10).describe("long the K best-ranked names at 1/K each, fully rebalanced every step"),
});

export const topkDropoutStrategySchema = z
  .strictObject({
    kind: z.literal("topk_dropout"),
    top_k: z.number().int().min(1).default(10).describe("number of names held"),
    n_drop: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe("at most this many held names are sold per rebalance (the worst-ranked ones), replaced by the best-ranked names not held (Qlib's TopkDropout)"),
  })
  .refine((v) => v.n_drop <= v.top_k, { message: "n_drop cannot exceed top_k", path: ["n_drop"] });

/**
 * Time-series strategies: every instrument's position from its own prediction alone, for one or a
 * few instruments (an FX pair, a future), where a cross-section is too small to rank.
 */
export const signStrategySchema = z.strictObject({
  kind: z.literal("sign"),
  threshold: z.number().min(0).default(0).describe("a prediction within +/- threshold (after centring binary probabilities at 0.5) means flat"),
  max_weight: z.number().gt(0).max(10).default(1).describe("cap on |weight| of one instrument, as a fraction of equity, before the 1/N split"),
});

export const volScaledStrategySchema = z.strictObject({
  kind: z.literal("vol_scaled"),
  threshold: z.number().min(0).default(0).describe("a prediction within +/- threshold means flat"),
  target_vol: z.number().gt(0).max(5).default(0.1).describe("annualized volatility each instrument's position aims at (sign of the prediction x target_vol / forecast volatility)"),
  vol_window: z.number().int().min(2).max(5000).default(60).describe("past one-bar returns the volatility forecast is the standard deviation of (causal: bars up to the decision bar)"),
  max_weight: z.number().gt(0).max(10).default(1).describe("cap on |weight| of one instrument, as a fraction of equity, before the 1/N split"),
});

export const TIME_SERIES_KINDS = ["sign", "vol_scaled"] as const;

/** Every strategy kind: cross-sectional (rank the symbols of a timestamp) and time-series. */
export const strategySchema = z.discriminatedUnion("kind", [longShortStrategySchema, topKStrategySchema, topkDropoutStrategySchema, signStrategySchema, volScaledStrategySchema]);

export const benchmarkSchema = z.union([
  z.enum(["equal_weight", "none"]),
  z.strictObject({ symbol: z.string().min(1).describe("a symbol of the data whose one-bar returns are the benchmark (e.g. SPY)") }),
]);

export const backtestSchema = z.strictObject({
  strategy: strategySchema.prefault({ kind: "long_short" }).describe("how predictions become portfolio weights"),
  step: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("bars between rebalances; default: the target's horizon, so holding periods do not overlap"),
  delay_bars: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("bars between the prediction and the trade; default: the target's execution lag (0 = trade at the close the prediction is made)"),
  min_symbols: z
    .number()
    .int()
    .min(2)
    .default(5)
    .describe("fewest tradable symbols with a prediction for a cross-sectional rebalance to happen; with fewer the book is held as it is (time-series strategies trade any number)"),
  cost_bps: z
    .number()
    .min(0)
    .max(10_000)
    .default(5)
    .describe("commission and fees in basis points of traded notional (|change in weight| x equity)"),
  slippage_bps: z
    .number()
    .min(0)
    .max(10_000)
    .default(0)
    .describe("fixed half-spread and impact in basis points of traded notional, on top of cost_bps (impact only when spread_cost charges the data's quoted spread)"),
  spread_cost: z
    .enum(["auto", "off"])
    .default("auto")
    .describe(
      "auto: when the data has a rel_spread column (tick data resampled from quotes), also charge half the bar's mean relative spread per unit of traded notional, per symbol (then keep slippage_bps for impact only); off: never",
    ),
  benchmark: benchmarkSchema
    .default("equal_weight")
    .describe('"equal_weight": the mean one-bar return of the tradable symbols; "none": cash; or {symbol: SPY}'),
});

export type BacktestConfig = z.infer<typeof backtestSchema>;
export type BacktestConfigInput = z.input<typeof backtestSchema>;
export type StrategyConfig = z.infer<typeof strategySchema>;
export type TimeSeriesStrategyConfig = Extract<StrategyConfig, { kind: (typeof TIME_SERIES_KINDS)[number] }>;
export type BenchmarkConfig = z.infer<typeof benchmarkSchema>;

/** The backtest configuration with every default filled in. */
export const DEFAULT_BACKTEST: BacktestConfig = backtestSchema.parse({});

/** Rebalance step and execution delay in bars, from the configuration or the target evaluated. */
export interface BacktestTiming {
  step: number;
  delay: number;
}

/**
 * The step defaults to the target horizon (non-overlapping holding periods) and the delay to the
 * target's execution lag (trade when the target's return window starts).
 */
export function resolveBacktestTiming(config: BacktestConfig, target: { horizon?: number; executionLag?: number } = {}): BacktestTiming {
  return { step: config.step ?? target.horizon ?? 1, delay: config.delay_bars ?? target.executionLag ?? 0 };
}
