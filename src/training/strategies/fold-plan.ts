/**
 * One fold plan shared by several targets, for a model that learns them together. Each target's
 * CvData was purged with its own label window; a network trained on all the targets at once sees
 * every target's label on every training row, so the shared plan is purged with the LONGEST label
 * window: no training row's longest label window overlaps a test row's.
 *
 * The plan is the longest-window target's own (built with the same splitter and pipeline.leakage
 * purge settings, so buffer, embargo and feature lookback are already in it), and its training
 * times are purged once more by the longest window alone: a no-op when the caller used
 * purgeForTarget, and the guarantee itself when it did not.
 */
import { subsampleCells } from "../../validation/cells.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import { applyPurge } from "../../validation/splitters/index.js";
import type { CvData } from "../cv-data.js";

export interface SharedFold {
  /** The fold's index in the base target's plan. */
  index: number;
  /** Training times after the longest-window purge, sorted. */
  trainTimes: Int32Array;
  testTimes: Int32Array;
  /** Cells (t * S + s) at those times where at least one target has a value, time-major. */
  train: Int32Array;
  test: Int32Array;
}

export interface SharedFoldPlan {
  T: number;
  S: number;
  /** The longest label window of the targets, in bars: what the plan is purged with. */
  window: number;
  /** The target whose folds the plan takes (the longest window; the first on ties). */
  base: string;
  /** 1 where at least one target has a value. */
  anyValid: Uint8Array;
  folds: SharedFold[];
}

/**
 * The shared plan of `datas` (one per target, same panel, same splitter). `maxTrainRows` caps each
 * fold's training cells (seeded subsample, as makeCvData does per target).
 */
export function sharedFoldPlan(datas: readonly CvData[], opts: { seed: number; maxTrainRows?: number; purpose?: string }): SharedFoldPlan {
  if (datas.length === 0) throw new InputError("multi-task: no targets given");
  const { T, S } = datas[0];
  let base = datas[0];
  for (const d of datas) {
    if (d.T !== T || d.S !== S) {
      throw new InputError(`multi-task: target "${d.target.name}" is on a ${d.T} x ${d.S} panel, target "${datas[0].target.name}" on ${T} x ${S}`, "build every target's CvData from the same panel");
    }
    if (d.plan.kind !== datas[0].plan.kind || d.folds.length !== datas[0].folds.length) {
      throw new InputError(
        `multi-task: target "${d.target.name}" was split by ${d.plan.kind} into ${d.folds.length} folds, target "${datas[0].target.name}" by ${datas[0].plan.kind} into ${datas[0].folds.length}`,
        "build every target's CvData with the same splitter",
      );
    }
    if (d.target.window > base.target.window) base = d;
  }
  const window = base.target.window;
  const anyValid = new Uint8Array(T * S);
  for (const d of datas) for (let c = 0; c < T * S; c++) if (d.valid[c]) anyValid[c] = 1;
  const rng = new Rng(opts.seed).fork(`${opts.purpose ?? "multi-task"}:train-rows`);
  const folds: SharedFold[] = base.folds.map((fold, k) => {
    const trainTimes = applyPurge(fold.trainTimes, fold.testBlocks, { horizon: window, bufferBars: 0, embargoBars: 0 }).kept;
    let train = cellsAt(trainTimes, anyValid, S);
    if (opts.maxTrainRows !== undefined) train = subsampleCells(train, opts.maxTrainRows, rng.fork(k));
    return { index: fold.index, trainTimes, testTimes: fold.testTimes, train, test: cellsAt(fold.testTimes, anyValid, S) };
  });
  return { T, S, window, base: base.target.name, anyValid, folds };
}

function cellsAt(times: Int32Array, valid: Uint8Array, S: number): Int32Array {
  let n = 0;
  for (const t of times) for (let s = 0; s < S; s++) if (valid[t * S + s]) n++;
  const out = new Int32Array(n);
  n = 0;
  for (const t of times) for (let s = 0; s < S; s++) if (valid[t * S + s]) out[n++] = t * S + s;
  return out;
}
