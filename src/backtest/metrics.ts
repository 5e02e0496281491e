/**
 * Portfolio statistics over the evaluated bars [start, end] of a backtest's per-bar series. Sharpe
 * ratios, PSR and DSR are not here: they come from validation/metrics (sharpeReport), so there is
 * one implementation of each.
 *
 * Equity points: the equity at the close of bar `start` is 1, and after bar t it is nav[t], as of
 * the close of bar t + 1. Drawdown dates are such points (bar indices of closes).
 */

/** Compounded return of per-bar returns over [start, end], ignoring NaN bars. */
export function compoundedReturn(returns: ArrayLike<number>, start: number, end: number): number {
  let growth = 1;
  for (let t = start; t <= end; t++) {
    const r = returns[t];
    if (r === r) growth *= 1 + r;
  }
  return growth - 1;
}

/** Geometric annual rate of a total return earned over `bars` bars: (1 + total)^(barsPerYear / bars) - 1. */
export function annualizeReturn(totalReturn: number, bars: number, barsPerYear: number): number {
  if (!(bars > 0)) return NaN;
  if (totalReturn <= -1) return -1;
  return Math.pow(1 + totalReturn, barsPerYear / bars) - 1;
}

export interface DrawdownInfo {
  /** Largest fall from a running peak, as a positive fraction (0.25 = -25%); 0 without any fall. */
  depth: number;
  /** Close (bar index) of the peak before the largest fall, or null without a fall. */
  peak: number | null;
  /** Close of the bottom of the largest fall, or null. */
  trough: number | null;
  /** First close after the trough at or above the peak's equity, or null if never recovered. */
  recovery: number | null;
  /** Bars from the peak to the recovery (or to the last close when not recovered); 0 without a fall. */
  durationBars: number;
}

export function maxDrawdown(nav: ArrayLike<number>, start: number, end: number): DrawdownInfo {
  let peakValue = 1;
  let peakAt = start;
  let depth = 0;
  let ddPeak = -1;
  let ddTrough = -1;
  let ddPeakValue = 1;
  for (let t = start; t <= end; t++) {
    const v = nav[t];
    if (v > peakValue) {
      peakValue = v;
      peakAt = t + 1;
      continue;
    }
    const dd = 1 - v / peakValue;
    if (dd > depth) {
      depth = dd;
      ddPeak = peakAt;
      ddPeakValue = peakValue;
      ddTrough = t + 1;
    }
  }
  if (ddTrough < 0) return { depth: 0, peak: null, trough: null, recovery: null, durationBars: 0 };
  let recovery: number | null = null;
  for (let t = ddTrough; t <= end; t++) {
    if (nav[t] >= ddPeakValue) {
      recovery = t + 1;
      break;
    }
  }
  return { depth, peak: ddPeak, trough: ddTrough, recovery, durationBars: (recovery ?? end + 1) - ddPeak };
}

export interface ActiveStats {
  /** Bars where both the portfolio and the benchmark have a return. */
  n: number;
  /** Mean active return per bar x barsPerYear. */
  annualizedActiveReturn: number;
  /** Standard deviation (n - 1) of active returns x sqrt(barsPerYear). */
  trackingError: number;
  /** Annualized active return / tracking error. */
  informationRatio: number;
}

/** Active return = portfolio - benchmark, per bar; its annualized mean, tracking error and information ratio. */
export function activeStats(net: ArrayLike<number>, bench: ArrayLike<number>, start: number, end: number, barsPerYear: number): ActiveStats {
  let n = 0;
  let sum = 0;
  for (let t = start; t <= end; t++) {
    const a = net[t] - bench[t];
    if (a === a) {
      n++;
      sum += a;
    }
  }
  if (n < 2) return { n, annualizedActiveReturn: n ? (sum / n) * barsPerYear : NaN, trackingError: NaN, informationRatio: NaN };
  const mean = sum / n;
  let ss = 0;
  for (let t = start; t <= end; t++) {
    const a = net[t] - bench[t];
    if (a === a) ss += (a - mean) * (a - mean);
  }
  const sd = Math.sqrt(ss / (n - 1));
  return {
    n,
    annualizedActiveReturn: mean * barsPerYear,
    trackingError: sd * Math.sqrt(barsPerYear),
    informationRatio: sd > 0 ? (mean / sd) * Math.sqrt(barsPerYear) : NaN,
  };
}

/** Share of bars with a positive return among bars with a non-zero one (flat bars are not bets). */
export function positiveShare(returns: ArrayLike<number>, start: number, end: number): number {
  let wins = 0;
  let bets = 0;
  for (let t = start; t <= end; t++) {
    const r = returns[t];
    if (r === r && r !== 0) {
      bets++;
      if (r > 0) wins++;
    }
  }
  return bets > 0 ? wins / bets : NaN;
}

/** Mean of a series over [start, end], ignoring NaN. */
export function meanOver(x: ArrayLike<number>, start: number, end: number): number {
  let n = 0;
  let sum = 0;
  for (let t = start; t <= end; t++) {
    const v = x[t];
    if (v === v) {
      n++;
      sum += v;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * The timing part of a book's per-bar return (Lo, "Where do alphas come from?", 2008): the net
 * return minus what the book's average position per symbol would have earned held all along,
 * sum_s mean_t(w[t,s]) x returns[t,s]. A time-series book that is long nearly always earns the
 * instrument's drift, which is no forecasting skill; its timing return is about minus its costs.
 * Over [start, end]; `weights` T x S as the engine records them (held over each bar), NaN
 * returns counting as 0 as in the engine. Returns the series over those bars (length end-start+1).
 */
export function timingReturns(net: ArrayLike<number>, weights: ArrayLike<number>, returns: ArrayLike<number>, S: number, start: number, end: number): Float64Array {
  const mean = new Float64Array(S);
  const bars = end - start + 1;
  for (let t = start; t <= end; t++) for (let s = 0; s < S; s++) mean[s] += weights[t * S + s];
  for (let s = 0; s < S; s++) mean[s] /= bars;
  const out = new Float64Array(bars);
  for (let t = start; t <= end; t++) {
    let passive = 0;
    for (let s = 0; s < S; s++) {
      const r = returns[t * S + s];
      if (r === r && mean[s] !== 0) passive += mean[s] * r;
    }
    out[t - start] = net[t] - passive;
  }
  return out;
}
