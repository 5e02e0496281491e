/**
 * The quick model's data: which panel cells it uses and how they split into purged folds. Large
 * panels are cut down deterministically (validation/cells.ts): whole timestamps are sampled (so
 * every test timestamp keeps its full cross-section for the IC), and training rows per fit are
 * sampled with the seed. Its rows are models/rows.ts's tabularRows.
 */
import type { TargetSpec } from "../targets/spec.js";
import { InputError } from "../util/errors.js";
import { Rng } from "../util/random.js";
import { sampledCells, subsampleCells } from "../validation/cells.js";
import { foldCells, type Fold } from "../validation/splitters/index.js";
import { purgeForTarget } from "../validation/splitters/purge.js";
import { splitTimes } from "../validation/splitters/split.js";
import type { SplitterConfig } from "../validation/splitters/schema.js";
import type { LeakageConfig } from "./types.js";

export interface CvSetup {
  readonly T: number;
  readonly S: number;
  /** 1 where the cell is used (finite target at a sampled timestamp). */
  readonly valid: Uint8Array;
  readonly folds: readonly Fold[];
  /** Per fold: training cells (after purging and subsampling) and test cells, time-major order. */
  readonly train: readonly Int32Array[];
  readonly test: readonly Int32Array[];
}

/** Timestamps with a finite target, sampled down (seeded) so their cells fit in `maxRows`. */
function sampledValid(y: Float64Array, T: number, S: number, maxRows: number, seed: number): { valid: Uint8Array; times: Int32Array } {
  return sampledCells(y, T, S, { maxRows, seed, label: "leakage:model-times" });
}

/**
 * Purged folds over the target's valid cells. The purge uses the target's label window and the
 * pipeline.leakage purge settings; `featureLookback` is the longest lookback of the features.
 */
export function cvSetup(
  y: Float64Array,
  T: number,
  S: number,
  target: TargetSpec,
  leakage: LeakageConfig,
  splitter: SplitterConfig | undefined,
  featureLookback: number,
  seed: number,
): CvSetup {
  const qm = leakage.quick_model;
  const { valid, times } = sampledValid(y, T, S, qm.max_rows, seed);
  if (times.length < 2 * qm.folds) {
    throw new InputError(
      `leakage quick model: target "${target.name}" has values at only ${times.length} timestamps, too few for ${qm.folds} folds`,
      "use more data, or set pipeline.leakage.quick_model.enabled: false",
    );
  }
  const purge = purgeForTarget(target, leakage, leakage.include_feature_lookback_in_purge ? featureLookback : undefined);
  const plan = splitTimes(splitter ?? { kind: "purged_kfold", n_splits: qm.folds }, times, purge);
  const rng = new Rng(seed).fork("leakage:train-rows");
  const train: Int32Array[] = [];
  const test: Int32Array[] = [];
  for (const fold of plan.folds) {
    const cells = foldCells(fold, valid, T, S);
    train.push(subsampleCells(cells.train, qm.max_train_rows, rng.fork(fold.index)));
    test.push(cells.test);
  }
  return { T, S, valid, folds: plan.folds, train, test };
}

