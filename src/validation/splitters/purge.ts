import { InputError } from "../../util/errors.js";

/**
 * Purging by time. Every sample lives at a time index t of the Panel (0..T-1) and, under the
 * decision-time convention, its features read bars <= t and its label reads bars t+1..t+h.
 * A test block [a, b] (inclusive time indices) therefore has its labels in bars a+1..b+h.
 *
 * Purging keeps overlapping LABELS apart (Lopez de Prado, AFML ch. 7). A training time t is removed
 * when its label window [t+1, t+h] overlaps the test label span [a+1, b+h]:
 *  - before the block: t >= a - h + 1                (h - 1 times before a)
 *  - after the block:  t <= b + h - 1
 *  - the purge buffer widens both sides by `bufferBars`; the embargo removes a further
 *    `embargoBars` after the block, against the serial correlation the purge does not see.
 *
 * A feature's lookback is NOT purged by default. A feature at t reads bars t-L..t, the past only:
 * a training row after the block whose features read test-period bars learns nothing about the
 * test labels a model could use (its own label is later still), and what serial correlation links
 * them is the embargo's job. Purging the lookback as well costs L training times after every test
 * block, which on a short history (100 days, a 90-bar feature) leaves nothing to train on.
 * `pipeline.leakage.include_feature_lookback_in_purge` turns that conservative extra on:
 *  - with the feature lookback L, training times whose features (bars t-L..t) overlap the test
 *    label span go too: t <= b + h + L. Before the block this term does not apply, and in
 *    walk-forward, where training never follows the test, it changes nothing.
 *
 * All of this is by time index on the common axis, so it covers every symbol at once, whatever
 * its history: a symbol that starts late or has gaps is purged on the same times as the others.
 */
export interface PurgeSettings {
  /** Target horizon h in bars (>= 1): the label of time t reads bars t+1..t+h. */
  horizon: number;
  /** Extra bars removed on both sides of every test block (pipeline.leakage.purge_buffer_bars). */
  bufferBars: number;
  /** Bars removed after the purge zone that follows each test block (pipeline.leakage.embargo_bars). */
  embargoBars: number;
  /**
   * Longest feature lookback L in bars (a feature at t reads bars t-L..t), only when the
   * conservative pipeline.leakage.include_feature_lookback_in_purge is on (off by default);
   * undefined otherwise. In the feature registry's terms this is the maximum of
   * historyRows(spec) = lookback + lag - 1.
   */
  featureLookback?: number;
}

/** Builds PurgeSettings from the pipeline.leakage keys and the target's horizon, checking each number. */
export function purgeSettings(opts: {
  horizon: number;
  purge_buffer_bars?: number;
  embargo_bars?: number;
  include_feature_lookback_in_purge?: boolean;
  /** Longest lookback (bars) among the features in use; required when the lookback is included. */
  featureLookback?: number;
}): PurgeSettings {
  const settings: PurgeSettings = {
    horizon: opts.horizon,
    bufferBars: opts.purge_buffer_bars ?? 0,
    embargoBars: opts.embargo_bars ?? 0,
  };
  if (opts.include_feature_lookback_in_purge) {
    if (opts.featureLookback === undefined) {
      throw new InputError(
        "pipeline.leakage.include_feature_lookback_in_purge is on but no feature lookback was given",
        "pass the longest lookback of the selected features, or turn the option off",
      );
    }
    settings.featureLookback = opts.featureLookback;
  }
  checkPurgeSettings(settings);
  return settings;
}

/**
 * Purge settings for one target from the pipeline.leakage block: the purge horizon is the
 * target's label window (execution lag + horizon), the last bar its label reads.
 */
export function purgeForTarget(
  target: { window: number },
  leakage: { purge_buffer_bars: number; embargo_bars: number; include_feature_lookback_in_purge: boolean },
  featureLookback?: number,
): PurgeSettings {
  return purgeSettings({ horizon: target.window, ...leakage, featureLookback });
}

export function checkPurgeSettings(p: PurgeSettings): void {
  const whole = (v: number, min: number, what: string): void => {
    if (!Number.isInteger(v) || v < min) throw new InputError(`${what} must be a whole number >= ${min}, got ${v}`);
  };
  whole(p.horizon, 1, "target horizon (bars)");
  whole(p.bufferBars, 0, "pipeline.leakage.purge_buffer_bars");
  whole(p.embargoBars, 0, "pipeline.leakage.embargo_bars");
  if (p.featureLookback !== undefined) whole(p.featureLookback, 0, "feature lookback (bars)");
}

/** The inclusive range of training times removed around test block [a, b]. */
export function purgedRange(a: number, b: number, p: PurgeSettings): [number, number] {
  const lo = a - (p.horizon - 1) - p.bufferBars;
  const after = p.featureLookback === undefined ? p.horizon - 1 : p.horizon + p.featureLookback;
  const hi = b + after + p.bufferBars + p.embargoBars;
  return [lo, hi];
}

/** Splits sorted time indices into maximal runs of consecutive integers: inclusive [start, end] blocks. */
export function contiguousBlocks(sortedTimes: ArrayLike<number>): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  const n = sortedTimes.length;
  let i = 0;
  while (i < n) {
    const start = sortedTimes[i];
    let end = start;
    while (i + 1 < n && sortedTimes[i + 1] === end + 1) {
      i++;
      end = sortedTimes[i];
    }
    blocks.push([start, end]);
    i++;
  }
  return blocks;
}

/**
 * Removes from `candidates` (sorted time indices, none of them test times) every time inside the
 * purged range of any test block. Returns the kept times and how many were removed.
 */
export function applyPurge(candidates: Int32Array, testBlocks: ReadonlyArray<readonly [number, number]>, p: PurgeSettings): { kept: Int32Array; removed: number } {
  const ranges = testBlocks.map(([a, b]) => purgedRange(a, b, p)).sort((x, y) => x[0] - y[0]);
  const kept = new Int32Array(candidates.length);
  let n = 0;
  let r = 0;
  for (let i = 0; i < candidates.length; i++) {
    const t = candidates[i];
    while (r < ranges.length && ranges[r][1] < t) r++;
    // ranges are sorted by start; a later range can still cover t when ranges overlap
    let inside = false;
    for (let k = r; k < ranges.length && ranges[k][0] <= t; k++) {
      if (t <= ranges[k][1]) {
        inside = true;
        break;
      }
    }
    if (!inside) kept[n++] = t;
  }
  return { kept: kept.slice(0, n), removed: candidates.length - n };
}
