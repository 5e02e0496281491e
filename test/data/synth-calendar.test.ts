import { describe, expect, it } from "vitest";
import { generateMarket } from "../../src/data/synth/index.js";
import { dayToIso, easterSunday, nyseHolidays } from "../../src/data/synth/holidays.js";
import { isValidTimeZone, localToUtc, utcOffsetMinutes } from "../../src/data/synth/timezone.js";
import { perBarGarch } from "../../src/data/synth/garch.js";
import { crossSectionalIc } from "./synth-stats.js";

describe("NYSE holidays", () => {
  it("match the published NYSE calendars", () => {
    const iso = (y: number) => nyseHolidays(y).map(dayToIso);
    // NYSE holiday schedules as published for these years.
    expect(iso(2021)).toEqual(["2021-01-01", "2021-01-18", "2021-02-15", "2021-04-02", "2021-05-31", "2021-07-05", "2021-09-06", "2021-11-25", "2021-12-24"]);
    // 2022: New Year's Day fell on a Saturday and was not observed; first Juneteenth.
    expect(iso(2022)).toEqual(["2022-01-17", "2022-02-21", "2022-04-15", "2022-05-30", "2022-06-20", "2022-07-04", "2022-09-05", "2022-11-24", "2022-12-26"]);
    expect(iso(2023)).toEqual([
      "2023-01-02",
      "2023-01-16",
      "2023-02-20",
      "2023-04-07",
      "2023-05-29",
      "2023-06-19",
      "2023-07-04",
      "2023-09-04",
      "2023-11-23",
      "2023-12-25",
    ]);
  });

  it("include unscheduled closures and drop rules before they existed", () => {
    const y2001 = nyseHolidays(2001).map(dayToIso);
    for (const d of ["2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14"]) expect(y2001).toContain(d);
    expect(nyseHolidays(2012).map(dayToIso)).toContain("2012-10-29");
    // No MLK day before 1998, no Juneteenth before 2022.
    expect(nyseHolidays(1997).map(dayToIso)).not.toContain("1997-01-20");
    expect(nyseHolidays(2021).map(dayToIso)).not.toContain("2021-06-18");
  });

  it("place Easter correctly", () => {
    expect(dayToIso(easterSunday(2000))).toBe("2000-04-23");
    expect(dayToIso(easterSunday(2019))).toBe("2019-04-21");
    expect(dayToIso(easterSunday(2024))).toBe("2024-03-31");
    expect(dayToIso(easterSunday(2025))).toBe("2025-04-20");
  });
});

describe("time zones", () => {
  it("follows New York daylight saving time", () => {
    expect(utcOffsetMinutes("America/New_York", Date.parse("2021-01-15T12:00:00Z"))).toBe(-300);
    expect(utcOffsetMinutes("America/New_York", Date.parse("2021-07-15T12:00:00Z"))).toBe(-240);
    expect(new Date(localToUtc("America/New_York", 2021, 3, 12, 9 * 60 + 30)).toISOString()).toBe("2021-03-12T14:30:00.000Z");
    expect(new Date(localToUtc("America/New_York", 2021, 3, 15, 9 * 60 + 30)).toISOString()).toBe("2021-03-15T13:30:00.000Z");
    expect(new Date(localToUtc("Europe/London", 2021, 7, 1, 8 * 60)).toISOString()).toBe("2021-07-01T07:00:00.000Z");
  });

  it("accepts UTC and fixed offsets, refuses unknown zones", () => {
    expect(localToUtc("-05:00", 2021, 7, 1, 570)).toBe(Date.parse("2021-07-01T14:30:00Z"));
    expect(localToUtc("+05:30", 2021, 7, 1, 570)).toBe(Date.parse("2021-07-01T04:00:00Z"));
    expect(localToUtc("UTC", 2021, 7, 1, 570)).toBe(Date.parse("2021-07-01T09:30:00Z"));
    expect(isValidTimeZone("Asia/Tokyo")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("+25:00")).toBe(false);
  });
});

/** Local HH:MM in New York of an epoch-ms instant, computed independently of the generator. */
const newYork = new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
function newYorkClock(ms: number): string {
  return newYork.format(new Date(ms));
}

describe("intraday sessions", () => {
  // 5-minute bars across the March 2021 switch to daylight saving time (March 14).
  const market = generateMarket({ seed: 2, symbols: 4, start: "2021-03-08", end: "2021-03-19", interval: "5m", listing: { late_fraction: 0, delist_fraction: 0 } });
  const times = market.calendar.times;

  it("has 78 five-minute bars per day from 09:30 to 15:55 New York time, on both sides of the DST change", () => {
    expect(market.calendar.days).toEqual(["2021-03-08", "2021-03-09", "2021-03-10", "2021-03-11", "2021-03-12", "2021-03-15", "2021-03-16", "2021-03-17", "2021-03-18", "2021-03-19"]);
    expect(times.length).toBe(78 * 10);
    const clocks = Array.from(times, newYorkClock);
    expect(clocks.filter((c) => c < "09:30" || c > "15:55")).toEqual([]);
    expect(clocks.slice(0, 2)).toEqual(["09:30", "09:35"]);
    expect(clocks[77]).toBe("15:55");
    // Before the change the open is 14:30 UTC, after it 13:30 UTC.
    expect(new Date(times[0]).toISOString()).toBe("2021-03-08T14:30:00.000Z");
    expect(new Date(times[5 * 78]).toISOString()).toBe("2021-03-15T13:30:00.000Z");
  });

  it("leaves overnight and weekend gaps between sessions, and only there", () => {
    const gaps: number[] = [];
    for (let i = 1; i < times.length; i++) {
      const dt = times[i] - times[i - 1];
      if (dt !== 300_000) gaps.push(i);
    }
    expect(gaps).toEqual(Array.from({ length: 9 }, (_, k) => (k + 1) * 78));
    // Friday close to Monday open spans the weekend (and here the DST change: 65 h 35 min - 1 h).
    expect(times[5 * 78] - times[5 * 78 - 1]).toBe((64 * 60 + 35) * 60_000);
    for (const s of market.series) expect(s.ts).toEqual(times);
  });

  it("opens each session away from the last close (overnight gap) and continues within it", () => {
    const s = market.series[0];
    const open = s.columns.get("open") as Float64Array;
    const close = s.columns.get("close") as Float64Array;
    let sessionJumps = 0;
    let inSessionJumps = 0;
    for (let i = 1; i < open.length; i++) {
      const jump = open[i] !== close[i - 1];
      if (market.calendar.sessionStart[i]) sessionJumps += jump ? 1 : 0;
      else inSessionJumps += jump ? 1 : 0;
    }
    expect(sessionJumps).toBe(9);
    expect(inSessionJumps).toBe(0);
  });

  it("makes intraday variance U-shaped: busier at the open and close than at midday", () => {
    const share = market.calendar.varianceShare;
    const day = Array.from(share.subarray(78, 156));
    expect(day.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(day[1]).toBeGreaterThan(day[39] * 2);
    expect(day[77]).toBeGreaterThan(day[39] * 2);
    expect(market.calendar.overnightShare[78]).toBeCloseTo(0.2, 12);
  });

  it("ends an hourly session with a half-hour bar at 15:30", () => {
    const m = generateMarket({ symbols: 1, start: "2021-06-01", bars: 14, interval: "1h", listing: { min_bars: 7 } });
    expect(Array.from(m.calendar.times.subarray(0, 7), newYorkClock)).toEqual(["09:30", "10:30", "11:30", "12:30", "13:30", "14:30", "15:30"]);
    const share = m.calendar.varianceShare;
    expect(share[6]).toBeLessThan(share[5]);
  });

  it("uses a fixed offset when asked (no DST)", () => {
    const m = generateMarket({ symbols: 1, start: "2021-03-12", end: "2021-03-15", interval: "30m", session: { timezone: "-05:00" }, listing: { min_bars: 2 } });
    const opens = Array.from(m.calendar.times).filter((_, i) => m.calendar.sessionStart[i]);
    expect(opens.map((t) => new Date(t).toISOString())).toEqual(["2021-03-12T14:30:00.000Z", "2021-03-15T14:30:00.000Z"]);
  });

  it("lists and delists symbols at session boundaries", () => {
    const m = generateMarket({ seed: 3, symbols: 30, start: "2021-01-04", bars: 78 * 20, interval: "5m", listing: { late_fraction: 0.5, delist_fraction: 0.5, min_bars: 78 * 3 } });
    const T = m.calendar.times;
    for (const s of m.series) {
      const first = T.indexOf(s.ts[0]);
      const last = first + s.ts.length - 1;
      expect(m.calendar.sessionStart[first]).toBe(1);
      expect(last === T.length - 1 || m.calendar.sessionStart[last + 1] === 1).toBe(true);
    }
    expect(new Set(m.series.map((s) => s.ts[0])).size).toBeGreaterThan(3);
  });

  it("plants signals with the intended IC on intraday bars too", () => {
    const m = generateMarket({ seed: 5, symbols: 60, bars: 78 * 25, interval: "5m", signals: { plant: true, noise_count: 0, features: [{ name: "sig_h5", horizon: 5, ic: 0.1 }] } });
    expect(crossSectionalIc(m, "sig_h5", 5)).toBeGreaterThan(0.085);
    expect(crossSectionalIc(m, "sig_h5", 5)).toBeLessThan(0.115);
    expect(Math.abs(crossSectionalIc(m, "sig_h5", 1))).toBeLessThan(0.015);
  });
});

describe("per-bar GARCH", () => {
  it("keeps daily parameters for daily bars and keeps daily persistence for intraday bars", () => {
    expect(perBarGarch({ alpha: 0.06, beta: 0.92 }, 1)).toEqual({ alpha: 0.06, beta: 0.92 });
    const g = perBarGarch({ alpha: 0.06, beta: 0.92 }, 78);
    expect((g.alpha + g.beta) ** 78).toBeCloseTo(0.98, 10);
    expect(g.alpha).toBeGreaterThan(0);
    expect(g.beta).toBeGreaterThan(0);
  });
});
