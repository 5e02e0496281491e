import { InputError } from "../../util/errors.js";
import { INTERVAL_MS } from "../types.js";
import type { SynthConfig, SynthInterval } from "./config.js";
import { dateParts, dayToIso, holidayTest, isoToDay, weekday } from "./holidays.js";
import { localToUtc } from "./timezone.js";

/**
 * The common time axis of a synthetic market: trading days (weekdays that are not holidays) and,
 * for intraday intervals, the bars of each day's session. Bars are labelled by their start time;
 * daily bars by their date at 00:00 UTC.
 *
 * Each bar also carries its share of a day's variance and volume. Intraday variance and volume
 * follow a U shape over the session (busy open and close, quiet lunch), and the first bar of a day
 * also carries the overnight gap's share, so the open of a session jumps from the last close.
 */
export interface MarketCalendar {
  readonly interval: SynthInterval;
  /** Bar start times, epoch ms UTC, strictly increasing. */
  readonly times: Float64Array;
  /** Trading-day ordinal (0, 1, ...) of each bar. */
  readonly day: Int32Array;
  /** 1 where a bar opens a session (an overnight or weekend gap lies before it). */
  readonly sessionStart: Uint8Array;
  /** Share of the day's variance in each bar (a full day sums to 1), including the overnight share on a session's first bar. */
  readonly varianceShare: Float64Array;
  /** Of which the overnight gap before the bar (non-zero on session starts only). */
  readonly overnightShare: Float64Array;
  /** Share of the day's volume in each bar (a full day sums to 1). */
  readonly volumeShare: Float64Array;
  /** Bars in a full session (1 for daily). */
  readonly barsPerDay: number;
  /** The trading days, ISO dates. */
  readonly days: readonly string[];
  /** Weekdays between the first and last trading day with no bars (holidays), ISO dates. */
  readonly holidays: readonly string[];
  /** How the session was placed in UTC, for the manifest. */
  readonly session: { open: string; close: string; timezone: string } | null;
}

const DEFAULT_BARS = 1000;
/** A safety stop for `end` far in the future with a small interval. */
const MAX_DAYS = 200 * 366;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

interface SessionProfile {
  /** Offsets of bar starts from the session open, minutes. */
  startMinutes: number[];
  variance: number[];
  overnight: number[];
  volume: number[];
}

/** The per-bar offsets and shares of one full session (the same every day in local time). */
function sessionProfile(config: SynthConfig): SessionProfile {
  const open = minutesOf(config.session.open);
  const close = minutesOf(config.session.close);
  const step = INTERVAL_MS[config.interval] / 60_000;
  const length = close - open;
  if (length < step) {
    throw new InputError(
      `session ${config.session.open}-${config.session.close} is shorter than one ${config.interval} bar`,
      "use a smaller interval or a longer session (session.open / session.close)",
    );
  }
  const startMinutes: number[] = [];
  const weights: number[] = [];
  const u = config.returns.intraday_u;
  for (let s = 0; s < length; s += step) {
    const barLength = Math.min(step, length - s);
    const mid = (s + barLength / 2) / length;
    const edge = (2 * mid - 1) ** 2; // 0 at midday, 1 at the open and close; its mean over the session is 1/3
    startMinutes.push(s);
    weights.push(barLength * (1 + 3 * u * edge));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const overnightShare = config.returns.overnight_share;
  const variance = weights.map((w) => (w / total) * (1 - overnightShare));
  variance[0] += overnightShare;
  const overnight = weights.map((_, k) => (k === 0 ? overnightShare : 0));
  const volume = weights.map((w) => w / total);
  return { startMinutes, variance, overnight, volume };
}

export function buildCalendar(config: SynthConfig): MarketCalendar {
  const intraday = config.interval !== "1d";
  const isHoliday = holidayTest(config.holidays);
  const firstDay = isoToDay(config.start);
  const lastDay = config.end !== undefined ? isoToDay(config.end) : Number.POSITIVE_INFINITY;
  const maxBars = config.end !== undefined ? Number.POSITIVE_INFINITY : (config.bars ?? DEFAULT_BARS);
  const profile: SessionProfile = intraday
    ? sessionProfile(config)
    : { startMinutes: [0], variance: [1], overnight: [config.returns.overnight_share], volume: [1] };
  const open = minutesOf(config.session.open);

  const times: number[] = [];
  const dayOf: number[] = [];
  const firstFlag: number[] = [];
  const varShare: number[] = [];
  const overnight: number[] = [];
  const volShare: number[] = [];
  const days: string[] = [];
  const holidays: string[] = [];

  for (let day = firstDay; day <= lastDay && times.length < maxBars; day++) {
    if (day - firstDay > MAX_DAYS) {
      throw new InputError(`the calendar from ${config.start} would span more than ${MAX_DAYS} days`, "lower bars or set an earlier end");
    }
    const wd = weekday(day);
    if (wd === 0 || wd === 6) continue;
    if (isHoliday(day)) {
      if (days.length > 0) holidays.push(dayToIso(day));
      continue;
    }
    const ordinal = days.length;
    days.push(dayToIso(day));
    let sessionOpenUtc = day * 86_400_000;
    if (intraday) {
      const { y, m, d } = dateParts(day);
      sessionOpenUtc = localToUtc(config.session.timezone, y, m, d, open);
    }
    for (let k = 0; k < profile.startMinutes.length && times.length < maxBars; k++) {
      times.push(sessionOpenUtc + profile.startMinutes[k] * 60_000);
      dayOf.push(ordinal);
      firstFlag.push(k === 0 ? 1 : 0);
      varShare.push(profile.variance[k]);
      overnight.push(profile.overnight[k]);
      volShare.push(profile.volume[k]);
    }
  }
  if (times.length < 2) {
    const span = config.end !== undefined ? `${config.start} to ${config.end}` : `from ${config.start}`;
    throw new InputError(`the calendar ${span} has ${times.length} bar(s); at least 2 are needed`, "move end later or start earlier");
  }
  // Holidays after the last trading day are outside the data.
  const lastIso = days[days.length - 1];
  const inRange = holidays.filter((h) => h < lastIso);

  return {
    interval: config.interval,
    times: Float64Array.from(times),
    day: Int32Array.from(dayOf),
    sessionStart: Uint8Array.from(firstFlag),
    varianceShare: Float64Array.from(varShare),
    overnightShare: Float64Array.from(overnight),
    volumeShare: Float64Array.from(volShare),
    barsPerDay: profile.startMinutes.length,
    days,
    holidays: inRange,
    session: intraday ? { ...config.session } : null,
  };
}
