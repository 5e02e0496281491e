/**
 * The outer folds of nested validation: test blocks on the panel's common time axis (the same for
 * every target, so the targets compete inside a fold on the same periods), and per target the
 * training times before each block, purged by the target's label window and the purge buffer with
 * the splitters' own purge. A fold's training part is expressed as a masked label grid: features
 * are causal (a feature at t reads bars <= t), so the stages that only see the labels at the
 * fold's training times learn nothing of its test block.
 */
import type { TargetSpec } from "../../targets/spec.js";
import { fitSetup, fittableMask, foldTrainTest, type CvData } from "../../training/cv-data.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import { makeFold, type Fold, type PurgeSettings } from "../../validation/splitters/index.js";
import type { NestingConfig } from "./schema.js";

/** Inclusive [start, end] time indices of one outer test block. */
export type Block = [number, number];

/** Outer test blocks in chronological order (empty when nesting is off). */
export function outerTestBlocks(T: number, nesting: NestingConfig): Block[] {
  if (nesting.mode === "off") return [];
  if (nesting.mode === "holdout") {
    const start = T - Math.max(1, Math.round(T * nesting.holdout_share));
    if (start < 8) throw new InputError(`pipeline.nesting.holdout_share ${nesting.holdout_share} leaves ${start} bars before the holdout`, "use a smaller holdout_share or more data");
    return [[start, T - 1]];
  }
  const first = Math.round(T * nesting.min_train_share);
  const n = T - first;
  const K = nesting.outer_folds;
  if (first < 8 || n < K * 2) {
    throw new InputError(
      `pipeline.nesting: ${T} bars are too few for ${K} outer folds after min_train_share ${nesting.min_train_share}`,
      "use fewer pipeline.nesting.outer_folds, a smaller min_train_share, mode holdout or off, or more data",
    );
  }
  const blocks: Block[] = [];
  for (let k = 0; k < K; k++) {
    const a = first + Math.floor((k * n) / K);
    const b = first + Math.floor(((k + 1) * n) / K) - 1;
    blocks.push([a, b]);
  }
  return blocks;
}

/** Outer fold `index` for one target: its test block and the purged times before it. */
export function outerFold(index: number, block: Block, purge: PurgeSettings): Fold {
  const [a, b] = block;
  const test = new Int32Array(b - a + 1);
  for (let i = 0; i < test.length; i++) test[i] = a + i;
  const before = new Int32Array(a);
  for (let t = 0; t < a; t++) before[t] = t;
  return makeFold(index, test, before, purge);
}

/** The label grid with NaN outside `times` (sorted time indices). */
export function maskToTimes(grid: Float64Array, T: number, S: number, times: Int32Array): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  for (const t of times) {
    if (t >= T) continue;
    const row = t * S;
    for (let s = 0; s < S; s++) out[row + s] = grid[row + s];
  }
  return out;
}

/**
 * Holdout mode: the targets as every stage before the nested one sees them, their labels hidden
 * from the holdout block on and over the purge before it (a label just before the holdout reads
 * bars inside it). Other modes: the targets unchanged.
 */
export function hideHoldout<B extends { target: TargetSpec; grid: Float64Array }>(targets: readonly B[], T: number, S: number, nesting: NestingConfig, purgeOf: (target: TargetSpec) => PurgeSettings): B[] {
  if (nesting.mode !== "holdout") return [...targets];
  const [block] = outerTestBlocks(T, nesting);
  return targets.map((b) => ({ ...b, grid: maskToTimes(b.grid, T, S, outerFold(0, block, purgeOf(b.target)).trainTimes) }));
}

/**
 * The target over its outer folds as a CvData: fold k trains on the cells at its purged training
 * times (subsampled to `maxTrainRows` with the seed) and tests on its block. Its plan is a
 * walk-forward one, so evaluation and stacking treat it as such (earlier folds' models are clean
 * for later folds).
 */
export function outerCvData(o: { target: TargetSpec; grid: Float64Array; T: number; S: number; folds: readonly Fold[]; maxTrainRows: number; seed: number }): CvData {
  const { T, S, target, grid: y } = o;
  const { task, fitY } = fitSetup(target, y, T, S);
  const valid = fittableMask(fitY);
  const { train, test } = foldTrainTest(o.folds, valid, T, S, o.maxTrainRows, new Rng(o.seed).fork(`nested:${target.name}:train-rows`));
  const folds = [...o.folds];
  return { T, S, target, y, fitY, task, valid, plan: { kind: "walk_forward", folds, requestedFolds: folds.length, adapted: null }, folds, train, test };
}

/** One outer fold of the target's CvData alone (what cvFit fits and predicts for that fold). */
export function foldView(data: CvData, k: number): CvData {
  return { ...data, plan: { kind: "walk_forward", folds: [data.folds[k]], requestedFolds: 1, adapted: null }, folds: [data.folds[k]], train: [data.train[k]], test: [data.test[k]] };
}
