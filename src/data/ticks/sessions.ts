import { DAY_MS, symbolCalendar } from "../panel/sessions.js";

/**
 * Trading sessions of one symbol's ticks, from the calendar the data layer learns from times of
 * day (panel/sessions.ts, the same one the gap report uses): a session ends where the trading
 * day turns over (overnight, weekends, holidays) or where the ticks cross a time of day in
 * which the symbol does not trade (a lunch break). Resampling cuts bars inside sessions only, so
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

export function tickSessions(ts: Float64Array): TickSessions {
  const n = ts.length;
  if (n === 0) return { starts: new Int32Array(0), day: new Int32Array(0) };
  const cal = symbolCalendar(ts, "intraday", SESSION_BIN_MS);
  const open = cal.open!;
  const starts: number[] = [0];
  const day: number[] = [cal.keys[0]];
  for (let i = 1; i < n; i++) {
    if (cal.keys[i] !== cal.keys[i - 1] || crossesClosedBin(ts[i - 1], ts[i], open)) {
      starts.push(i);
      day.push(cal.keys[i]);
    }
  }
  return { starts: Int32Array.from(starts), day: Int32Array.from(day) };
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
