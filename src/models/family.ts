import type { z } from "zod";

/**
 * One interface for every model family (GBDT, linear, neural, ensembles), in the spirit of
 * scikit-learn's estimators. The pipeline knows families only through the registry, so adding a
 * family touches one folder.
 */

/** Tabular rows: row-major features, float32, NaN = missing. */
export interface TabularData {
  nRows: number;
  nFeatures: number;
  featureNames: string[];
  /** Row-major [nRows x nFeatures]. */
  X: Float32Array;
  /** Regression value, class index (0..K-1) or relevance grade; length nRows. */
  y: Float64Array;
  weight?: Float64Array;
  /** For ranking objectives: query (group) id per row, rows of one group contiguous. */
  group?: Int32Array;
  /** Starting score per row (per row x class for multiclass). */
  initScore?: Float64Array;
}

export type FamilyKind = "tabular" | "sequence";
export type TaskType = "regression" | "binary" | "multiclass" | "ranking";

export interface FitContext {
  seed: number;
  /** Worker threads the family may use; results must not depend on it. */
  threads: number;
  /** Structured logger (pino-compatible subset). */
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };
  signal?: AbortSignal;
}

export interface TrainedModel {
  readonly family: string;
  /** Predictions for each row; for multiclass, row-major [nRows x nClasses] probabilities. */
  predict(X: Float32Array, nRows: number): Float64Array;
  /** Feature importance by name (higher = more important), when the family has one. */
  importance?(kind?: string): Record<string, number>;
  /**
   * Predicted standard deviation of the target per row, for families that predict a distribution
   * (ngboost): the uncertainty of each prediction, which position sizing can divide by.
   */
  predictScale?(X: Float32Array, nRows: number): Float64Array;
  /** A versioned, JSON-serializable form that `Family.load` turns back into an identical model. */
  toJSON(): unknown;
}

export interface Family<P = unknown> {
  readonly name: string;
  readonly kind: FamilyKind;
  readonly tasks: readonly TaskType[];
  /** Validates and fills defaults for this family's hyperparameters. */
  readonly paramsSchema: z.ZodType<P>;
  fit(train: TabularData, params: P, ctx: FitContext, valid?: TabularData): Promise<TrainedModel>;
  load(json: unknown): TrainedModel;
}
