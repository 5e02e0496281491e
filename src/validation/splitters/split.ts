import { cpcvSplits } from "./cpcv.js";
import { normalizeTimes, type Fold } from "./fold.js";
import { purgedKFoldSplits } from "./kfold.js";
import type { PurgeSettings } from "./purge.js";
import type { SplitterConfig } from "./schema.js";
import { walkForwardSplits } from "./walk-forward.js";

/** What a configured splitter produces: folds, plus the backtest paths for CPCV. */
export interface SplitPlan {
  kind: SplitterConfig["kind"];
  folds: Fold[];
  /** CPCV only: paths[p][g] = fold whose predictions cover group g in path p. */
  paths?: number[][];
  /** CPCV only: time indices of each group. */
  groups?: Int32Array[];
}

/** A size from the configuration in eligible bars: fractions (< 1) of n become at least one bar. */
export function resolveSize(v: number | undefined, n: number): number | undefined {
  if (v === undefined) return undefined;
  return v < 1 ? Math.max(1, Math.round(v * n)) : v;
}

/**
 * Runs the configured splitter over the eligible time indices (sorted; or T for 0..T-1) with the
 * purge settings of the target being validated.
 */
export function splitTimes(config: SplitterConfig, times: ArrayLike<number> | number, purge: PurgeSettings): SplitPlan {
  const eligible = normalizeTimes(times);
  const n = eligible.length;
  switch (config.kind) {
    case "walk_forward": {
      const testSize = resolveSize(config.test_size, n);
      const folds = walkForwardSplits(
        eligible,
        {
          mode: config.mode,
          testSize,
          trainSize: resolveSize(config.train_size, n),
          step: resolveSize(config.step, n),
          nSplits: config.n_splits ?? (testSize === undefined ? 5 : undefined),
          gap: config.gap,
        },
        purge,
      );
      return { kind: config.kind, folds };
    }
    case "purged_kfold":
      return { kind: config.kind, folds: purgedKFoldSplits(eligible, config.n_splits, purge) };
    case "cpcv": {
      const plan = cpcvSplits(eligible, config.n_groups, config.n_test_groups, purge);
      return { kind: config.kind, folds: plan.folds, paths: plan.paths, groups: plan.groups };
    }
  }
}
