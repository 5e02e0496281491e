import { z } from "zod";
import { backtestSchema, longShortStrategySchema, signStrategySchema, volScaledStrategySchema } from "../backtest/schema.js";

/**
 * The evaluation section of the configuration, meant to sit at pipeline.evaluation. Every model of
 * a target (families and ensembles) is scored alike: research metrics per fold and overall, and a
 * portfolio backtest of its out-of-fold predictions with each listed strategy.
 *
 * The backtest block is the backtest's own schema without its `strategy` key: the strategies to
 * run are the `strategies` list here (a strategy key in the backtest block would otherwise be a
 * second, silently ignored place to set one).
 */

const autoInt = (what: string) =>
  z
    .union([z.number().int().min(1), z.literal("auto")])
    .default("auto")
    .describe(what);

const name = z.string().min(1).optional().describe("label of the strategy in the evaluation file; default: its kind");

export const evaluationStrategySchema = z.discriminatedUnion("kind", [
  longShortStrategySchema.extend({ name }),
  z.strictObject({
    kind: z.literal("top_k"),
    name,
    top_k: autoInt('long the K best-ranked names at 1/K each; "auto": max(2, round(symbols / 5))'),
  }),
  z.strictObject({
    kind: z.literal("topk_dropout"),
    name,
    top_k: autoInt('number of names held; "auto": max(2, round(symbols / 5))'),
    n_drop: z
      .union([z.number().int().min(0), z.literal("auto")])
      .default("auto")
      .describe('at most this many held names are replaced per rebalance; "auto": max(1, round(top_k / 5))'),
  }),
]);

/** Time-series strategies: each instrument traded on its own prediction (one or a few instruments). */
export const evaluationTimeSeriesStrategySchema = z.discriminatedUnion("kind", [signStrategySchema.extend({ name }), volScaledStrategySchema.extend({ name })]);

const bandSchema = (d: { t: number; stability: number; dsr: number }) => ({
  min_t: z.number().min(0).default(d.t).describe("out-of-sample t-statistic of the best model's skill (over time blocks) at least this"),
  min_stability: z.number().min(0).max(1).default(d.stability).describe("share of folds where the best model beats no skill, at least this"),
  min_dsr: z.number().min(0).max(1).default(d.dsr).describe("deflated Sharpe ratio of the best model's first strategy, at least this"),
});

export const confidenceSchema = z
  .strictObject({
    high: z
      .strictObject({
        ...bandSchema({ t: 3, stability: 0.8, dsr: 0.95 }),
        min_selection_agreement: z
          .number()
          .min(-1)
          .max(1)
          .default(0.2)
          .describe("mean rank correlation between the feature-selection methods, at least this (when known)"),
      })
      .prefault({})
      .describe("all of these, and leakage status clean or leaks_excluded with nothing suspicious, for high confidence"),
    medium: z.strictObject(bandSchema({ t: 2, stability: 0.6, dsr: 0.5 })).prefault({}).describe("all of these for medium confidence; otherwise low"),
  })
  .refine((c) => c.high.min_t >= c.medium.min_t && c.high.min_stability >= c.medium.min_stability && c.high.min_dsr >= c.medium.min_dsr, {
    message: "each high threshold must be at least the medium one",
    path: ["high"],
  });

export const evaluationSchema = z.strictObject({
  backtest: backtestSchema
    .omit({ strategy: true })
    .prefault({})
    .describe("rebalance step and delay (default: the target's horizon and execution lag), costs, minimum symbols, benchmark"),
  strategies: z
    .array(evaluationStrategySchema)
    .min(1)
    .prefault([{ kind: "long_short" }, { kind: "topk_dropout" }])
    .refine((list) => new Set(list.map((s) => s.name ?? s.kind)).size === list.length, { message: "give each strategy a distinct name" })
    .describe("cross-sectional portfolio strategies each model's predictions are backtested with (they rank the symbols of a timestamp); the first is the one confidence tiers read"),
  time_series_strategies: z
    .array(evaluationTimeSeriesStrategySchema)
    .min(1)
    .prefault([{ kind: "sign" }, { kind: "vol_scaled" }])
    .refine((list) => new Set(list.map((s) => s.name ?? s.kind)).size === list.length, { message: "give each strategy a distinct name" })
    .describe("time-series strategies (each instrument on its own prediction: sign, vol_scaled), for one or a few instruments; the first is the one confidence tiers read when they run alone"),
  strategy_set: z
    .enum(["auto", "cross_sectional", "time_series", "both"])
    .default("auto")
    .describe(
      "which strategies run. auto: the cross-sectional ones when a timestamp typically holds a cross-section (median labelled symbols per timestamp >= 5 and >= backtest.min_symbols), else the time-series ones; both: cross-sectional first, then time-series",
    ),
  direction: z
    .enum(["auto", "long_high", "long_low"])
    .default("auto")
    .describe("which predictions the portfolio buys. auto: the high ones, except for targets where high is bad (adverse excursion, drawdown, zigzag peaks)"),
  ic_window: z.number().int().min(2).default(63).describe("timestamps in the rolling mean of the IC plotted over time"),
  max_points: z.number().int().min(10).default(500).describe("most points of any series in the evaluation file (longer series are downsampled)"),
  confidence: confidenceSchema.prefault({}).describe("thresholds of the high / medium / low confidence tiers of target_confidence.json"),
});

export type EvaluationConfig = z.infer<typeof evaluationSchema>;
export type EvaluationConfigInput = z.input<typeof evaluationSchema>;
export type EvaluationStrategy = z.infer<typeof evaluationStrategySchema>;
export type ConfidenceConfig = z.infer<typeof confidenceSchema>;

/** The evaluation configuration with every default filled in. */
export const DEFAULT_EVALUATION: EvaluationConfig = evaluationSchema.parse({});
