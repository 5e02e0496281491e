import { DAY_MS, symbolCalendar } from "../panel/sessions.js";

/**
 * Trading sessions of one symbol's ticks, from the calendar the data layer learns from times of
 * day (panel/sessions.ts, the same one the gap report uses): a session ends where the trading
 * day turns over (overnight, weekends, holidays) or where the ticks cross a time of day in
 * which the symbol does not trade on any day (a lunch break: a quiet stretch of at least 30 minutes,
 * learned from at least 5 trading days of dense enough ticks, so one quiet afternoon is not a
 * closure). Resampling cuts bars inside sessions only, so
 * no bar spans a closure. The calendar sees the whole file (which times of day are quiet), not
 * the ticks' values; a bar itself only reads the ticks inside it.
 */

/** Time-of-day resolution of the learned calendar. */
export const SESSION_BIN_MS = 5 * 60_000;
const BINS = DAY_MS / SESSION_BIN_MS;

export interface TickSessions {
  /** Index of the first tick of each session, increasing; `starts[k+1]` (or the tick count) ends session k. */
  starts: Int32Array;
  /** Trading-day number (days since 1970-01-01) of each session. */
  day: Int32Array;
}

/** Breaks within a day are learned from at least this many trading days; with fewer, only the day's turnover splits sessions. */
export const MIN_DAYS_FOR_BREAKS = 5;
/** Breaks within a day are learned only when the symbol's open 5-minute bins hold at least this many ticks on average (over all days). */
export const MIN_TICKS_PER_OPEN_BIN = 5;
/** A quiet stretch of the day shorter than this is not a break (sparse ticks leave short quiet bins). */
export const MIN_BREAK_MS = 30 * 60_000;

export function tickSessions(ts: Float64Array): TickSessions {
  const n = ts.length;
  if (n === 0) return { starts: new Int32Array(0), day: new Int32Array(0) };
  const cal = symbolCalendar(ts, "intraday", SESSION_BIN_MS);
  let days = 1;
  for (let i = 1; i < n && days < MIN_DAYS_FOR_BREAKS; i++) if (cal.keys[i] !== cal.keys[i - 1]) days++;
  let openBins = 0;
  for (let b = 0; b < BINS; b++) openBins += cal.open![b];
  // Sparse ticks leave bins empty by chance: learn breaks only when an open bin holds several ticks on average.
  const dense = n >= MIN_TICKS_PER_OPEN_BIN * openBins;
  const open = days >= MIN_DAYS_FOR_BREAKS && dense ? breakFree(cal.open!) : null;
  const starts: number[] = [0];
  const day: number[] = [cal.keys[0]];
  for (let i = 1; i < n; i++) {
    if (cal.keys[i] !== cal.keys[i - 1] || (open !== null && crossesClosedBin(ts[i - 1], ts[i], open))) {
      starts.push(i);
      day.push(cal.keys[i]);
    }
  }
  return { starts: Int32Array.from(starts), day: Int32Array.from(day) };
}

/** The open mask with closed runs shorter than MIN_BREAK_MS reopened (runs wrap around midnight). */
function breakFree(open: Uint8Array): Uint8Array {
  const out = Uint8Array.from(open);
  const minRun = MIN_BREAK_MS / SESSION_BIN_MS;
  const first = open.indexOf(1);
  if (first < 0) return out;
  let run = 0;
  for (let step = 1; step <= BINS; step++) {
    const i = (first + step) % BINS;
    if (!open[i]) {
      run++;
      continue;
    }
    if (run > 0 && run < minRun) for (let k = 1; k <= run; k++) out[(i - k + BINS) % BINS] = 1;
    run = 0;
  }
  return out;
}

/** True when a time-of-day bin strictly between the bins of a and b (same trading day) is closed. */
function crossesClosedBin(a: number, b: number, open: Uint8Array): boolean {
  const ba = Math.floor(a / SESSION_BIN_MS);
  const bb = Math.floor(b / SESSION_BIN_MS);
  for (let k = ba + 1; k < bb; k++) {
    const bin = ((k % BINS) + BINS) % BINS;
    if (!open[bin]) return true;
  }
  return false;
}
