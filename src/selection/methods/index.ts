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
import { borutaMethod, borutaParamsSchema } from "./boruta.js";
import { lassoPathMethod, lassoPathParamsSchema } from "./lasso-path.js";
import { mutualInfoMethod, mutualInfoParamsSchema } from "./mutual-info.js";
import { permutationMethod, permutationParamsSchema } from "./permutation.js";
import { stabilityMethod, stabilityParamsSchema } from "./stability.js";
import { treeGainMethod, treeGainParamsSchema, treeShapMethod, treeShapParamsSchema } from "./tree-importance.js";
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
  tree_gain: {
    method: treeGainMethod,
    paramsSchema: treeGainParamsSchema,
    defaultWeight: 0.5,
    description: "total split gain of a small GBDT fitted on each fold's training cells",
  },
  tree_shap: {
    method: treeShapMethod,
    paramsSchema: treeShapParamsSchema,
    defaultWeight: 1,
    description: "mean |TreeSHAP value| on the folds' test cells, overall and per symbol (same fold models as tree_gain)",
  },
  permutation: {
    method: permutationMethod,
    paramsSchema: permutationParamsSchema,
    defaultWeight: 1,
    description: "drop of the out-of-sample score when a feature is shuffled on the test folds",
  },
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
  boruta: {
    method: borutaMethod,
    paramsSchema: borutaParamsSchema,
    defaultWeight: 0.75,
    description: "Boruta: how often a feature's gain beats the best shadow (shuffled copy) over repeated fits",
  },
  stability: {
    method: stabilityMethod,
    paramsSchema: stabilityParamsSchema,
    defaultWeight: 1,
    description: "stability selection: how often an L1 model on half-samples of time blocks selects the feature",
  },
} satisfies Record<string, MethodEntry>;

export type MethodName = keyof typeof METHODS;
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export { borutaMethod, borutaParamsSchema } from "./boruta.js";
export { permutationMethod, permutationParamsSchema } from "./permutation.js";
export { stabilityMethod, stabilityParamsSchema } from "./stability.js";
export { treeGainMethod, treeGainParamsSchema, treeShapMethod, treeShapParamsSchema } from "./tree-importance.js";
export { lassoPathMethod, lassoPathParamsSchema } from "./lasso-path.js";
export { mutualInfoMethod, mutualInfoParamsSchema } from "./mutual-info.js";
export { univariateMethod, univariateParamsSchema, benjaminiYekutieli, studentTTwoSided } from "./univariate.js";
