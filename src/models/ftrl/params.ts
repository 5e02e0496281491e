import { z } from "zod";

/**
 * Hyperparameters of FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View from the
 * Trenches", 2013). Per coordinate i the learning rate is alpha / (beta + sqrt(sum of squared
 * gradients)); l1 and l2 are on the cumulative (sum over updates) scale of the paper, on
 * standardized features and, for regression, a standardized target.
 */
export const ftrlParamsSchema = z
  .strictObject({
    objective: z.enum(["regression", "binary"]).default("regression").describe("squared loss (linear) or log loss (logistic); binary targets set it"),
    alpha: z.number().gt(0).max(100).default(0.05).describe("per-coordinate learning rate scale"),
    beta: z.number().min(0).max(1e6).default(1).describe("learning-rate smoothing: rate = alpha / (beta + sqrt(n_i))"),
    l1: z.number().min(0).default(0).describe("L1 penalty (cumulative scale): coordinates with |z_i| <= l1 are exactly 0"),
    l2: z.number().min(0).default(1).describe("L2 penalty (cumulative scale)"),
    passes: z.number().int().min(0).max(1000).default(1).describe("online passes over the training rows in time order after the warm start (0 = the batch fit only)"),
    warm_start: z.enum(["batch", "none"]).default("batch").describe("start from a batch ridge / logistic fit (its coefficients and squared-gradient sums), or from zero"),
    warm_lambda: z
      .union([z.literal("auto"), z.number().min(0)])
      .default("auto")
      .describe('penalty of the batch warm-start fit (mean-loss scale, as ridge/logistic lambda); "auto" picks it on a purged holdout'),
    decay: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .describe("before each update the squared-gradient sums are multiplied by this (1 = plain FTRL); < 1 keeps learning rates from vanishing so the model tracks drift"),
    winsorize: z.number().min(0).lt(0.5).default(0.005).describe("clip each feature to its [q, 1 - q] training quantiles before standardizing"),
    clip: z.number().gt(0).default(10).describe("standardized feature values are clipped to [-clip, clip] (a stray value cannot blow up one online step)"),
  })
  .superRefine((p, ctx) => {
    if (p.warm_start === "none" && p.passes === 0) ctx.addIssue({ code: "custom", path: ["passes"], message: "passes 0 with warm_start none learns nothing; use passes >= 1" });
  });

export type FtrlParams = z.output<typeof ftrlParamsSchema>;
