import { InputError } from "../../util/errors.js";
import { assertUsable, complement, groupBounds, makeFold, normalizeTimes, type Fold } from "./fold.js";
import { checkPurgeSettings, type PurgeSettings } from "./purge.js";

/**
 * Purged k-fold with embargo (Lopez de Prado, Advances in Financial Machine Learning, ch. 7):
 * the eligible times are cut into k contiguous groups; each fold tests one group and trains on
 * the others, minus the purge zone around the test group and the embargo after it. Training data
 * after the test is allowed (unlike walk-forward), which is why purge and embargo matter here.
 */
export function purgedKFoldSplits(times: ArrayLike<number> | number, nSplits: number, purge: PurgeSettings): Fold[] {
  checkPurgeSettings(purge);
  if (!Number.isInteger(nSplits) || nSplits < 2) throw new InputError(`purged k-fold n_splits must be a whole number >= 2, got ${nSplits}`);
  const eligible = normalizeTimes(times);
  const n = eligible.length;
  if (n < nSplits) throw new InputError(`purged k-fold: ${n} eligible times cannot make ${nSplits} folds`, "use fewer splits or more data");
  const bounds = groupBounds(n, nSplits);
  const folds: Fold[] = [];
  for (let k = 0; k < nSplits; k++) {
    const testTimes = eligible.slice(bounds[k], bounds[k + 1]);
    folds.push(makeFold(k, testTimes, complement(eligible, testTimes), purge));
  }
  assertUsable(folds, "purged k-fold", purge, n);
  return folds;
}
