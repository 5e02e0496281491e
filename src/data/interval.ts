import { InputError } from "../util/errors.js";
import type { DataOptions } from "./options.js";
import { upperBound } from "./panel/axis.js";
import { checkTimeAxis } from "./panel/grid.js";
import { dailyStampGroups } from "./panel/stamps.js";
import { INTERVAL_MS, STANDARD_INTERVALS, type IntervalInfo, type StandardInterval, type SymbolSeries } from "./types.js";

/**
 * Bar-size detection from timestamps.
 *
 * The statistic: sort the deltas between consecutive bars and find the densest relative window
 * (every delta d within [x(1-tol), x(1+tol)] of a centre x taken from the data). That is the mode
 * of the spacing, robust to timestamp jitter and DST hours (23h/25h daily deltas). A smaller,
 * still frequent spacing that divides the mode replaces it (the "smallest frequent delta"), so a
 * regular pattern of missing bars cannot double the bar size. Deltas of 1.5 bars or more are gaps
 * (missing bars, overnight, weekends, holidays, halts) and are dropped before the share and median
 * are taken. Bars also put (nearly) every delta on a whole multiple of the base spacing. Tick-like
 * data does neither: the dense window holds far less than half of the kept deltas and few deltas
 * sit on the grid, so it is reported as "irregular" with the median of its deltas after outlier
 * gaps (session breaks) are fenced off. So is a regular spacing that is no standard bar size.
 */

export type IntervalOptions = Partial<Pick<DataOptions, "interval" | "interval_tolerance">>;

/** What the spacing of one timestamp array says, independent of any configuration. */
export interface SpacingAnalysis {
  /** A standard bar size, "irregular", or null when there are fewer than two timestamps. */
  detected: StandardInterval | "irregular" | null;
  /** Median of the deltas kept after large gaps were dropped (ms); NaN without deltas. */
  medianSpacingMs: number;
  /** Centre of the dominant spacing (the smallest frequent delta), ms; NaN without deltas. */
  baseSpacingMs: number;
  /** Share of the kept deltas within tolerance of the base spacing. */
  dominantShare: number;
  /** Share of all deltas within tolerance of a whole multiple of the base spacing (bars missing, closures). */
  onGridShare: number;
  /** Coefficient of variation of the deltas inside a Tukey fence (log scale, 3 IQR): spread without session breaks. */
  cv: number;
  /** Number of deltas (timestamps - 1). */
  deltaCount: number;
  /** Deltas that entered the statistics (all of them, or a deterministic sample of large inputs). */
  analyzedCount: number;
  /** Analyzed deltas left after dropping large gaps. */
  keptCount: number;
  /** Why the spacing was classified this way, for reports. */
  reason: string;
}

/** The interval a series (or a panel) will use, with the evidence behind it. */
export interface IntervalDetection extends IntervalInfo, Omit<SpacingAnalysis, "medianSpacingMs"> {
  /** Set when an explicit interval was configured and detection found something else. */
  disagreement: string | null;
}

export interface SymbolSpacing extends SpacingAnalysis {
  symbol: string;
  bars: number;
}

export interface PanelIntervalDetection {
  /** The panel's interval: explicit configuration, or detection over all symbols' deltas pooled. */
  overall: IntervalDetection;
  /** Detection per symbol, in input order. */
  symbols: SymbolSpacing[];
  /** Symbols whose own spacing is a different bar size than the panel's detected one. */
  disagreeing: Array<{ symbol: string; detected: StandardInterval | "irregular" }>;
  /** Human-readable findings worth printing (explicit vs detected, mixed bar sizes, short symbols). */
  warnings: string[];
}

export const DEFAULT_INTERVAL_TOLERANCE = 0.1;
/** Below this share of kept deltas at the base spacing there is no dominant spacing (tick-like). */
export const MIN_DOMINANT_SHARE = 0.5;
/** Below this share of deltas on the base grid, the timestamps do not form bars. */
export const MIN_ON_GRID_SHARE = 0.5;
/** A smaller spacing at least this frequent (relative to the mode) that divides the mode becomes the base. */
const DIVISOR_MIN_RELATIVE_COUNT = 0.5;
/** Deltas of this many base spacings or more are gaps, not bars. */
const GAP_MULTIPLE = 1.5;
/** Statistics use at most this many deltas (a deterministic sample beyond), bounding time and memory. */
export const MAX_ANALYZED_DELTAS = 200_000;

/** Bar sizes from the largest down, for formatting durations. */
const DURATION_UNITS: Array<[string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/** A duration in the largest two units: 90000 -> "1m 30s", 86400000 -> "1d", 1.5 -> "1.5ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1_000) return `${+ms.toPrecision(3)}ms`;
  const sign = ms < 0 ? "-" : "";
  let rest = Math.round(Math.abs(ms));
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    if (rest >= size && parts.length < 2) {
      const n = parts.length === 1 ? Math.round(rest / size) : Math.floor(rest / size);
      parts.push(`${n}${unit}`);
      rest -= n * size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return sign + parts.join(" ");
}

function checkTolerance(tol: number): number {
  if (!Number.isFinite(tol) || tol < 0 || tol > 0.5) {
    throw new InputError(`interval_tolerance must be a number in [0, 0.5], got ${tol}`, "the default is 0.1 (10%)");
  }
  return tol;
}

function checkExplicit(value: IntervalOptions["interval"]): StandardInterval | null {
  if (value === undefined || value === "auto") return null;
  if (!(STANDARD_INTERVALS as readonly string[]).includes(value)) {
    throw new InputError(`interval "${value}" is not a bar size FoxML knows`, `use auto or one of ${STANDARD_INTERVALS.join(", ")}`);
  }
  return value;
}

/** The standard bar size nearest (relatively) to `ms`, if within `tol`. */
export function snapToStandard(ms: number, tol: number): StandardInterval | null {
  let best: StandardInterval | null = null;
  let bestErr = Infinity;
  for (const name of STANDARD_INTERVALS) {
    const err = Math.abs(ms - INTERVAL_MS[name]) / INTERVAL_MS[name];
    if (err <= tol + 1e-12 && err < bestErr) {
      best = name;
      bestErr = err;
    }
  }
  return best;
}

/** xorshift32: a fixed-seed stream so that sampling large inputs is deterministic. */
function sampler(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/**
 * Deltas of several strictly increasing timestamp arrays, pooled, sorted ascending. Beyond
 * `cap` deltas a uniform random (fixed-seed) sample is taken; a stride would alias with the
 * session rhythm (every 78th 5-minute delta is the overnight one).
 */
export function pooledSortedDeltas(arrays: readonly Float64Array[], cap = MAX_ANALYZED_DELTAS): { deltas: Float64Array; total: number } {
  let total = 0;
  for (const ts of arrays) total += Math.max(0, ts.length - 1);
  if (total <= cap) {
    const deltas = new Float64Array(total);
    let n = 0;
    for (const ts of arrays) for (let i = 1; i < ts.length; i++) deltas[n++] = ts[i] - ts[i - 1];
    return { deltas: deltas.sort(), total };
  }
  // Bernoulli sampling with rate cap/total, drawing the geometric skips between picks rather
  // than one random number per delta.
  const logKeep = Math.log1p(-cap / total);
  const rand = sampler(0x2545f491);
  const skip = () => Math.floor(Math.log(1 - rand()) / logKeep);
  const out = new Float64Array(Math.ceil(cap * 1.05) + 16);
  let n = 0;
  let next = skip();
  let offset = 0; // index of the first delta of the current array in the pooled sequence
  for (const ts of arrays) {
    const m = Math.max(0, ts.length - 1);
    while (next < offset + m && n < out.length) {
      const i = next - offset + 1;
      out[n++] = ts[i] - ts[i - 1];
      next += 1 + skip();
    }
    offset += m;
  }
  const deltas = out.subarray(0, n);
  deltas.sort();
  return { deltas, total };
}

/** Per data point i of a sorted array: how many values lie within [d_i(1-tol), d_i(1+tol)], plus the bounds. */
function windowCounts(d: Float64Array, tol: number): { count: Int32Array; lo: Int32Array; hi: Int32Array } {
  const n = d.length;
  const count = new Int32Array(n);
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  let l = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const x = d[i];
    while (d[l] < x * (1 - tol)) l++;
    if (h < i) h = i;
    while (h + 1 < n && d[h + 1] <= x * (1 + tol)) h++;
    lo[i] = l;
    hi[i] = h;
    count[i] = h - l + 1;
  }
  return { count, lo, hi };
}

function median(sorted: Float64Array, from: number, to: number): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const mid = from + (n >> 1);
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How many of the sorted deltas lie inside a Tukey fence on the log scale (q3 * (q3/q1)^3):
 * beyond it are session breaks and outages, which would swamp the median and spread of tick data.
 */
function fencedCount(d: Float64Array): number {
  const q1 = d[Math.floor((d.length - 1) * 0.25)];
  const q3 = d[Math.floor((d.length - 1) * 0.75)];
  return upperBound(d, q3 * Math.pow(q3 / q1, 3));
}

function coefficientOfVariation(d: Float64Array, n: number): number {
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i] - mean) * (d[i] - mean);
  return Math.sqrt(ss / n) / mean;
}

const NO_DELTAS: SpacingAnalysis = {
  detected: null,
  medianSpacingMs: NaN,
  baseSpacingMs: NaN,
  dominantShare: NaN,
  onGridShare: NaN,
  cv: NaN,
  deltaCount: 0,
  analyzedCount: 0,
  keptCount: 0,
  reason: "fewer than two timestamps: no spacing to measure",
};

/** Classifies sorted positive deltas (see the module comment for the method). */
export function analyzeSortedDeltas(d: Float64Array, tolerance = DEFAULT_INTERVAL_TOLERANCE, deltaCount = d.length): SpacingAnalysis {
  const tol = checkTolerance(tolerance);
  const n = d.length;
  if (n === 0) return { ...NO_DELTAS, deltaCount };
  if (!(d[0] > 0) || !Number.isFinite(d[n - 1])) {
    const bad = d[0] > 0 ? d[n - 1] : d[0];
    throw new InputError(`timestamps must be finite and strictly increasing for interval detection (found a delta of ${bad} ms)`);
  }
  const { count, lo, hi } = windowCounts(d, tol);
  let mode = 0;
  for (let i = 1; i < n; i++) if (count[i] > count[mode]) mode = i;
  const modeCentre = d[mode];
  // The smallest frequent spacing that divides the mode is the bar; the mode is then a gap pattern.
  let base = mode;
  for (let i = 0; i < n && d[i] < modeCentre * (1 - tol); i++) {
    if (count[i] < DIVISOR_MIN_RELATIVE_COUNT * count[mode]) continue;
    const k = Math.round(modeCentre / d[i]);
    if (k >= 2 && Math.abs(modeCentre / k - d[i]) <= tol * d[i]) {
      base = i;
      break;
    }
  }
  const baseMs = median(d, lo[base], hi[base] + 1);
  const baseCount = hi[base] - lo[base] + 1;
  const kept = upperBound(d, baseMs * Math.max(GAP_MULTIPLE, 1 + tol) - 1e-9);
  const fenced = fencedCount(d);
  const cv = coefficientOfVariation(d, fenced);
  let onGrid = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.max(1, Math.round(d[i] / baseMs));
    if (Math.abs(d[i] - k * baseMs) <= tol * baseMs + 1e-9) onGrid++;
  }
  const dominantShare = kept > 0 ? Math.min(1, baseCount / kept) : 0;
  const onGridShare = onGrid / n;
  const common = { baseSpacingMs: baseMs, dominantShare, onGridShare, cv, deltaCount, analyzedCount: n, keptCount: kept };
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (dominantShare < MIN_DOMINANT_SHARE || onGridShare < MIN_ON_GRID_SHARE) {
    return {
      ...common,
      detected: "irregular",
      medianSpacingMs: median(d, 0, fenced),
      reason:
        `no dominant spacing (tick-like): ${pct(dominantShare)} of the kept deltas are near the most common spacing ` +
        `${formatDuration(baseMs)}, ${pct(onGridShare)} of all deltas are whole multiples of it, coefficient of variation ${cv.toFixed(2)}`,
    };
  }
  const snapped = snapToStandard(baseMs, tol);
  if (snapped === null) {
    return {
      ...common,
      detected: "irregular",
      medianSpacingMs: median(d, 0, fenced),
      reason:
        `regular spacing of ${formatDuration(baseMs)} (${pct(dominantShare)} of kept deltas) is not within ` +
        `${pct(tol)} of a standard bar size (${STANDARD_INTERVALS.join(", ")})`,
    };
  }
  return {
    ...common,
    detected: snapped,
    medianSpacingMs: median(d, 0, kept),
    reason:
      `${pct(dominantShare)} of ${kept} deltas below ${GAP_MULTIPLE} bars are ${formatDuration(baseMs)}` +
      (baseMs === INTERVAL_MS[snapped] ? "" : ` (snapped to ${snapped})`) +
      `; ${n - kept} larger deltas treated as gaps`,
  };
}

/** Spacing analysis of one strictly increasing timestamp array (no configuration involved). */
export function analyzeSpacing(ts: Float64Array, tolerance = DEFAULT_INTERVAL_TOLERANCE): SpacingAnalysis {
  const { deltas, total } = pooledSortedDeltas([ts]);
  return analyzeSortedDeltas(deltas, tolerance, total);
}

/** Combines the configured interval (if any) with what the data says. */
function decide(analysis: SpacingAnalysis, explicit: StandardInterval | null, what: string): IntervalDetection {
  const { medianSpacingMs, ...evidence } = analysis;
  if (explicit !== null) {
    const disagrees = analysis.detected !== null && analysis.detected !== explicit;
    return {
      ...evidence,
      interval: explicit,
      explicit: true,
      medianSpacingMs: Number.isNaN(medianSpacingMs) ? INTERVAL_MS[explicit] : medianSpacingMs,
      disagreement: disagrees
        ? `interval is configured as ${explicit}, but ${what} look like ${analysis.detected} ` +
          `(median spacing ${formatDuration(medianSpacingMs)}; ${analysis.reason})`
        : null,
    };
  }
  if (analysis.detected === null) {
    throw new InputError(
      `cannot detect the bar interval of ${what}: ${analysis.reason}`,
      `set pipeline.data.interval to one of ${STANDARD_INTERVALS.join(", ")}`,
    );
  }
  return { ...evidence, interval: analysis.detected, explicit: false, medianSpacingMs, disagreement: null };
}

/**
 * The interval of one timestamp array: the configured one when `opts.interval` is not "auto"
 * (with `disagreement` set when the data says otherwise), else the detected one. Throws an
 * InputError when detection is needed but there are fewer than two timestamps.
 */
export function detectInterval(ts: Float64Array, opts: IntervalOptions = {}): IntervalDetection {
  const explicit = checkExplicit(opts.interval);
  const analysis = analyzeSpacing(ts, opts.interval_tolerance ?? DEFAULT_INTERVAL_TOLERANCE);
  return decide(analysis, explicit, "the timestamps");
}

/** Just the IntervalInfo part of a detection, for the Panel and manifests. */
export function toIntervalInfo(d: IntervalInfo): IntervalInfo {
  return { interval: d.interval, medianSpacingMs: d.medianSpacingMs, explicit: d.explicit };
}

const LIST_LIMIT = 8;

function listSome(items: string[]): string {
  return items.length <= LIST_LIMIT ? items.join(", ") : `${items.slice(0, LIST_LIMIT).join(", ")} and ${items.length - LIST_LIMIT} more`;
}

/**
 * The panel's interval from every symbol's own deltas pooled (never from the deltas of the merged
 * time axis: symbols stamped at different times of day would make that look intraday), plus each
 * symbol's own detection and the symbols that disagree with the panel.
 */
export function detectPanelInterval(series: readonly SymbolSeries[], options: IntervalOptions = {}): PanelIntervalDetection {
  const tol = checkTolerance(options.interval_tolerance ?? DEFAULT_INTERVAL_TOLERANCE);
  const explicit = checkExplicit(options.interval);
  for (const s of series) checkTimeAxis(s.ts, `symbol "${s.symbol}"`);
  const symbols: SymbolSpacing[] = series.map((s) => ({ symbol: s.symbol, bars: s.ts.length, ...analyzeSpacing(s.ts, tol) }));
  const pooled = pooledSortedDeltas(series.map((s) => s.ts));
  const overall = decide(analyzeSortedDeltas(pooled.deltas, tol, pooled.total), explicit, `the bars of ${series.length} symbol(s)`);
  const warnings: string[] = [];
  if (overall.disagreement) warnings.push(overall.disagreement);
  const reference = overall.detected;
  const disagreeing: PanelIntervalDetection["disagreeing"] = [];
  const short: string[] = [];
  for (const s of symbols) {
    if (s.detected === null) short.push(s.symbol);
    else if (reference !== null && s.detected !== reference) disagreeing.push({ symbol: s.symbol, detected: s.detected });
  }
  if (disagreeing.length > 0) {
    warnings.push(
      `${disagreeing.length} of ${series.length} symbols have a different bar size than the panel's ${reference}: ` +
        listSome(disagreeing.map((d) => `${d.symbol} (${d.detected})`)),
    );
  }
  if (overall.interval === "1d") {
    const groups = dailyStampGroups(series);
    if (groups.length > 1) {
      warnings.push(
        `daily bars are stamped at different times of day: ` +
          groups.map((g) => `${g.timesUtc.join(" / ")} UTC (${listSome(g.symbols)})`).join("; ") +
          `; on a union time axis one trading day would take several rows: restamp them by trading date (alignDailyStamps) before building the panel`,
      );
    }
  }
  if (short.length > 0) warnings.push(`${short.length} symbol(s) have fewer than two bars, so no spacing of their own: ${listSome(short)}`);
  return { overall, symbols, disagreeing, warnings };
}
