import { z } from "zod";
import { splitterSchema } from "../validation/splitters/schema.js";

/**
 * The `pipeline.ranking` block: which candidate targets are worth training. Every candidate is
 * scored by a few quick, diverse model families under purged cross-validation; the composite of
 * out-of-sample skill, its stability and the families' agreement orders them, and the top N that
 * clear the skill bar continue to selection and training.
 *
 * The defaults keep ranking 3 targets on 30 symbols x 3,000 daily bars x ~70 features to about
 * 15-20 s on two busy cores: whole timestamps are sampled down to `max_rows` cells, each fold
 * trains on at most `max_train_rows` rows, and the families are small.
 */

const familyEntrySchema = z.strictObject({
  name: z.string().min(1).describe("a registered model family (see config/families/), e.g. lightgbm, ridge, xgboost, logistic, mlp"),
  hyperparameters: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("the family's hyperparameters (its own schema fills the rest); the objective follows the target's type"),
});

export const DEFAULT_RANKING_FAMILIES: Array<z.input<typeof familyEntrySchema>> = [
  {
    name: "lightgbm",
    hyperparameters: { n_estimators: 60, learning_rate: 0.1, num_leaves: 15, min_data_in_leaf: 100, feature_fraction: 0.8, max_bin: 63 },
  },
  // Missing-value indicator columns double the width for little gain in a quick score.
  { name: "ridge", hyperparameters: { missing_indicator: false } },
];

/** Measures auto_targets can generate, each a name pattern of the target grammar (H = horizon). */
export const AUTO_TARGET_MEASURES = {
  ret: "fwd_ret_H",
  logret: "fwd_logret_H",
  ret_volscaled: "fwd_ret_H_volscaled",
  excess: "fwd_excess_H",
  excess_volscaled: "fwd_excess_H_volscaled",
  mktexcess: "fwd_mktexcess_H",
  betaexcess: "fwd_betaexcess_H",
  sign: "fwd_sign_H",
  sign_excess: "fwd_sign_H_excess",
  q5: "fwd_q5_H",
  q5_excess: "fwd_q5_H_excess",
  mfe: "mfe_H",
  mae: "mae_H",
} as const;
export type AutoTargetMeasure = keyof typeof AUTO_TARGET_MEASURES;

const horizonSchema = z.union([
  z.number().int().min(1).describe("bars"),
  z.string().regex(/^\d+(m|h|d|w)$/, "use a whole number of bars, or a duration like 60m, 4h, 5d").describe("a duration (60m, 4h, 5d, 1w)"),
]);

export const autoTargetsSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("add a standard set of targets (every measure at every horizon) to the experiment's candidates"),
    horizons: z.array(horizonSchema).min(1).default(() => [1, 5, 20]).describe("horizons in bars (5) or durations (60m, 5d)"),
    measures: z
      .array(z.enum(Object.keys(AUTO_TARGET_MEASURES) as [AutoTargetMeasure, ...AutoTargetMeasure[]]))
      .min(1)
      .default(() => ["ret", "excess", "sign"] as AutoTargetMeasure[])
      .describe(
        `what to predict at each horizon: ${Object.entries(AUTO_TARGET_MEASURES)
          .map(([k, v]) => `${k} = ${v}`)
          .join(", ")}`,
      ),
  });

const weight = (def: number, what: string) => z.number().min(0).default(def).describe(what);

export const rankingWeightsSchema = z
  .strictObject({
    skill: weight(0.6, "weight of out-of-sample skill (its t-statistic across blocks of time, mapped into [-1, 1] by skill_t_scale)"),
    stability: weight(0.25, "weight of stability: share of folds and symbols whose skill has the sign of the mean skill, as 2 x share - 1, signed by the skill"),
    agreement: weight(0.15, "weight of agreement: mean pairwise rank correlation of the families' out-of-fold predictions, counted only as far as there is skill"),
  })
  .refine((w) => w.skill + w.stability + w.agreement > 0, { message: "at least one weight must be positive" });

export const rankingSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("rank the candidate targets; off: every target continues unranked"),
    families: z
      .array(familyEntrySchema)
      .min(1)
      .default(() => DEFAULT_RANKING_FAMILIES.map((f) => ({ name: f.name, hyperparameters: { ...(f.hyperparameters ?? {}) } })))
      .describe("quick, diverse model families that score every target (a tree ensemble and a linear model by default)")
      .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, { message: "each family may appear once" }),
    linear_on_binary: z
      .enum(["linear_probability", "logistic", "unsupported"])
      .default("linear_probability")
      .describe(
        "how a linear regression family (ridge, lasso, elastic_net) scores a binary target: fitted to the 0/1 label as a linear probability model (fast; the AUC depends only on the order of the predictions), as logistic regression with the same penalty (slower: a regularization path of iterative fits), or not at all (marked unsupported)",
      ),
    splitter: splitterSchema.default(() => ({ kind: "purged_kfold" as const, n_splits: 4 })).describe("cross-validation splits (purged by each target's label window)"),
    max_rows: z.number().int().min(1000).default(60_000).describe("panel cells scored per target at most; larger panels use a seeded subset of whole timestamps"),
    max_train_rows: z.number().int().min(500).default(12_000).describe("training rows per fold at most (seeded subsample)"),
    top_n: z.number().int().min(1).default(3).describe("how many of the best targets continue to selection and training"),
    min_t_stat: z
      .number()
      .min(0)
      .default(2)
      .describe(
        "a target continues only when its best family's skill has at least this t-statistic across blocks of time (blocks of several label windows, so overlapping labels do not inflate it); when none does, the best one still continues, flagged",
      ),
    skill_t_scale: z
      .number()
      .gt(0)
      .default(4)
      .describe("t-statistic at which the skill part of the composite reaches 0.71 (it is t / sqrt(t^2 + scale^2), in (-1, 1))"),
    weights: rankingWeightsSchema.prefault({}).describe("composite-score weights (normalized to sum to 1)"),
    auto_targets: autoTargetsSchema.prefault({}).describe("generated candidate targets: every measure at every horizon, added to the experiment's targets"),
  })
  .describe("target ranking: which candidate targets are predictable enough to train");

export type RankingConfig = z.output<typeof rankingSchema>;
export type RankingFamilyEntry = RankingConfig["families"][number];
export type AutoTargetsConfig = RankingConfig["auto_targets"];
