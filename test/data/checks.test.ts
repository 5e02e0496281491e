import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadData, type LoadedData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { InputError } from "../../src/util/errors.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/data/", import.meta.url));

/** Loads one fixture with min_bars 1 (fixtures are tiny) and the given check actions. */
function load(file: string, checks: Record<string, string> = {}, extra: Record<string, unknown> = {}): Promise<LoadedData> {
  return loadData(dataOptionsSchema.parse({ path: file, min_bars: 1, checks, ...extra }), { baseDir: FIXTURES });
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

function col(d: LoadedData, symbol: string, column: string): number[] {
  const s = d.series.find((x) => x.symbol === symbol);
  if (!s) throw new Error(`no symbol ${symbol}`);
  return Array.from(s.columns.get(column)!);
}

function days(d: LoadedData, symbol: string): string[] {
  return Array.from(d.series.find((x) => x.symbol === symbol)!.ts, (t) => new Date(t).toISOString().slice(0, 10));
}

describe("non_numeric", () => {
  it("error names file, line and column, and the setting that repairs it", async () => {
    const e = await inputError(load("non_numeric.csv", { non_numeric: "error" }));
    expect(e.message).toContain("non_numeric.csv line 4");
    expect(e.message).toContain('column "close"');
    expect(e.message).toContain('"abc" is not a number');
    expect(e.hint).toContain("pipeline.data.checks.non_numeric: fix");
  });

  it("fix turns the value into a missing value and counts it per symbol; NA markers are missing, not findings", async () => {
    const d = await load("non_numeric.csv", { non_numeric: "fix" });
    expect(col(d, "AAA", "close")).toEqual([10.5, 11, NaN]);
    expect(col(d, "BBB", "volume")).toEqual([500, NaN]); // "n/a" is a missing-value marker
    const r = d.report.checks.non_numeric;
    expect(r).toMatchObject({ action: "fix", count: 1, bySymbol: { AAA: 1 } });
    expect(r.examples[0]).toMatchObject({ row: 4, rowWord: "line", column: "close", value: "abc", symbol: "AAA" });
    expect(r.byFile[r.examples[0].file]).toBe(1);
  });

  it("offers no warn mode (the text cannot be kept as a number)", () => {
    expect(dataOptionsSchema.safeParse({ checks: { non_numeric: "warn" } }).success).toBe(false);
  });
});

describe("non_finite", () => {
  it("error names the cell", async () => {
    const e = await inputError(load("non_finite.csv", { non_finite: "error" }));
    expect(e.message).toMatch(/non_finite\.csv line 3, column "close": "inf" is not a finite number/);
  });

  it("warn keeps the values, fix makes them missing", async () => {
    const warn = await load("non_finite.csv", { non_finite: "warn" });
    expect(col(warn, "AAA", "close")[1]).toBe(Infinity);
    expect(warn.report.checks.non_finite).toMatchObject({ count: 2, bySymbol: { AAA: 1, BBB: 1 } });
    const fix = await load("non_finite.csv", { non_finite: "fix" });
    expect(col(fix, "AAA", "close")[1]).toBeNaN();
    expect(fix.report.checks.non_finite.examples.map((e) => [e.row, e.column, e.value])).toEqual([
      [3, "close", "inf"],
      [5, "volume", "NaN"],
    ]);
  });
});

describe("non_positive_price", () => {
  it("error names the first bad price", async () => {
    const e = await inputError(load("non_positive_price.csv", { non_positive_price: "error" }));
    expect(e.message).toContain("non_positive_price.csv line 4");
    expect(e.message).toContain('column "close"');
  });

  it("warn keeps, fix sets the price to missing", async () => {
    const warn = await load("non_positive_price.csv", { non_positive_price: "warn" });
    expect(col(warn, "AAA", "close")[2]).toBe(0);
    expect(col(warn, "BBB", "low")[0]).toBe(-1);
    expect(warn.report.checks.non_positive_price).toMatchObject({ count: 2, bySymbol: { AAA: 1, BBB: 1 } });
    const fix = await load("non_positive_price.csv", { non_positive_price: "fix", ohlc_inconsistent: "warn" });
    expect(col(fix, "AAA", "close")[2]).toBeNaN();
    expect(col(fix, "BBB", "low")[0]).toBeNaN();
    expect(col(fix, "BBB", "close")[0]).toBe(20.5); // only the bad value goes
  });
});

describe("ohlc_inconsistent", () => {
  it("error names the bar and what is wrong", async () => {
    const e = await inputError(load("ohlc_inconsistent.csv", { ohlc_inconsistent: "error" }));
    expect(e.message).toContain("ohlc_inconsistent.csv line 3");
    expect(e.message).toContain('column "high"');
    expect(e.message).toContain("high 9.5 is below low 10");
  });

  it("warn keeps the bars; float noise within the tolerance is not a finding", async () => {
    const d = await load("ohlc_inconsistent.csv", { ohlc_inconsistent: "warn" });
    const r = d.report.checks.ohlc_inconsistent;
    expect(r.count).toBe(2);
    expect(r.examples.map((e) => e.row)).toEqual([3, 4]);
    expect(r.examples[1].detail).toBe("close 12.5 is above high 12");
    expect(col(d, "AAA", "high")[1]).toBe(9.5);
  });

  it("fix sets the bar's open/high/low/close to missing and leaves volume", async () => {
    const d = await load("ohlc_inconsistent.csv", { ohlc_inconsistent: "fix" });
    for (const c of ["open", "high", "low", "close"]) expect(col(d, "AAA", c).map(Number.isNaN)).toEqual([false, true, true, false]);
    expect(col(d, "AAA", "volume")[1]).toBe(1200);
  });

  it("a zero tolerance flags the noise too", async () => {
    const d = await load("ohlc_inconsistent.csv", { ohlc_inconsistent: "warn" }, { ohlc_tolerance: 0 });
    expect(d.report.checks.ohlc_inconsistent.count).toBe(3);
  });
});

describe("duplicate_timestamps", () => {
  it("error names the second row and where the first is", async () => {
    const e = await inputError(load("duplicate_timestamps.csv", { duplicate_timestamps: "error" }));
    expect(e.message).toContain("duplicate_timestamps.csv line 4");
    expect(e.message).toContain('column "timestamp"');
    expect(e.message).toContain("symbol AAA has a second bar at 2020-01-03 (first at line 3)");
  });

  it("fix keeps the last row of each timestamp", async () => {
    const d = await load("duplicate_timestamps.csv");
    expect(days(d, "AAA")).toEqual(["2020-01-02", "2020-01-03", "2020-01-06"]);
    expect(col(d, "AAA", "close")).toEqual([10, 11.5, 12]);
    expect(d.report.checks.duplicate_timestamps).toMatchObject({ action: "fix", count: 1, bySymbol: { AAA: 1 } });
  });
});

describe("unsorted", () => {
  it("error names the row that goes back in time", async () => {
    const e = await inputError(load("unsorted.csv", { unsorted: "error" }));
    expect(e.message).toContain("unsorted.csv line 4");
    expect(e.message).toContain("2020-01-03 comes after 2020-01-06");
  });

  it("fix sorts, keeping values with their times", async () => {
    const d = await load("unsorted.csv");
    expect(days(d, "AAA")).toEqual(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"]);
    expect(col(d, "AAA", "close")).toEqual([10, 11, 12, 13]);
    expect(d.report.checks.unsorted.count).toBe(1);
  });
});

describe("mixed_tz_offsets", () => {
  it("error names the first row whose offset differs", async () => {
    const e = await inputError(load("mixed_tz_offsets.csv", { mixed_tz_offsets: "error" }));
    expect(e.message).toContain("mixed_tz_offsets.csv line 4");
    expect(e.message).toContain('column "timestamp"');
    expect(e.message).toContain("(-05:00)");
    expect(e.message).toContain("(2 such findings in this file)");
  });

  it("warn converts every value with its own offset to UTC", async () => {
    const d = await load("mixed_tz_offsets.csv", { mixed_tz_offsets: "warn" });
    expect(Array.from(d.series[0].ts, (t) => new Date(t).toISOString())).toEqual([
      "2020-01-02T14:30:00.000Z",
      "2020-01-03T14:30:00.000Z",
      "2020-01-06T14:30:00.000Z",
      "2020-01-07T14:30:00.000Z",
    ]);
    expect(d.report.checks.mixed_tz_offsets).toMatchObject({ action: "warn", count: 2 });
  });
});

describe("empty_file", () => {
  it("error names the file", async () => {
    const e = await inputError(load("with_empty", { empty_file: "error" }));
    expect(e.message).toMatch(/with_empty[\\/]BBB\.csv: the file has no data rows/);
    expect(e.hint).toContain("empty_file: warn");
  });

  it("warn skips it and records it", async () => {
    const d = await load("with_empty");
    expect(d.series.map((s) => s.symbol)).toEqual(["AAA"]);
    expect(d.report.checks.empty_file).toMatchObject({ action: "warn", count: 1 });
    expect(d.report.checks.empty_file.examples[0].file).toContain("BBB.csv");
  });

  it("a single empty file is an error whatever the setting: there is nothing to load", async () => {
    const e = await inputError(load("empty_file.csv"));
    expect(e.message).toContain("no data rows");
  });
});

describe("too_few_bars", () => {
  it("error names the symbol and the setting", async () => {
    const e = await inputError(load("too_few_bars.csv", { too_few_bars: "error" }, { min_bars: 2 }));
    expect(e.message).toContain("too_few_bars.csv");
    expect(e.message).toContain("symbol BBB has 1 bar, fewer than pipeline.data.min_bars (2)");
    expect(e.hint).toContain("min_bars");
  });

  it("warn keeps the symbol, fix drops it", async () => {
    const warn = await load("too_few_bars.csv", { too_few_bars: "warn" }, { min_bars: 2 });
    expect(warn.series.map((s) => s.symbol)).toEqual(["AAA", "BBB"]);
    expect(warn.report.checks.too_few_bars).toMatchObject({ count: 1, bySymbol: { BBB: 1 } });
    const fix = await load("too_few_bars.csv", { too_few_bars: "fix" }, { min_bars: 2 });
    expect(fix.series.map((s) => s.symbol)).toEqual(["AAA"]);
  });

  it("dropping every symbol is an error, not an empty result", async () => {
    const e = await inputError(load("too_few_bars.csv", { too_few_bars: "fix" }, { min_bars: 10 }));
    expect(e.message).toContain("no symbol is left");
  });
});

describe("unparseable_timestamp", () => {
  it("error (the default) names the value, file, line and column", async () => {
    const e = await inputError(load("unparseable_timestamp.csv"));
    expect(e.message).toContain("unparseable_timestamp.csv line 4");
    expect(e.message).toContain('column "timestamp": "2020-13-01" is not a timestamp');
    expect(e.message).toContain("(2 such findings in this file)");
    expect(e.hint).toContain("ISO 8601");
  });

  it("fix drops the rows, empty timestamps included", async () => {
    const d = await load("unparseable_timestamp.csv", { unparseable_timestamp: "fix" });
    expect(col(d, "AAA", "close")).toEqual([10, 11, 14]);
    expect(d.report.checks.unparseable_timestamp.examples.map((e) => [e.row, e.value])).toEqual([
      [4, "2020-13-01"],
      [5, ""],
    ]);
  });
});

describe("missing_symbol", () => {
  it("error names the row", async () => {
    const e = await inputError(load("missing_symbol.csv"));
    expect(e.message).toContain('missing_symbol.csv line 3, column "symbol": the symbol is empty');
  });

  it("fix drops the row", async () => {
    const d = await load("missing_symbol.csv", { missing_symbol: "fix" });
    expect(col(d, "AAA", "close")).toEqual([10, 12]);
    expect(d.report.checks.missing_symbol.count).toBe(1);
  });
});

describe("missing_columns", () => {
  it("no symbol column: error, or fix takes the symbol from the file name", async () => {
    const e = await inputError(load("no_symbol_column.csv"));
    expect(e.message).toContain('no_symbol_column.csv: no symbol column "symbol"');
    expect(e.hint).toContain("pipeline.data.checks.missing_columns: fix");
    const d = await load("no_symbol_column.csv", { missing_columns: "fix" });
    expect(d.series.map((s) => s.symbol)).toEqual(["no_symbol_column"]);
    expect(d.report.checks.missing_columns.count).toBe(1);
  });

  it("no close or no time column is always an error, listing the columns", async () => {
    // timestamp, symbol, price without close: trade ticks (test/data/ticks-read.test.ts), not bars
    const trades = await load("no_close_column.csv", { missing_columns: "fix" });
    expect(trades.ticks?.kind).toBe("trades");
    expect(trades.series).toEqual([]);
    const time = await inputError(load("no_time_column.csv"));
    expect(time.message).toContain("no time column");
    expect(time.hint).toContain("time_column");
    const named = await loadData(dataOptionsSchema.parse({ path: "no_time_column.csv", time_column: "when", min_bars: 1 }), { baseDir: FIXTURES });
    expect(named.series[0].ts[0]).toBe(Date.UTC(2020, 0, 2));
  });

  it("missing standard columns are reported, not errors", async () => {
    const d = await load("duplicate_timestamps.csv");
    expect(d.missingStandardColumns).toEqual(["open", "high", "low", "volume"]);
    expect([...d.series[0].columns.keys()]).toEqual(["close"]);
  });
});

describe("with pipeline.data.symbols", () => {
  it("findings in symbols not loaded neither stop the load nor enter the report", async () => {
    const d = await load("non_numeric.csv", { non_numeric: "error" }, { symbols: ["BBB"] });
    expect(d.series.map((s) => s.symbol)).toEqual(["BBB"]);
    expect(d.report.checks.non_numeric.count).toBe(0);
    await inputError(load("non_numeric.csv", { non_numeric: "error" }, { symbols: ["AAA"] }));
  });
});

describe("a close column of text", () => {
  it("says which values are not numbers", async () => {
    const e = await inputError(load("text_close.csv"));
    expect(e.message).toContain('the close column has no values in text_close.csv; values such as "$10.50"');
    expect(e.message).toContain("text_close.csv line 2");
  });
});

describe("the report", () => {
  it("has every check, with zero counts where nothing was found", async () => {
    const d = await load("unsorted.csv");
    const names = Object.keys(d.report.checks);
    expect(names).toContain("non_numeric");
    expect(names).toContain("too_few_bars");
    expect(d.report.checks.non_numeric).toEqual({ action: "fix", count: 0, bySymbol: {}, byFile: {}, examples: [] });
  });
});
