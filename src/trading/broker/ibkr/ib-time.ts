/**
 * TWS's time texts. Executions come as "yyyymmdd hh:mm:ss" followed by an IANA zone in TWS 10
 * ("20231113 09:30:05 US/Eastern"), or with none (older versions, then TWS's login zone, given by
 * `time_zone`); the execution filter takes "yyyymmdd-hh:mm:ss" in UTC.
 */
import { FoxmlError } from "../../../util/errors.js";

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds a zone's wall clock is ahead of UTC at instant `ms`. */
function zoneOffset(ms: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    offsetFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** Epoch ms of a wall-clock time in a zone (the offset read twice: right across a DST change). */
export function zonedToEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(first, timeZone);
}

/** Epoch ms of an execution's time text. */
export function parseExecutionTime(text: string, defaultZone: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})[ -]+(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?\s*$/.exec(text);
  if (m === null) throw new FoxmlError(`IBKR: unreadable execution time ${JSON.stringify(text)}`, { exitCode: 1 });
  const zone = m[7] ?? defaultZone;
  try {
    return zonedToEpoch(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), zone);
  } catch {
    throw new FoxmlError(`IBKR: execution time ${JSON.stringify(text)} names an unknown time zone ${JSON.stringify(zone)}`, { exitCode: 1 });
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The execution filter's "yyyymmdd-hh:mm:ss", UTC. */
export function filterTimeText(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** reqHistoricalData's end time, "yyyymmdd-hh:mm:ss" in UTC as well ("" = now). */
export const historyEndText = filterTimeText;
