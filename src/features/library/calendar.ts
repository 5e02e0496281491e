import type { SymbolFrame } from "../frame.js";
import type { DataInfo, TimeSeriesFeatureSpec } from "../spec.js";
import { timeSeries } from "./define.js";

const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;

/** Day of week, Monday = 0 .. Sunday = 6 (1970-01-01 was a Thursday). */
function dayOfWeek(ms: number): number {
  const d = Math.floor(ms / DAY_MS);
  return (((d + 3) % 7) + 7) % 7;
}

/** Fraction of the day elapsed, 0 <= x < 1. */
function timeOfDay(ms: number): number {
  const r = ms % DAY_MS;
  return (r < 0 ? r + DAY_MS : r) / DAY_MS;
}

function month(ms: number): number {
  return new Date(ms).getUTCMonth() + 1;
}

/** Null when `fn` takes at least two distinct values over the panel's times, else a reason. */
function varies(info: DataInfo, offsetMs: number, fn: (ms: number) => number, what: string): string | null {
  const t = info.times;
  if (t.length === 0) return `the panel has no rows, so ${what} is undefined`;
  const first = fn(t[0] + offsetMs);
  for (let i = 1; i < t.length; i++) if (fn(t[i] + offsetMs) !== first) return null;
  return `every bar has the same ${what}, so it carries no information`;
}

/**
 * Calendar features: the same for every symbol at a timestamp, taken from the bar timestamp plus
 * a fixed UTC offset. They use no data column, so they are never lagged by extraLag, and each is
 * skipped when it does not vary over the panel (time of day on daily bars).
 */
export function calendarFeatures(utcOffsetMinutes: number): TimeSeriesFeatureSpec[] {
  const off = utcOffsetMinutes * 60_000;
  const shared = (key: string, fn: (ms: number) => number) => (f: SymbolFrame) =>
    f.sharedSeries(`cal:${key}:${off}`, (out) => {
      for (let i = 0; i < f.n; i++) out[i] = fn(f.times[i] + off);
    });
  const dowAngle = (ms: number) => (TWO_PI * dayOfWeek(ms)) / 7;
  const todAngle = (ms: number) => TWO_PI * timeOfDay(ms);
  const applicableDow = (info: DataInfo) => varies(info, off, dayOfWeek, "day of week");
  const applicableTod = (info: DataInfo) => varies(info, off, timeOfDay, "time of day");
  const applicableMonth = (info: DataInfo) => varies(info, off, month, "month");
  const cal = (name: string, description: string, applicable: (i: DataInfo) => string | null, fn: (ms: number) => number) =>
    timeSeries({
      name,
      family: "calendar",
      inputs: [],
      lookback: 1,
      dataFree: true,
      description,
      applicable,
      series: shared(name, fn),
    });
  return [
    cal("cal_dow", "day of week of bar t, Monday = 0 .. Sunday = 6", applicableDow, dayOfWeek),
    cal("cal_dow_sin", "sin(2 pi dow / 7): day of week on a circle", applicableDow, (ms) => Math.sin(dowAngle(ms))),
    cal("cal_dow_cos", "cos(2 pi dow / 7): day of week on a circle", applicableDow, (ms) => Math.cos(dowAngle(ms))),
    cal("cal_tod", "time of day of the bar timestamp as a fraction of 24 h", applicableTod, timeOfDay),
    cal("cal_tod_sin", "sin(2 pi time-of-day): time of day on a circle", applicableTod, (ms) => Math.sin(todAngle(ms))),
    cal("cal_tod_cos", "cos(2 pi time-of-day): time of day on a circle", applicableTod, (ms) => Math.cos(todAngle(ms))),
    cal("cal_month", "calendar month of bar t, 1 .. 12", applicableMonth, month),
  ];
}
