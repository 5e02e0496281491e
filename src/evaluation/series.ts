/**
 * Series for the report's plots: the rolling mean of the IC over time, and equity and drawdown
 * curves, each at most `maxPoints` long so that a 20-year daily run stays a small file.
 */
import type { TimeSeriesData } from "../artifacts/run-files.js";
import { finiteOrNull } from "../util/finite.js";


/**
 * Rolling mean of the last `window` finite values of `ic` (a length-T series, NaN where the
 * timestamp has no IC), at each timestamp that has one. Null until half a window has been seen.
 */
export function rollingIcSeries(ic: Float64Array, times: ArrayLike<number>, window: number, maxPoints: number): TimeSeriesData {
  const at: number[] = [];
  for (let t = 0; t < ic.length; t++) if (Number.isFinite(ic[t])) at.push(t);
  const values: Array<number | null> = [];
  const minCount = Math.ceil(window / 2);
  let sum = 0;
  for (let i = 0; i < at.length; i++) {
    sum += ic[at[i]];
    if (i >= window) sum -= ic[at[i - window]];
    const count = Math.min(i + 1, window);
    values.push(count >= minCount ? finiteOrNull(sum / count) : null);
  }
  const pick = evenlySpaced(at.length, maxPoints);
  return { times: pick.map((i) => isoTime(times[at[i]])), values: pick.map((i) => values[i]) };
}

/** Up to maxPoints indices of 0..n-1, evenly spaced, always including the first and the last. */
export function evenlySpaced(n: number, maxPoints: number): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < maxPoints; i++) {
    const idx = Math.round((i * (n - 1)) / (maxPoints - 1));
    if (out.length === 0 || idx !== out[out.length - 1]) out.push(idx);
  }
  return out;
}

/**
 * At most maxPoints points of a series: consecutive buckets of equal size, each represented by its
 * last point ("last": levels such as equity) or its lowest point ("min": drawdowns, so the worst
 * fall is never dropped).
 */
export function downsample(times: readonly string[], values: ReadonlyArray<number | null>, maxPoints: number, how: "last" | "min"): TimeSeriesData {
  const n = values.length;
  if (n <= maxPoints) return { times: [...times], values: values.map((v) => (v === null ? null : finiteOrNull(v))) };
  const size = Math.ceil(n / maxPoints);
  const outT: string[] = [];
  const outV: Array<number | null> = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let pick = end - 1;
    if (how === "min") {
      let best = Infinity;
      for (let i = start; i < end; i++) {
        const v = values[i];
        if (v !== null && v < best) {
          best = v;
          pick = i;
        }
      }
    }
    outT.push(times[pick]);
    const v = values[pick];
    outV.push(v === null ? null : finiteOrNull(v));
  }
  return { times: outT, values: outV };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
