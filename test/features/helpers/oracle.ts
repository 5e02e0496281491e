/**
 * The straightforward O(n * W) versions of the rolling kernels: each window recomputed from its
 * values, centred moments taken two-pass. The fast kernels are tested against these.
 */

function windowOf(x: ArrayLike<number>, i: number, W: number): number[] | null {
  if (i < W - 1) return null;
  const w: number[] = [];
  for (let j = i - W + 1; j <= i; j++) {
    if (!Number.isFinite(x[j])) return null;
    w.push(x[j]);
  }
  return w;
}

export function naiveRolling(x: ArrayLike<number>, W: number, fn: (w: number[]) => number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const w = windowOf(x, i, W);
    out[i] = w ? fn(w) : NaN;
  }
  return out;
}

export const sum = (w: number[]) => w.reduce((a, b) => a + b, 0);
export const mean = (w: number[]) => sum(w) / w.length;
export function variance(w: number[], ddof = 1): number {
  const m = mean(w);
  return w.reduce((a, b) => a + (b - m) * (b - m), 0) / (w.length - ddof);
}
export const std = (w: number[], ddof = 1) => Math.sqrt(variance(w, ddof));

/** pandas' bias-corrected rolling skew. */
export function skew(w: number[]): number {
  const n = w.length;
  const m = mean(w);
  const m2 = w.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  const m3 = w.reduce((a, b) => a + (b - m) ** 3, 0) / n;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / m2 ** 1.5;
}

/** pandas' bias-corrected rolling excess kurtosis. */
export function kurt(w: number[]): number {
  const n = w.length;
  const m = mean(w);
  const m2 = w.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  const m4 = w.reduce((a, b) => a + (b - m) ** 4, 0) / n;
  return ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * (m4 / (m2 * m2)) - 3 * (n - 1));
}

export function pearson(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    c += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return c / Math.sqrt(va * vb);
}

/** Truncated, normalized EWM over the last W values with decay d (newest weight 1). */
export function naiveGeomMean(x: ArrayLike<number>, W: number, d: number): Float64Array {
  return naiveRolling(x, W, (w) => {
    let num = 0;
    let den = 0;
    for (let k = 0; k < W; k++) {
      const wt = d ** k;
      num += wt * w[W - 1 - k];
      den += wt;
    }
    return num / den;
  });
}

/** Infinite-memory EWM started at the first value (adjust=False), for convergence checks. */
export function recursiveEwm(x: ArrayLike<number>, alpha: number): Float64Array {
  const out = new Float64Array(x.length);
  let e = NaN;
  for (let i = 0; i < x.length; i++) {
    e = i === 0 ? x[0] : alpha * x[i] + (1 - alpha) * e;
    out[i] = e;
  }
  return out;
}

/** |a - b| <= atol + rtol |b|, NaN only matching NaN. */
export function close(a: number, b: number, rtol = 1e-9, atol = 1e-12): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** Index of the first element where the arrays differ beyond tolerance, or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-9, atol = 1e-12): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!close(a[i], b[i], rtol, atol)) return i;
  return -1;
}
