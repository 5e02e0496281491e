/**
 * Generated bar timestamps for the interval, gap and panel tests: exchange sessions in New York
 * time (with US daylight saving), daily and weekly stamps, tick-like arrivals. Small and fast.
 */
import type { SymbolSeries } from "../../src/data/types.js";

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Day number (days since 1970-01-01) of an ISO date. */
export function dayOf(isoDate: string): number {
  return Math.round(Date.parse(`${isoDate}T00:00:00Z`) / DAY);
}

export function weekday(day: number): number {
  return new Date(day * DAY).getUTCDay();
}

/** Day of the n-th (1-based) Sunday of a month. */
function nthSunday(year: number, month: number, n: number): number {
  const first = Math.round(Date.UTC(year, month, 1) / DAY);
  return first + ((7 - weekday(first)) % 7) + 7 * (n - 1);
}

/** New York's UTC offset (ms) on a day: -4h from the second Sunday of March to the first Sunday of November, else -5h. */
export function newYorkOffset(day: number): number {
  const year = new Date(day * DAY).getUTCFullYear();
  const dstOn = day >= nthSunday(year, 2, 2) && day < nthSunday(year, 10, 1);
  return (dstOn ? -4 : -5) * HOUR;
}

/** Monday..Friday days from `from` to `to` (inclusive ISO dates), without the given holidays. */
export function weekdays(from: string, to: string, holidays: readonly string[] = []): number[] {
  const skip = new Set(holidays.map(dayOf));
  const out: number[] = [];
  for (let d = dayOf(from); d <= dayOf(to); d++) {
    const w = weekday(d);
    if (w !== 0 && w !== 6 && !skip.has(d)) out.push(d);
  }
  return out;
}

export interface SessionSpec {
  /** Local New York opening and closing time in minutes after midnight (09:30 = 570, 16:00 = 960). */
  open?: number;
  close?: number;
  barMinutes: number;
  /** Days closing early: day number -> local close in minutes. */
  halfDays?: ReadonlyMap<number, number>;
}

/** Bar start times of a New York session on each day, in UTC ms (bars start at open, the last one ends at close). */
export function sessionBars(days: readonly number[], spec: SessionSpec): Float64Array {
  const open = spec.open ?? 570;
  const out: number[] = [];
  for (const d of days) {
    const close = spec.halfDays?.get(d) ?? spec.close ?? 960;
    for (let m = open; m + spec.barMinutes <= close; m += spec.barMinutes) out.push(d * DAY + m * MIN - newYorkOffset(d));
  }
  return new Float64Array(out);
}

/** One stamp per day at a New York local time (minutes after midnight), in UTC ms. */
export function dailyNewYork(days: readonly number[], localMinutes: number): Float64Array {
  return new Float64Array(days.map((d) => d * DAY + localMinutes * MIN - newYorkOffset(d)));
}

/** One stamp per day at a fixed UTC time of day (ms after midnight; negative = the day before). */
export function dailyUtc(days: readonly number[], msAfterMidnight: number): Float64Array {
  return new Float64Array(days.map((d) => d * DAY + msAfterMidnight));
}

/** Park-Miller generator: deterministic values in (0, 1). */
export function lcg(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Timestamps without those for which `drop(t, index)` is true. */
export function without(ts: Float64Array, drop: (t: number, i: number) => boolean): Float64Array {
  return ts.filter((t, i) => !drop(t, i));
}

/** A SymbolSeries whose `close` is 100 + the bar's index, and `volume` 1000 + index (easy to check after alignment). */
export function seriesOf(symbol: string, ts: Float64Array, extra: Record<string, Float64Array> = {}): SymbolSeries {
  const close = new Float64Array(ts.length).map((_, i) => 100 + i);
  const volume = new Float64Array(ts.length).map((_, i) => 1000 + i);
  return { symbol, ts, columns: new Map([["close", close], ["volume", volume], ...Object.entries(extra)]), sources: [`${symbol}.csv`] };
}

/** ISO UTC text of a New York local wall-clock time on a date ("2024-03-11", 12 * 60 = noon). */
export function nyTime(isoDate: string, localMinutes: number): number {
  const d = dayOf(isoDate);
  return d * DAY + localMinutes * MIN - newYorkOffset(d);
}
