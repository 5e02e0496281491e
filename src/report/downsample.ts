/**
 * Series for plots: parsing a TimeSeriesData into points and thinning long series so an SVG stays
 * small. Thinning uses largest-triangle-three-buckets (Steinarsson 2013), which keeps the points
 * that shape the line (peaks, troughs, the worst drawdown) where a plain stride would drop them.
 */
import type { TimeSeriesData } from "../artifacts/run-files.js";

export interface SeriesPoint {
  /** Time in ms since the epoch (UTC). */
  t: number;
  v: number;
}

/** Points with a valid time and a finite value, in time order; unusable entries are skipped. */
export function seriesPoints(series: TimeSeriesData): SeriesPoint[] {
  const n = Math.min(series.times.length, series.values.length);
  const out: SeriesPoint[] = [];
  for (let i = 0; i < n; i++) {
    const t = Date.parse(series.times[i]);
    const v = series.values[i];
    if (Number.isFinite(t) && typeof v === "number" && Number.isFinite(v)) out.push({ t, v });
  }
  // Stable sort: already-ordered input (the normal case) is unchanged.
  out.sort((a, b) => a.t - b.t);
  return out;
}

/**
 * Indices of at most `target` points chosen by largest-triangle-three-buckets: always the first and
 * the last point, and from each bucket between them the point forming the largest triangle with the
 * point kept before it and the average of the next bucket. All indices when n <= target.
 */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, target: number): number[] {
  const n = x.length;
  if (target >= n) return Array.from({ length: n }, (_, i) => i);
  if (target <= 0) return [];
  if (target === 1) return [0];
  if (target === 2) return [0, n - 1];
  const out = [0];
  const bucket = (n - 2) / (target - 2);
  let a = 0;
  for (let i = 0; i < target - 2; i++) {
    const nextStart = Math.floor((i + 1) * bucket) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * bucket) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j];
      avgY += y[j];
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;
    const start = Math.floor(i * bucket) + 1;
    const end = Math.floor((i + 1) * bucket) + 1;
    const ax = x[a];
    const ay = y[a];
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      // Twice the triangle's area; the factor does not change which point wins.
      const area = Math.abs((ax - avgX) * (y[j] - ay) - (ax - x[j]) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

/** `points` thinned to at most `target` by LTTB. */
export function downsample(points: readonly SeriesPoint[], target: number): SeriesPoint[] {
  if (points.length <= target) return points.slice();
  const x = new Float64Array(points.length);
  const y = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    x[i] = points[i].t;
    y[i] = points[i].v;
  }
  return lttbIndices(x, y, target).map((i) => points[i]);
}

/** Points per series when `series` lines share one chart: fewer each as there are more, within [min, max]. */
export function pointsPerSeries(series: number, opts: { total?: number; max?: number; min?: number } = {}): number {
  const total = opts.total ?? 1600;
  const max = opts.max ?? 400;
  const min = opts.min ?? 100;
  if (series <= 0) return max;
  return Math.max(min, Math.min(max, Math.floor(total / series)));
}
