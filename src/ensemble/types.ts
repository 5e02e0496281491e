import type { Score } from "../leakage/quick-model.js";
import type { CvData } from "../training/cv-data.js";
import type { Grouping } from "./standardize.js";

/** One trained family of a target: its name and out-of-fold predictions (T x S, NaN outside tested cells). */
export interface EnsembleMember {
  name: string;
  oof: Float64Array;
}

/** How one ensemble did on one fold of the target's plan (the shape of cvFit's FoldOutcome, plus how it was made). */
export interface EnsembleFold {
  index: number;
  /** Rows the fold's meta-learner was fitted on (0 for the rank average, which fits nothing). */
  trainRows: number;
  testRows: number;
  score: Score;
  /** Weights used on this fold, by member (normalized as in EnsembleResult.weights). */
  weights: Record<string, number>;
  /**
   * fitted: a meta-learner fitted on the fold's training cells; equal_weights: too few training
   * cells (or no member related to the target), so the members' equal-weight average;
   * fixed: the rank average's configured weights.
   */
  combination: "fitted" | "equal_weights" | "fixed";
  /**
   * True when the predictions the fold's meta-learner was fitted on came only from member models
   * that never trained on labels overlapping the fold's test period; null when nothing was fitted.
   */
  clean: boolean | null;
}

export interface EnsembleResult {
  /** Name of the ensemble as a model ("stacking", "rank_average"). */
  name: string;
  method: "stacking" | "rank_average";
  /** Members combined, in input order. */
  members: string[];
  /** Out-of-fold predictions (T x S, NaN outside tested cells). */
  oof: Float64Array;
  folds: EnsembleFold[];
  /** Score of all out-of-fold predictions together (scorePredictions, as cvFit's). */
  score: Score;
  /**
   * Member weights. Stacking: a meta-learner fitted on all out-of-fold cells (what a model trained
   * on all data would use), non-negative weights summing to 1 or ridge weights with absolute values
   * summing to 1. Rank average: the configured weights, summing to 1.
   */
  weights: Record<string, number>;
  /**
   * True when the predictions are forecasts on the scale of what the members were fitted to (R^2
   * means something); false for the rank average, a score in [-1/2, 1/2].
   */
  forecast: boolean;
  /** What a reader must know about how it was judged (e.g. residual optimism under k-fold). */
  notes: string[];
}

/** What the ensemble methods share: the target's folds and the members standardized once. */
export interface EnsembleContext {
  data: CvData;
  members: readonly EnsembleMember[];
  grouping: Grouping;
  /** Position of the fold whose model made each out-of-fold prediction (-1: never tested). */
  source: Int32Array;
}
