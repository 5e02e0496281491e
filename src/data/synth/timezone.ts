/**
 * Local wall-clock time -> UTC for session hours. IANA zones go through Intl (Node ships full ICU
 * with its time-zone database), so daylight-saving changes land on the right dates; "UTC" and fixed
 * offsets like "-05:00" are handled here because Intl on Node 20 does not accept offset zones.
 */

const FIXED_OFFSET = /^([+-])(\d{2}):(\d{2})$/;

function fixedOffsetMinutes(tz: string): number | undefined {
  if (tz === "UTC" || tz === "Z") return 0;
  const m = FIXED_OFFSET.exec(tz);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (fixedOffsetMinutes(tz) !== undefined) return true;
  if (FIXED_OFFSET.test(tz)) return false; // looks like an offset but out of range
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** Minutes to add to UTC to get local time in `tz` at the instant `utcMs`. */
export function utcOffsetMinutes(tz: string, utcMs: number): number {
  const fixed = fixedOffsetMinutes(tz);
  if (fixed !== undefined) return fixed;
  const parts = formatterFor(tz).formatToParts(new Date(utcMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  // The formatter drops milliseconds; compare whole seconds.
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * The UTC instant of local wall time `minutesOfDay` on the local date (y, m, d) in `tz`. For a
 * wall time that occurs twice (clocks going back) the earlier instant is returned; for one that is
 * skipped (clocks going forward) the instant an hour-offset later.
 */
export function localToUtc(tz: string, y: number, m: number, d: number, minutesOfDay: number): number {
  const wall = Date.UTC(y, m - 1, d) + minutesOfDay * 60_000;
  const off1 = utcOffsetMinutes(tz, wall);
  const guess = wall - off1 * 60_000;
  const off2 = utcOffsetMinutes(tz, guess);
  if (off2 === off1) return guess;
  const second = wall - off2 * 60_000;
  // Ambiguous: both candidates map back to the wall time; take the earlier.
  if (utcOffsetMinutes(tz, second) === off2) return Math.min(guess, second);
  return guess;
}
