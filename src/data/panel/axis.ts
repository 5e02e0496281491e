/**
 * Common time axes from many sorted timestamp arrays, built by merging (never by hashing each
 * timestamp): the union by a pairwise merge tree with de-duplication, so that after the first
 * levels the arrays are no longer than the axis itself, and positions by one forward walk.
 */

/** Merges two strictly increasing arrays into their strictly increasing union. */
export function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++];
  while (j < b.length) out[n++] = b[j++];
  return n === out.length ? out : out.slice(0, n);
}

/** The sorted union of strictly increasing arrays (a new array; inputs are not modified). */
export function unionTimes(arrays: readonly Float64Array[]): Float64Array {
  if (arrays.length === 0) return new Float64Array(0);
  let level: Float64Array[] = arrays.slice();
  if (level.length === 1) return level[0].slice();
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let k = 0; k + 1 < level.length; k += 2) next.push(mergeUnique(level[k], level[k + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/**
 * Index of each of `ts` on `axis` (both strictly increasing), or -1 where `axis` lacks it.
 * One forward walk: O(ts.length + the part of axis it spans).
 */
export function positionsOnAxis(ts: Float64Array, axis: Float64Array): Int32Array {
  const pos = new Int32Array(ts.length);
  let j = lowerBound(axis, ts.length > 0 ? ts[0] : 0);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    while (j < axis.length && axis[j] < t) j++;
    pos[i] = j < axis.length && axis[j] === t ? j : -1;
  }
  return pos;
}

/** Number of arrays holding each time of `axis` (all arrays' times must be on the axis). */
export function presenceCounts(arrays: readonly Float64Array[], axis: Float64Array): Int32Array {
  const counts = new Int32Array(axis.length);
  for (const ts of arrays) {
    const pos = positionsOnAxis(ts, axis);
    for (let i = 0; i < pos.length; i++) if (pos[i] >= 0) counts[pos[i]]++;
  }
  return counts;
}

/** First index i with sorted[i] >= x. */
export function lowerBound(sorted: Float64Array, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with sorted[i] > x. */
export function upperBound(sorted: Float64Array, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
