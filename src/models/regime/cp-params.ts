import { z } from "zod";
import { baseShape } from "./base.js";

/** Series the detector runs on when `series` is auto: the first return-like and the first volatility-like input. */
export const RETURN_PATTERNS = ["ret_1", "ret_*", "rev_*", "mom_*", "gap"];
export const VOLATILITY_PATTERNS = ["vol_cc_*", "vol_pk_*", "vol_gk_*", "vol_*", "range_hl*"];

export const changePointParamsSchema = z.strictObject({
  ...baseShape,
  series: z
    .union([z.literal("auto"), z.array(z.string()).min(1)])
    .default("auto")
    .describe('input features the detector runs on (names or globs); "auto" = the first return-like and the first volatility-like input (else the first input)'),
  lookback: z
    .number()
    .int()
    .min(8)
    .max(2000)
    .default(60)
    .describe("bars each detection reads, ending at the row's bar: features at bar t use bars t - lookback + 1 .. t only"),
  expected_run: z.number().gt(1).default(200).describe("prior expected segment length in bars (hazard = 1 / expected_run)"),
  change_window: z.number().int().min(1).default(10).describe("change_prob = posterior probability that the current segment began within this many bars"),
  // The default prior is about the standardized series' own marginal (mean 0, E[variance] = 1,
  // Student-t predictive with 6 degrees of freedom): a lone outlier does not look like a new segment.
  prior_kappa: z.number().gt(0).default(1).describe("Normal-Gamma prior: pseudo-observations of the segment mean (series are standardized, prior mean 0)"),
  prior_alpha: z.number().gt(0).default(3).describe("Normal-Gamma prior shape of the segment precision"),
  prior_beta: z.number().gt(0).default(2).describe("Normal-Gamma prior rate of the segment precision (prior E[variance] = beta / (alpha - 1))"),
  interactions: z.boolean().default(false).describe("also give the base model each input feature times the first series' change_prob (lets it change its loadings right after a break)"),
});

export type ChangePointParams = z.output<typeof changePointParamsSchema>;
