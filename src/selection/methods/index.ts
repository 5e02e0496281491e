/**
 * The selection methods by name: how each scores features, the schema of its settings (strict,
 * every key defaulted) and its weight in the consensus when the configuration gives none.
 *
 * Default weights: methods that judge features out of sample or through a fitted model's own
 * attribution (permutation, TreeSHAP, stability over bootstraps) count fully; gain (biased towards
 * features with many split points and towards whichever of two correlated features a tree met
 * first) and mutual information (one feature at a time, no interactions with the rest) count half;
 * the linear path, the univariate tests and Boruta sit between.
 */
import type { z } from "zod";
import type { SelectionMethod } from "../method.js";
import { lassoPathMethod, lassoPathParamsSchema } from "./lasso-path.js";
import { mutualInfoMethod, mutualInfoParamsSchema } from "./mutual-info.js";
import { univariateMethod, univariateParamsSchema } from "./univariate.js";

export interface MethodEntry {
  method: SelectionMethod;
  /** Strict object schema of the method's own settings, every key defaulted. */
  paramsSchema: z.ZodType<Record<string, unknown>>;
  defaultWeight: number;
  /** One line for the configuration reference. */
  description: string;
}

export const METHODS = {
  mutual_info: {
    method: mutualInfoMethod,
    paramsSchema: mutualInfoParamsSchema,
    defaultWeight: 0.5,
    description: "mutual information of each feature with the target (equal-frequency bins, Miller-Madow corrected) on training cells",
  },
  lasso_path: {
    method: lassoPathMethod,
    paramsSchema: lassoPathParamsSchema,
    defaultWeight: 0.75,
    description: "lasso / elastic-net regularization path on each fold's training cells: area under |coefficient| or entry order",
  },
  univariate: {
    method: univariateMethod,
    paramsSchema: univariateParamsSchema,
    defaultWeight: 0.75,
    description: "rank-IC t-test across time blocks per feature, Benjamini-Yekutieli q-values; score -log10(q)",
  },
} satisfies Record<string, MethodEntry>;

export type MethodName = keyof typeof METHODS;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export { lassoPathMethod, lassoPathParamsSchema } from "./lasso-path.js";
export { mutualInfoMethod, mutualInfoParamsSchema } from "./mutual-info.js";
export { univariateMethod, univariateParamsSchema, benjaminiYekutieli, studentTTwoSided } from "./univariate.js";
