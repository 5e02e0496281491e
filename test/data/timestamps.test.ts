import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  OFFSET_EPOCH,
  OFFSET_NAIVE,
  TimestampParser,
  daysFromCivil,
  describeOffset,
  formatTimestamp,
  parseNaiveTimezone,
  parseTimestamp,
} from "../../src/data/timestamps.js";
import { InputError } from "../../src/util/errors.js";

const U = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe("ISO 8601 layouts", () => {
  it.each([
    ["2020-01-02", U(2020, 1, 2)],
    ["2020/01/02", U(2020, 1, 2)],
    ["2020-01-02T09:30:00Z", U(2020, 1, 2, 9, 30)],
    ["2020-01-02t09:30:00z", U(2020, 1, 2, 9, 30)],
    ["2020-01-02 09:30:00", U(2020, 1, 2, 9, 30)],
    ["2020-01-02 09:30", U(2020, 1, 2, 9, 30)],
    ["2020-01-02T09:30Z", U(2020, 1, 2, 9, 30)],
    ["2020-01-02T09:30:00.123Z", U(2020, 1, 2, 9, 30, 0, 123)],
    ["2020-01-02T09:30:00.5Z", U(2020, 1, 2, 9, 30, 0, 500)],
    ["2020-01-02T09:30:00,25Z", U(2020, 1, 2, 9, 30, 0, 250)],
    ["2020-01-02T09:30:00+05:30", U(2020, 1, 2, 4, 0)],
    ["2020-01-02T09:30:00+0530", U(2020, 1, 2, 4, 0)],
    ["2020-01-02T09:30:00-05", U(2020, 1, 2, 14, 30)],
    ["2020-01-02 09:30:00-05:00", U(2020, 1, 2, 14, 30)],
    ["2020-01-02 09:30:00 UTC", U(2020, 1, 2, 9, 30)],
    ["2020-01-02T00:00:00+00:00", U(2020, 1, 2)],
    ["  2020-01-02  ", U(2020, 1, 2)],
    ["2000-02-29", U(2000, 2, 29)],
    ["1969-12-31T23:59:59Z", -1000],
    ["1900-03-01", U(1900, 3, 1)],
  ])("%s", (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it("keeps sub-millisecond fractions", () => {
    expect(parseTimestamp("2020-01-02T09:30:00.123456Z")).toBeCloseTo(U(2020, 1, 2, 9, 30, 0, 123) + 0.456, 6);
  });

  it.each([
    "2020-13-01",
    "2020-02-30",
    "2019-02-29",
    "1900-02-29",
    "2020-00-10",
    "2020-01-00",
    "2020-01-02T24:00:00",
    "2020-01-02T09:60:00",
    "2020-01-02T09:30:61",
    "2020-01-02T9:30",
    "2020-1-2",
    "2020-01/02",
    "2020-01-02T",
    "2020-01-02T09:30:00.Z",
    "2020-01-02T09:30:00+24:00",
    "2020-01-02T09:30:00+05:3",
    "2020-01-02T09:30:00 EST",
    "2020-01-02x",
    "01/02/2020",
    "Jan 2 2020",
    "yesterday",
    "",
    "   ",
  ])("rejects %j", (text) => {
    expect(parseTimestamp(text)).toBeNaN();
  });

  it("reads naive values, date-only included, in naive_timezone", () => {
    const ny = { naiveOffsetMinutes: parseNaiveTimezone("-05:00") };
    expect(parseTimestamp("2020-01-02 09:30:00", ny)).toBe(U(2020, 1, 2, 14, 30));
    expect(parseTimestamp("2020-01-02", ny)).toBe(U(2020, 1, 2, 5));
    // An explicit offset wins over naive_timezone.
    expect(parseTimestamp("2020-01-02T09:30:00Z", ny)).toBe(U(2020, 1, 2, 9, 30));
    expect(parseTimestamp("2020-01-02 09:30:00", { naiveOffsetMinutes: parseNaiveTimezone("+05:30") })).toBe(U(2020, 1, 2, 4, 0));
  });

  it("says which offset each value had", () => {
    const p = new TimestampParser();
    p.parseString("2020-01-02T09:30:00+05:30");
    expect(p.offset).toBe(330);
    expect(describeOffset(p.offset)).toBe("+05:30");
    p.parseString("2020-01-02T09:30:00-04:00");
    expect(describeOffset(p.offset)).toBe("-04:00");
    p.parseString("2020-01-02T09:30:00Z");
    expect(p.offset).toBe(0);
    p.parseString("2020-01-02 09:30");
    expect(p.offset).toBe(OFFSET_NAIVE);
    p.parseString("1577957400");
    expect(p.offset).toBe(OFFSET_EPOCH);
  });

  it("agrees with Date.UTC on random instants (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2199 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (y, mo, d, h, mi, s, ms, off) => {
          const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
          const p2 = (x: number) => String(x).padStart(2, "0");
          const text = `${y}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}.${String(ms).padStart(3, "0")}${off < 0 ? "-" : "+"}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
          const got = parseTimestamp(text);
          if (d > dim) return Number.isNaN(got);
          return got === Date.UTC(y, mo - 1, d, h, mi, s, ms) - off * 60_000 && got === Date.parse(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("daysFromCivil matches Date.UTC far from 1970 too", () => {
    for (const [y, m, d] of [
      [1, 1, 1],
      [1600, 2, 29],
      [1969, 12, 31],
      [1970, 1, 1],
      [2400, 12, 31],
    ]) {
      const ref = new Date(0);
      ref.setUTCFullYear(y, m - 1, d);
      expect(daysFromCivil(y, m, d) * 86_400_000).toBe(ref.getTime());
    }
  });
});

describe("epoch numbers", () => {
  const t = U(2020, 1, 2, 9, 30);

  it("auto: seconds or milliseconds by magnitude, numbers or numeric strings", () => {
    expect(parseTimestamp(t / 1000)).toBe(t);
    expect(parseTimestamp(t)).toBe(t);
    expect(parseTimestamp(String(t / 1000))).toBe(t);
    expect(parseTimestamp(String(t))).toBe(t);
    expect(parseTimestamp("1577957400.25")).toBe(t + 250);
  });

  it("auto: microseconds and nanoseconds too (pandas writes those)", () => {
    expect(parseTimestamp(t * 1000)).toBe(t);
    expect(parseTimestamp(`${t}000000`)).toBe(t);
  });

  it("auto: an 8-digit YYYYMMDD integer is a date, not a second count in 1970", () => {
    expect(parseTimestamp(20200102)).toBe(U(2020, 1, 2));
    expect(parseTimestamp("20200102")).toBe(U(2020, 1, 2));
    // Not a valid date: read as seconds.
    expect(parseTimestamp(20201340)).toBe(20201340_000);
  });

  it("an explicit unit wins over magnitude", () => {
    expect(parseTimestamp(20200102, { epochUnit: "s" })).toBe(20200102_000);
    expect(parseTimestamp(1_000_000, { epochUnit: "ms" })).toBe(1_000_000);
    expect(parseTimestamp(t, { epochUnit: "s" })).toBe(t * 1000);
  });

  it("rounds scaling noise to the microsecond, so equal instants stay equal", () => {
    const got = parseTimestamp(1577957400.123);
    expect(got).toBe(1577957400123);
  });

  it("rejects non-finite and non-numeric values", () => {
    expect(parseTimestamp(NaN)).toBeNaN();
    expect(parseTimestamp(Infinity)).toBeNaN();
    expect(parseTimestamp("1e400")).toBeNaN();
    expect(parseTimestamp("12abc")).toBeNaN();
    expect(parseTimestamp("nan")).toBeNaN();
  });
});

describe("helpers", () => {
  it("parseNaiveTimezone accepts UTC and fixed offsets only", () => {
    expect(parseNaiveTimezone("UTC")).toBe(0);
    expect(parseNaiveTimezone("-05:00")).toBe(-300);
    expect(parseNaiveTimezone("+05:45")).toBe(345);
    expect(() => parseNaiveTimezone("America/New_York")).toThrow(InputError);
    expect(() => parseNaiveTimezone("+25:00")).toThrow(InputError);
  });

  it("formatTimestamp is short for midnight and whole seconds", () => {
    expect(formatTimestamp(U(2020, 1, 2))).toBe("2020-01-02");
    expect(formatTimestamp(U(2020, 1, 2, 9, 30))).toBe("2020-01-02T09:30:00Z");
    expect(formatTimestamp(U(2020, 1, 2, 9, 30, 0, 5))).toBe("2020-01-02T09:30:00.005Z");
  });
});
