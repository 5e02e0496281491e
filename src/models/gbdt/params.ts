import { z } from "zod";

/**
 * Hyperparameters of the GBDT families, with LightGBM's names. One schema builder serves every
 * family: each family passes its own defaults, so `lightgbm` grows leaf-wise and `xgboost` depth-wise
 * from the same validated shape.
 */

export const BUILTIN_OBJECTIVES = ["regression", "regression_l1", "huber", "quantile", "binary", "multiclass", "lambdarank"] as const;
export type BuiltinObjective = (typeof BUILTIN_OBJECTIVES)[number];

export const BUILTIN_METRICS = ["l2", "rmse", "l1", "huber", "quantile", "r2", "binary_logloss", "binary_error", "auc", "multi_logloss", "multi_error", "ndcg"] as const;
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

/**
 * A user-supplied objective (single output): fills the per-row gradient and hessian of the loss with
 * respect to the raw score. Sample weights are applied by the trainer afterwards.
 */
export interface CustomObjective {
  readonly name: string;
  gradHess(score: Float64Array, label: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /** Starting raw score for all rows; 0 when absent. */
  initScore?(label: Float64Array, weight: Float64Array | undefined): number;
  /** Maps a raw score to the prediction (e.g. a sigmoid); identity when absent. */
  transform?(raw: number): number;
}

/** A user-supplied validation metric for early stopping, on transformed predictions. */
export interface CustomMetric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  evaluate(pred: Float64Array, label: Float64Array, weight: Float64Array | undefined, group: Int32Array | undefined): number;
}

const isCustomObjective = (v: unknown): v is CustomObjective =>
  typeof v === "object" && v !== null && typeof (v as CustomObjective).name === "string" && typeof (v as CustomObjective).gradHess === "function";
const isCustomMetric = (v: unknown): v is CustomMetric =>
  typeof v === "object" && v !== null && typeof (v as CustomMetric).name === "string" && typeof (v as CustomMetric).evaluate === "function";

export interface GbdtDefaults {
  objective: BuiltinObjective;
  boosting: "gbdt" | "rf";
  grow_policy: "leafwise" | "depthwise";
  n_estimators: number;
  learning_rate: number;
  num_leaves: number;
  max_depth: number;
  min_data_in_leaf: number;
  min_sum_hessian_in_leaf: number;
  lambda_l1: number;
  lambda_l2: number;
  feature_fraction: number;
  feature_fraction_bynode: number;
  bagging_fraction: number;
  bagging_freq: number;
  extra_trees: boolean;
  alpha: number;
}

const prob = (name: string) => z.number().gt(0, `${name} must be in (0, 1]`).max(1, `${name} must be in (0, 1]`);

export function gbdtParamsSchema(d: GbdtDefaults) {
  return z
    .strictObject({
      objective: z
        .union([z.enum(BUILTIN_OBJECTIVES), z.custom<CustomObjective>(isCustomObjective, "expected a built-in objective name or a custom objective { name, gradHess }")])
        .default(d.objective)
        .describe("loss the trees minimise: regression (L2), regression_l1, huber, quantile, binary, multiclass, lambdarank, or a custom { name, gradHess }"),
      boosting: z.enum(["gbdt", "rf"]).default(d.boosting).describe("gbdt: trees fitted in sequence to the gradients; rf: a random forest (independent bagged trees, averaged)"),
      grow_policy: z.enum(["leafwise", "depthwise"]).default(d.grow_policy).describe("leafwise: split the leaf with the best gain first, up to num_leaves (LightGBM); depthwise: level by level up to max_depth (XGBoost)"),
      n_estimators: z.number().int().min(1).max(100_000).default(d.n_estimators).describe("boosting rounds (trees) at most; early stopping may use fewer"),
      learning_rate: z.number().gt(0).max(10).default(d.learning_rate).describe("shrinkage of each tree's contribution (smaller: more trees, usually better generalisation)"),
      num_leaves: z.number().int().min(2).max(131_072).default(d.num_leaves).describe("leaves per tree at most"),
      max_depth: z.number().int().min(-1).max(64).refine((v) => v !== 0, "max_depth must be -1 (no limit) or >= 1").default(d.max_depth).describe("-1 = no limit."),
      min_data_in_leaf: z.number().int().min(1).default(d.min_data_in_leaf).describe("rows a leaf must hold at least (larger: smoother, less overfit)"),
      min_sum_hessian_in_leaf: z.number().min(0).default(d.min_sum_hessian_in_leaf).describe("sum of hessians a leaf must hold at least"),
      lambda_l1: z.number().min(0).default(d.lambda_l1).describe("L1 penalty on leaf values"),
      lambda_l2: z.number().min(0).default(d.lambda_l2).describe("L2 penalty on leaf values"),
      min_gain_to_split: z.number().min(0).default(0).describe("gain a split must reach"),
      max_delta_step: z.number().min(0).default(0).describe("0 = no limit on a leaf's absolute output."),
      feature_fraction: prob("feature_fraction").default(d.feature_fraction).describe("share of features sampled per tree"),
      feature_fraction_bynode: prob("feature_fraction_bynode").default(d.feature_fraction_bynode).describe("share of the tree's features sampled per split"),
      bagging_fraction: prob("bagging_fraction").default(d.bagging_fraction).describe("share of rows sampled per bag (with bagging_freq > 0)"),
      bagging_freq: z.number().int().min(0).default(d.bagging_freq).describe("Re-draw the bag every k iterations; 0 = no bagging."),
      extra_trees: z.boolean().default(d.extra_trees).describe("draw one random threshold per feature at each split (extremely randomized trees)"),
      max_bin: z.number().int().min(2).max(65_535).default(255).describe("histogram bins per feature"),
      min_data_in_bin: z.number().int().min(1).default(3).describe("rows a bin must hold at least"),
      bin_construct_sample_cnt: z.number().int().min(1000).default(200_000).describe("rows sampled to find the bin boundaries"),
      categorical_feature: z.array(z.string()).default([]).describe("Names of features holding non-negative integer category codes."),
      max_cat_to_onehot: z.number().int().min(1).default(4).describe("categorical features with at most this many categories split one category against the rest"),
      max_cat_threshold: z.number().int().min(1).default(32).describe("categories on one side of a categorical split at most"),
      cat_smooth: z.number().min(0).default(10).describe("smoothing of categories' gradient statistics (fewer rows: pulled harder to the mean)"),
      cat_l2: z.number().min(0).default(10).describe("L2 penalty in categorical splits"),
      min_data_per_group: z.number().int().min(1).default(100).describe("rows a category group must hold at least"),
      num_class: z.number().int().min(1).default(1).describe("classes for multiclass (labels 0..num_class-1); 1 otherwise"),
      alpha: z.number().gt(0).lt(1).default(d.alpha).describe("Quantile level for `quantile`."),
      huber_delta: z.number().gt(0).default(1).describe("huber loss: residual size where the loss turns from squared to linear"),
      boost_from_average: z.boolean().default(true).describe("start from the label mean (or base rate) instead of 0"),
      lambdarank_truncation_level: z.number().int().min(1).default(30).describe("lambdarank: pairs are formed within the top this many of each query"),
      ndcg_eval_at: z.number().int().min(1).default(10).describe("Cut-off k of the NDCG metric."),
      metric: z.union([z.enum(BUILTIN_METRICS), z.custom<CustomMetric>(isCustomMetric, "expected a built-in metric name or a custom metric { name, higherIsBetter, evaluate }")]).optional().describe("Validation metric for early stopping; the objective's natural metric when absent."),
      early_stopping_rounds: z.number().int().min(0).default(0).describe("Stop when the validation metric has not improved for this many rounds; 0 = off."),
    })
    .superRefine((p, ctx) => {
      if (p.objective === "multiclass" && p.num_class < 2) {
        ctx.addIssue({ code: "custom", path: ["num_class"], message: "objective multiclass needs num_class >= 2" });
      }
      if (p.objective !== "multiclass" && p.num_class !== 1) {
        ctx.addIssue({ code: "custom", path: ["num_class"], message: "num_class is only for objective multiclass" });
      }
      if (p.boosting === "rf" && !(p.bagging_fraction < 1 && p.bagging_freq > 0) && p.feature_fraction_bynode >= 1 && !p.extra_trees) {
        ctx.addIssue({ code: "custom", path: ["bagging_fraction"], message: "boosting rf needs randomness: bagging_fraction < 1 with bagging_freq > 0, feature_fraction_bynode < 1 or extra_trees" });
      }
    });
}

export type GbdtParams = z.output<ReturnType<typeof gbdtParamsSchema>>;
