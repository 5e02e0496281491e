import { describe, expect, it } from "vitest";
import { clip, clipMiddle, formatDelta, formatDuration, formatFigure, renderTable, shortHash } from "../../src/registry/format.js";

describe("formatters", () => {
  it("formats figures: integers as is, others to 4 significant digits, text unchanged", () => {
    expect([30, 0, -2, 0.012345, 1.23456, 1234.56, 123456.7, "1d", null, Number.NaN].map(formatFigure)).toEqual(["30", "0", "-2", "0.01235", "1.235", "1235", "123457", "1d", "-", "NaN"]);
  });

  it("formats deltas with sign and relative change; nothing for no change", () => {
    expect(formatDelta(0.0123, 1)).toBe("+0.0123 (+100%)");
    expect(formatDelta(-1, -0.0333)).toBe("-1 (-3.3%)");
    expect(formatDelta(2, null)).toBe("+2");
    expect(formatDelta(0, 0)).toBe("");
    expect(formatDelta(null, null)).toBe("");
  });

  it("formats durations", () => {
    expect([null, 0.42, 9.96, 12.4, 59.4, 61, 245, 3599, 3600, 7380].map(formatDuration)).toEqual(["-", "0.4s", "10.0s", "12s", "59s", "1m01s", "4m05s", "59m59s", "1h00m", "2h03m"]);
  });

  it("aligns table columns, right-aligning the marked ones", () => {
    expect(renderTable(["ID", "N"], [["a", "1"], ["bbb", "100"]], ["left", "right"])).toBe("ID     N\na      1\nbbb  100\n");
  });

  it("shortens hashes and clips text", () => {
    expect(shortHash("0123456789abcdef")).toBe("0123456789ab");
    expect(shortHash(null)).toBe("-");
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("abc", 4)).toBe("abc");
    expect(clipMiddle('"/data/daily/ohlcv_SPX.csv"', 16)).toBe('"/dat…v_SPX.csv"');
    expect(clipMiddle('"/data/daily/ohlcv_SPX.csv"', 16)).toHaveLength(16);
    expect(clipMiddle("short", 16)).toBe("short");
  });
});
