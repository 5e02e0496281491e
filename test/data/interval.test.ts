import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  analyzeSpacing,
  detectInterval,
  detectPanelInterval,
  formatDuration,
  MAX_ANALYZED_DELTAS,
  snapToStandard,
  toIntervalInfo,
} from "../../src/data/interval.js";
import { INTERVAL_MS, STANDARD_INTERVALS, type StandardInterval } from "../../src/data/types.js";
import { InputError } from "../../src/util/errors.js";
import { DAY, dailyNewYork, dailyUtc, dayOf, HOUR, lcg, MIN, seriesOf, sessionBars, weekdays, without } from "./interval-fixtures.js";

function regular(start: number, n: number, step: number): Float64Array {
  return new Float64Array(n).map((_, i) => start + i * step);
}

const T0 = Date.UTC(2024, 0, 2);
const US_HOLIDAYS_2024 = ["2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02", "2024-11-28", "2024-12-25"];

describe("detectInterval on regular bars", () => {
  for (const name of ["1m", "5m", "15m", "30m", "1h", "4h"] as const) {
    it(`detects ${name} on a 24-hour market`, () => {
      const d = detectInterval(regular(T0, 400, INTERVAL_MS[name]));
      expect(d.interval).toBe(name);
      expect(d.explicit).toBe(false);
      expect(d.medianSpacingMs).toBe(INTERVAL_MS[name]);
      expect(d.dominantShare).toBe(1);
      expect(d.keptCount).toBe(399);
      expect(d.disagreement).toBeNull();
    });
  }

  it("detects daily bars through weekends and holidays, and drops those deltas as gaps", () => {
    const days = weekdays("2024-01-02", "2024-12-31", US_HOLIDAYS_2024);
    const d = detectInterval(dailyUtc(days, 21 * HOUR));
    expect(d.interval).toBe("1d");
    expect(d.medianSpacingMs).toBe(DAY);
    expect(d.dominantShare).toBe(1);
    // 52 weekends plus the holidays that do not touch a weekend are the gaps
    expect(d.deltaCount - d.keptCount).toBeGreaterThanOrEqual(52);
    expect(d.onGridShare).toBe(1);
  });

  it("detects daily bars stamped at 16:00 New York (20:00 or 21:00 UTC with DST)", () => {
    const ts = dailyNewYork(weekdays("2023-01-03", "2024-12-31", US_HOLIDAYS_2024), 16 * 60);
    const hours = new Set([...ts].map((t) => new Date(t).getUTCHours()));
    expect(hours).toEqual(new Set([20, 21]));
    const d = detectInterval(ts);
    expect(d.interval).toBe("1d");
    expect(d.dominantShare).toBe(1);
    expect(d.medianSpacingMs).toBe(DAY);
  });

  it("detects daily bars stamped at local midnight east of UTC (15:00 UTC the day before)", () => {
    const d = detectInterval(dailyUtc(weekdays("2024-01-02", "2024-06-28"), -9 * HOUR));
    expect(d.interval).toBe("1d");
  });

  it("detects weekly bars, with holiday weeks stamped a day early", () => {
    const fridays = weekdays("2020-01-03", "2024-12-27").filter((d) => new Date(d * DAY).getUTCDay() === 5);
    const ts = dailyUtc(
      fridays.map((d, i) => (i % 13 === 5 ? d - 1 : d)),
      21 * HOUR,
    );
    const d = detectInterval(ts);
    expect(d.interval).toBe("1w");
    expect(d.medianSpacingMs).toBe(7 * DAY);
    expect(d.dominantShare).toBeGreaterThan(0.8);
  });

  it("detects 5m and 30m bars of a 09:30-16:00 New York session across DST, weekends, a holiday and a half day", () => {
    const days = weekdays("2024-02-01", "2024-04-30", ["2024-02-19", "2024-03-29"]);
    const halfDays = new Map([[dayOf("2024-04-03"), 13 * 60]]);
    for (const barMinutes of [5, 30]) {
      const ts = sessionBars(days, { barMinutes, halfDays });
      const d = detectInterval(ts);
      expect(d.interval).toBe(barMinutes === 5 ? "5m" : "30m");
      expect(d.medianSpacingMs).toBe(barMinutes * MIN);
      expect(d.dominantShare).toBe(1);
      expect(d.onGridShare).toBe(1);
      expect(d.deltaCount - d.keptCount).toBe(days.length - 1); // every overnight/weekend delta dropped
    }
  });
});

describe("detectInterval on gappy, irregular and odd data", () => {
  it("keeps the bar size when most bars are missing at random", () => {
    const rand = lcg(11);
    const ts = without(regular(T0, 6000, 5 * MIN), () => rand() < 0.7);
    const d = detectInterval(ts);
    expect(d.interval).toBe("5m");
    expect(d.medianSpacingMs).toBe(5 * MIN);
    expect(d.onGridShare).toBe(1);
    expect(d.keptCount).toBeLessThan(d.deltaCount * 0.5);
  });

  it("takes the smallest frequent spacing when a regular pattern of missing bars makes a multiple the mode", () => {
    // deltas cycle 1m, 2m, 2m, 1m, 2m: 2m is the mode (60%), 1m (40%) divides it
    const steps = [1, 2, 2, 1, 2];
    const out = [T0];
    for (let i = 0; i < 500; i++) out.push(out[out.length - 1] + steps[i % 5] * MIN);
    const d = detectInterval(new Float64Array(out));
    expect(d.interval).toBe("1m");
    expect(d.baseSpacingMs).toBe(MIN);
  });

  it("reports tick-like data as irregular with its median spacing", () => {
    const rand = lcg(5);
    const out: number[] = [];
    let t = T0;
    for (let day = 0; day < 5; day++) {
      t = T0 + day * DAY;
      for (let i = 0; i < 2000; i++) out.push((t += Math.max(1, Math.round(-Math.log(rand()) * 2000))));
    }
    const ts = new Float64Array(out);
    const d = detectInterval(ts);
    expect(d.interval).toBe("irregular");
    expect(d.reason).toMatch(/no dominant spacing/);
    // median of an exponential with mean 2 s is 2 s * ln 2; the four overnight breaks do not move it
    expect(d.medianSpacingMs).toBeGreaterThan(2000 * Math.LN2 * 0.9);
    expect(d.medianSpacingMs).toBeLessThan(2000 * Math.LN2 * 1.1);
    expect(d.cv).toBeGreaterThan(0.8);
    expect(d.dominantShare).toBeLessThan(0.5);
  });

  it("reports a regular but non-standard spacing as irregular, saying why", () => {
    const d = detectInterval(regular(T0, 300, 10_000));
    expect(d.interval).toBe("irregular");
    expect(d.medianSpacingMs).toBe(10_000);
    expect(d.reason).toMatch(/10s .* not within 10% of a standard bar size/);
  });

  it("snaps a near-standard spacing within the tolerance and not beyond it", () => {
    const ts = regular(T0, 300, 63_000);
    expect(detectInterval(ts).interval).toBe("1m");
    expect(detectInterval(ts).reason).toMatch(/snapped to 1m/);
    expect(detectInterval(ts, { interval_tolerance: 0.04 }).interval).toBe("irregular");
    expect(snapToStandard(22.5 * MIN, 0.5)).toBe("30m"); // nearest relatively: 25% off 30m, 50% off 15m
    expect(snapToStandard(2 * DAY, 0.1)).toBeNull();
  });

  it("tolerates jittered timestamps", () => {
    const rand = lcg(3);
    const ts = regular(T0, 1000, MIN).map((t) => t + Math.round((rand() - 0.5) * 4000));
    const d = detectInterval(ts);
    expect(d.interval).toBe("1m");
    expect(Math.abs(d.medianSpacingMs - MIN)).toBeLessThan(1000);
  });

  it("samples very long inputs deterministically", () => {
    const ts = without(regular(T0, MAX_ANALYZED_DELTAS + 40_001, MIN), (_, i) => i % 7 === 3);
    const a = analyzeSpacing(ts);
    const b = analyzeSpacing(ts);
    expect(a).toEqual(b);
    expect(a.deltaCount).toBe(ts.length - 1);
    expect(a.analyzedCount).toBeLessThanOrEqual(MAX_ANALYZED_DELTAS * 1.05 + 16);
    expect(a.analyzedCount).toBeGreaterThan(MAX_ANALYZED_DELTAS * 0.95);
    expect(a.detected).toBe("1m");
  });

  it("detects the bar size whatever the standard interval, start and share of missing bars (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STANDARD_INTERVALS),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (name: StandardInterval, startMin, missing, seed) => {
          const rand = lcg(seed);
          const ts = without(regular(T0 + startMin * MIN, 300, INTERVAL_MS[name]), () => rand() < missing);
          const d = detectInterval(ts);
          expect(d.interval).toBe(name);
          expect(d.medianSpacingMs).toBe(INTERVAL_MS[name]);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe("explicit interval and bad options", () => {
  const fiveMin = regular(T0, 200, 5 * MIN);

  it("uses the configured interval and reports that detection disagrees", () => {
    const d = detectInterval(fiveMin, { interval: "1h" });
    expect(d.interval).toBe("1h");
    expect(d.explicit).toBe(true);
    expect(d.detected).toBe("5m");
    expect(d.medianSpacingMs).toBe(5 * MIN);
    expect(d.disagreement).toMatch(/configured as 1h, but the timestamps look like 5m/);
  });

  it("raises no disagreement when configuration and data agree", () => {
    const d = detectInterval(fiveMin, { interval: "5m" });
    expect(d).toMatchObject({ interval: "5m", explicit: true, disagreement: null });
    expect(toIntervalInfo(d)).toEqual({ interval: "5m", medianSpacingMs: 5 * MIN, explicit: true });
  });

  it("needs two timestamps to detect, but not to take an explicit interval", () => {
    const err = (() => {
      try {
        detectInterval(new Float64Array([T0]));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/fewer than two timestamps/);
    expect((err as InputError).hint).toMatch(/set pipeline.data.interval/);
    const d = detectInterval(new Float64Array([T0]), { interval: "1d" });
    expect(d).toMatchObject({ interval: "1d", explicit: true, detected: null, disagreement: null, medianSpacingMs: DAY });
  });

  it("rejects a tolerance outside [0, 0.5] and an unknown interval name", () => {
    expect(() => detectInterval(fiveMin, { interval_tolerance: 0.7 })).toThrow(/interval_tolerance must be a number in \[0, 0.5\]/);
    expect(() => detectInterval(fiveMin, { interval: "2m" as never })).toThrow(/"2m" is not a bar size/);
  });

  it("rejects timestamps that are not increasing", () => {
    expect(() => detectInterval(new Float64Array([T0, T0, T0 + MIN]))).toThrow(/strictly increasing/);
    expect(() => detectInterval(new Float64Array([T0, NaN]))).toThrow(/finite and strictly increasing/);
    expect(() => detectPanelInterval([seriesOf("Q", new Float64Array([T0 + MIN, T0]))])).toThrow(/symbol "Q": timestamps are not strictly increasing at #1/);
  });
});

describe("detectPanelInterval", () => {
  const days = weekdays("2024-01-02", "2024-03-29");

  it("pools each symbol's own deltas, so symbols stamped at different times of day stay daily", () => {
    const series = [seriesOf("NYC", dailyNewYork(days, 16 * 60)), seriesOf("MID", dailyNewYork(days, 0)), seriesOf("TKY", dailyUtc(days, -9 * HOUR))];
    const p = detectPanelInterval(series);
    expect(p.overall.interval).toBe("1d");
    expect(p.symbols.map((s) => s.detected)).toEqual(["1d", "1d", "1d"]);
    expect(p.disagreeing).toEqual([]);
    expect(p.warnings).toEqual([
      "daily bars are stamped at different times of day: 20:00-20:15 / 21:00-21:15 UTC (NYC); 04:00-04:15 / 05:00-05:15 UTC (MID); " +
        "15:00-15:15 UTC (TKY); on a union time axis one trading day would take several rows: restamp them by trading date (alignDailyStamps) before building the panel",
    ]);
    expect(detectPanelInterval(series.slice(0, 1)).warnings).toEqual([]);
  });

  it("names the symbols whose bar size differs from the panel's, and those too short to tell", () => {
    const base = regular(T0, 500, 5 * MIN);
    const series = [
      seriesOf("A", base),
      seriesOf("B", base.slice(1)),
      seriesOf("C", regular(T0, 300, MIN)),
      seriesOf("D", new Float64Array([T0])),
    ];
    const p = detectPanelInterval(series);
    expect(p.overall.interval).toBe("5m");
    expect(p.disagreeing).toEqual([{ symbol: "C", detected: "1m" }]);
    expect(p.symbols.find((s) => s.symbol === "D")).toMatchObject({ detected: null, bars: 1 });
    expect(p.warnings.join("\n")).toMatch(/1 of 4 symbols have a different bar size than the panel's 5m: C \(1m\)/);
    expect(p.warnings.join("\n")).toMatch(/fewer than two bars.*: D/);
  });

  it("lets an explicit interval win and carries the disagreement into the warnings", () => {
    const p = detectPanelInterval([seriesOf("A", regular(T0, 100, HOUR))], { interval: "1d" });
    expect(p.overall).toMatchObject({ interval: "1d", explicit: true, detected: "1h" });
    expect(p.warnings[0]).toMatch(/configured as 1d, but the bars of 1 symbol\(s\) look like 1h/);
  });

  it("fails clearly when no symbol has two bars and nothing is configured", () => {
    expect(() => detectPanelInterval([seriesOf("A", new Float64Array([T0]))])).toThrow(/cannot detect the bar interval of the bars of 1 symbol/);
  });
});

describe("formatDuration", () => {
  it("writes the two largest units", () => {
    expect(formatDuration(90_000)).toBe("1m 30s");
    expect(formatDuration(DAY)).toBe("1d");
    expect(formatDuration(17.5 * HOUR)).toBe("17h 30m");
    expect(formatDuration(3 * DAY + HOUR + 20 * MIN)).toBe("3d 1h");
    expect(formatDuration(1386)).toBe("1s");
    expect(formatDuration(471)).toBe("471ms");
    expect(formatDuration(NaN)).toBe("NaN");
  });
});
