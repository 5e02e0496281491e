/**
 * One target on the panel, cut into purged folds: the cells every later stage (ranking, selection,
 * training, ensembling, evaluation) fits and scores on. Built once per target and stage so that
 * families compared with each other see exactly the same rows and folds.
 *
 * Large panels are cut down deterministically: whole timestamps are sampled (every test timestamp
 * keeps its full cross-section, which the IC needs) and training rows per fold are subsampled with
 * the seed.
 */
import { fitTarget, modelTask, typicalCrossSection, type ModelTask } from "../leakage/quick-model.js";
import type { TargetSpec } from "../targets/spec.js";
import { InputError } from "../util/errors.js";
import { Rng } from "../util/random.js";
import { sampledCells, subsampleCells } from "../validation/cells.js";
import { foldCells, splitTimes, type Fold, type PurgeSettings, type SplitPlan, type SplitterConfig } from "../validation/splitters/index.js";

export interface CvDataOptions {
  T: number;
  S: number;
  target: TargetSpec;
  /** The target's label grid (T x S, time-major, NaN where undefined). */
  y: Float64Array;
  splitter: SplitterConfig;
  /** Purge settings for this target (purgeFor / purgeForTarget: label window + buffer + embargo). */
  purge: PurgeSettings;
  seed: number;
  /** Cells used at most (seeded subset of whole timestamps); default: all. */
  maxRows?: number;
  /** Training rows per fold at most (seeded subsample); default: all. */
  maxTrainRows?: number;
  /** Cells that may be used besides a finite label (e.g. all features finite); default: all. */
  mask?: Uint8Array;
  /** Stream label for the seeds, so two stages sampling the same target do not share streams. */
  purpose?: string;
}

export interface CvData {
  readonly T: number;
  readonly S: number;
  readonly target: TargetSpec;
  /** The raw label grid. */
  readonly y: Float64Array;
  /** What the models are fitted to (the label, or its centred cross-sectional rank; see ModelTask). */
  readonly fitY: Float64Array;
  readonly task: ModelTask;
  /** 1 where the cell is used. */
  readonly valid: Uint8Array;
  readonly plan: SplitPlan;
  readonly folds: readonly Fold[];
  /** Per fold: training cells (after purging and subsampling) and test cells, time-major order. */
  readonly train: readonly Int32Array[];
  readonly test: readonly Int32Array[];
  /** The run's other targets on the same panel, for families that learn several at once (see fit-rows.ts). */
  readonly aux?: readonly AuxTarget[];
}

/** Another target's labels, as an auxiliary target of this one's fits. */
export interface AuxTarget {
  name: string;
  objective: "regression" | "binary";
  /** What that target's models fit (T x S, NaN where unused). */
  y: Float64Array;
  /** Its label window in bars: its labels are purged with it. */
  window: number;
}

export function makeCvData(o: CvDataOptions): CvData {
  const { T, S, y, target } = o;
  if (y.length !== T * S) throw new Error(`makeCvData: label grid has ${y.length} cells, expected ${T * S}`);
  const purpose = o.purpose ?? "cv";
  const { task, fitY } = fitSetup(target, y, T, S);
  const { valid, times } = sampledCells(y, T, S, { maxRows: o.maxRows, seed: o.seed, label: `${purpose}:times`, mask: fittableMask(fitY, o.mask) });
  const minTimes = 4;
  if (times.length < minTimes) {
    throw new InputError(`target "${target.name}" has values at only ${times.length} timestamps, too few to cross-validate`, "use more data or a shorter horizon");
  }
  const plan = splitTimes(o.splitter, times, o.purge);
  const { train, test } = foldTrainTest(plan.folds, valid, T, S, o.maxTrainRows, new Rng(o.seed).fork(`${purpose}:train-rows`));
  return { T, S, target, y, fitY, task, valid, plan, folds: plan.folds, train, test };
}

/** The model task for a target's labels (scored across symbols only where they form a cross-section) and what is fitted. */
export function fitSetup(target: TargetSpec, y: Float64Array, T: number, S: number): { task: ModelTask; fitY: Float64Array } {
  const task = modelTask(target, typicalCrossSection(y, T, S));
  return { task, fitY: fitTarget(y, T, S, task) };
}

/** Per fold: its valid training cells (subsampled to `maxTrainRows`, seeded by fold from `rng`) and test cells. */
export function foldTrainTest(folds: readonly Fold[], valid: Uint8Array, T: number, S: number, maxTrainRows: number | undefined, rng: Rng): { train: Int32Array[]; test: Int32Array[] } {
  const train: Int32Array[] = [];
  const test: Int32Array[] = [];
  for (const fold of folds) {
    const cells = foldCells(fold, valid, T, S);
    train.push(maxTrainRows === undefined ? cells.train : subsampleCells(cells.train, maxTrainRows, rng.fork(fold.index)));
    test.push(cells.test);
  }
  return { train, test };
}

/**
 * Cells a model can be fitted to: a finite fitted value (a label whose timestamp holds a single
 * symbol has no cross-sectional rank, as on intraday bars with gaps), inside `mask` when given.
 */
export function fittableMask(fitY: Float64Array, mask?: Uint8Array): Uint8Array {
  const out = new Uint8Array(fitY.length);
  for (let c = 0; c < fitY.length; c++) out[c] = Number.isFinite(fitY[c]) && (mask === undefined || mask[c] === 1) ? 1 : 0;
  return out;
}

/** Cells tested by at least one fold, in time-major order (the out-of-fold cells). */
export function testedCells(data: CvData): Int32Array {
  const mark = new Uint8Array(data.T * data.S);
  for (const cells of data.test) for (const c of cells) mark[c] = 1;
  let n = 0;
  for (let i = 0; i < mark.length; i++) if (mark[i]) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < mark.length; i++) if (mark[i]) out[n++] = i;
  return out;
}
