import { InputError } from "../../util/errors.js";
import type { Family, FitContext, TabularData, TaskType } from "../family.js";
import { trainGbdt } from "./booster.js";
import { GbdtModel } from "./model.js";
import { gbdtParamsSchema, type GbdtDefaults, type GbdtParams } from "./params.js";

/**
 * The GBDT-based families: one tree learner, five sets of defaults. `lightgbm` grows leaf-wise,
 * `xgboost` depth-wise with XGBoost's regularisation defaults, `quantile_lightgbm` fits a conditional
 * quantile, and `random_forest` / `extra_trees` bag deep trees instead of boosting them.
 */

const base: GbdtDefaults = {
  objective: "regression",
  boosting: "gbdt",
  grow_policy: "leafwise",
  n_estimators: 100,
  learning_rate: 0.1,
  num_leaves: 31,
  max_depth: -1,
  min_data_in_leaf: 20,
  min_sum_hessian_in_leaf: 1e-3,
  lambda_l1: 0,
  lambda_l2: 0,
  feature_fraction: 1,
  feature_fraction_bynode: 1,
  bagging_fraction: 1,
  bagging_freq: 0,
  extra_trees: false,
  alpha: 0.9,
};

export const FAMILY_DEFAULTS: Record<string, GbdtDefaults> = {
  lightgbm: base,
  xgboost: { ...base, grow_policy: "depthwise", max_depth: 6, num_leaves: 64, min_data_in_leaf: 1, min_sum_hessian_in_leaf: 1, lambda_l2: 1 },
  quantile_lightgbm: { ...base, objective: "quantile", alpha: 0.5 },
  random_forest: { ...base, boosting: "rf", num_leaves: 255, min_data_in_leaf: 5, bagging_fraction: 0.632, bagging_freq: 1, feature_fraction_bynode: 0.5 },
  extra_trees: { ...base, boosting: "rf", num_leaves: 255, min_data_in_leaf: 5, extra_trees: true, feature_fraction_bynode: 0.5 },
};

const TASKS: Record<string, readonly TaskType[]> = {
  lightgbm: ["regression", "binary", "multiclass", "ranking"],
  xgboost: ["regression", "binary", "multiclass", "ranking"],
  quantile_lightgbm: ["regression"],
  random_forest: ["regression", "binary", "multiclass"],
  extra_trees: ["regression", "binary", "multiclass"],
};

function makeFamily(name: string): Family<GbdtParams> {
  const schema = gbdtParamsSchema(FAMILY_DEFAULTS[name]);
  return {
    name,
    kind: "tabular",
    tasks: TASKS[name],
    paramsSchema: schema,
    async fit(train: TabularData, params: GbdtParams, ctx: FitContext, valid?: TabularData) {
      const { model } = await trainGbdt(name, train, params, ctx, valid);
      return model;
    },
    load(json: unknown) {
      const model = GbdtModel.fromJSON(json);
      if (model.family !== name) throw new InputError(`model JSON is a "${model.family}" model, not "${name}"`, `load it with the "${model.family}" family`);
      return model;
    },
  };
}

export const lightgbmFamily = makeFamily("lightgbm");
export const xgboostFamily = makeFamily("xgboost");
export const quantileLightgbmFamily = makeFamily("quantile_lightgbm");
export const randomForestFamily = makeFamily("random_forest");
export const extraTreesFamily = makeFamily("extra_trees");

export const GBDT_FAMILIES = [lightgbmFamily, xgboostFamily, quantileLightgbmFamily, randomForestFamily, extraTreesFamily] as const;
