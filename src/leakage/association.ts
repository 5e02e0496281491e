/**
 * How strongly one series on the panel is tied to another (a feature to the target, or to a past
 * return), measured three ways that together see every kind of leak the pre-scan looks for:
 *
 *  - cross-sectional rank IC: per timestamp, the correlation of the two series' ranks across
 *    symbols, averaged over time. Scale-free across symbols, blind to anything common to all
 *    symbols at a timestamp (the market).
 *  - pooled time-series correlation: within each symbol, the feature centred on its own past and
 *    the target on its later windows (see pooled() for why), then one correlation over all
 *    symbols' pairs. Sees time-only leaks (a feature that
 *    copies tomorrow's market move) the cross-section cannot.
 *  - sign agreement: how often the two centred series sit on the same side of their symbol's mean,
 *    pooled. Sees a feature that knows only the direction of the target (a sign leak), which a
 *    correlation dilutes by the target's fat tails; as a correlation it is sin(pi (a - 1/2))
 *    (exact for a bivariate normal, Greiner's relation).
 *
 * Every statistic also gets a t-statistic from its spread across contiguous blocks of time: a
 * trending or overlapping series makes neighbouring timestamps dependent, so the number of
 * timestamps overstates the evidence; blocks of several target windows are close to independent.
 * The pooled statistics' t is also read across symbols, and the weaker of the two counts (see
 * weakerT): a few symbols cannot carry it.
 *
 * Nothing here moves values between symbols: cross-sections are read one timestamp at a time,
 * time series one symbol (column) at a time.
 */

/** One series on the scanned panel: time-major values and their per-timestamp ranks. */
export interface ScanSeries {
  readonly v: Float64Array;
  /**
   * Average ranks (1-based) among the finite values of each timestamp, NaN where v is missing;
   * null when the series is only compared through time (no rank IC is computed for it).
   */
  readonly ranks: Float64Array | null;
}

export interface Stat {
  /** The statistic (a correlation, or for agreement the share of same-side pairs). */
  value: number;
  /**
   * Its t-statistic from the spread across time blocks (NaN with fewer than MIN_BLOCKS blocks); for
   * the predictive pooled statistics the weaker of that and the t across symbols.
   */
  t: number;
  /** Observations behind it: timestamps (rank IC) or pairs (pooled statistics). */
  n: number;
}

export interface Association {
  rankIc: Stat;
  /** Pooled statistics with predictive centring (see pooled()). */
  tsCorr: Stat;
  agreement: Stat;
  /** The pooled statistics with both series centred on whole-sample means, where a copy scores 1 (empty unless asked for). */
  symmetric: { tsCorr: Stat; agreement: Stat };
}

/** Fewest symbols with both values for a timestamp's rank IC to count. */
export const MIN_CROSS_SECTION = 5;
/** Fewest pairs a symbol needs to take part in the pooled statistics (its means need them). */
export const MIN_SYMBOL_PAIRS = 10;
/** Fewest time blocks with data for a t-statistic. */
export const MIN_BLOCKS = 4;

const NO_STAT: Stat = { value: NaN, t: NaN, n: 0 };

export function scanSeries(v: Float64Array, T: number, S: number, crossSection = true): ScanSeries {
  return { v, ranks: crossSection ? crossSectionalRanks(v, T, S) : null };
}

/**
 * Per-timestamp average ranks (1-based, ties averaged, as scipy's rankdata) of the non-NaN values
 * of a time-major grid. Each row's values are sorted with the native numeric sort and every value
 * finds its tie range by binary search: the pre-scan ranks every view of every feature, and this
 * is several times faster than sorting indices with a comparator.
 */
export function crossSectionalRanks(v: Float64Array, T: number, S: number): Float64Array {
  const out = new Float64Array(T * S).fill(NaN);
  const sorted = new Float64Array(S);
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    for (let s = 0; s < S; s++) {
      const x = v[row + s];
      if (x === x) sorted[n++] = x;
    }
    if (n === 0) continue;
    const view = sorted.subarray(0, n).sort();
    for (let s = 0; s < S; s++) {
      const x = v[row + s];
      if (!(x === x)) continue;
      // first position >= x and first position > x
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (view[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      let up = lo;
      hi = n;
      while (up < hi) {
        const mid = (up + hi) >>> 1;
        if (view[mid] <= x) up = mid + 1;
        else hi = mid;
      }
      out[row + s] = (lo + 1 + up) / 2;
    }
  }
  return out;
}

/** Block of each timestamp: `blocks` contiguous runs of (nearly) equal length. */
export function timeBlocks(T: number, blocks: number): Int32Array {
  const b = new Int32Array(T);
  const B = Math.max(1, Math.min(blocks, T));
  for (let t = 0; t < T; t++) b[t] = Math.min(B - 1, Math.floor((t * B) / T));
  return b;
}

/** Number of blocks for a scan: about 20, each at least two target windows and ten bars long. */
export function blockCount(T: number, window: number): number {
  return Math.max(1, Math.min(20, Math.floor(T / Math.max(10, 2 * window))));
}

/** t-statistic of the mean of the finite entries of `x` against `center`. */
function tOf(x: Float64Array, center: number): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === x[i]) {
      n++;
      sum += x[i];
    }
  }
  if (n < MIN_BLOCKS) return NaN;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) ss += (x[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  if (sd === 0) return mean === center ? 0 : (mean - center > 0 ? Infinity : -Infinity);
  return (mean - center) / (sd / Math.sqrt(n));
}

/** Scratch for one association: per-symbol and per-block accumulators, reused across calls. */
export class AssociationScratch {
  readonly cnt: Float64Array;
  readonly sa: Float64Array;
  readonly sb: Float64Array;
  /** Per-symbol sums and counts of `a`'s older values and of `b`'s total and consumed prefix (its later mean). */
  readonly runA: Float64Array;
  readonly runAn: Float64Array;
  readonly totB: Float64Array;
  readonly totBn: Float64Array;
  readonly preB: Float64Array;
  readonly preBn: Float64Array;
  /** Per-symbol first values and whether each series varies, to leave out constant symbols. */
  readonly fa: Float64Array;
  readonly fb: Float64Array;
  readonly varies: Uint8Array;
  readonly bIc: Float64Array;
  readonly bIcN: Float64Array;
  readonly bxy: Float64Array;
  readonly bxx: Float64Array;
  readonly byy: Float64Array;
  readonly bAgree: Float64Array;
  readonly bSigned: Float64Array;
  readonly sxy: Float64Array;
  readonly sxx: Float64Array;
  readonly syy: Float64Array;
  readonly sAgree: Float64Array;
  readonly sSigned: Float64Array;
  readonly out: Float64Array;
  /** Per-symbol sums of the predictive statistics, for their t across symbols. */
  readonly qxy: Float64Array;
  readonly qxx: Float64Array;
  readonly qyy: Float64Array;
  readonly qAgree: Float64Array;
  readonly qSigned: Float64Array;
  readonly qN: Float64Array;
  readonly outS: Float64Array;
  /**
   * @param gap bars from row t to the first row of the second series whose window no longer
   *   overlaps row t's (the target's window, execution lag + horizon): its "later" mean starts there.
   */
  constructor(
    readonly T: number,
    readonly S: number,
    readonly block: Int32Array,
    readonly B: number,
    readonly gap = 1,
  ) {
    this.cnt = new Float64Array(S);
    this.sa = new Float64Array(S);
    this.sb = new Float64Array(S);
    this.runA = new Float64Array(S);
    this.runAn = new Float64Array(S);
    this.totB = new Float64Array(S);
    this.totBn = new Float64Array(S);
    this.preB = new Float64Array(S);
    this.preBn = new Float64Array(S);
    this.fa = new Float64Array(S);
    this.fb = new Float64Array(S);
    this.varies = new Uint8Array(S);
    this.bIc = new Float64Array(B);
    this.bIcN = new Float64Array(B);
    this.bxy = new Float64Array(B);
    this.bxx = new Float64Array(B);
    this.byy = new Float64Array(B);
    this.bAgree = new Float64Array(B);
    this.bSigned = new Float64Array(B);
    this.sxy = new Float64Array(B);
    this.sxx = new Float64Array(B);
    this.syy = new Float64Array(B);
    this.sAgree = new Float64Array(B);
    this.sSigned = new Float64Array(B);
    this.out = new Float64Array(B);
    this.qxy = new Float64Array(S);
    this.qxx = new Float64Array(S);
    this.qyy = new Float64Array(S);
    this.qAgree = new Float64Array(S);
    this.qSigned = new Float64Array(S);
    this.qN = new Float64Array(S);
    this.outS = new Float64Array(S);
  }
}

/** The cross-sectional rank IC of `a` with `b`: mean over timestamps, t from block means. */
function rankIc(a: ScanSeries, b: ScanSeries, sc: AssociationScratch): Stat {
  const { T, S, block, B } = sc;
  sc.bIc.fill(0);
  sc.bIcN.fill(0);
  let total = 0;
  let nT = 0;
  const ra = a.ranks;
  const rb = b.ranks;
  if (ra === null || rb === null) return NO_STAT;
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let s = 0; s < S; s++) {
      const x = ra[row + s];
      const y = rb[row + s];
      if (x === x && y === y) {
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
      }
    }
    if (n < MIN_CROSS_SECTION) continue;
    const vx = n * sxx - sx * sx;
    const vy = n * syy - sy * sy;
    if (!(vx > 0 && vy > 0)) continue;
    const r = (n * sxy - sx * sy) / Math.sqrt(vx * vy);
    total += r;
    nT++;
    sc.bIc[block[t]] += r;
    sc.bIcN[block[t]] += 1;
  }
  if (nT === 0) return NO_STAT;
  for (let k = 0; k < B; k++) sc.out[k] = sc.bIcN[k] > 0 ? sc.bIc[k] / sc.bIcN[k] : NaN;
  return { value: total / nT, t: tOf(sc.out, 0), n: nT };
}

/** Fewest values behind each centring mean (the feature's older values, the target's later ones) for a row to count; at least the gap. */
export const MIN_CENTRE_VALUES = 5;

interface PairTotals {
  xy: number;
  xx: number;
  yy: number;
  agree: number;
  signed: number;
  pairs: number;
}

/** Adds one centred pair to the totals and to block k's sums. */
function addPair(tot: PairTotals, xy: Float64Array, xx: Float64Array, yy: Float64Array, ag: Float64Array, sg: Float64Array, k: number, dx: number, dy: number): void {
  const p = dx * dy;
  tot.pairs++;
  tot.xy += p;
  tot.xx += dx * dx;
  tot.yy += dy * dy;
  xy[k] += p;
  xx[k] += dx * dx;
  yy[k] += dy * dy;
  if (p !== 0) {
    tot.signed++;
    sg[k] += 1;
    if (p > 0) {
      tot.agree++;
      ag[k] += 1;
    }
  }
}

function blockStats(sc: AssociationScratch, xy: Float64Array, xx: Float64Array, yy: Float64Array, ag: Float64Array, sg: Float64Array, tot: PairTotals): { corr: Stat; agreement: Stat } {
  const { B } = sc;
  if (tot.pairs === 0) return { corr: NO_STAT, agreement: NO_STAT };
  for (let k = 0; k < B; k++) sc.out[k] = xx[k] > 0 && yy[k] > 0 ? xy[k] / Math.sqrt(xx[k] * yy[k]) : NaN;
  const corr: Stat = { value: tot.xx > 0 && tot.yy > 0 ? tot.xy / Math.sqrt(tot.xx * tot.yy) : NaN, t: tOf(sc.out, 0), n: tot.pairs };
  for (let k = 0; k < B; k++) sc.out[k] = sg[k] > 0 ? ag[k] / sg[k] : NaN;
  const agreement: Stat = { value: tot.signed > 0 ? tot.agree / tot.signed : NaN, t: tOf(sc.out, 0.5), n: tot.signed };
  return { corr, agreement };
}

/**
 * Pooled within-symbol correlation and sign agreement of `a` with `b`, two ways.
 *
 * Predictive (the association): at row t, `a` (the feature) is centred on the mean of that
 * symbol's values up to row t - gap, and `b` (the target) on the mean of its values from row
 * t + gap on: the feature's windows that end by t, the target's that start after row t's ends.
 * Why not each symbol's whole-sample means: for a slowly varying feature (a price level, a dollar
 * volume, a 60-bar momentum on a 100-bar history) x[t] - mean(x) holds the symbol's path after t,
 * because the mean averages values that come later, so a level above its mean "predicts" the fall
 * back to it: a look-ahead made by the statistic, not by the feature (Stambaugh's small-sample bias
 * of predictive regressions). It is about 1.2 sqrt(h / T) (horizon over history): 0.3 for a
 * 60-bar target on 1000 bars or a 5-bar target on 50 bars, enough to call causal features leaks,
 * and it survives moving the target a window or two later, so no shifted-target comparison can
 * tell it from a leak on a short history. A running mean of each series' own past is not enough:
 * the target's past mean holds past returns, which a feature built from past returns is tied to
 * (the same bias, from the other side). Centred this way a causal feature uses nothing after t,
 * and the target's centre lies in windows unpredictable at t, so a causal feature and an
 * unpredictable target have no expected tie, whatever the feature's persistence; a leak keeps its
 * tie (a little attenuated on short histories, where each centre rests on few windows).
 *
 * Symmetric (for the copy check): both centred on whole-sample means, so a copy scores exactly 1.
 *
 * Only rows with at least max(MIN_CENTRE_VALUES, gap) values behind each centre enter the
 * predictive statistics: a centre that rests on fewer rows than one window averages about one
 * overlapping window, whose noise would swamp a sign leak against a long horizon.
 */
function pooled(a: Float64Array, b: Float64Array, sc: AssociationScratch, withSymmetric: boolean): { corr: Stat; agreement: Stat; symmetric: { corr: Stat; agreement: Stat } } {
  const { T, S, block, gap } = sc;
  sc.cnt.fill(0);
  sc.sa.fill(0);
  sc.sb.fill(0);
  sc.totB.fill(0);
  sc.totBn.fill(0);
  // bit 1: a varies, bit 2: b varies. A symbol on which either series is constant says nothing
  // about their tie, and its rounding noise around the mean would read as perfect sign agreement.
  sc.varies.fill(0);
  for (let t = 0; t < T; t++) {
    const row = t * S;
    for (let s = 0; s < S; s++) {
      const x = a[row + s];
      const y = b[row + s];
      if (y === y) {
        sc.totB[s] += y;
        sc.totBn[s] += 1;
      }
      if (x === x && y === y) {
        if (sc.cnt[s] === 0) {
          sc.fa[s] = x;
          sc.fb[s] = y;
        } else {
          if (x !== sc.fa[s]) sc.varies[s] |= 1;
          if (y !== sc.fb[s]) sc.varies[s] |= 2;
        }
        sc.cnt[s] += 1;
        sc.sa[s] += x;
        sc.sb[s] += y;
      }
    }
  }
  for (let s = 0; s < S; s++) {
    if (sc.cnt[s] >= MIN_SYMBOL_PAIRS && sc.varies[s] === 3) {
      sc.sa[s] /= sc.cnt[s];
      sc.sb[s] /= sc.cnt[s];
    } else sc.cnt[s] = 0;
  }
  for (const arr of [sc.runA, sc.runAn, sc.preB, sc.preBn, sc.bxy, sc.bxx, sc.byy, sc.bAgree, sc.bSigned, sc.sxy, sc.sxx, sc.syy, sc.sAgree, sc.sSigned, sc.qxy, sc.qxx, sc.qyy, sc.qAgree, sc.qSigned, sc.qN]) arr.fill(0);
  const pred: PairTotals = { xy: 0, xx: 0, yy: 0, agree: 0, signed: 0, pairs: 0 };
  const sym: PairTotals = { xy: 0, xx: 0, yy: 0, agree: 0, signed: 0, pairs: 0 };
  // At row t, preB holds b's rows before t + gap (its later mean is (totB - preB) / (totBn - preBn))
  // and runA a's rows up to t - gap. Both advance one row per t, in the symbol loop.
  for (let r = 0; r < Math.min(T, gap - 1); r++) {
    for (let s = 0; s < S; s++) {
      const y = b[r * S + s];
      if (y === y) {
        sc.preB[s] += y;
        sc.preBn[s] += 1;
      }
    }
  }
  for (let t = 0; t < T; t++) {
    const row = t * S;
    const k = block[t];
    const enterB = t + gap - 1 < T ? (t + gap - 1) * S : -1;
    const enterA = t - gap >= 0 ? (t - gap) * S : -1;
    for (let s = 0; s < S; s++) {
      if (sc.cnt[s] === 0) continue;
      if (enterB >= 0) {
        const y = b[enterB + s];
        if (y === y) {
          sc.preB[s] += y;
          sc.preBn[s] += 1;
        }
      }
      if (enterA >= 0) {
        const x = a[enterA + s];
        if (x === x) {
          sc.runA[s] += x;
          sc.runAn[s] += 1;
        }
      }
      const x = a[row + s];
      const y = b[row + s];
      if (!(x === x && y === y)) continue;
      // whole-sample centring, for the copy check
      if (withSymmetric) addPair(sym, sc.sxy, sc.sxx, sc.syy, sc.sAgree, sc.sSigned, k, x - sc.sa[s], y - sc.sb[s]);
      // predictive centring: the feature on its past, the target on its later windows
      const later = sc.totBn[s] - sc.preBn[s];
      const minCentre = Math.max(MIN_CENTRE_VALUES, gap);
      if (later < minCentre || sc.runAn[s] < minCentre) continue;
      const dx = x - sc.runA[s] / sc.runAn[s];
      const dy = y - (sc.totB[s] - sc.preB[s]) / later;
      addPair(pred, sc.bxy, sc.bxx, sc.byy, sc.bAgree, sc.bSigned, k, dx, dy);
      // per symbol too, for the t across symbols
      sc.qxy[s] += dx * dy;
      sc.qxx[s] += dx * dx;
      sc.qyy[s] += dy * dy;
      sc.qN[s] += 1;
      if (dx * dy !== 0) {
        sc.qSigned[s] += 1;
        if (dx * dy > 0) sc.qAgree[s] += 1;
      }
    }
  }
  const symmetric = blockStats(sc, sc.sxy, sc.sxx, sc.syy, sc.sAgree, sc.sSigned, sym);
  const { corr, agreement } = blockStats(sc, sc.bxy, sc.bxx, sc.byy, sc.bAgree, sc.bSigned, pred);
  // The same statistics per symbol, and their t across symbols (symbols with too few pairs left out).
  for (let s = 0; s < S; s++) sc.outS[s] = sc.qN[s] >= MIN_SYMBOL_PAIRS && sc.qxx[s] > 0 && sc.qyy[s] > 0 ? sc.qxy[s] / Math.sqrt(sc.qxx[s] * sc.qyy[s]) : NaN;
  const tCorr = tOf(sc.outS, 0);
  for (let s = 0; s < S; s++) sc.outS[s] = sc.qN[s] >= MIN_SYMBOL_PAIRS && sc.qSigned[s] > 0 ? sc.qAgree[s] / sc.qSigned[s] : NaN;
  const tAgree = tOf(sc.outS, 0.5);
  return { corr: { ...corr, t: weakerT(corr.t, tCorr) }, agreement: { ...agreement, t: weakerT(agreement.t, tAgree) }, symmetric };
}

/**
 * The weaker of a statistic's t across time blocks and across symbols (the one nearer 0; the block
 * t alone when there are too few symbols for the other). A pooled statistic sums every symbol's
 * pairs, so a few symbols with a persistent, large-variance tie can carry every block; evidence
 * must also hold from symbol to symbol.
 */
function weakerT(tBlocks: number, tSymbols: number): number {
  if (!(tSymbols === tSymbols)) return tBlocks;
  if (!(tBlocks === tBlocks)) return tBlocks;
  return Math.abs(tSymbols) < Math.abs(tBlocks) ? tSymbols : tBlocks;
}

/**
 * The association of `a` (a feature, or a past quantity) with `b` (the target, or what it is
 * compared with). The symmetric pooled statistics are computed only when asked for (the copy
 * check); otherwise they are empty.
 */
export function associate(a: ScanSeries, b: ScanSeries, sc: AssociationScratch, withSymmetric = false): Association {
  const { corr, agreement, symmetric } = pooled(a.v, b.v, sc, withSymmetric);
  return { rankIc: rankIc(a, b, sc), tsCorr: corr, agreement, symmetric: { tsCorr: symmetric.corr, agreement: symmetric.agreement } };
}

/** Sign agreement share as a correlation: sin(pi (a - 1/2)), exact for a bivariate normal. */
export function agreementAsCorrelation(a: number): number {
  return Math.sin(Math.PI * (a - 0.5));
}

export type StatKind = "rank_ic" | "ts_corr" | "agreement";

export const STAT_TEXT: Record<StatKind, string> = {
  rank_ic: "cross-sectional rank IC",
  ts_corr: "pooled per-symbol correlation",
  agreement: "sign agreement (as a correlation)",
};

/** The statistics of an association as correlations with their t-statistics. */
export function asCorrelations(a: Association): Array<{ kind: StatKind; value: number; t: number }> {
  return [
    { kind: "rank_ic", value: a.rankIc.value, t: a.rankIc.t },
    { kind: "ts_corr", value: a.tsCorr.value, t: a.tsCorr.t },
    { kind: "agreement", value: agreementAsCorrelation(a.agreement.value), t: a.agreement.t },
  ];
}
