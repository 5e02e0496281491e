/**
 * Memoized per-symbol series built from the leaf kernels. Each function resolves its inputs first
 * and only then computes, so a leaf kernel's use of the frame's scratch never overlaps another's.
 * Keys compose (`mean20(lr1(col(close)))`), so two features asking for the same intermediate share it.
 */
import type { Series, SymbolFrame } from "./frame.js";
import { ewmWindow, geometricPowers, rollingExtreme, rollingGeomMean, rollingSum, shiftSeries } from "./kernels/rolling.js";

const powCache = new Map<string, Float64Array>();
function powers(d: number, W: number): Float64Array {
  const key = `${d}:${W}`;
  let pw = powCache.get(key);
  if (!pw) {
    pw = geometricPowers(d, W);
    powCache.set(key, pw);
  }
  return pw;
}

export function col(f: SymbolFrame, name: string): Series {
  return f.column(name);
}

/** ln(x[t] / x[t-k]). */
export function logRet(f: SymbolFrame, x: Series, k = 1): Series {
  return f.series(`lr${k}(${x.key})`, (out) => {
    const v = x.v;
    for (let i = 0; i < f.n; i++) out[i] = i >= k ? Math.log(v[i] / v[i - k]) : NaN;
  });
}

/** ln(a[t] / b[t - k]) for two series (gap: open over previous close). */
export function logRatio(f: SymbolFrame, a: Series, b: Series, k = 0): Series {
  return f.series(`lratio${k}(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) out[i] = i >= k ? Math.log(av[i] / bv[i - k]) : NaN;
  });
}

export function shift(f: SymbolFrame, x: Series, k: number): Series {
  if (k === 0) return x;
  return f.series(`shift${k}(${x.key})`, (out) => shiftSeries(x.v, f.n, k, out));
}

/** Element-wise map; `tag` must name the function uniquely (it is part of the memo key). */
export function map(f: SymbolFrame, x: Series, tag: string, fn: (v: number) => number): Series {
  return f.series(`${tag}(${x.key})`, (out) => {
    const v = x.v;
    for (let i = 0; i < f.n; i++) out[i] = fn(v[i]);
  });
}

/** Element-wise combination of two series; `tag` names the function. */
export function zip(f: SymbolFrame, a: Series, b: Series, tag: string, fn: (x: number, y: number) => number): Series {
  return f.series(`${tag}(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) out[i] = fn(av[i], bv[i]);
  });
}

// Common element-wise operations get their own loops: a callback passed to `zip` / `map` is called
// through one shared, megamorphic call site and never inlined.

/** a / b. */
export function ratio(f: SymbolFrame, a: Series, b: Series): Series {
  return f.series(`div(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) out[i] = av[i] / bv[i];
  });
}

/** a / b - 1. */
export function relative(f: SymbolFrame, a: Series, b: Series): Series {
  return f.series(`rel(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) out[i] = av[i] / bv[i] - 1;
  });
}

/** a / b where b > 0, else NaN. */
export function positiveRatio(f: SymbolFrame, a: Series, b: Series): Series {
  return f.series(`divpos(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) {
      const d = bv[i];
      out[i] = d > 0 ? av[i] / d : NaN;
    }
  });
}

export function difference(f: SymbolFrame, a: Series, b: Series): Series {
  return f.series(`sub(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) out[i] = av[i] - bv[i];
  });
}

export function product(f: SymbolFrame, a: Series, b: Series): Series {
  return f.series(`mul(${a.key},${b.key})`, (out) => {
    const av = a.v;
    const bv = b.v;
    for (let i = 0; i < f.n; i++) out[i] = av[i] * bv[i];
  });
}

/** x * k. */
export function scale(f: SymbolFrame, x: Series, k: number): Series {
  return f.series(`scale${k}(${x.key})`, (out) => {
    const v = x.v;
    for (let i = 0; i < f.n; i++) out[i] = v[i] * k;
  });
}

/** ln(1 + x). */
export function log1p(f: SymbolFrame, x: Series): Series {
  return f.series(`log1p(${x.key})`, (out) => {
    const v = x.v;
    for (let i = 0; i < f.n; i++) out[i] = Math.log1p(v[i]);
  });
}

/** sqrt(x), with x < 0 (rounding below zero) read as 0. */
export function sqrtFloor0(f: SymbolFrame, x: Series): Series {
  return f.series(`sqrt0(${x.key})`, (out) => {
    const v = x.v;
    for (let i = 0; i < f.n; i++) {
      const u = v[i];
      out[i] = u > 0 ? Math.sqrt(u) : u === u ? 0 : NaN;
    }
  });
}

export function rollSum(f: SymbolFrame, x: Series, W: number): Series {
  return f.series(`sum${W}(${x.key})`, (out) => rollingSum(x.v, f.n, W, f.abs0, out, f.scratch));
}

export function rollMean(f: SymbolFrame, x: Series, W: number): Series {
  const s = rollSum(f, x, W);
  return f.series(`mean${W}(${x.key})`, (out) => {
    const sv = s.v;
    for (let i = 0; i < f.n; i++) out[i] = sv[i] / W;
  });
}

function squares(f: SymbolFrame, x: Series): Series {
  return f.series(`sq(${x.key})`, (out) => {
    const v = x.v;
    for (let i = 0; i < f.n; i++) out[i] = v[i] * v[i];
  });
}

/** Rolling variance with `ddof` (1 = sample, 0 = population); clamped at 0 against rounding. */
export function rollVar(f: SymbolFrame, x: Series, W: number, ddof: 0 | 1 = 1): Series {
  const s1 = rollSum(f, x, W);
  const s2 = rollSum(f, squares(f, x), W);
  return f.series(`var${W}d${ddof}(${x.key})`, (out) => {
    const a = s1.v;
    const b = s2.v;
    const den = W - ddof;
    for (let i = 0; i < f.n; i++) {
      const v = (b[i] - (a[i] * a[i]) / W) / den;
      out[i] = v > 0 ? v : v === v ? 0 : NaN;
    }
  });
}

export function rollStd(f: SymbolFrame, x: Series, W: number, ddof: 0 | 1 = 1): Series {
  const v = rollVar(f, x, W, ddof);
  return f.series(`std${W}d${ddof}(${x.key})`, (out) => {
    const vv = v.v;
    for (let i = 0; i < f.n; i++) out[i] = Math.sqrt(vv[i]);
  });
}

export function rollMax(f: SymbolFrame, x: Series, W: number): Series {
  return f.series(`max${W}(${x.key})`, (out) => rollingExtreme(x.v, f.n, W, 1, out, f.scratchIdx));
}

export function rollMin(f: SymbolFrame, x: Series, W: number): Series {
  return f.series(`min${W}(${x.key})`, (out) => rollingExtreme(x.v, f.n, W, -1, out, f.scratchIdx));
}

/** Window a truncated EWM with smoothing factor alpha uses (see EWM_TAIL_MASS). */
export function ewmLookback(alpha: number, tailMass: number): number {
  return ewmWindow(1 - alpha, tailMass);
}

/** Truncated exponentially weighted mean with smoothing factor alpha (EMA: 2/(span+1); Wilder: 1/n). */
export function ewm(f: SymbolFrame, x: Series, alpha: number, tailMass: number): Series {
  const W = ewmLookback(alpha, tailMass);
  const pw = powers(1 - alpha, W);
  return f.series(`ewm${alpha}w${W}(${x.key})`, (out) => rollingGeomMean(x.v, f.n, W, pw, f.abs0, out, f.scratch));
}

/**
 * Rolling standardized moments of x over W rows, bias-corrected as pandas does: skewness
 * G1 = sqrt(W(W-1))/(W-2) * m3/m2^1.5 and excess kurtosis
 * G2 = (W-1)/((W-2)(W-3)) * ((W+1) m4/m2^2 - 3(W-1)); NaN when the window has no variance.
 */
export function rollSkew(f: SymbolFrame, x: Series, W: number): Series {
  const [s1, s2, s3] = powerSums(f, x, W, 3);
  return f.series(`skew${W}(${x.key})`, (out) => {
    const k = Math.sqrt(W * (W - 1)) / (W - 2);
    for (let i = 0; i < f.n; i++) {
      const m = s1.v[i] / W;
      const m2 = s2.v[i] / W - m * m;
      const m3 = s3.v[i] / W - 3 * m * (s2.v[i] / W) + 2 * m * m * m;
      out[i] = m2 > 1e-14 * (s2.v[i] / W) ? (k * m3) / Math.pow(m2, 1.5) : NaN;
    }
  });
}

export function rollKurt(f: SymbolFrame, x: Series, W: number): Series {
  const [s1, s2, s3, s4] = powerSums(f, x, W, 4);
  return f.series(`kurt${W}(${x.key})`, (out) => {
    const c = (W - 1) / ((W - 2) * (W - 3));
    for (let i = 0; i < f.n; i++) {
      const m = s1.v[i] / W;
      const e2 = s2.v[i] / W;
      const m2 = e2 - m * m;
      const m4 = s4.v[i] / W - 4 * m * (s3.v[i] / W) + 6 * m * m * e2 - 3 * m * m * m * m;
      out[i] = m2 > 1e-14 * e2 ? c * ((W + 1) * (m4 / (m2 * m2)) - 3 * (W - 1)) : NaN;
    }
  });
}

function powerSums(f: SymbolFrame, x: Series, W: number, upTo: 3 | 4): Series[] {
  const sums = [rollSum(f, x, W), rollSum(f, squares(f, x), W)];
  const cube = f.series(`cube(${x.key})`, (out) => {
    for (let i = 0; i < f.n; i++) out[i] = x.v[i] * x.v[i] * x.v[i];
  });
  sums.push(rollSum(f, cube, W));
  if (upTo === 4) {
    const quart = f.series(`quart(${x.key})`, (out) => {
      for (let i = 0; i < f.n; i++) {
        const s = x.v[i] * x.v[i];
        out[i] = s * s;
      }
    });
    sums.push(rollSum(f, quart, W));
  }
  return sums;
}

/** Rolling Pearson correlation of x[t] with x[t-1] over W pairs (uses W + 1 values of x). */
export function rollAutocorr1(f: SymbolFrame, x: Series, W: number): Series {
  const y = shift(f, x, 1);
  const xy = product(f, x, y);
  const sx = rollSum(f, x, W);
  const sy = rollSum(f, y, W);
  const sxx = rollSum(f, squares(f, x), W);
  const syy = rollSum(f, squares(f, y), W);
  const sxy = rollSum(f, xy, W);
  return f.series(`acf1w${W}(${x.key})`, (out) => {
    for (let i = 0; i < f.n; i++) {
      const cov = sxy.v[i] - (sx.v[i] * sy.v[i]) / W;
      const vx = sxx.v[i] - (sx.v[i] * sx.v[i]) / W;
      const vy = syy.v[i] - (sy.v[i] * sy.v[i]) / W;
      out[i] = vx > 1e-14 * sxx.v[i] && vy > 1e-14 * syy.v[i] ? cov / Math.sqrt(vx * vy) : NaN;
    }
  });
}
