import { InputError } from "../../util/errors.js";
import { cpcvSplits, binomial } from "./cpcv.js";
import { normalizeTimes, purgeText, type Fold } from "./fold.js";
import { purgedKFoldSplits } from "./kfold.js";
import type { PurgeSettings } from "./purge.js";
import type { SplitterConfig } from "./schema.js";
import { walkForwardLayout, walkForwardSplits } from "./walk-forward.js";

/** What a configured splitter produces: folds, plus the backtest paths for CPCV. */
export interface SplitPlan {
  kind: SplitterConfig["kind"];
  folds: Fold[];
  /** CPCV only: paths[p][g] = fold whose predictions cover group g in path p. */
  paths?: number[][];
  /** CPCV only: time indices of each group. */
  groups?: Int32Array[];
  /** Folds the configuration asked for (CPCV: C(n_groups, n_test_groups) splits). */
  requestedFolds: number;
  /**
   * Null when the plan is what the configuration asked for; otherwise one sentence saying what was
   * asked, what the history held and why ("purged k-fold: 5 folds asked, 3 fit in 98 timestamps
   * with horizon 5 + buffer 5 + embargo 5 bars"), for the stage's warnings and files.
   */
  adapted: string | null;
}

/** A size from the configuration in eligible bars: fractions (< 1) of n become at least one bar. */
export function resolveSize(v: number | undefined, n: number): number | undefined {
  if (v === undefined) return undefined;
  return v < 1 ? Math.max(1, Math.round(v * n)) : v;
}

/** The folds `make` cuts, or undefined when the history cannot hold them (an InputError). */
function attempt<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/**
 * Runs the configured splitter over the eligible time indices (sorted; or T for 0..T-1) with the
 * purge settings of the target being validated.
 *
 * A short history is met deliberately: when the plan asked for does not fit (a fold would have no
 * training or no test time after purging), the splitter takes the largest smaller plan that does
 * and says so in `adapted`, down to a floor below which it fails with the original error:
 *  - purged k-fold: n_splits down to 2. (Fewer folds mean larger test groups and so less training
 *    per fold; this rescues a history with fewer timestamps than folds, never a purge that eats
 *    every fold's training: that error names the horizon, buffer and embargo to change.)
 *  - walk-forward with n_splits: the windows keep their size (derived from the n_splits asked) and
 *    the most recent ones that have training data before them are kept, down to one.
 *  - CPCV: n_test_groups down to 1 (fewer test groups purge fewer blocks out of each split's
 *    training; n_groups stays, so the groups keep their size; one test group is purged k-fold).
 */
export function splitTimes(config: SplitterConfig, times: ArrayLike<number> | number, purge: PurgeSettings): SplitPlan {
  const eligible = normalizeTimes(times);
  const n = eligible.length;
  const where = `in ${n} timestamps with ${purgeText(purge)}`;
  switch (config.kind) {
    case "walk_forward": {
      const testSize = resolveSize(config.test_size, n);
      const opts = {
        mode: config.mode,
        testSize,
        trainSize: resolveSize(config.train_size, n),
        step: resolveSize(config.step, n),
        nSplits: config.n_splits ?? (testSize === undefined ? 5 : undefined),
        gap: config.gap,
      };
      const asked = opts.nSplits;
      const layout = attempt(() => walkForwardLayout(eligible, opts, purge));
      if (asked !== undefined && layout !== undefined && layout.folds.length >= 1 && layout.folds.length < asked) {
        const fit = layout.folds.length;
        const folds = walkForwardSplits(eligible, { ...opts, testSize: layout.testSize, nSplits: fit }, purge);
        return { kind: config.kind, folds, requestedFolds: asked, adapted: `walk-forward: ${asked} windows asked, ${fit} fit ${where} (test windows of ${layout.testSize})` };
      }
      const folds = walkForwardSplits(eligible, opts, purge);
      return { kind: config.kind, folds, requestedFolds: asked ?? folds.length, adapted: null };
    }
    case "purged_kfold": {
      const asked = config.n_splits;
      for (let k = asked; k >= 2; k--) {
        const folds = attempt(() => purgedKFoldSplits(eligible, k, purge));
        if (folds !== undefined) return { kind: config.kind, folds, requestedFolds: asked, adapted: k < asked ? `purged k-fold: ${asked} folds asked, ${k} fit ${where}` : null };
      }
      return { kind: config.kind, folds: purgedKFoldSplits(eligible, asked, purge), requestedFolds: asked, adapted: null };
    }
    case "cpcv": {
      const asked = binomial(config.n_groups, config.n_test_groups);
      for (let k = config.n_test_groups; k >= 1; k--) {
        const plan = attempt(() => cpcvSplits(eligible, config.n_groups, k, purge));
        if (plan === undefined) continue;
        const adapted =
          k < config.n_test_groups
            ? `CPCV: ${config.n_test_groups} of ${config.n_groups} groups per test set asked (${asked} splits), ${k} fit (${plan.folds.length} splits) ${where}`
            : null;
        return { kind: config.kind, folds: plan.folds, paths: plan.paths, groups: plan.groups, requestedFolds: asked, adapted };
      }
      const plan = cpcvSplits(eligible, config.n_groups, config.n_test_groups, purge);
      return { kind: config.kind, folds: plan.folds, paths: plan.paths, groups: plan.groups, requestedFolds: asked, adapted: null };
    }
  }
}
