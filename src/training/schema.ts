import { z } from "zod";
import { splitterSchema } from "../validation/splitters/schema.js";
import { searchSpaceOverridesSchema } from "./hpo/space.js";

/**
 * The training section of the configuration (pipeline.training): how every configured family is
 * cross-validated on every kept target, when a family counts as having no signal, the final model
 * fitted on all the data, and the optional hyperparameter search.
 *
 * Default splitter: purged k-fold (5 folds). Every cell is tested exactly once, so the out-of-fold
 * predictions cover the whole sample: ensembling stacks on them and evaluation scores and backtests
 * them over the full period (walk-forward leaves the first stretch untested and trains its early
 * folds on little data). Purging by the label window plus the embargo in pipeline.leakage keep the
 * folds apart; choose walk_forward when strictly causal out-of-sample paths are the point.
 */

export const pruneSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("stop trials whose early folds are hopeless"),
  warmup_folds: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe("leading folds that never prune: 0 = a trial may stop after its first fold, 1 = after its second"),
  percentile: z
    .number()
    .min(0)
    .max(100)
    .default(50)
    .describe("a trial stops when its running mean fold score is below this percentile of the completed trials' running means at the same fold (50 = median)"),
  min_trials: z.number().int().min(1).default(5).describe("completed trials needed before any trial is pruned"),
});

export const hpoSchema = z.strictObject({
  enabled: z.boolean().default(false).describe("search each family's hyperparameters (TPE) on the training folds"),
  trials: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(20)
    .describe("configurations tried per family and target, the configured one first (so the best is never worse than it on the folds)"),
  minutes: z
    .number()
    .positive()
    .optional()
    .describe(
      "wall-clock budget per family and target: no trial starts after it (whichever of trials and minutes comes first). Only the trial budget is reproducible: how many trials fit in the time depends on the machine and its load",
    ),
  prune: pruneSchema.prefault({}).describe("percentile pruning on the cross-validation folds"),
  startup_trials: z.number().int().min(0).default(5).describe("first trials (the configured one included) drawn at random before TPE models the results"),
  gamma: z.number().gt(0).max(1).default(0.25).describe("share of the trials that count as good when TPE splits them into good and bad"),
  candidates: z.number().int().min(1).max(10_000).default(24).describe("candidates TPE draws from the good trials' density per parameter; the best by l(x)/g(x) is tried"),
  search_space: searchSpaceOverridesSchema
    .optional()
    .describe(
      "per family: parameter -> {type: float|int, low, high, log} or {type: categorical, choices}, or false to leave a default parameter out; merged into the built-in space of the family",
    ),
});

export const noSignalSchema = z.strictObject({
  min_t_stat: z
    .number()
    .default(2)
    .describe("a family whose out-of-fold skill is not above no skill by at least this t-statistic gets status no_signal (and no final model)"),
});

export const trainingSchema = z.strictObject({
  splitter: splitterSchema.prefault({ kind: "purged_kfold" }).describe("cross-validation scheme for training (purged k-fold: every cell tested once, full out-of-fold coverage)"),
  max_rows: z
    .number()
    .int()
    .min(100)
    .default(200_000)
    .describe("cells used per target at most (seeded sample of whole timestamps, so every test timestamp keeps its full cross-section)"),
  max_train_rows: z
    .number()
    .int()
    .min(100)
    .default(20_000)
    .describe("training rows per fit at most (seeded subsample of each fold's training cells, and of the final model's)"),
  valid_fraction: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.15)
    .describe("latest share of each fit's training times held out (purged) for early stopping and lambda selection; 0 = none"),
  final_model: z.boolean().default(true).describe("after cross-validation, fit each family with signal on all cells with its best parameters and save it"),
  no_signal: noSignalSchema.prefault({}).describe("when a family counts as having found nothing"),
  hpo: hpoSchema.prefault({}).describe("hyperparameter search per family"),
});

export type TrainingConfig = z.infer<typeof trainingSchema>;
export type HpoConfig = z.infer<typeof hpoSchema>;
