/**
 * Trading calendars learned from the bars themselves (no exchange calendar, no time-zone
 * database): which times of day a symbol trades, where its trading day begins, which weekdays
 * are trading days. Everything is in UTC; the learned boundaries sit in the middle of the
 * quiet part of the day, so DST shifts of one hour never move a bar to another day.
 */

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
const HALF_DAY_MS = DAY_MS / 2;
/** A time-of-day bin holding less than this share of the busiest bin's bars counts as closed (stray prints). */
const CLOSED_BIN_SHARE = 0.01;
/** Daily bars: stamp times are binned at this resolution. */
const DAILY_BIN_MS = 15 * 60_000;

export type CalendarUnit = "intraday" | "daily" | "weekly";

export const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** Weekday (0 = Sunday) of a day number (days since 1970-01-01, a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Bars per time-of-day bin over one day (or week), summed over the timestamps given. */
export function timeOfDayHistogram(ts: Float64Array, binMs: number, periodMs = DAY_MS, into?: Float64Array): Float64Array {
  const bins = Math.round(periodMs / binMs);
  const hist = into ?? new Float64Array(bins);
  for (let i = 0; i < ts.length; i++) {
    const r = ((ts[i] % periodMs) + periodMs) % periodMs;
    hist[Math.min(bins - 1, Math.floor(r / binMs))] += 1;
  }
  return hist;
}

/** 1 for bins that hold bars (above the stray-print threshold). */
export function openBins(hist: Float64Array): Uint8Array {
  let max = 0;
  for (let i = 0; i < hist.length; i++) if (hist[i] > max) max = hist[i];
  const open = new Uint8Array(hist.length);
  for (let i = 0; i < hist.length; i++) open[i] = hist[i] > 0 && hist[i] >= CLOSED_BIN_SHARE * max ? 1 : 0;
  return open;
}

/**
 * Where the trading day turns over: the middle of the longest circular run of closed bins (ms
 * after UTC midnight). 0 when no bin is closed (a 24-hour market: days are UTC dates).
 */
export function dayBoundary(open: Uint8Array, binMs: number): number {
  const n = open.length;
  let bestStart = -1;
  let bestLen = 0;
  let firstOpen = -1;
  for (let i = 0; i < n; i++) if (open[i]) {
    firstOpen = i;
    break;
  }
  if (firstOpen < 0) return 0;
  // Walk once around the circle starting at an open bin, so a run wrapping past midnight is whole.
  let runStart = -1;
  for (let step = 1; step <= n; step++) {
    const i = (firstOpen + step) % n;
    if (!open[i]) {
      if (runStart < 0) runStart = step;
    } else if (runStart >= 0) {
      const len = step - runStart;
      if (len > bestLen) {
        bestLen = len;
        bestStart = (firstOpen + runStart) % n;
      }
      runStart = -1;
    }
  }
  if (bestLen === 0) return 0;
  const mid = (bestStart + bestLen / 2) * binMs;
  return mid % (n * binMs);
}

/** The open parts of a day as "HH:MM-HH:MM" UTC ranges (a range may wrap past midnight). */
export function openRanges(open: Uint8Array, binMs: number): string[] {
  const n = open.length;
  const fmt = (ms: number) => {
    const m = Math.round((ms % DAY_MS) / 60_000);
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  };
  let all = true;
  for (let i = 0; i < n; i++) if (!open[i]) all = false;
  if (all) return ["00:00-24:00"];
  const ranges: Array<[number, string]> = [];
  for (let i = 0; i < n; i++) {
    if (!open[i] || open[(i - 1 + n) % n]) continue;
    let j = i;
    while (open[(j + 1) % n]) j = (j + 1) % n;
    ranges.push([i, `${fmt(i * binMs)}-${fmt((j + 1) * binMs)}`]);
  }
  const out = ranges.sort((a, b) => a[0] - b[0]).map((r) => r[1]);
  return out;
}

/** How one symbol's bars map to trading days (or weeks). */
export interface SymbolCalendar {
  /** Trading-day number of each bar: days since 1970-01-01 of the day it belongs to (weeks since the Monday 1970-01-05 for weekly bars). */
  keys: Int32Array;
  /** Ms after UTC midnight at which this symbol's trading day turns over. */
  boundaryMs: number;
  /** Days added so daily bars stamped at local midnight east of UTC land on their own date (see dailyShift). */
  shiftDays: number;
  /** Intraday: 1 for the bar-sized bins of the day in which the symbol trades (breaks such as lunch are 0). */
  open: Uint8Array | null;
  binMs: number;
}

function keyOf(ts: number, boundaryMs: number, shiftDays: number): number {
  return Math.floor((ts - boundaryMs) / DAY_MS) + (boundaryMs >= HALF_DAY_MS ? 1 : 0) + shiftDays;
}

/** Start (epoch ms) of trading day `key` for a symbol, the inverse of its key mapping. */
export function dayStartMs(cal: SymbolCalendar, key: number): number {
  return (key - cal.shiftDays - (cal.boundaryMs >= HALF_DAY_MS ? 1 : 0)) * DAY_MS + cal.boundaryMs;
}

/**
 * Daily bars stamped at 00:00 local time east of UTC carry the previous UTC date (Tokyo: 15:00 UTC
 * the day before), and vendors that stamp a bar's end carry the next one. The shift of -1, 0 or +1
 * days that puts the most bars on Monday..Friday undoes that; ties keep 0 (7-day markets).
 */
function dailyShift(keys: Int32Array): number {
  const perWeekday = new Float64Array(7);
  for (let i = 0; i < keys.length; i++) perWeekday[weekdayOfDay(keys[i])]++;
  // bars landing on Monday..Friday after shifting by s days
  const weekdays = [-1, 0, 1].map((s) => {
    let n = 0;
    for (let w = 0; w < 7; w++) {
      const shifted = (w + s + 7) % 7;
      if (shifted >= 1 && shifted <= 5) n += perWeekday[w];
    }
    return n;
  });
  let best = 0;
  if (weekdays[0] > weekdays[1] && weekdays[0] >= weekdays[2]) best = -1;
  if (weekdays[2] > weekdays[1] && weekdays[2] > weekdays[0]) best = 1;
  return best;
}

/** Monday-based week number: 1970-01-05 (a Monday) starts week 1. */
function weekOf(ts: number): number {
  return Math.floor((Math.floor(ts / DAY_MS) + 3) / 7);
}

export function symbolCalendar(ts: Float64Array, unit: CalendarUnit, barMs: number): SymbolCalendar {
  const keys = new Int32Array(ts.length);
  if (unit === "weekly") {
    for (let i = 0; i < ts.length; i++) keys[i] = weekOf(ts[i]);
    return { keys, boundaryMs: 0, shiftDays: 0, open: null, binMs: WEEK_MS };
  }
  const binMs = unit === "daily" ? DAILY_BIN_MS : barMs;
  const open = openBins(timeOfDayHistogram(ts, binMs));
  const boundaryMs = dayBoundary(open, binMs);
  for (let i = 0; i < ts.length; i++) keys[i] = keyOf(ts[i], boundaryMs, 0);
  let shiftDays = 0;
  if (unit === "daily") {
    shiftDays = dailyShift(keys);
    if (shiftDays !== 0) for (let i = 0; i < keys.length; i++) keys[i] += shiftDays;
  }
  return { keys, boundaryMs, shiftDays, open: unit === "intraday" ? open : null, binMs };
}

/** ISO date (YYYY-MM-DD) of a trading-day key; for weekly keys, the Monday of the week. */
export function keyDate(key: number, unit: CalendarUnit): string {
  const day = unit === "weekly" ? key * 7 - 3 : key;
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC times of day at which a daily symbol's bars are stamped, as 15-minute ranges ("20:00-20:15"). */
export function dailyStampTimes(ts: Float64Array): string[] {
  return openRanges(openBins(timeOfDayHistogram(ts, DAILY_BIN_MS)), DAILY_BIN_MS);
}
