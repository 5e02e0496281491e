/**
 * Order statistics in O(n) without sorting: the preprocessing of a wide training set needs a median
 * (and two quantiles when winsorizing) for every column, and sorting each column would dominate it.
 */

/** Moves the k-th smallest of a[0..n) to a[k] (smaller before, larger after) and returns it. */
export function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median of three as pivot: linear on sorted and reverse-sorted columns, which are common (trends).
    const mid = (lo + hi) >>> 1;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    // Hoare partition: equal keys split evenly, so columns with many repeats stay linear.
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * The q-quantile of a[0..n) with linear interpolation between order statistics (numpy's default
 * "linear" method), so winsorizing bounds match `np.quantile`. Reorders `a`.
 */
export function quantileInPlace(a: Float64Array, n: number, q: number): number {
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const k = Math.floor(h);
  const lower = selectKth(a, n, k);
  if (k + 1 >= n || h === k) return lower;
  // After selection everything right of k is >= a[k]; the (k+1)-th smallest is their minimum.
  let upper = Infinity;
  for (let i = k + 1; i < n; i++) if (a[i] < upper) upper = a[i];
  return lower + (h - k) * (upper - lower);
}
