/**
 * Average ranks (ties share the mean of the ranks they span, 1-based), the convention of
 * scipy.stats.rankdata(method="average") and of Spearman's rho with ties.
 */

/**
 * Ranks the first `n` values of `x` into `out` (1-based, ties averaged), using `order` as scratch
 * (length >= n). Values must be finite; callers filter NaN first. No allocation.
 */
export function averageRanksInto(x: ArrayLike<number>, n: number, order: Int32Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) order[i] = i;
  const view = order.subarray(0, n);
  view.sort((a, b) => x[a] - x[b] || a - b);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const v = x[view[i]];
    while (j < n && x[view[j]] === v) j++;
    // positions i..j-1 (0-based) hold equal values: ranks i+1..j, mean (i + 1 + j) / 2
    const r = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) out[view[k]] = r;
    i = j;
  }
}

/** Average ranks of all values of `x` (finite values only; NaN stays NaN). Allocates; for tests and one-off use. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) idx.push(i);
  const vals = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) vals[k] = x[idx[k]];
  const r = new Float64Array(idx.length);
  averageRanksInto(vals, idx.length, new Int32Array(idx.length), r);
  const out = new Float64Array(x.length).fill(NaN);
  for (let k = 0; k < idx.length; k++) out[idx[k]] = r[k];
  return out;
}
