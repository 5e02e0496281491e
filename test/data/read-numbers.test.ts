import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_INVALID,
  NUM_MISSING,
  NUM_NON_FINITE,
  NUM_OK,
  numberParse,
  parseNumberBytes,
  parseNumberText,
} from "../../src/data/read/numbers.js";

function parse(text: string): [number, number] {
  const b = Buffer.from(text);
  const v = parseNumberBytes(b, 0, b.length);
  return [v, numberParse.status];
}

describe("parseNumberBytes", () => {
  it("returns exactly what Number() returns for decimals of any length (property)", () => {
    const texts = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 })).map(([x, k]) => x.toFixed(k)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 20 })).map(([x, k]) => x.toExponential(k)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 })).map(([x, k]) => x.toPrecision(k)),
      fc.stringMatching(/^[+-]?\d{1,25}(\.\d{0,25})?([eE][+-]?\d{1,3})?$/),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const [v, st] = parse(text);
        const ref = Number(text);
        return Object.is(v, ref) && st === (Number.isFinite(ref) ? NUM_OK : NUM_NON_FINITE);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ["1", 1],
    ["-2.5", -2.5],
    ["+3", 3],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["1E-3", 0.001],
    ["  42  ", 42],
    ["0.1", 0.1],
    ["100.123456789012345678", 100.12345678901235],
    ["-0", -0],
  ])("%j -> %d", (text, expected) => {
    const [v, st] = parse(text);
    expect(Object.is(v, expected)).toBe(true);
    expect(st).toBe(NUM_OK);
  });

  it.each(["", " ", "NA", "n/a", "N/A", "#N/A", "null", "NULL", "None", "nil"])("%j is a missing value", (text) => {
    const [v, st] = parse(text);
    expect(v).toBeNaN();
    expect(st).toBe(NUM_MISSING);
  });

  it.each([
    ["NaN", NaN],
    ["nan", NaN],
    ["inf", Infinity],
    ["-inf", -Infinity],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["1e400", Infinity],
  ])("%j is a non-finite value", (text, expected) => {
    const [v, st] = parse(text);
    expect(Object.is(v, expected)).toBe(true);
    expect(st).toBe(NUM_NON_FINITE);
  });

  it.each(["abc", "1,5", "0x10", "1e", "1.2.3", "--1", "1-", "12abc", ".", "-", "e5", "1 000", "$5"])("%j is not a number", (text) => {
    const [v, st] = parse(text);
    expect(v).toBeNaN();
    expect(st).toBe(NUM_INVALID);
  });

  it("reads only the bytes it is given", () => {
    const b = Buffer.from("12,345,6");
    expect(parseNumberBytes(b, 3, 6)).toBe(345);
    expect(parseNumberBytes(b, 0, 2)).toBe(12);
  });

  it("parseNumberText agrees with the byte parser", () => {
    for (const t of ["1.5", "NA", "inf", "abc", "1e-7"]) {
      const [v, st] = parse(t);
      const w = parseNumberText(t);
      expect(Object.is(v, w)).toBe(true);
      expect(numberParse.status).toBe(st);
    }
  });
});
