/**
 * Common time axes from many sorted timestamp arrays, built by merging (never by hashing each
 * timestamp): the union by merges with de-duplication, positions by one forward walk.
 */

/** How many values two strictly increasing arrays have in common. */
function commonCount(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x < y) i++;
    else if (y < x) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}

/**
 * The strictly increasing union of two strictly increasing arrays. When one already holds the
 * other (the common case on a shared calendar) it is returned as is, without allocating: callers
 * must not modify the result.
 */
export function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const size = a.length + b.length - commonCount(a, b);
  if (size === a.length) return a;
  if (size === b.length) return b;
  const out = new Float64Array(size);
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
  return out;
}

/**
 * The sorted union of strictly increasing arrays (a new array; inputs are not modified).
 * Arrays are pushed on a stack of runs, and the top two merged while the lower one is no more
 * than twice the upper (the binomial-counter rule). When symbols share most timestamps the
 * merged run stays the size of the axis, so each symbol costs one merge against it, O(T + n);
 * when they share none, runs double and the merges form a balanced tree, O(N log S).
 */
export function unionTimes(arrays: readonly Float64Array[]): Float64Array {
  if (arrays.length === 0) return new Float64Array(0);
  const stack: Float64Array[] = [];
  for (const a of arrays) {
    stack.push(a);
    while (stack.length >= 2 && stack[stack.length - 2].length <= 2 * stack[stack.length - 1].length) {
      const top = stack.pop()!;
      stack.push(mergeUnique(stack.pop()!, top));
    }
  }
  while (stack.length >= 2) {
    const top = stack.pop()!;
    stack.push(mergeUnique(stack.pop()!, top));
  }
  // The result may be one of the inputs (when it holds all others): copy it so callers own the axis.
  return arrays.includes(stack[0]) ? stack[0].slice() : stack[0];
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
