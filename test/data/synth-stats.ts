/** Small statistics for the synthetic-market tests, written out here so the tests check the generator against independent code. */
import type { SyntheticMarket } from "../../src/data/synth/index.js";

export function finite(xs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) out.push(xs[i]);
  return out;
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / xs.length;
}

/** Kurtosis (3 for a normal). */
export function kurtosis(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i] - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return m4 / (m2 * m2);
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

export function autocorrelation(xs: ArrayLike<number>, lag: number): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = lag; i < xs.length; i++) {
    a.push(xs[i - lag]);
    b.push(xs[i]);
  }
  return correlation(a, b);
}

export function logReturns(close: Float64Array): Float64Array {
  const r = new Float64Array(close.length - 1);
  for (let i = 1; i < close.length; i++) r[i - 1] = Math.log(close[i] / close[i - 1]);
  return r;
}

/**
 * Mean over calendar bars of the cross-sectional Pearson correlation between `column` at t and the
 * forward log return over h bars, across symbols listed with a known forward return (at least
 * `minSymbols` of them).
 */
export function crossSectionalIc(market: SyntheticMarket, column: string, h: number, minSymbols = 10): number {
  const T = market.calendar.times.length;
  const xs: number[][] = Array.from({ length: T }, () => []);
  const ys: number[][] = Array.from({ length: T }, () => []);
  market.series.forEach((s) => {
    const first = market.calendar.times.indexOf(s.ts[0]);
    const close = s.columns.get("close") as Float64Array;
    const f = s.columns.get(column) as Float64Array;
    for (let k = 0; k + h < close.length; k++) {
      if (!Number.isFinite(f[k])) continue;
      xs[first + k].push(f[k]);
      ys[first + k].push(Math.log(close[k + h] / close[k]));
    }
  });
  let sum = 0;
  let count = 0;
  for (let t = 0; t < T; t++) {
    if (xs[t].length < minSymbols) continue;
    sum += correlation(xs[t], ys[t]);
    count++;
  }
  return sum / count;
}
