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
  /**
   * Where each row sits in the panel (set by the pipeline's fits): its bar index and symbol index.
   * Rows are in time order. Families that need time structure read it: inner out-of-fold splits
   * (ensemble, meta_learning) and a position's previous bar (reward_based).
   */
  rows?: RowIndex;
  /** Other targets' labels on the same rows, for families with `auxiliaryTargets` (multi_task). */
  aux?: AuxTargets;
}

export interface RowIndex {
  time: Int32Array;
  symbol: Int32Array;
}

/**
 * The run's other targets on the training rows: row-major [nRows x names.length], NaN where a
 * target has no label or its label window reaches into held-out time (the pipeline purges each
 * auxiliary label with its own window, so a longer horizon cannot see the test block).
 */
export interface AuxTargets {
  names: string[];
  objectives: Array<"regression" | "binary">;
  Y: Float64Array;
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
  /** Bars a label reads after its row (the target's label window): inner splits purge with it. */
  labelWindow?: number;
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
  /** True when the family learns from `TabularData.aux` (the pipeline then passes the run's other targets). */
  readonly auxiliaryTargets?: boolean;
  fit(train: TabularData, params: P, ctx: FitContext, valid?: TabularData): Promise<TrainedModel>;
  load(json: unknown): TrainedModel;
}
