/** Trading hours in a named time zone (daylight saving time included, through Intl). */
import type { RiskConfig } from "../schema.js";

type Hours = RiskConfig["market_hours"];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", weekday: "short", hour: "2-digit", minute: "2-digit", year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local weekday (0 = Sunday), minutes after midnight and date (YYYY-MM-DD) of an instant in a zone. */
export function localTime(ms: number, timeZone: string): { weekday: number; minutes: number; date: string } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
  return { weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute), date: `${parts.year}-${parts.month}-${parts.day}` };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function withinTradingHours(ms: number, h: Hours): boolean {
  const t = localTime(ms, h.timezone);
  if (h.weekdays_only && (t.weekday === 0 || t.weekday === 6)) return false;
  return t.minutes >= minutesOf(h.start) && t.minutes < minutesOf(h.end);
}

/** Checks a time zone name once, at configuration time. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
