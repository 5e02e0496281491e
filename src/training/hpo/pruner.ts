/**
 * The percentile pruner (Optuna's MedianPruner / PercentilePruner, on cross-validation folds): after
 * the warm-up folds, a trial whose running mean fold score is below the given percentile of the
 * running means that completed trials had at the same fold is stopped. Comparing at the same fold
 * matters: folds differ in difficulty (regimes), and every trial sees the same folds in order.
 */

export interface PruneSettings {
  enabled: boolean;
  /** Leading folds that never prune: 0 = a trial may stop after its first fold, 1 = after its second. */
  warmupFolds: number;
  /** Percentile (0-100) of the completed trials' running means a trial must reach; 50 = median. */
  percentile: number;
  /** Completed trials with a value at this fold needed before pruning starts. */
  minTrials: number;
}

/** Running means by fold of the completed trials, and the pruning decision for a new one. */
export class PercentilePruner {
  /** fold -> running means of completed trials at that fold. */
  private readonly byFold = new Map<number, number[]>();

  constructor(private readonly settings: PruneSettings) {}

  /** Records a completed (not pruned) trial's running means, keyed by fold. */
  addCompleted(curve: ReadonlyMap<number, number>): void {
    for (const [fold, value] of curve) {
      if (!Number.isFinite(value)) continue;
      const list = this.byFold.get(fold) ?? [];
      list.push(value);
      this.byFold.set(fold, list);
    }
  }

  /**
   * True when a trial whose running mean after fold `fold` (its `completedFolds`-th fold) is
   * `running` should stop.
   */
  shouldPrune(fold: number, completedFolds: number, running: number): boolean {
    const s = this.settings;
    if (!s.enabled || completedFolds <= s.warmupFolds) return false;
    const others = this.byFold.get(fold);
    if (others === undefined || others.length < s.minTrials) return false;
    if (Number.isNaN(running)) return true;
    return running < percentile(others, s.percentile);
  }
}

/** The p-th percentile (0-100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}
