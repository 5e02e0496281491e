/** Execution times as TWS 10 writes them ("yyyymmdd hh:mm:ss <IANA zone>"), and the filter time it reads. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function twsTime(ms: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}${p.month}${p.day} ${p.hour}:${p.minute}:${p.second} ${timeZone}`;
}

/** The execution filter's "yyyymmdd-hh:mm:ss" (UTC) as epoch ms; empty = no filter. */
export function filterTime(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (m === null) return -Infinity;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
