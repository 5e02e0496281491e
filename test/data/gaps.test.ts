import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gapReport } from "../../src/data/gaps.js";
import { detectPanelInterval } from "../../src/data/interval.js";
import type { IntervalInfo, SymbolSeries } from "../../src/data/types.js";
import { DAY, dailyNewYork, dailyUtc, dayOf, HOUR, lcg, MIN, nyTime, seriesOf, sessionBars, weekdays, without } from "./interval-fixtures.js";

const DAILY: IntervalInfo = { interval: "1d", medianSpacingMs: DAY, explicit: false };
const FIVE_MIN: IntervalInfo = { interval: "5m", medianSpacingMs: 5 * MIN, explicit: false };
const iso = (ms: number) => new Date(ms).toISOString();

describe("gapReport on daily bars", () => {
  // 2024-01-02 .. 2024-02-29; 2024-01-15 (MLK day) closed for all; B lacks 2024-01-24 that A and C have
  const days = weekdays("2024-01-02", "2024-02-29", ["2024-01-15"]);
  const ts = dailyNewYork(days, 16 * 60);
  const b = without(ts, (t) => Math.floor(t / DAY) === dayOf("2024-01-24"));
  const report = gapReport([seriesOf("A", ts), seriesOf("B", b), seriesOf("C", ts)], DAILY);

  it("learns Monday..Friday as trading days and the stamp times", () => {
    expect(report.applicable).toBe(true);
    expect(report.calendar).toEqual({ unit: "daily", tradingWeekdays: ["Mon", "Tue", "Wed", "Thu", "Fri"], barTimesUtc: ["21:00-21:15"] });
  });

  it("reports the holiday as a market closure and weekends as expected", () => {
    expect(report.marketClosures).toEqual([{ start: "2024-01-15", end: "2024-01-15", tradingDays: 1, activeSymbols: 3 }]);
    const a = report.symbols[0];
    expect(a).toMatchObject({ symbol: "A", missingGaps: 0, missingBars: 0, closureGaps: 1, closedDays: 1, haltGaps: 0 });
    expect(a.expectedGaps).toBe(7); // 8 weekends, one of them part of the holiday's 4-day gap
    expect(a.largest).toEqual([
      {
        symbol: "A",
        kind: "closure",
        start: iso(nyTime("2024-01-12", 960)),
        end: iso(nyTime("2024-01-16", 960)),
        startMs: nyTime("2024-01-12", 960),
        endMs: nyTime("2024-01-16", 960),
        durationMs: 4 * DAY,
        missingBars: 0,
        closedDays: 1,
        haltBars: 0,
        nonTradingDays: 2,
        description: "market closed 1 trading day (2024-01-15); 2 non-trading days",
      },
    ]);
  });

  it("reports the day only one symbol lacks as a missing bar of that symbol", () => {
    const bSummary = report.symbols[1];
    expect(bSummary).toMatchObject({ missingGaps: 1, missingBars: 1, closureGaps: 1, closedDays: 1 });
    expect(bSummary.largest[0]).toMatchObject({
      kind: "missing",
      start: iso(nyTime("2024-01-23", 960)),
      end: iso(nyTime("2024-01-25", 960)),
      missingBars: 1,
      description: "1 trading day missing that most symbols traded",
    });
    expect(report.totals).toMatchObject({ symbols: 3, missingGaps: 1, missingBars: 1, closureGaps: 3, closedDays: 3 });
    expect(report.largest[0]).toMatchObject({ symbol: "B", kind: "missing" });
  });

  it("shows the 11-14 Sep 2001 closure as one 4-day market closure", () => {
    const d = weekdays("2001-08-01", "2001-10-31", ["2001-09-03", "2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14"]);
    const r = gapReport(["X", "Y"].map((s) => seriesOf(s, dailyUtc(d, 0))), DAILY);
    expect(r.marketClosures).toEqual([
      { start: "2001-09-03", end: "2001-09-03", tradingDays: 1, activeSymbols: 2 },
      { start: "2001-09-11", end: "2001-09-14", tradingDays: 4, activeSymbols: 2 },
    ]);
    expect(r.symbols[0].largest[0]).toMatchObject({
      kind: "closure",
      start: "2001-09-10T00:00:00.000Z",
      end: "2001-09-17T00:00:00.000Z",
      closedDays: 4,
      nonTradingDays: 2,
      description: "market closed 4 trading days (2001-09-11..2001-09-14); 2 non-trading days",
    });
  });

  it("merges a closure across a weekend and treats a lone symbol's missing weekday as a closure", () => {
    const d = weekdays("2024-03-01", "2024-04-30", ["2024-03-29", "2024-04-01"]);
    const r = gapReport([seriesOf("SOLO", dailyUtc(d, 0))], DAILY);
    expect(r.marketClosures).toEqual([{ start: "2024-03-29", end: "2024-04-01", tradingDays: 2, activeSymbols: 1 }]);
    expect(r.symbols[0]).toMatchObject({ closureGaps: 1, closedDays: 2, missingBars: 0 });
  });

  it("dates bars stamped at local midnight east of UTC by their own day", () => {
    // Tokyo midnight = 15:00 UTC the day before; 2024-03-20 is a Japanese holiday
    const d = weekdays("2024-03-01", "2024-03-29", ["2024-03-20"]);
    const r = gapReport([seriesOf("7203.T", dailyUtc(d, -9 * HOUR)), seriesOf("6758.T", dailyUtc(d, -9 * HOUR))], DAILY);
    expect(r.calendar.tradingWeekdays).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri"]);
    expect(r.marketClosures).toEqual([{ start: "2024-03-20", end: "2024-03-20", tradingDays: 1, activeSymbols: 2 }]);
  });

  it("compares symbols stamped at different times of day by trading date", () => {
    const d = weekdays("2024-01-02", "2024-01-31");
    const r = gapReport([seriesOf("NYC", dailyNewYork(d, 16 * 60)), seriesOf("MID", dailyNewYork(d, 0)), seriesOf("TKY", dailyUtc(d.filter((x) => x !== dayOf("2024-01-17")), -9 * HOUR))], DAILY);
    expect(r.marketClosures).toEqual([]);
    expect(r.symbols.map((s) => s.missingBars)).toEqual([0, 0, 1]);
  });

  it("keeps missing + closed days equal to the interior weekdays each symbol lacks (property)", () => {
    const all = weekdays("2024-01-01", "2024-03-29");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 5 }), (seed, S) => {
        const rand = lcg(seed);
        const series = Array.from({ length: S }, (_, s) => seriesOf(`S${s}`, dailyUtc(all.filter(() => rand() > 0.2), 21 * HOUR)));
        const r = gapReport(series, DAILY);
        r.symbols.forEach((sum, s) => {
          const own = new Set([...series[s].ts].map((t) => Math.floor(t / DAY)));
          const first = Math.floor(series[s].ts[0] / DAY);
          const last = Math.floor(series[s].ts[series[s].ts.length - 1] / DAY);
          const lacking = all.filter((d) => d > first && d < last && !own.has(d)).length;
          expect(sum.missingBars + sum.closedDays).toBe(lacking);
        });
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});

describe("gapReport on intraday sessions", () => {
  // 09:30-16:00 New York, 5-minute bars, across the March DST switch; Good Friday closed; 2024-03-28 closes at 13:00
  const days = weekdays("2024-03-04", "2024-04-05", ["2024-03-29"]);
  const halfDays = new Map([[dayOf("2024-03-28"), 13 * 60]]);
  const full = sessionBars(days, { barMinutes: 5, halfDays });
  const inGap = (t: number) => t >= nyTime("2024-03-13", 11 * 60) && t < nyTime("2024-03-13", 11 * 60 + 30);
  const dayMissing = (t: number) => Math.floor(t / DAY) === dayOf("2024-03-20");
  const series = [seriesOf("A", without(full, inGap)), seriesOf("B", without(full, dayMissing)), seriesOf("C", full)];
  const report = gapReport(series, FIVE_MIN);

  it("learns the session in UTC, both DST regimes showing", () => {
    expect(report.calendar).toEqual({ unit: "intraday", tradingWeekdays: ["Mon", "Tue", "Wed", "Thu", "Fri"], barTimesUtc: ["13:30-21:00"] });
  });

  it("finds the bars missing inside one symbol's session", () => {
    const a = report.symbols[0];
    expect(a).toMatchObject({ missingGaps: 1, missingBars: 6, closureGaps: 1, closedDays: 1, haltBars: 0 });
    expect(a.largest[0]).toMatchObject({
      kind: "missing",
      start: iso(nyTime("2024-03-13", 11 * 60 - 5)),
      end: iso(nyTime("2024-03-13", 11 * 60 + 30)),
      missingBars: 6,
      description: "6 bars missing inside the session",
    });
  });

  it("counts a whole missing day as the session's bars", () => {
    const b = report.symbols[1];
    expect(b).toMatchObject({ missingGaps: 1, missingBars: 78 });
    expect(b.largest[0].description).toBe("1 trading day missing that most symbols traded; 78 bars missing in all");
  });

  it("treats overnight, weekends and the half day as expected, the holiday as a closure", () => {
    const c = report.symbols[2];
    expect(c).toMatchObject({ missingGaps: 0, missingBars: 0, closureGaps: 1, closedDays: 1, haltGaps: 0 });
    expect(c.expectedGaps).toBe(days.length - 2); // every overnight except the one that spans Good Friday
    expect(report.marketClosures).toEqual([{ start: "2024-03-29", end: "2024-03-29", tradingDays: 1, activeSymbols: 3 }]);
    expect(c.largest[0]).toMatchObject({ start: iso(nyTime("2024-03-28", 12 * 60 + 55)), end: iso(nyTime("2024-04-01", 570)), closedDays: 1, nonTradingDays: 2 });
  });

  it("reports a market-wide pause inside the session as a halt", () => {
    const halted = (t: number) => t >= nyTime("2024-03-06", 12 * 60) && t < nyTime("2024-03-06", 12 * 60 + 30);
    const r = gapReport(["A", "B", "C"].map((s) => seriesOf(s, without(full, halted))), FIVE_MIN);
    expect(r.symbols.map((s) => [s.haltGaps, s.haltBars, s.missingBars])).toEqual([
      [1, 6, 0],
      [1, 6, 0],
      [1, 6, 0],
    ]);
    expect(r.symbols[0].largest.find((g) => g.kind === "halt")).toMatchObject({
      start: iso(nyTime("2024-03-06", 12 * 60 - 5)),
      end: iso(nyTime("2024-03-06", 12 * 60 + 30)),
      haltBars: 6,
      description: "6 bars in session with most of the market not trading",
    });
  });

  it("finds bars missing at the open or close of one symbol when the others traded", () => {
    const lateOpen = (t: number) => t >= nyTime("2024-03-07", 570) && t < nyTime("2024-03-07", 600);
    const r = gapReport([seriesOf("A", without(full, lateOpen)), seriesOf("B", full)], FIVE_MIN);
    expect(r.symbols[0]).toMatchObject({ missingGaps: 1, missingBars: 6 });
    expect(r.symbols[0].largest[0]).toMatchObject({ start: iso(nyTime("2024-03-06", 955)), end: iso(nyTime("2024-03-07", 600)) });
  });

  it("for a lone symbol: an in-session hole is missing, the half day and holiday are not", () => {
    const r = gapReport([seriesOf("A", without(full, inGap))], FIVE_MIN);
    expect(r.symbols[0]).toMatchObject({ missingGaps: 1, missingBars: 6, closureGaps: 1, closedDays: 1, haltBars: 0 });
  });

  it("learns a lunch break that recurs every day and does not count it missing", () => {
    // a Tokyo-like session, 00:00-02:30 and 03:30-06:00 UTC, 30-minute bars
    const d = weekdays("2024-05-01", "2024-05-31");
    const ts = new Float64Array(d.flatMap((x) => [0, 30, 60, 90, 120, 210, 240, 270, 300, 330].map((m) => x * DAY + m * MIN)));
    const holed = without(ts, (t) => t === dayOf("2024-05-14") * DAY + 60 * MIN);
    const r = gapReport([seriesOf("8306.T", holed)], { interval: "30m", medianSpacingMs: 30 * MIN, explicit: false });
    expect(r.calendar.barTimesUtc).toEqual(["00:00-02:30", "03:30-06:00"]);
    expect(r.symbols[0]).toMatchObject({ missingGaps: 1, missingBars: 1 });
  });
});

describe("gapReport on weekly and irregular data", () => {
  it("weekly: a week one symbol lacks is missing, a week all lack is a closure", () => {
    const fridays = weekdays("2024-01-05", "2024-06-28").filter((d) => new Date(d * DAY).getUTCDay() === 5);
    const ts = dailyUtc(fridays, 21 * HOUR);
    const noXmasWeek = (t: number) => Math.floor(t / DAY) === dayOf("2024-03-01");
    const oneLacks = (t: number) => Math.floor(t / DAY) === dayOf("2024-04-12");
    const r = gapReport(
      [seriesOf("A", without(ts, noXmasWeek)), seriesOf("B", without(ts, (t) => noXmasWeek(t) || oneLacks(t))), seriesOf("C", without(ts, noXmasWeek))],
      { interval: "1w", medianSpacingMs: 7 * DAY, explicit: false },
    );
    expect(r.calendar.unit).toBe("weekly");
    expect(r.marketClosures).toEqual([{ start: "2024-02-26", end: "2024-02-26", tradingDays: 1, activeSymbols: 3 }]);
    expect(r.symbols.map((s) => [s.missingBars, s.closedDays])).toEqual([
      [0, 1],
      [1, 1],
      [0, 1],
    ]);
  });

  it("irregular data: not applicable, with the reason", () => {
    const r = gapReport([seriesOf("T", new Float64Array([0, 1500, 2100]))], { interval: "irregular", medianSpacingMs: 1200, explicit: false });
    expect(r.applicable).toBe(false);
    expect(r.note).toMatch(/median spacing 1s.*no bar can be missing/);
    expect(r.symbols[0]).toMatchObject({ symbol: "T", bars: 3, missingBars: 0 });
  });

  it("lists at most `top` gaps, largest first", () => {
    const rand = lcg(17);
    const full = sessionBars(weekdays("2024-05-01", "2024-05-31"), { barMinutes: 5 });
    const gappy = without(full, () => rand() < 0.05);
    const r = gapReport([seriesOf("A", gappy), seriesOf("B", full)], FIVE_MIN, { top: 3 });
    const a = r.symbols[0];
    expect(a.missingGaps).toBeGreaterThan(3);
    expect(a.largest).toHaveLength(3);
    expect(a.largest[0].missingBars).toBeGreaterThanOrEqual(a.largest[1].missingBars);
    expect(a.largest[1].missingBars).toBeGreaterThanOrEqual(a.largest[2].missingBars);
    const interior = full.filter((t) => t > gappy[0] && t < gappy[gappy.length - 1]).length;
    expect(a.missingBars).toBe(interior - (gappy.length - 2));
  });
});

describe("gapReport on the bundled daily dataset", () => {
  it("finds the 11-14 Sep 2001 US closure in SPX and MSFT", () => {
    const text = readFileSync(new URL("../../datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv", import.meta.url), "utf8");
    const bySymbol = new Map<string, number[]>();
    for (const line of text.trim().split("\n").slice(1)) {
      const [date, symbol] = line.split(",");
      if (!bySymbol.has(symbol)) bySymbol.set(symbol, []);
      bySymbol.get(symbol)!.push(Date.parse(`${date}T00:00:00Z`));
    }
    const series: SymbolSeries[] = [...bySymbol].map(([symbol, t]) => ({ symbol, ts: new Float64Array(t), columns: new Map(), sources: [] }));
    const interval = detectPanelInterval(series).overall;
    expect(interval.interval).toBe("1d");
    const r = gapReport(series, interval);
    expect(r.marketClosures).toContainEqual({ start: "2001-09-11", end: "2001-09-14", tradingDays: 4, activeSymbols: 2 });
    expect(r.marketClosures).toContainEqual({ start: "2012-10-29", end: "2012-10-30", tradingDays: 2, activeSymbols: 1 }); // hurricane Sandy
    const msft = r.symbols.find((s) => s.symbol === "MSFT")!;
    expect(msft.largest[0]).toMatchObject({ kind: "closure", start: "2001-09-10T00:00:00.000Z", end: "2001-09-17T00:00:00.000Z", closedDays: 4 });
    expect(r.totals.missingBars).toBe(0);
  });
});

describe("gapReport input checks", () => {
  it("names the symbol whose timestamps are out of order, and rejects a bad market share", () => {
    const bad = seriesOf("BAD", new Float64Array([2 * DAY, DAY]));
    expect(() => gapReport([bad], DAILY)).toThrow(/symbol "BAD": timestamps are not strictly increasing at #1/);
    expect(() => gapReport([], DAILY, { marketShare: 0 })).toThrow(/marketShare must be in \(0, 1\]/);
  });

  it("handles symbols without bars and an empty list", () => {
    const r = gapReport([seriesOf("E", new Float64Array(0)), seriesOf("A", dailyUtc(weekdays("2024-01-01", "2024-01-31"), 0))], DAILY);
    expect(r.symbols[0]).toMatchObject({ symbol: "E", bars: 0, first: null, last: null, missingBars: 0 });
    expect(r.symbols[1].expectedGaps).toBe(4);
    expect(gapReport([], FIVE_MIN).totals).toMatchObject({ symbols: 0, bars: 0, missingBars: 0 });
  });
});
