import { z } from "zod";

/**
 * The `pipeline.leakage` block. Decision-time convention: the features of bar t use bars up to and
 * including bar t's close (minus `feature_lag_bars`); the target window of a horizon h starts after
 * t: (t + execution_lag_bars, t + execution_lag_bars + h]. Everything here guards that convention.
 */

const bars = (def: number) => z.number().int().min(0).default(def);

/** A pair of score levels for one metric: above `suspicious` is flagged, above `implausible` is treated as leakage. */
function scoreBand(metric: string, lo: number, hi: number, suspicious: number, implausible: number) {
  return z
    .strictObject({
      suspicious: z.number().min(lo).max(hi).default(suspicious).describe(`out-of-sample ${metric} above which a result is flagged for review`),
      implausible: z.number().min(lo).max(hi).default(implausible).describe(`out-of-sample ${metric} above which a result is treated as leakage`),
    })
    .refine((b) => b.implausible > b.suspicious, { message: "implausible must be greater than suspicious", path: ["implausible"] })
    .prefault({});
}

export const leakageThresholdsSchema = z.strictObject({
  target_correlation: z
    .number()
    .gt(0)
    .max(1)
    .default(0.95)
    .describe("|correlation| between a feature and the target at or above which the feature is a near copy of the target"),
  importance_dominance: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe("share of total importance taken by one feature above which that feature is investigated"),
  scores: z
    .strictObject({
      ic: scoreBand("information coefficient (regression targets)", -1, 1, 0.1, 0.3),
      r2: scoreBand("R^2 (regression targets)", -1, 1, 0.05, 0.25),
      auc: scoreBand("ROC AUC (classification targets)", 0.5, 1, 0.6, 0.75),
    })
    .prefault({})
    .describe("suspicious / implausible out-of-sample scores by metric; real daily-return predictability is small"),
});

export const leakageSchema = z.strictObject({
  decision_time: z
    .strictObject({
      feature_lag_bars: bars(0).describe("features of bar t use bars up to and including t - feature_lag_bars (0: bar t's close is known at decision time)"),
      execution_lag_bars: bars(0).describe("bars between the decision at t's close and the start of the target window"),
    })
    .prefault({}),
  purge_buffer_bars: bars(5).describe("bars purged from training around each test window, on top of the label horizon"),
  embargo_bars: bars(5).describe("bars after each test window excluded from training"),
  include_feature_lookback_in_purge: z.boolean().default(true).describe("also purge the longest feature lookback, so no training feature window overlaps the test labels"),
  exclusions: z
    .strictObject({
      patterns: z
        .array(z.string().min(1))
        .default(["fwd_*", "y_*", "target_*", "next_*", "*_fwd_*", "*_future*", "*_lead*"])
        .describe("glob patterns (* and ?) of column names never used as features: forward-looking by name"),
      target_derived: z.boolean().default(true).describe("also exclude any column whose name contains a target's name (e.g. fwd_ret_5_rank)"),
      columns: z.array(z.string().min(1)).default([]).describe("column names excluded from features, exactly"),
    })
    .prefault({}),
  thresholds: leakageThresholdsSchema.prefault({}),
  sentinels: z
    .strictObject({
      enabled: z.boolean().default(true),
      shift_bars: z.number().int().min(1).max(100).default(1).describe("features are re-scored lagged by this many extra bars; a score that collapses means the feature needs same-bar information"),
      shuffle_repeats: z.number().int().min(1).max(1000).default(20).describe("target shuffles in time used to estimate the no-skill score distribution"),
      plant_leaky_copy: z.boolean().default(true).describe("plant a known-leaky copy of the target and require the detectors to catch it"),
    })
    .prefault({}),
  auto_fix: z
    .strictObject({
      enabled: z.boolean().default(true).describe("exclude features found leaking and re-run the earlier stages"),
      max_rounds: z.number().int().min(1).max(20).default(3),
    })
    .prefault({}),
});
export type LeakageConfig = z.infer<typeof leakageSchema>;
