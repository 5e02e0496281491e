import { z } from "zod";

/**
 * Hyperparameters of NGBoost (Duan et al., "NGBoost: Natural Gradient Boosting for Probabilistic
 * Prediction", 2020) with a Normal(loc, log scale) outcome. Base learners are the GBDT engine's
 * trees; their settings keep LightGBM's names.
 */
export const ngboostParamsSchema = z.strictObject({
  n_estimators: z.number().int().min(1).max(100_000).default(500).describe("boosting iterations (one tree per distribution parameter each)"),
  learning_rate: z.number().gt(0).max(1).default(0.05).describe("shrinkage on each line-searched step"),
  natural_gradient: z.boolean().default(true).describe("fit trees to the natural gradient (Fisher-scaled; the NGBoost default) or the ordinary gradient"),
  num_leaves: z.number().int().min(2).max(4096).default(8).describe("leaves per tree at most"),
  max_depth: z.number().int().min(-1).max(64).refine((v) => v !== 0, "max_depth must be -1 (no limit) or >= 1").default(3).describe("depth of each tree at most"),
  min_data_in_leaf: z.number().int().min(1).default(50).describe("rows a leaf must hold at least (larger: smoother, less overfit)"),
  lambda_l2: z.number().min(0).default(1).describe("L2 penalty on leaf values"),
  min_gain_to_split: z.number().min(0).default(0).describe("gain a split must reach"),
  feature_fraction: z.number().gt(0).max(1).default(1).describe("share of features each iteration's trees may use"),
  minibatch_frac: z.number().gt(0).max(1).default(1).describe("share of rows each iteration's trees and line search see (NGBoost's minibatch_frac)"),
  max_bin: z.number().int().min(2).max(65_535).default(255).describe("histogram bins per feature"),
  min_scale_ratio: z
    .number()
    .gt(0)
    .max(1)
    .default(1e-3)
    .describe("the predicted scale is at least this share of the training target's standard deviation (keeps the likelihood finite)"),
  early_stopping_rounds: z.number().int().min(0).default(50).describe("stop when the validation negative log-likelihood has not improved for this many rounds; 0 = off"),
});

export type NgboostParams = z.output<typeof ngboostParamsSchema>;
