import { formatDuration } from "./interval.js";
import { lowerBound, presenceCounts, unionTimes } from "./panel/axis.js";
import { InputError } from "../util/errors.js";
import { checkTimeAxis, iso } from "./panel/grid.js";
import {
  DAY_MS,
  dayStartMs,
  keyDate,
  openBins,
  openRanges,
  symbolCalendar,
  timeOfDayHistogram,
  WEEKDAY_NAMES,
  weekdayOfDay,
  type CalendarUnit,
  type SymbolCalendar,
} from "./panel/sessions.js";
import { INTERVAL_MS, type IntervalInfo, type SymbolSeries } from "./types.js";

/**
 * The gap report: every delta between consecutive bars of a symbol that is longer than one bar,
 * classified with a calendar learned from the data itself (see panel/sessions.ts):
 * - expected: overnight between sessions, non-trading weekdays (weekends);
 * - closure: whole trading days on which most listed symbols have no bar (holidays, 11-14 Sep 2001);
 * - halt: bar slots inside a symbol's session where most of the market has no bar either;
 * - missing: bars the market had (at least half of the listed symbols traded) but this symbol lacks,
 *   or, for a symbol trading alone, slots inside its own session hours.
 * A delta is counted once, under its most serious part (missing > closure > halt > expected).
 * Whole days are judged across symbols: with one symbol a weekday without a bar is a closure (a
 * holiday is likelier than lost data), an in-session hole is missing data.
 */

export type GapKind = "missing" | "closure" | "halt" | "expected";

export interface Gap {
  symbol: string;
  kind: GapKind;
  /** The bars on either side of the gap (ISO UTC). */
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Bars the market had that this symbol lacks (whole days included). */
  missingBars: number;
  /** Trading days (weeks, for weekly bars) on which the market was closed. */
  closedDays: number;
  /** Bar slots inside the session in which most of the market had no bar either. */
  haltBars: number;
  /** Days that are not trading weekdays (weekends). */
  nonTradingDays: number;
  description: string;
}

export interface SymbolGapSummary {
  symbol: string;
  bars: number;
  first: string | null;
  last: string | null;
  /** Deltas that are only overnight breaks and weekends. */
  expectedGaps: number;
  closureGaps: number;
  closedDays: number;
  haltGaps: number;
  haltBars: number;
  missingGaps: number;
  missingBars: number;
  /** The largest non-expected gaps, most missing bars first. */
  largest: Gap[];
}

export interface MarketClosure {
  /** First and last closed trading day (YYYY-MM-DD; the week's Monday for weekly bars). */
  start: string;
  end: string;
  tradingDays: number;
  /** Symbols listed (between their first and last bar) during the closure. */
  activeSymbols: number;
}

export interface GapReport {
  interval: IntervalInfo;
  /** False for irregular (tick-like) data, where "a missing bar" has no meaning. */
  applicable: boolean;
  note: string | null;
  calendar: {
    unit: CalendarUnit;
    tradingWeekdays: string[];
    /** UTC time-of-day ranges in which bars occur (across all symbols; both DST regimes show). */
    barTimesUtc: string[];
  };
  totals: Omit<SymbolGapSummary, "symbol" | "first" | "last" | "largest"> & { symbols: number };
  /** Trading days on which most listed symbols have no bar, consecutive ones (across weekends) merged. */
  marketClosures: MarketClosure[];
  symbols: SymbolGapSummary[];
  /** The largest non-expected gaps over all symbols. */
  largest: Gap[];
}

export interface GapReportOptions {
  /** How many largest gaps to list per symbol and overall (default 10). */
  top?: number;
  /** A day (or a bar time) is open when at least this share of listed symbols has a bar (default 0.5). */
  marketShare?: number;
}

const KIND_RANK: Record<GapKind, number> = { missing: 3, closure: 2, halt: 1, expected: 0 };

/** A gap before its texts are written: only the few that make a top list get ISO strings and a description. */
interface RawGap {
  symbol: string;
  kind: GapKind;
  a: number;
  b: number;
  parts: GapParts;
}

function compareGaps(x: RawGap, y: RawGap): number {
  return (
    KIND_RANK[y.kind] - KIND_RANK[x.kind] ||
    y.parts.missingBars - x.parts.missingBars ||
    y.parts.closedDays - x.parts.closedDays ||
    y.parts.haltBars - x.parts.haltBars ||
    y.b - y.a - (x.b - x.a) ||
    x.a - y.a ||
    (x.symbol < y.symbol ? -1 : x.symbol > y.symbol ? 1 : 0)
  );
}

/** Keeps the `top` largest gaps without holding every gap of a very gappy symbol. */
class TopGaps {
  private items: RawGap[] = [];
  constructor(private readonly top: number) {}
  add(g: RawGap): void {
    this.items.push(g);
    if (this.items.length > 4 * this.top + 16) this.trim();
  }
  private trim(): void {
    this.items.sort(compareGaps);
    this.items.length = Math.min(this.items.length, this.top);
  }
  raw(): RawGap[] {
    this.trim();
    return this.items;
  }
}

function toGap(g: RawGap, unit: CalendarUnit): Gap {
  const p = g.parts;
  return {
    symbol: g.symbol,
    kind: g.kind,
    start: iso(g.a),
    end: iso(g.b),
    startMs: g.a,
    endMs: g.b,
    durationMs: g.b - g.a,
    missingBars: p.missingBars,
    closedDays: p.closedDays,
    haltBars: p.haltBars,
    nonTradingDays: p.nonTradingDays,
    description: describe(p, unit),
  };
}

/** Market-wide state shared by all symbols: per trading day, and per bar time for intraday data. */
interface Market {
  unit: CalendarUnit;
  barMs: number;
  kMin: number;
  /** Per day key - kMin: symbols with a bar that day, symbols listed that day. */
  presentDays: Int32Array;
  activeDays: Int32Array;
  tradingWeekday: boolean[];
  share: number;
  /** Intraday: the union of all bar times, symbols listed at each, prefix count of "open" times (most listed symbols have a bar). */
  union: Float64Array;
  activeAt: Int32Array;
  openPrefix: Int32Array;
}

function dayOpen(m: Market, key: number): boolean {
  const p = m.presentDays[key - m.kMin];
  return p > 0 && p >= m.share * m.activeDays[key - m.kMin];
}

function isTradingDay(m: Market, key: number): boolean {
  return m.unit === "weekly" || m.tradingWeekday[weekdayOfDay(key)];
}

/** Open market bar times in [from, to) (intraday). */
function openTimesIn(m: Market, from: number, to: number): number {
  const i = lowerBound(m.union, from);
  const j = lowerBound(m.union, to);
  return j > i ? m.openPrefix[j] - m.openPrefix[i] : 0;
}

function buildMarket(series: readonly SymbolSeries[], cals: SymbolCalendar[], unit: CalendarUnit, barMs: number, share: number): Market {
  let kMin = Infinity;
  let kMax = -Infinity;
  for (const c of cals) {
    if (c.keys.length === 0) continue;
    kMin = Math.min(kMin, c.keys[0]);
    kMax = Math.max(kMax, c.keys[c.keys.length - 1]);
  }
  const K = kMax >= kMin ? kMax - kMin + 1 : 0;
  const presentDays = new Int32Array(K);
  const activeDiff = new Int32Array(K + 1);
  for (const c of cals) {
    const k = c.keys;
    if (k.length === 0) continue;
    for (let i = 0; i < k.length; i++) if (i === 0 || k[i] !== k[i - 1]) presentDays[k[i] - kMin]++;
    activeDiff[k[0] - kMin]++;
    activeDiff[k[k.length - 1] - kMin + 1]--;
  }
  const activeDays = new Int32Array(K);
  for (let i = 0, run = 0; i < K; i++) activeDays[i] = run += activeDiff[i];
  const occurrences = new Int32Array(7);
  const traded = new Int32Array(7);
  for (let i = 0; i < K; i++) {
    if (activeDays[i] === 0) continue;
    const w = weekdayOfDay(i + kMin);
    occurrences[w]++;
    if (presentDays[i] > 0) traded[w]++;
  }
  const tradingWeekday = Array.from({ length: 7 }, (_, w) => occurrences[w] > 0 && traded[w] >= 0.5 * occurrences[w]);
  let union: Float64Array = new Float64Array(0);
  let activeAt = new Int32Array(0);
  let openPrefix = new Int32Array(1);
  if (unit === "intraday") {
    const arrays = series.map((s) => s.ts);
    union = unionTimes(arrays);
    const present = presenceCounts(arrays, union);
    const diff = new Int32Array(union.length + 1);
    for (const ts of arrays) {
      if (ts.length === 0) continue;
      diff[lowerBound(union, ts[0])]++;
      diff[lowerBound(union, ts[ts.length - 1]) + 1]--;
    }
    activeAt = new Int32Array(union.length);
    openPrefix = new Int32Array(union.length + 1);
    for (let u = 0, run = 0; u < union.length; u++) {
      activeAt[u] = run += diff[u];
      openPrefix[u + 1] = openPrefix[u] + (present[u] >= share * activeAt[u] ? 1 : 0);
    }
  }
  return { unit, barMs, kMin, presentDays, activeDays, tradingWeekday, share, union, activeAt, openPrefix };
}

/** Bar slots strictly between a and b that fall in the symbol's open time-of-day bins. */
function sessionSlots(cal: SymbolCalendar, a: number, b: number, barMs: number): number {
  const m = Math.round((b - a) / barMs) - 1;
  let n = 0;
  for (let j = 1; j <= m; j++) {
    const t = a + j * barMs;
    const bin = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / cal.binMs);
    if (cal.open === null || cal.open[bin]) n++;
  }
  return n;
}

interface GapParts {
  missingBars: number;
  missingDays: number;
  sessionMissing: number;
  closedDays: number;
  firstClosed: number;
  lastClosed: number;
  haltBars: number;
  nonTradingDays: number;
  overnight: boolean;
}

/** Takes one delta of one symbol apart: days in between, then (intraday) the partial sessions at either end. */
function gapParts(m: Market, cal: SymbolCalendar, a: number, b: number, ka: number, kb: number): GapParts {
  const p: GapParts = { missingBars: 0, missingDays: 0, sessionMissing: 0, closedDays: 0, firstClosed: 0, lastClosed: 0, haltBars: 0, nonTradingDays: 0, overnight: false };
  for (let k = ka + 1; k < kb; k++) {
    if (!isTradingDay(m, k)) {
      p.nonTradingDays++;
    } else if (dayOpen(m, k)) {
      p.missingDays++;
      if (m.unit === "intraday") {
        const start = dayStartMs(cal, k);
        p.missingBars += Math.max(1, openTimesIn(m, start, start + DAY_MS));
      } else {
        p.missingBars++;
      }
    } else {
      if (p.closedDays === 0) p.firstClosed = k;
      p.lastClosed = k;
      p.closedDays++;
    }
  }
  if (m.unit !== "intraday") return p;
  if (ka === kb) {
    const slots = sessionSlots(cal, a, b, m.barMs);
    const othersListed = m.activeAt[lowerBound(m.union, a)] - 1;
    if (othersListed > 0) {
      const missing = Math.min(slots, openTimesIn(m, a + 1, b));
      p.sessionMissing += missing;
      p.haltBars += slots - missing;
    } else {
      p.sessionMissing += slots;
    }
  } else {
    p.overnight = true;
    p.sessionMissing += openTimesIn(m, a + 1, dayStartMs(cal, ka + 1));
    p.sessionMissing += openTimesIn(m, dayStartMs(cal, kb), b);
  }
  p.missingBars += p.sessionMissing;
  return p;
}

function describe(p: GapParts, unit: CalendarUnit): string {
  const dayWord = unit === "weekly" ? "week" : "trading day";
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const parts: string[] = [];
  if (p.missingDays > 0) parts.push(`${plural(p.missingDays, dayWord)} missing that most symbols traded`);
  if (p.sessionMissing > 0) parts.push(`${plural(p.sessionMissing, "bar")} missing inside the session`);
  if (p.missingDays > 0 && unit === "intraday") parts.push(`${plural(p.missingBars, "bar")} missing in all`);
  if (p.closedDays > 0) {
    const span = p.firstClosed === p.lastClosed ? keyDate(p.firstClosed, unit) : `${keyDate(p.firstClosed, unit)}..${keyDate(p.lastClosed, unit)}`;
    parts.push(`market closed ${plural(p.closedDays, dayWord)} (${span})`);
  }
  if (p.haltBars > 0) parts.push(`${plural(p.haltBars, "bar")} in session with most of the market not trading`);
  if (p.nonTradingDays > 0) parts.push(plural(p.nonTradingDays, "non-trading day"));
  if (p.overnight && parts.length === 0) parts.push("overnight");
  return parts.join("; ");
}

function kindOf(p: GapParts): GapKind {
  if (p.missingBars > 0) return "missing";
  if (p.closedDays > 0) return "closure";
  if (p.haltBars > 0) return "halt";
  return "expected";
}

function emptySummary(s: SymbolSeries): SymbolGapSummary {
  const n = s.ts.length;
  return {
    symbol: s.symbol,
    bars: n,
    first: n > 0 ? iso(s.ts[0]) : null,
    last: n > 0 ? iso(s.ts[n - 1]) : null,
    expectedGaps: 0,
    closureGaps: 0,
    closedDays: 0,
    haltGaps: 0,
    haltBars: 0,
    missingGaps: 0,
    missingBars: 0,
    largest: [],
  };
}

function summarizeSymbol(s: SymbolSeries, cal: SymbolCalendar, m: Market, best: TopGaps): SymbolGapSummary {
  const out = emptySummary(s);
  const { ts } = s;
  const k = cal.keys;
  for (let i = 1; i < ts.length; i++) {
    const a = ts[i - 1];
    const b = ts[i];
    if (m.unit === "intraday" ? k[i] === k[i - 1] && b - a < 1.5 * m.barMs : k[i] - k[i - 1] <= 1) continue;
    const p = gapParts(m, cal, a, b, k[i - 1], k[i]);
    const kind = kindOf(p);
    if (kind === "expected") {
      out.expectedGaps++;
      continue;
    }
    if (kind === "missing") out.missingGaps++;
    else if (kind === "closure") out.closureGaps++;
    else out.haltGaps++;
    out.missingBars += p.missingBars;
    out.closedDays += p.closedDays;
    out.haltBars += p.haltBars;
    best.add({ symbol: s.symbol, kind, a, b, parts: p });
  }
  return out;
}

function marketClosures(m: Market): MarketClosure[] {
  const out: MarketClosure[] = [];
  let open: { first: number; last: number; days: number; active: number } | null = null;
  const flush = () => {
    if (open) out.push({ start: keyDate(open.first, m.unit), end: keyDate(open.last, m.unit), tradingDays: open.days, activeSymbols: open.active });
    open = null;
  };
  for (let i = 0; i < m.presentDays.length; i++) {
    const key = i + m.kMin;
    if (m.activeDays[i] === 0) {
      flush();
      continue;
    }
    if (!isTradingDay(m, key)) continue; // a weekend inside a closure does not end it
    if (dayOpen(m, key)) {
      flush();
      continue;
    }
    if (open === null) open = { first: key, last: key, days: 0, active: 0 };
    open.last = key;
    open.days++;
    open.active = Math.max(open.active, m.activeDays[i]);
  }
  flush();
  return out;
}

function calendarUnit(interval: IntervalInfo): CalendarUnit {
  return interval.interval === "1w" ? "weekly" : interval.interval === "1d" ? "daily" : "intraday";
}

/**
 * Classifies the gaps of every symbol (see the module comment). Symbols keep their input order;
 * the calendar (trading weekdays, bar times of day) is learned from all symbols together.
 */
export function gapReport(series: readonly SymbolSeries[], interval: IntervalInfo, opts: GapReportOptions = {}): GapReport {
  const top = Math.max(0, Math.floor(opts.top ?? 10));
  const share = opts.marketShare ?? 0.5;
  if (!(share > 0 && share <= 1)) throw new InputError(`gap report: marketShare must be in (0, 1], got ${share}`);
  for (const s of series) checkTimeAxis(s.ts, `symbol "${s.symbol}"`);
  const unit = calendarUnit(interval);
  const totals = { symbols: series.length, bars: 0, expectedGaps: 0, closureGaps: 0, closedDays: 0, haltGaps: 0, haltBars: 0, missingGaps: 0, missingBars: 0 };
  for (const s of series) totals.bars += s.ts.length;
  if (interval.interval === "irregular") {
    return {
      interval,
      applicable: false,
      note: `irregular (tick-like) data with median spacing ${formatDuration(interval.medianSpacingMs)}: there is no bar grid, so no bar can be missing`,
      calendar: { unit, tradingWeekdays: [], barTimesUtc: [] },
      totals,
      marketClosures: [],
      symbols: series.map(emptySummary),
      largest: [],
    };
  }
  const barMs = INTERVAL_MS[interval.interval];
  const cals = series.map((s) => symbolCalendar(s.ts, unit, barMs));
  const m = buildMarket(series, cals, unit, barMs, share);
  const overall = new TopGaps(top);
  const symbols = series.map((s, i) => {
    const best = new TopGaps(top);
    const summary = summarizeSymbol(s, cals[i], m, best);
    for (const key of ["expectedGaps", "closureGaps", "closedDays", "haltGaps", "haltBars", "missingGaps", "missingBars"] as const) totals[key] += summary[key];
    const raw = best.raw();
    for (const g of raw) overall.add(g);
    summary.largest = raw.map((g) => toGap(g, unit));
    return summary;
  });
  let barTimesUtc: string[] = [];
  if (unit !== "weekly") {
    const binMs = unit === "daily" ? 15 * 60_000 : barMs;
    const hist = new Float64Array(Math.round(DAY_MS / binMs));
    for (const s of series) timeOfDayHistogram(s.ts, binMs, DAY_MS, hist);
    barTimesUtc = openRanges(openBins(hist), binMs);
  }
  return {
    interval,
    applicable: true,
    note: null,
    calendar: {
      unit,
      tradingWeekdays: unit === "weekly" ? [] : WEEKDAY_NAMES.filter((_, w) => m.tradingWeekday[w]),
      barTimesUtc,
    },
    totals,
    marketClosures: marketClosures(m),
    symbols,
    largest: overall.raw().map((g) => toGap(g, unit)),
  };
}
