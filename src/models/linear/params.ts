import { z } from "zod";

/**
 * Hyperparameters of the linear families. Penalty strength `lambda` is on the mean-loss scale,
 * as in scikit-learn's Lasso/ElasticNet and glmnet: objective = (1 / (2 sum w)) sum w (y - b - x.beta)^2
 * + lambda (l1_ratio |beta|_1 + (1 - l1_ratio) / 2 |beta|^2) on standardized features, so one value
 * means the same shrinkage for 1,000 rows or 1,000,000. Ridge uses the same scale (its lambda equals
 * scikit-learn's Ridge alpha divided by the number of rows); logistic replaces the squared error by
 * the mean log loss (scikit-learn's C = 1 / (lambda sum w)).
 */

export const REGRESSION_SELECTION_METRICS = ["mse", "ic", "rank_ic"] as const;
export const CLASSIFICATION_SELECTION_METRICS = ["logloss", "auc"] as const;
export type SelectionMetric = (typeof REGRESSION_SELECTION_METRICS)[number] | (typeof CLASSIFICATION_SELECTION_METRICS)[number];

/** Preprocessing and convergence settings shared by every linear family. */
const commonShape = {
  fit_intercept: z.boolean().default(true).describe("fit an unpenalized intercept"),
  standardize: z
    .boolean()
    .default(true)
    .describe("scale features to unit (weighted) variance before penalizing, so the penalty treats them alike; coefficients are reported on both scales"),
  missing_indicator: z
    .boolean()
    .default(true)
    .describe("add a 0/1 column per feature that had missing values in training (missingness is often informative)"),
  winsorize: z
    .number()
    .min(0)
    .lt(0.5)
    .default(0)
    .describe("clip each feature to its [q, 1 - q] training quantiles (0 = off); tames fat tails"),
  max_iter: z.number().int().min(1).max(1_000_000).default(1000).describe("solver iteration cap (coordinate-descent passes per lambda, or L-BFGS iterations)"),
  tol: z.number().gt(0).lt(1).default(1e-7).describe("convergence tolerance, relative to the null model's loss"),
};

const lambdaSchema = z
  .union([z.literal("auto"), z.number().min(0)])
  .default("auto")
  .describe('penalty strength, or "auto" to fit a path and pick lambda on the validation set (else a time-ordered holdout)');

/** Regularization path and lambda selection. */
function pathShape(metrics: readonly [string, ...string[]], defaultMetric: string, nLambda: number) {
  return {
    lambda: lambdaSchema,
    n_lambda: z.number().int().min(1).max(1000).default(nLambda).describe("points on the log-spaced lambda grid"),
    lambda_min_ratio: z
      .union([z.literal("auto"), z.number().gt(0).lt(1)])
      .default("auto")
      .describe('smallest lambda as a fraction of the largest; "auto" = 1e-4 when rows > features, else 1e-2'),
    lambda_selection: z.enum(["min", "one_se"]).default("min").describe("best score, or the largest lambda within one standard error of it (sparser)"),
    selection_metric: z.enum(metrics as [string, ...string[]]).default(defaultMetric).describe("score used to pick lambda"),
    holdout_fraction: z
      .number()
      .gt(0)
      .max(0.5)
      .default(0.2)
      .describe("without a validation set: the last fraction of training rows (rows must be in time order) scores the path"),
    holdout_gap_rows: z
      .union([z.literal("auto"), z.number().int().min(0)])
      .default("auto")
      .describe('rows dropped between the inner training part and the holdout so labels cannot overlap; set it to horizon x symbols; "auto" = 1% of rows'),
  };
}

const maxActive = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe("stop the path once more than this many coefficients are nonzero");

const cdSolver = z
  .enum(["auto", "covariance", "naive"])
  .default("auto")
  .describe("coordinate descent on the Gram matrix (covariance updates, memory p^2) or on the rows (naive updates, wide data); auto = covariance up to 500 features");

export const ridgeParamsSchema = z.strictObject({
  ...commonShape,
  ...pathShape(REGRESSION_SELECTION_METRICS, "mse", 30),
  solver: z
    .enum(["auto", "cholesky", "cg"])
    .default("auto")
    .describe("Cholesky of the Gram matrix, or conjugate gradient without forming it (many features); auto = Cholesky up to 1000 features"),
});

export const lassoParamsSchema = z.strictObject({
  ...commonShape,
  ...pathShape(REGRESSION_SELECTION_METRICS, "mse", 100),
  max_active: maxActive,
  solver: cdSolver,
});

export const elasticNetParamsSchema = z.strictObject({
  ...commonShape,
  ...pathShape(REGRESSION_SELECTION_METRICS, "mse", 100),
  l1_ratio: z.number().gt(0).max(1).default(0.5).describe("mix of the L1 (1) and L2 (0) penalties; > 0 so the path has a largest lambda"),
  max_active: maxActive,
  solver: cdSolver,
});

export const logisticParamsSchema = z
  .strictObject({
    ...commonShape,
    ...pathShape(CLASSIFICATION_SELECTION_METRICS, "logloss", 50),
    penalty: z.enum(["l2", "l1", "elasticnet"]).default("l2").describe("l2 (ridge), l1 (lasso: sparse coefficients) or elasticnet (a mix, l1_ratio)"),
    l1_ratio: z.number().min(0).max(1).optional().describe("mix of L1 and L2 for penalty elasticnet (default 0.5)"),
    num_class: z.number().int().min(2).optional().describe("number of classes; default: largest label + 1 (2 = binary)"),
    max_active: maxActive,
    solver: z
      .enum(["auto", "newton_cd", "lbfgs"])
      .default("auto")
      .describe("proximal Newton with coordinate descent (any penalty), or L-BFGS (l2 only); auto = L-BFGS for l2"),
  })
  .superRefine((p, ctx) => {
    if (p.l1_ratio !== undefined && p.penalty !== "elasticnet") {
      ctx.addIssue({ code: "custom", path: ["l1_ratio"], message: "l1_ratio is only for penalty elasticnet" });
    }
    if (p.solver === "lbfgs" && p.penalty !== "l2") {
      ctx.addIssue({ code: "custom", path: ["solver"], message: `solver lbfgs needs penalty l2 (the ${p.penalty} penalty is not smooth); use newton_cd` });
    }
    if (p.selection_metric === "auc" && p.num_class !== undefined && p.num_class > 2) {
      ctx.addIssue({ code: "custom", path: ["selection_metric"], message: "selection_metric auc is for binary targets; use logloss" });
    }
  });

export type RidgeParams = z.output<typeof ridgeParamsSchema>;
export type LassoParams = z.output<typeof lassoParamsSchema>;
export type ElasticNetParams = z.output<typeof elasticNetParamsSchema>;
export type LogisticParams = z.output<typeof logisticParamsSchema>;
export type LinearParams = RidgeParams | LassoParams | ElasticNetParams | LogisticParams;
