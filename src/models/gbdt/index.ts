/** GBDT families (LightGBM-style, XGBoost-style, quantile, random forest, extra trees); importing registers them. */
import { registerFamily } from "../registry.js";
import { GBDT_FAMILIES } from "./families.js";

for (const f of GBDT_FAMILIES) registerFamily(f);

export { trainGbdt, type EvalRecord, type TrainOutput, type TrainProfile } from "./booster.js";
export { GBDT_FAMILIES, FAMILY_DEFAULTS, lightgbmFamily, xgboostFamily, quantileLightgbmFamily, randomForestFamily, extraTreesFamily } from "./families.js";
export { GbdtModel, GBDT_FORMAT, GBDT_FORMAT_VERSION, type GbdtModelInfo, type GbdtModelJson, type ImportanceKind } from "./model.js";
export { gbdtParamsSchema, type GbdtParams, type CustomObjective, type CustomMetric } from "./params.js";
export { toXGBoostJson } from "./xgboost_json.js";
