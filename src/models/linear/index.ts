/** Linear families (ridge, lasso, elastic net, logistic); importing registers them. */
import { registerFamily } from "../registry.js";
import { LINEAR_FAMILIES } from "./families.js";

for (const f of LINEAR_FAMILIES) registerFamily(f);

export { LINEAR_FAMILIES, ridgeFamily, lassoFamily, elasticNetFamily, logisticFamily, type LinearFamily } from "./families.js";
export { fitLinear, type LinearKind, type LinearSpec } from "./fit.js";
export { LinearModel, LINEAR_FORMAT, LINEAR_FORMAT_VERSION, type LinearCoefficients, type LinearModelInfo, type LinearModelJson, type LinearTask } from "./model.js";
export { entryOrder, type LinearPath, type PathEntry, type PathSelection } from "./path.js";
export { Preprocessor, type PreprocessOptions } from "./preprocess.js";
export {
  ridgeParamsSchema,
  lassoParamsSchema,
  elasticNetParamsSchema,
  logisticParamsSchema,
  type RidgeParams,
  type LassoParams,
  type ElasticNetParams,
  type LogisticParams,
  type SelectionMetric,
} from "./params.js";
