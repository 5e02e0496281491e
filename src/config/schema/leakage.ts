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
    .prefault({})
    .describe(`levels of the quick model's out-of-sample ${metric}`);
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
  target_agreement: z
    .number()
    .gt(0.5)
    .max(1)
    .default(0.95)
    .describe("share of rows where a feature and the target sit on the same side of their means at or above which the feature is a near copy of the target"),
  feature_association: z
    .strictObject({
      suspicious: z.number().gt(0).lt(1).default(0.2).describe("|association| of one feature with the target above which the feature is flagged for review"),
      implausible: z.number().gt(0).lt(1).default(0.4).describe("|association| of one feature with the target above which the feature is treated as leakage"),
    })
    .refine((b) => b.implausible > b.suspicious, { message: "implausible must be greater than suspicious", path: ["implausible"] })
    .prefault({})
    .describe(
      "one feature against the target, as a correlation (the strongest of cross-sectional rank IC, pooled per-symbol correlation and sign agreement); both levels are raised by what the target's own realized past achieves",
    ),
  future_past_ratio: z
    .number()
    .min(1)
    .default(3)
    .describe("a feature at least suspiciously associated with the future target and this many times more associated with it than with past returns and the lagged target is treated as leakage"),
  persistent_share: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe(
      "a feature's tie to the target that keeps at least this share with the target moved past its window (w, 2w, 4w, ... bars later), from a feature whose own autocorrelation at those lags is at least this, is persistence (a trend, a regime, a level), not look-ahead: only the part that depends on the target's own window counts as evidence",
    ),
  min_t_stat: z
    .number()
    .min(0)
    .default(3)
    .describe("an association only counts when its t-statistic across blocks of time reaches this, so a short or trending history cannot produce a flag by chance"),
});

export const QUICK_MODEL_FAMILIES = ["lightgbm", "xgboost", "random_forest", "extra_trees"] as const;

/** The small GBDT fitted under purged cross-validation to score the features together. */
export const quickModelSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("fit the quick model (score, importance and sentinel checks); off: rules and pre-scan only"),
  family: z.enum(QUICK_MODEL_FAMILIES).default("lightgbm").describe("GBDT family of the quick model"),
  folds: z.number().int().min(2).max(20).default(3).describe("purged k-fold splits when no splitter is given"),
  max_rows: z.number().int().min(1000).default(200_000).describe("panel cells the quick model uses; larger panels use a seeded subset of timestamps"),
  max_train_rows: z.number().int().min(500).default(20_000).describe("training rows per fit; more are subsampled with the seed"),
  n_estimators: z.number().int().min(1).max(10_000).default(60).describe("trees of the quick model (small on purpose: it looks for implausible scores, not for the best one)"),
  learning_rate: z.number().gt(0).max(1).default(0.05).describe("the quick model's learning rate"),
  num_leaves: z.number().int().min(2).max(1024).default(7).describe("small trees: a leak needs no depth to show, noise does"),
  min_data_in_leaf: z.number().int().min(1).default(200).describe("cells per leaf at least (large, so one cell cannot carry a split)"),
  max_bin: z.number().int().min(2).max(1024).default(63).describe("histogram bins per feature"),
  feature_fraction: z.number().gt(0).max(1).default(0.8).describe("share of the features each tree samples"),
});
export type QuickModelConfig = z.infer<typeof quickModelSchema>;

/** How the pre-scan samples a large panel. */
export const prescanSchema = z.strictObject({
  max_cells: z
    .number()
    .int()
    .min(10_000)
    .default(2_000_000)
    .describe("panel cells (timestamps x symbols) the pre-scan reads; larger panels are scanned on a seeded subset of symbols, each over its full history"),
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
  include_feature_lookback_in_purge: z
    .boolean()
    .default(false)
    .describe(
      "also purge the longest feature lookback after each test window, so no training feature window overlaps the test labels. Not needed against leakage (features read only the past; the purge keeps labels apart and the embargo covers serial correlation), and on short histories it can leave nothing to train on",
    ),
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
      enabled: z.boolean().default(true).describe("re-score the quick model under controlled damage (lagged features, target moved later, time shuffled, symbol holdout, a planted leak)"),
      shift_bars: z.number().int().min(1).max(100).default(1).describe("features are re-scored lagged by this many extra bars; a score that collapses means the feature needs same-bar information"),
      shuffle_repeats: z.number().int().min(1).max(1000).default(20).describe("target shuffles in time used to estimate the no-skill score distribution"),
      plant_leaky_copy: z.boolean().default(true).describe("plant a known-leaky copy of the target and require the detectors to catch it"),
      future_shift_windows: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(2)
        .describe("target windows by which the target is moved further into the future; the quick model's predictions must lose their score against it"),
      future_shift_min_bars: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .default(10)
        .describe("the target is moved at least this many bars: genuine daily signals (reversal, momentum) still predict a 1-bar return a few bars later"),
      max_retained_share: z
        .number()
        .gt(0)
        .lt(1)
        .default(0.5)
        .describe("share of the quick model's score that may survive moving the target into the future or shuffling it in time within each symbol"),
      holdout_min_share: z
        .number()
        .gt(0)
        .lt(1)
        .default(0.3)
        .describe("share of the quick model's score it must keep on symbols it was not trained on; below this the score collapsed"),
    })
    .prefault({}),
  prescan: prescanSchema.prefault({}),
  quick_model: quickModelSchema.prefault({}),
  auto_fix: z
    .strictObject({
      enabled: z.boolean().default(true).describe("exclude features found leaking and re-run the earlier stages"),
      max_rounds: z.number().int().min(1).max(20).default(3).describe("rounds of exclude-and-re-run at most; leaks still found after them leave the target at low confidence"),
    })
    .prefault({}),
});
export type LeakageConfig = z.infer<typeof leakageSchema>;
