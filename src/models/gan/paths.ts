/**
 * Paths for the GAN: windows of consecutive bars of one symbol, each bar its features and its
 * return (the target), and the statistics a generated path must share with the real ones: the
 * autocorrelation of absolute returns (volatility clustering, lags 1..k), that of squared returns
 * at lag 1, and the volatility.
 */
import type { TabularData } from "../family.js";

export interface PathSet {
  /** Row-major [n x L x D]: D = features + 1, the return last. */
  data: Float32Array;
  n: number;
  L: number;
  D: number;
}

/**
 * Every window of L successive rows of one symbol (rows without a panel index are one series in
 * order), stepping by `stride` rows, whose bars are at most `maxGap` apart (1: consecutive bars; more
 * lets a subsampled training set, e.g. under max_train_rows, still form paths).
 */
export function realPaths(d: TabularData, L: number, stride: number, maxGap = 1): PathSet {
  const F = d.nFeatures;
  const D = F + 1;
  const time = d.rows?.time ?? Int32Array.from({ length: d.nRows }, (_, i) => i);
  const symbol = d.rows?.symbol ?? new Int32Array(d.nRows);
  const bySymbol = new Map<number, number[]>();
  for (let r = 0; r < d.nRows; r++) {
    const list = bySymbol.get(symbol[r]);
    if (list) list.push(r);
    else bySymbol.set(symbol[r], [r]);
  }
  const starts: number[][] = [];
  for (const s of [...bySymbol.keys()].sort((a, b) => a - b)) {
    const rows = bySymbol.get(s)!.sort((a, b) => time[a] - time[b]);
    for (let i = 0; i + L <= rows.length; i += stride) {
      let ok = true;
      for (let j = 1; j < L && ok; j++) ok = time[rows[i + j]] - time[rows[i + j - 1]] <= maxGap;
      if (ok) starts.push(rows.slice(i, i + L));
    }
  }
  const data = new Float32Array(starts.length * L * D);
  starts.forEach((rows, p) => {
    rows.forEach((r, j) => {
      const o = (p * L + j) * D;
      for (let f = 0; f < F; f++) data[o + f] = d.X[r * F + f];
      data[o + F] = d.y[r];
    });
  });
  return { data, n: starts.length, L, D };
}

export interface PathStats {
  /** Autocorrelation of |return| at lags 1..k, pooled over paths (deviations from the pooled mean). */
  acfAbs: number[];
  /** Autocorrelation of squared returns at lag 1. */
  acfSq1: number;
  /** Standard deviation of returns. */
  vol: number;
}

/** Statistics of channel `ch` (default: the return, the last) of a set of paths. */
export function pathStats(p: PathSet, maxLag = 3, ch = p.D - 1): PathStats {
  const { n, L, D } = p;
  const at = (i: number, t: number) => p.data[(i * L + t) * D + ch];
  let m = 0;
  let ma = 0;
  let mq = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < L; t++) {
      const v = at(i, t);
      m += v;
      ma += Math.abs(v);
      mq += v * v;
    }
  }
  const N = n * L;
  m /= N;
  ma /= N;
  mq /= N;
  const acf = (f: (v: number) => number, mean: number, lag: number): number => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < L; t++) {
        const a = f(at(i, t)) - mean;
        den += a * a;
        if (t + lag < L) num += a * (f(at(i, t + lag)) - mean);
      }
    }
    return den > 0 ? (num / (n * (L - lag))) / (den / N) : 0;
  };
  const acfAbs = Array.from({ length: maxLag }, (_, k) => acf(Math.abs, ma, k + 1));
  return { acfAbs, acfSq1: acf((v) => v * v, mq, 1), vol: Math.sqrt(Math.max(0, mq - m * m)) };
}

/** The condition of each path: the log of its return channel's root mean square. */
export function pathConditions(p: PathSet): Float64Array {
  const { n, L, D } = p;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < L; t++) s += p.data[(i * L + t) * D + D - 1] ** 2;
    c[i] = Math.log(Math.sqrt(s / L) + 1e-12);
  }
  return c;
}

export interface PathCheck {
  real: PathStats;
  generated: PathStats;
  /** Largest absolute difference of the |return| autocorrelations over the lags. */
  acfGap: number;
  /** Generated volatility over real volatility. */
  volRatio: number;
  /** Autocorrelations within `tolerance`, volatility within a factor of 1 + tolerance, and clustering present when the real paths have it. */
  passed: boolean;
  tolerance: number;
}

/** Whether generated paths share the real ones' volatility clustering and volatility. */
export function checkPaths(real: PathSet, generated: PathSet, tolerance: number, maxLag = 3): PathCheck {
  const r = pathStats(real, maxLag);
  const g = pathStats(generated, maxLag);
  const acfGap = Math.max(...r.acfAbs.map((v, k) => Math.abs(v - g.acfAbs[k])), Math.abs(r.acfSq1 - g.acfSq1));
  const volRatio = r.vol > 0 ? g.vol / r.vol : NaN;
  const clustering = r.acfAbs[0] < 0.05 || g.acfAbs[0] > 0.5 * r.acfAbs[0];
  const passed = acfGap <= tolerance && volRatio <= 1 + tolerance && volRatio >= 1 / (1 + tolerance) && clustering;
  return { real: r, generated: g, acfGap, volRatio, passed, tolerance };
}
