import { z } from "zod";
import { baseShape } from "./base.js";

/** Names that usually describe the market's state (volatility, trend, range, liquidity). */
export const DEFAULT_STATE_FEATURES = ["vol_*", "ret_1", "mom_*", "range_hl*", "vol_ratio_*", "dollar_vol*"];

export const gmmRegimeParamsSchema = z
  .strictObject({
    ...baseShape,
    state_features: z
      .array(z.string())
      .default(DEFAULT_STATE_FEATURES)
      .describe("names or glob patterns of the features the mixture is fitted on; when none of the inputs matches, all inputs are used"),
    max_state_features: z.number().int().min(1).max(32).default(4).describe("at most this many state features, the first matching ones in input order (the pipeline passes features best first)"),
    min_states: z.number().int().min(1).max(20).default(1).describe("smallest number of regimes BIC considers"),
    max_states: z.number().int().min(1).max(20).default(5).describe("largest number of regimes BIC considers"),
    covariance: z.enum(["full", "diag"]).default("full").describe("full or diagonal covariance per mixture component"),
    max_iter: z.number().int().min(1).max(10_000).default(100).describe("EM iterations at most"),
    tol: z.number().gt(0).default(1e-3).describe("EM stops when the mean log-likelihood per row changes by less than this"),
    reg_covar: z.number().min(0).default(1e-4).describe("added to each covariance diagonal (state features are standardized)"),
    max_em_rows: z.number().int().min(100).default(20_000).describe("EM and BIC run on at most this many training rows (seeded subsample)"),
    winsorize: z.number().min(0).lt(0.5).default(0.01).describe("clip state features to their [q, 1 - q] training quantiles before standardizing"),
    per_regime: z.boolean().default(true).describe("one base model per regime, fitted with the regime's responsibilities as weights, mixed by the regime probabilities; false = one base model on the features plus the regime probabilities"),
    min_regime_share: z.number().min(0).max(1).default(0.05).describe("a regime holding less of the training weight uses the pooled model"),
  })
  .superRefine((p, ctx) => {
    if (p.min_states > p.max_states) ctx.addIssue({ code: "custom", path: ["min_states"], message: `min_states ${p.min_states} is above max_states ${p.max_states}` });
  });

export type GmmRegimeParams = z.output<typeof gmmRegimeParamsSchema>;
