import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPanel, panelFromGrids, panelMemoryReport, symbolIndex, symbolSlice } from "../../src/data/panel.js";
import { mergeUnique, positionsOnAxis, unionTimes } from "../../src/data/panel/axis.js";
import { alignDailyStamps, dailyStampGroups } from "../../src/data/panel/stamps.js";
import type { IntervalInfo, SymbolSeries } from "../../src/data/types.js";
import { InputError } from "../../src/util/errors.js";
import { DAY, dailyNewYork, dailyUtc, dayOf, HOUR, seriesOf, weekdays } from "./interval-fixtures.js";

const DAILY: IntervalInfo = { interval: "1d", medianSpacingMs: DAY, explicit: false };
const T0 = Date.UTC(2024, 0, 1, 21);
const day = (i: number) => T0 + i * DAY;
const days = (...idx: number[]) => new Float64Array(idx.map(day));

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

/** A listed early and delisted, B listed late, C with a hole; each close = 100 + bar index. */
function staggered(): SymbolSeries[] {
  return [seriesOf("A", days(0, 1, 2, 3)), seriesOf("B", days(2, 3, 4, 5)), seriesOf("C", days(1, 2, 4, 5))];
}

describe("buildPanel union", () => {
  const p = buildPanel(staggered(), { alignment: "union", interval: DAILY });

  it("puts every bar on the union time axis", () => {
    expect([...p.times]).toEqual([0, 1, 2, 3, 4, 5].map(day));
    expect(p.T).toBe(6);
    expect(p.S).toBe(3);
    expect(p.symbols).toEqual(["A", "B", "C"]);
    expect(p.interval).toEqual(DAILY);
  });

  it("lands each value in its (time, symbol) cell and NaN elsewhere", () => {
    const close = p.column("close");
    const grid = (t: number) => [0, 1, 2].map((s) => close[t * 3 + s]);
    expect(grid(0)).toEqual([100, NaN, NaN]);
    expect(grid(1)).toEqual([101, NaN, 100]);
    expect(grid(2)).toEqual([102, 100, 101]);
    expect(grid(3)).toEqual([103, 101, NaN]);
    expect(grid(4)).toEqual([NaN, 102, 102]);
    expect(grid(5)).toEqual([NaN, 103, 103]);
    expect(p.column("volume")[2 * 3 + 1]).toBe(1000);
  });

  it("marks presence", () => {
    expect([...p.present]).toEqual([1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1]);
  });

  it("keeps standard columns first and input grids as Float64", () => {
    expect([...p.columns.keys()]).toEqual(["close", "volume"]);
    expect(p.column("close")).toBeInstanceOf(Float64Array);
    expect(p.has("close")).toBe(true);
    expect(p.has("open")).toBe(false);
  });
});

describe("buildPanel intersection", () => {
  it("keeps only the times at which every symbol has a bar, with the right values", () => {
    const p = buildPanel(staggered(), { alignment: "intersection", interval: DAILY });
    expect([...p.times]).toEqual([day(2)]);
    expect([...p.column("close")]).toEqual([102, 100, 101]);
    expect([...p.present]).toEqual([1, 1, 1]);
  });

  it("drops bars outside the common times even in the middle of a history", () => {
    const series = [seriesOf("A", days(0, 1, 2, 3, 4)), seriesOf("B", days(0, 2, 4))];
    const p = buildPanel(series, { alignment: "intersection", interval: DAILY });
    expect([...p.times]).toEqual([0, 2, 4].map(day));
    expect([...p.column("close")]).toEqual([100, 100, 102, 101, 104, 102]);
  });

  it("explains an empty intersection", () => {
    const e = errorOf(() => buildPanel([seriesOf("A", days(0, 1)), seriesOf("B", days(2, 3))], { alignment: "intersection", interval: DAILY }));
    expect(e.message).toMatch(/no timestamp at which all 2 symbols have a bar: at most 1 of them share a timestamp/);
    expect(e.hint).toMatch(/alignment: union/);
    expect(() => buildPanel([seriesOf("A", days(0, 1)), seriesOf("E", days())], { alignment: "intersection", interval: DAILY })).toThrow(
      /symbol\(s\) without bars: E/,
    );
  });
});

describe("buildPanel columns and errors", () => {
  const extra = { signal: new Float64Array([0.5, 0.25]) };
  const series = [seriesOf("A", days(0, 1), extra), seriesOf("B", days(1, 2))];

  it("takes the requested columns in order; a symbol without a column has NaN there but is present", () => {
    const p = buildPanel(series, { alignment: "union", interval: DAILY, columns: ["signal", "close"] });
    expect([...p.columns.keys()]).toEqual(["signal", "close"]);
    expect([...p.column("signal")]).toEqual([0.5, NaN, 0.25, NaN, NaN, NaN]);
    expect([...p.present]).toEqual([1, 0, 1, 1, 0, 1]);
  });

  it("rejects a requested column no symbol has, naming the available ones", () => {
    expect(() => buildPanel(series, { alignment: "union", interval: DAILY, columns: ["clsoe"] })).toThrow(
      /column "clsoe" is not in the data of any symbol; available: close, volume, signal/,
    );
    expect(() => buildPanel(series, { alignment: "union", interval: DAILY, columns: ["close", "close"] })).toThrow(/listed twice/);
  });

  it("column() names the missing column and the available ones", () => {
    const p = buildPanel(series, { alignment: "union", interval: DAILY });
    const e = errorOf(() => p.column("open"));
    expect(e.message).toBe('column "open" is not in the panel; available: close, volume, signal');
  });

  it("rejects malformed input with the symbol and file named", () => {
    expect(() => buildPanel([], { alignment: "union", interval: DAILY })).toThrow(/no symbols to build a panel from/);
    expect(() => buildPanel([seriesOf("A", days(0)), seriesOf("A", days(1))], { alignment: "union", interval: DAILY })).toThrow(
      /symbol "A" appears twice \(from A.csv\) and \(from A.csv\)/,
    );
    expect(() => buildPanel([seriesOf("A", days(1, 0))], { alignment: "union", interval: DAILY })).toThrow(
      /symbol "A" \(from A.csv\): timestamps are not strictly increasing at #1 \(2024-01-02T21:00:00.000Z then 2024-01-01T21:00:00.000Z\)/,
    );
    const bad: SymbolSeries = { symbol: "Z", ts: days(0, 1), columns: new Map([["close", new Float64Array(3)]]), sources: [] };
    expect(() => buildPanel([bad], { alignment: "union", interval: DAILY })).toThrow(/symbol "Z": column "close" has 3 values for 2 timestamps/);
    expect(() => buildPanel(series, { alignment: "outer" as never, interval: DAILY })).toThrow(/alignment "outer" is not known/);
  });
});

describe("panelFromGrids, symbolSlice, memory report", () => {
  const times = new Float64Array([0, HOUR, 2 * HOUR]);
  const close = new Float64Array([1, 2, 3, NaN, 5, 6]);
  const feat = new Float32Array([0.5, 0.5, NaN, NaN, 1.5, 2.5]);
  const p = panelFromGrids({ times, symbols: ["X", "Y"], columns: { close, feat }, interval: { interval: "1h", medianSpacingMs: HOUR, explicit: true } });

  it("derives presence from non-NaN values when no mask is given", () => {
    expect([...p.present]).toEqual([1, 1, 1, 0, 1, 1]);
    expect(p.T).toBe(3);
    expect(p.S).toBe(2);
  });

  it("slices one symbol as a copy, keeping the element type", () => {
    const y = symbolSlice(p, "close", "Y");
    expect([...y]).toEqual([2, NaN, 6]);
    y[0] = 99;
    expect(close[1]).toBe(2);
    const f = symbolSlice(p, "feat", 0);
    expect(f).toBeInstanceOf(Float32Array);
    expect([...f]).toEqual([0.5, NaN, 1.5]);
    expect(() => symbolSlice(p, "close", "Q")).toThrow(/symbol "Q" is not in the panel; symbols: X, Y/);
    expect(() => symbolIndex(p, 2)).toThrow(/outside the panel's 0..1/);
    expect(() => symbolSlice(p, "nope", 0)).toThrow(/column "nope" is not in the panel; available: close, feat/);
  });

  it("reports memory per column and density", () => {
    const m = panelMemoryReport(p);
    expect(m).toEqual({ bytes: 48 + 24 + 6 + 24, perColumn: { close: 48, feat: 24 }, presentBytes: 6, timesBytes: 24, T: 3, S: 2, density: 5 / 6 });
    expect(p.memoryBytes()).toBe(m.bytes);
  });

  it("checks shapes", () => {
    const interval = { interval: "1h", medianSpacingMs: HOUR, explicit: true } as const;
    expect(() => panelFromGrids({ times, symbols: ["X"], columns: { close }, interval })).toThrow(/"close" has 6 values; expected T \* S = 3 \* 1 = 3/);
    expect(() => panelFromGrids({ times, symbols: ["X", "X"], columns: {}, interval })).toThrow(/"X" appears twice/);
    expect(() => panelFromGrids({ times: new Float64Array([1, 1]), symbols: [], columns: {}, interval })).toThrow(/not strictly increasing/);
    expect(() => panelFromGrids({ times, symbols: ["X", "Y"], columns: { close }, present: new Uint8Array(2), interval })).toThrow(/present mask has 2 values/);
  });
});

describe("daily bars stamped at different times of day", () => {
  const d = weekdays("2024-03-04", "2024-03-15");
  const series = [seriesOf("NYC", dailyNewYork(d, 16 * 60)), seriesOf("TKY", dailyUtc(d, -9 * HOUR)), seriesOf("UTC", dailyUtc(d, 0))];

  it("groups symbols by stamp time", () => {
    expect(dailyStampGroups(series)).toEqual([
      { timesUtc: ["20:00-20:15", "21:00-21:15"], symbols: ["NYC"] }, // DST starts on 2024-03-10
      { timesUtc: ["15:00-15:15"], symbols: ["TKY"] },
      { timesUtc: ["00:00-00:15"], symbols: ["UTC"] },
    ]);
  });

  it("would take three rows per day on a union axis, and one row after restamping by trading date", () => {
    expect(buildPanel(series, { alignment: "union", interval: DAILY }).T).toBe(3 * d.length);
    const aligned = alignDailyStamps(series);
    expect([...aligned[1].ts]).toEqual(d.map((x) => x * DAY));
    expect(aligned[1].columns).toBe(series[1].columns);
    const p = buildPanel(aligned, { alignment: "union", interval: DAILY });
    expect(p.T).toBe(d.length);
    expect(p.present.every((x) => x === 1)).toBe(true);
    expect([...p.column("close").subarray(0, 3)]).toEqual([100, 100, 100]);
  });

  it("refuses two bars on one trading date", () => {
    const ts = [...dailyUtc(d, 21 * HOUR)];
    ts.splice(3, 0, dayOf("2024-03-06") * DAY + 22 * HOUR);
    expect(() => alignDailyStamps([seriesOf("DUP", new Float64Array(ts))])).toThrow(
      /symbol "DUP": bars at 2024-03-06T21:00:00.000Z and 2024-03-06T22:00:00.000Z fall on the same trading date 2024-03-06/,
    );
  });
});

describe("time axes (properties)", () => {
  const sortedUnique = fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }).map((a) => new Float64Array(a.sort((x, y) => x - y)));

  it("unionTimes equals the sorted set of all timestamps", () => {
    fc.assert(
      fc.property(fc.array(sortedUnique, { maxLength: 9 }), (arrays) => {
        const expected = [...new Set(arrays.flatMap((a) => [...a]))].sort((x, y) => x - y);
        const union = unionTimes(arrays);
        expect([...union]).toEqual(expected);
        expect(arrays.some((a) => a === union)).toBe(false); // the caller owns the axis
        if (arrays.length >= 2) expect([...mergeUnique(arrays[0], arrays[1])]).toEqual([...new Set([...arrays[0], ...arrays[1]])].sort((x, y) => x - y));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("positionsOnAxis finds each time or -1", () => {
    fc.assert(
      fc.property(sortedUnique, sortedUnique, (ts, axis) => {
        const pos = positionsOnAxis(ts, axis);
        ts.forEach((t, i) => expect(pos[i]).toBe(axis.indexOf(t)));
      }),
      { numRuns: 200, seed: 8 },
    );
  });

  it("every bar of every symbol lands in its cell; union cells without a bar are NaN; intersection is the common set", () => {
    fc.assert(
      fc.property(fc.array(sortedUnique.filter((a) => a.length > 0), { minLength: 1, maxLength: 6 }), (arrays) => {
        const series = arrays.map((a, s) => seriesOf(`S${s}`, a.map((x) => x * HOUR)));
        const p = buildPanel(series, { alignment: "union", interval: DAILY });
        const close = p.column("close");
        let bars = 0;
        series.forEach((ser, s) => {
          ser.ts.forEach((t, i) => {
            const row = p.times.indexOf(t);
            expect(close[row * p.S + s]).toBe(100 + i);
            bars++;
          });
        });
        expect(p.present.reduce((a, b) => a + b, 0)).toBe(bars);
        close.forEach((v, i) => expect(Number.isNaN(v)).toBe(p.present[i] === 0));
        const common = [...arrays[0]].filter((x) => arrays.every((a) => a.includes(x))).map((x) => x * HOUR);
        if (common.length === 0) {
          expect(() => buildPanel(series, { alignment: "intersection", interval: DAILY })).toThrow(InputError);
        } else {
          const q = buildPanel(series, { alignment: "intersection", interval: DAILY });
          expect([...q.times]).toEqual(common);
          expect(q.present.every((x) => x === 1)).toBe(true);
          q.times.forEach((t, row) => series.forEach((ser, s) => expect(q.column("close")[row * q.S + s]).toBe(100 + ser.ts.indexOf(t))));
        }
      }),
      { numRuns: 150, seed: 9 },
    );
  });
});
