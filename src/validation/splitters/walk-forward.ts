import { InputError } from "../../util/errors.js";
import { assertUsable, makeFold, normalizeTimes, type Fold } from "./fold.js";
import { checkPurgeSettings, type PurgeSettings } from "./purge.js";

/**
 * Walk-forward validation: each test window is preceded by its training window and nothing after
 * the test is used, as in live trading. Expanding mode trains on everything before the test,
 * rolling mode on the most recent `trainSize` eligible times only. Windows are laid out backwards
 * from the last eligible time, so the most recent data is always tested; folds are returned in
 * chronological order.
 */
export interface WalkForwardOptions {
  mode: "expanding" | "rolling";
  /** Eligible times per test window; derived as floor(n / (nSplits + 1)) when absent. */
  testSize?: number;
  /** Rolling: training window length (eligible times, required). Expanding: minimum training length. */
  trainSize?: number;
  /** Eligible times between the starts of consecutive test windows; default testSize. */
  step?: number;
  /** Keep the last nSplits windows; without it, as many as fit. */
  nSplits?: number;
  /** Bars of time left out between training and test on top of the purge. Default 0. */
  gap?: number;
}

function positiveInt(v: number | undefined, key: string): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InputError(`walk-forward ${key} must be a whole number >= 1, got ${v}`);
}

/** The windows that fit, chronological, and the sizes they were laid out with (no count check). */
export interface WalkForwardLayout {
  folds: Fold[];
  testSize: number;
  step: number;
  minTrain: number;
}

/**
 * Lays the test windows out backwards from the last eligible time and keeps every window, up to
 * nSplits, whose training set reaches the minimum; stops at the first that does not. Throws only
 * for settings that are wrong whatever the data.
 */
export function walkForwardLayout(times: ArrayLike<number> | number, opts: WalkForwardOptions, purge: PurgeSettings): WalkForwardLayout {
  checkPurgeSettings(purge);
  const eligible = normalizeTimes(times);
  const n = eligible.length;
  positiveInt(opts.testSize, "test_size");
  positiveInt(opts.trainSize, "train_size");
  positiveInt(opts.step, "step");
  positiveInt(opts.nSplits, "n_splits");
  const gap = opts.gap ?? 0;
  if (!Number.isInteger(gap) || gap < 0) throw new InputError(`walk-forward gap must be a whole number >= 0, got ${gap}`);
  if (opts.mode === "rolling" && opts.trainSize === undefined) {
    throw new InputError("walk-forward in rolling mode needs train_size (the training window length in bars)");
  }
  const testSize = opts.testSize ?? (opts.nSplits !== undefined ? Math.floor(n / (opts.nSplits + 1)) : undefined);
  if (testSize === undefined) throw new InputError("walk-forward needs test_size or n_splits");
  if (testSize < 1) {
    throw new InputError(`walk-forward: ${n} eligible times are too few for n_splits = ${opts.nSplits}`, "use fewer splits or more data");
  }
  const step = opts.step ?? testSize;
  const minTrain = opts.trainSize ?? (opts.nSplits !== undefined ? 1 : testSize);

  const folds: Fold[] = [];
  for (let end = n; end - testSize >= 0; end -= step) {
    if (opts.nSplits !== undefined && folds.length === opts.nSplits) break;
    const start = end - testSize;
    const testTimes = eligible.slice(start, end);
    // candidates: eligible times before the test start, minus the gap (in bars of time)
    const cutoff = eligible[start] - gap;
    let m = start;
    while (m > 0 && eligible[m - 1] >= cutoff) m--;
    let fold = makeFold(0, testTimes, eligible.slice(0, m), purge);
    if (opts.mode === "rolling" && fold.trainTimes.length > opts.trainSize!) {
      fold = { ...fold, trainTimes: fold.trainTimes.slice(fold.trainTimes.length - opts.trainSize!) };
    }
    if (fold.trainTimes.length < minTrain) break;
    folds.push(fold);
  }
  folds.reverse();
  folds.forEach((f, i) => (f.index = i));
  return { folds, testSize, step, minTrain };
}

export function walkForwardSplits(times: ArrayLike<number> | number, opts: WalkForwardOptions, purge: PurgeSettings): Fold[] {
  const eligible = normalizeTimes(times);
  const n = eligible.length;
  const { folds, testSize, step, minTrain } = walkForwardLayout(eligible, opts, purge);
  if (opts.nSplits !== undefined && folds.length < opts.nSplits) {
    throw new InputError(
      `walk-forward: only ${folds.length} of n_splits = ${opts.nSplits} windows fit in ${n} eligible times ` +
        `(test_size ${testSize}, step ${step}, minimum training ${minTrain}, horizon ${purge.horizon} bars)`,
      "use fewer splits, smaller windows, or more data",
    );
  }
  if (folds.length === 0) {
    throw new InputError(
      `walk-forward: no window fits in ${n} eligible times (test_size ${testSize}, minimum training ${minTrain}, horizon ${purge.horizon} bars)`,
      "use smaller windows or more data",
    );
  }
  assertUsable(folds, "walk-forward", purge, n);
  return folds;
}
