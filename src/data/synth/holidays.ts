/**
 * NYSE full-day closures, by rule. Days are counted as integers since 1970-01-01 (UTC), which keeps
 * calendar arithmetic exact and cheap.
 *
 * Rules (NYSE Rule 7.2 and its history): New Year's Day (Sunday -> Monday; a Saturday New Year is
 * not moved to the Friday before), Martin Luther King Jr. Day (3rd Monday of January, since 1998),
 * Washington's Birthday (3rd Monday of February), Good Friday, Memorial Day (last Monday of May),
 * Juneteenth (June 19, since 2022), Independence Day, Labor Day (1st Monday of September),
 * Thanksgiving (4th Thursday of November), Christmas; Saturday holidays move to the Friday before,
 * Sunday holidays to the Monday after. Plus the unscheduled closures since 1985 listed below. Early
 * closes (13:00) are not modelled: those days have full sessions here.
 */

const MS_PER_DAY = 86_400_000;

export function dayNumber(y: number, m: number, d: number): number {
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function dayToIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isoToDay(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number);
  return dayNumber(y, m, d);
}

export function dateParts(day: number): { y: number; m: number; d: number } {
  const t = new Date(day * MS_PER_DAY);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The n-th (1-based) given weekday of a month; n = -1 for the last. */
function nthWeekday(y: number, m: number, wd: number, n: number): number {
  if (n > 0) {
    const first = dayNumber(y, m, 1);
    return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = dayNumber(y, m + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const mm = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * mm + 114) / 31);
  const day = ((h + l - 7 * mm + 114) % 31) + 1;
  return dayNumber(y, month, day);
}

/** Saturday -> Friday before, Sunday -> Monday after. */
function observed(day: number): number {
  const wd = weekday(day);
  if (wd === 6) return day - 1;
  if (wd === 0) return day + 1;
  return day;
}

/** Unscheduled full-day closures (weather, national mourning, 9/11). */
const SPECIAL_CLOSURES = [
  "1985-09-27", // Hurricane Gloria
  "1994-04-27", // President Nixon's funeral
  "2001-09-11",
  "2001-09-12",
  "2001-09-13",
  "2001-09-14",
  "2004-06-11", // President Reagan's funeral
  "2007-01-02", // President Ford's funeral
  "2012-10-29", // Hurricane Sandy
  "2012-10-30",
  "2018-12-05", // President G. H. W. Bush's funeral
  "2025-01-09", // President Carter's funeral
];

/** NYSE full-day holidays of year `y`, as day numbers, ascending. */
export function nyseHolidays(y: number): number[] {
  const days: number[] = [];
  const newYear = dayNumber(y, 1, 1);
  if (weekday(newYear) !== 6) days.push(observed(newYear));
  if (y >= 1998) days.push(nthWeekday(y, 1, 1, 3));
  days.push(nthWeekday(y, 2, 1, 3));
  days.push(easterSunday(y) - 2);
  days.push(nthWeekday(y, 5, 1, -1));
  if (y >= 2022) days.push(observed(dayNumber(y, 6, 19)));
  days.push(observed(dayNumber(y, 7, 4)));
  days.push(nthWeekday(y, 9, 1, 1));
  days.push(nthWeekday(y, 11, 4, 4));
  days.push(observed(dayNumber(y, 12, 25)));
  for (const iso of SPECIAL_CLOSURES) if (iso.startsWith(`${y}-`)) days.push(isoToDay(iso));
  return days.sort((a, b) => a - b);
}

/** A predicate "is this day a holiday" for the configured holiday rule. */
export function holidayTest(rule: "nyse" | "none" | readonly string[]): (day: number) => boolean {
  if (rule === "none") return () => false;
  if (Array.isArray(rule)) {
    const set = new Set(rule.map(isoToDay));
    return (day) => set.has(day);
  }
  const byYear = new Map<number, Set<number>>();
  return (day) => {
    const y = dateParts(day).y;
    let set = byYear.get(y);
    if (!set) {
      set = new Set(nyseHolidays(y));
      byYear.set(y, set);
    }
    return set.has(day);
  };
}
