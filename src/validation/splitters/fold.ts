import { InputError } from "../../util/errors.js";
import { applyPurge, contiguousBlocks, type PurgeSettings } from "./purge.js";

/** One train/test split over time indices of the Panel. */
export interface Fold {
  /** Position of the fold in its plan, 0-based, chronological for walk-forward. */
  index: number;
  /** Training time indices, sorted, after purging and embargo. */
  trainTimes: Int32Array;
  /** Test time indices, sorted. */
  testTimes: Int32Array;
  /** Maximal runs of consecutive test times: inclusive [start, end]. */
  testBlocks: Array<[number, number]>;
  /** Candidate training times removed by the purge and embargo. */
  purgedCount: number;
  /** CPCV only: the groups that form the test set. */
  testGroups?: number[];
}

/**
 * The eligible time indices a splitter works on: a sorted list of distinct times, usually the
 * times at which at least one symbol has a valid row. A number T stands for 0..T-1.
 */
export function normalizeTimes(times: ArrayLike<number> | number): Int32Array {
  if (typeof times === "number") {
    if (!Number.isInteger(times) || times < 0) throw new Error(`splitter: T must be a whole number >= 0, got ${times}`);
    const out = new Int32Array(times);
    for (let i = 0; i < times; i++) out[i] = i;
    return out;
  }
  const out = Int32Array.from(times as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (out[i] < 0 || out[i] !== times[i]) throw new Error(`splitter: time index ${times[i]} at position ${i} is not a whole number >= 0`);
    if (i > 0 && out[i] <= out[i - 1]) throw new Error(`splitter: time indices must be strictly increasing (position ${i}: ${out[i]} after ${out[i - 1]})`);
  }
  return out;
}

/**
 * Splits n positions into `parts` contiguous groups whose sizes differ by at most one (the first
 * n % parts groups get the extra one, as numpy.array_split). Returns group start positions plus n.
 */
export function groupBounds(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  const bounds = [0];
  for (let g = 0; g < parts; g++) bounds.push(bounds[g] + base + (g < extra ? 1 : 0));
  return bounds;
}

/**
 * Builds a fold from its test times: training candidates are all other eligible times (or the
 * given candidates), purged around every test block.
 */
export function makeFold(index: number, testTimes: Int32Array, candidates: Int32Array, purge: PurgeSettings, testGroups?: number[]): Fold {
  const testBlocks = contiguousBlocks(testTimes);
  const { kept, removed } = applyPurge(candidates, testBlocks, purge);
  const fold: Fold = { index, trainTimes: kept, testTimes, testBlocks, purgedCount: removed };
  if (testGroups) fold.testGroups = testGroups;
  return fold;
}

/** Eligible times not in the sorted set `exclude`. */
export function complement(eligible: Int32Array, exclude: Int32Array): Int32Array {
  const out = new Int32Array(eligible.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < eligible.length; i++) {
    const t = eligible[i];
    while (j < exclude.length && exclude[j] < t) j++;
    if (j < exclude.length && exclude[j] === t) continue;
    out[n++] = t;
  }
  return out.slice(0, n);
}

/** The purge in words: "horizon 5 + buffer 5 + embargo 5 bars" (and the lookback when it is purged). */
export function purgeText(purge: PurgeSettings): string {
  const parts = [`horizon ${purge.horizon}`];
  if (purge.bufferBars > 0) parts.push(`buffer ${purge.bufferBars}`);
  if (purge.embargoBars > 0) parts.push(`embargo ${purge.embargoBars}`);
  if (purge.featureLookback !== undefined) parts.push(`feature lookback ${purge.featureLookback}`);
  return `${parts.join(" + ")} bars`;
}

/** Fails with a message that says which setting to change when a fold has nothing to train or test on. */
export function assertUsable(folds: Fold[], what: string, purge: PurgeSettings, nEligible: number): void {
  for (const f of folds) {
    if (f.testTimes.length === 0 || f.trainTimes.length === 0) {
      const lookback = purge.featureLookback === undefined ? "" : ", turn off pipeline.leakage.include_feature_lookback_in_purge";
      throw new InputError(
        `${what}: fold ${f.index} has ${f.trainTimes.length} training and ${f.testTimes.length} test times after purging ` +
          `(${nEligible} eligible times, ${purgeText(purge)})`,
        `use a shorter horizon, smaller pipeline.leakage.purge_buffer_bars or embargo_bars${lookback}, or more history`,
      );
    }
  }
}
