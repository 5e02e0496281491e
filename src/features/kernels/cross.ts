/**
 * Cross-sectional kernels over one timestamp's row of S values: row[off .. off + S) of a
 * time-major grid in, out[off .. off + S) out (offsets rather than subarrays, which cost an
 * allocation per row). Only finite values take part; a row with fewer than `minCount` of them
 * yields NaN everywhere, and a symbol whose value is missing stays NaN.
 */

/**
 * Copies the finite values of the row into vals[0..n) sorted ascending (vals has length S; the
 * rest is filled with +Infinity so the whole buffer sorts without a subarray); returns n.
 */
function sortedFinite(row: Float32Array, off: number, S: number, vals: Float64Array): number {
  let n = 0;
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    if (v === v && v !== Infinity && v !== -Infinity) vals[n++] = v;
  }
  for (let k = n; k < vals.length; k++) vals[k] = Infinity;
  vals.sort();
  return n;
}

/** First index in sorted vals[0..n) whose value is >= x (or > x when `strict`). */
function bound(vals: Float64Array, n: number, x: number, strict: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vals[mid] < x || (strict && vals[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function fillNaN(out: Float32Array, off: number, S: number): void {
  for (let s = 0; s < S; s++) out[off + s] = NaN;
}

const isFinite32 = (v: number) => v === v && v !== Infinity && v !== -Infinity;

/**
 * Rank scaled to [0, 1]: (average rank - 1) / (n - 1), ties sharing their average rank, so the
 * smallest value maps to 0 and the largest to 1.
 */
export function csRank(row: Float32Array, off: number, out: Float32Array, S: number, vals: Float64Array, minCount: number): void {
  const n = sortedFinite(row, off, S, vals);
  if (n < minCount || n < 2) return fillNaN(out, off, S);
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    if (!isFinite32(v)) {
      out[off + s] = NaN;
      continue;
    }
    const lo = bound(vals, n, v, false);
    const hi = bound(vals, n, v, true);
    out[off + s] = (lo + hi - 1) / 2 / (n - 1);
  }
}

function meanStd(row: Float32Array, off: number, S: number): { n: number; mean: number; sd: number } {
  let n = 0;
  let sum = 0;
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    if (isFinite32(v)) {
      n++;
      sum += v;
    }
  }
  const mean = sum / n;
  let ss = 0;
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    if (isFinite32(v)) ss += (v - mean) * (v - mean);
  }
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

/** (x - mean) / sample sd; NaN when every finite value is equal. */
export function csZscore(row: Float32Array, off: number, out: Float32Array, S: number, minCount: number): void {
  const { n, mean, sd } = meanStd(row, off, S);
  if (n < minCount || !(sd > 0)) return fillNaN(out, off, S);
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    out[off + s] = isFinite32(v) ? (v - mean) / sd : NaN;
  }
}

export function csDemean(row: Float32Array, off: number, out: Float32Array, S: number, minCount: number): void {
  const { n, mean } = meanStd(row, off, S);
  if (n < minCount) return fillNaN(out, off, S);
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    out[off + s] = isFinite32(v) ? v - mean : NaN;
  }
}

/** Linear-interpolated quantile (type 7, as numpy's default) of sorted vals[0..n). */
export function sortedQuantile(vals: Float64Array, n: number, q: number): number {
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return vals[lo] + (h - lo) * (vals[hi] - vals[lo]);
}

/** Clips each value to the row's [q, 1 - q] quantiles. */
export function csWinsorize(row: Float32Array, off: number, out: Float32Array, S: number, vals: Float64Array, q: number, minCount: number): void {
  const n = sortedFinite(row, off, S, vals);
  if (n < minCount || n < 1) return fillNaN(out, off, S);
  const lo = sortedQuantile(vals, n, q);
  const hi = sortedQuantile(vals, n, 1 - q);
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    out[off + s] = isFinite32(v) ? (v < lo ? lo : v > hi ? hi : v) : NaN;
  }
}

/** x - x[proxy]: the value relative to the market proxy symbol's at the same timestamp. */
export function csRelative(row: Float32Array, off: number, out: Float32Array, S: number, proxy: number): void {
  const m = row[off + proxy];
  if (!isFinite32(m)) return fillNaN(out, off, S);
  for (let s = 0; s < S; s++) {
    const v = row[off + s];
    out[off + s] = isFinite32(v) ? v - m : NaN;
  }
}
