import { InputError } from "../../util/errors.js";
import { assertUsable, complement, groupBounds, makeFold, normalizeTimes, type Fold } from "./fold.js";
import { checkPurgeSettings, type PurgeSettings } from "./purge.js";

/**
 * Combinatorial purged cross-validation (Lopez de Prado, AFML ch. 12). The eligible times are cut
 * into N contiguous groups; every choice of k of them is one split's test set (C(N, k) splits),
 * the other groups, purged around each test block, its training set. Each group is tested in
 * C(N-1, k-1) splits, so the out-of-sample predictions can be stitched into phi = C(N-1, k-1)
 * complete backtest paths, each covering every group exactly once: a distribution of backtests
 * rather than the single path walk-forward gives.
 */
export interface CpcvPlan {
  folds: Fold[];
  /** Time indices of each group, in order. */
  groups: Int32Array[];
  /**
   * paths[p][g] = index of the fold whose predictions for group g belong to path p. For each
   * group, path p takes the p-th split (in fold order) that tests that group.
   */
  paths: number[][];
}

/** Binomial coefficient C(n, k) for the small numbers CPCV uses. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** All k-subsets of 0..n-1 in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (cur.length === k) {
      out.push(cur.slice());
      return;
    }
    for (let i = start; i <= n - (k - cur.length); i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

/** Number of backtest paths CPCV yields: C(N-1, k-1) = k/N * C(N, k). */
export function cpcvPathCount(nGroups: number, nTestGroups: number): number {
  return binomial(nGroups - 1, nTestGroups - 1);
}

/** Upper bound on C(N, k) so a configuration cannot ask for millions of model fits by accident. */
export const MAX_CPCV_SPLITS = 10_000;

export function cpcvSplits(times: ArrayLike<number> | number, nGroups: number, nTestGroups: number, purge: PurgeSettings): CpcvPlan {
  checkPurgeSettings(purge);
  if (!Number.isInteger(nGroups) || nGroups < 2) throw new InputError(`CPCV n_groups must be a whole number >= 2, got ${nGroups}`);
  if (!Number.isInteger(nTestGroups) || nTestGroups < 1 || nTestGroups >= nGroups) {
    throw new InputError(`CPCV n_test_groups must be a whole number in 1..n_groups-1 (${nGroups - 1}), got ${nTestGroups}`);
  }
  const nSplits = binomial(nGroups, nTestGroups);
  if (nSplits > MAX_CPCV_SPLITS) {
    throw new InputError(`CPCV with n_groups ${nGroups} and n_test_groups ${nTestGroups} makes ${nSplits} splits (limit ${MAX_CPCV_SPLITS})`, "use fewer groups");
  }
  const eligible = normalizeTimes(times);
  const n = eligible.length;
  if (n < nGroups) throw new InputError(`CPCV: ${n} eligible times cannot make ${nGroups} groups`, "use fewer groups or more data");
  const bounds = groupBounds(n, nGroups);
  const groups = Array.from({ length: nGroups }, (_, g) => eligible.slice(bounds[g], bounds[g + 1]));

  const combos = combinations(nGroups, nTestGroups);
  const folds = combos.map((combo, i) => {
    const parts = combo.map((g) => groups[g]);
    const testTimes = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      testTimes.set(p, o);
      o += p.length;
    }
    return makeFold(i, testTimes, complement(eligible, testTimes), purge, combo);
  });
  assertUsable(folds, "CPCV", purge, n);

  const nPaths = cpcvPathCount(nGroups, nTestGroups);
  const paths: number[][] = Array.from({ length: nPaths }, () => new Array<number>(nGroups).fill(-1));
  const seen = new Array<number>(nGroups).fill(0);
  for (const fold of folds) {
    for (const g of fold.testGroups!) paths[seen[g]++][g] = fold.index;
  }
  return { folds, groups, paths };
}
