import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { loadData, type LoadedData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { InputError } from "../../src/util/errors.js";

const root = mkdtempSync(join(tmpdir(), "foxml-pq-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T1 = Date.UTC(2020, 0, 2, 9, 30);
const T2 = T1 + 60_000;
const T3 = T1 + 120_000;
let counter = 0;

function write(df: pl.DataFrame): string {
  const p = join(root, `t${++counter}.parquet`);
  df.writeParquet(p);
  return p;
}

/** Three bars of AAA with ms timestamps in `ts` (Float64, to be cast by each test). */
function base(extra: Record<string, unknown[]> = {}): pl.DataFrame {
  return pl.DataFrame({ ts: [T1, T2, T3], symbol: ["AAA", "AAA", "AAA"], close: [1, 2, 3], ...extra });
}

function load(path: string, extra: Record<string, unknown> = {}): Promise<LoadedData> {
  return loadData(dataOptionsSchema.parse({ path, min_bars: 1, ...extra }));
}

const times = (d: LoadedData) => Array.from(d.series[0].ts);

describe("Parquet time columns", () => {
  it.each([
    ["ms", pl.col("ts").cast(pl.Datetime("ms"))],
    ["us", pl.col("ts").cast(pl.Datetime("ms")).cast(pl.Datetime("us"))],
    ["ns", pl.col("ts").cast(pl.Datetime("ms")).cast(pl.Datetime("ns"))],
    ["ms UTC", pl.col("ts").cast(pl.Datetime("ms")).cast(pl.Datetime("ms", "UTC"))],
    ["us Asia/Kolkata", pl.col("ts").cast(pl.Datetime("ms")).cast(pl.Datetime("us", "Asia/Kolkata"))],
    ["epoch ms Int64", pl.col("ts").cast(pl.Int64)],
    ["epoch s Int64", pl.col("ts").div(1000).cast(pl.Int64)],
  ])("Datetime / epoch: %s", async (_, expr) => {
    const d = await load(write(base().withColumns(expr.alias("ts"))));
    expect(times(d)).toEqual([T1, T2, T3]);
  });

  it("a Date column is midnight", async () => {
    const d = await load(write(pl.DataFrame({ date: [T1, T1 + 86_400_000], symbol: ["A", "A"], close: [1, 2] }).withColumns(pl.col("date").cast(pl.Datetime("ms")).cast(pl.Date))));
    expect(times(d)).toEqual([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)]);
  });

  it("naive_timezone shifts naive Datetimes but not zoned ones", async () => {
    const naive = write(base().withColumns(pl.col("ts").cast(pl.Datetime("ms"))));
    const zoned = write(base().withColumns(pl.col("ts").cast(pl.Datetime("ms")).cast(pl.Datetime("ms", "UTC"))));
    expect(times(await load(naive, { naive_timezone: "-05:00" }))[0]).toBe(T1 + 5 * 3_600_000);
    expect(times(await load(zoned, { naive_timezone: "-05:00" }))[0]).toBe(T1);
  });

  it("string timestamps are parsed like CSV text; a change of offset is reported", async () => {
    const p = write(pl.DataFrame({ timestamp: ["2020-01-02T09:30:00Z", "2020-01-02T15:01:00+05:30", "2020-01-02 09:32:00"], symbol: ["A", "A", "A"], close: [1, 2, 3] }));
    const d = await load(p);
    expect(times(d)).toEqual([T1, T2, T3]);
    expect(d.report.checks.mixed_tz_offsets.count).toBe(2);
    expect(d.report.checks.mixed_tz_offsets.examples[0]).toMatchObject({ row: 2, rowWord: "row", column: "timestamp" });
  });

  it("a null timestamp is an unparseable timestamp named by its row", async () => {
    const p = write(pl.DataFrame({ ts: [T1, null, T3], symbol: ["A", "A", "A"], close: [1, 2, 3] }).withColumns(pl.col("ts").cast(pl.Datetime("ms"))));
    const err = await load(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/t\d+\.parquet row 2, column "ts": the timestamp is empty/);
    const d = await load(p, { checks: { unparseable_timestamp: "fix" } });
    expect(times(d)).toEqual([T1, T3]);
  });

  it("a time column that is not a time is an error naming its type", async () => {
    const p = write(base({ flag: [true, false, true] }).drop("ts").rename({ flag: "ts" }));
    const err = await load(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain('the time column "ts" has type Bool');
  });
});

describe("Parquet values", () => {
  it("null is a missing value; a stored NaN or infinity is a non_finite finding", async () => {
    const p = write(base({ feat: [1.5, null, NaN], other: [Infinity, 1, 2] }).withColumns(pl.col("ts").cast(pl.Datetime("ms"))));
    const d = await load(p, { checks: { non_finite: "warn" } });
    const r = d.report.checks.non_finite;
    expect(r.count).toBe(2);
    expect(r.examples.map((e) => [e.column, e.row, e.value])).toEqual([
      ["feat", 3, "NaN"],
      ["other", 1, "Infinity"],
    ]);
    expect(d.columns.find((c) => c.name === "feat")).toMatchObject({ kind: "extra-feature", dtype: "Float64", nonNull: 1 });
  });

  it("integers, booleans and numeric strings are numbers; text and nested columns are dropped with a note", async () => {
    const p = write(
      base({ n: [1, 2, 3], b: [true, false, true], s: ["1.5", "2.5", "x"], label: ["up", "down", "up"], l: [[1], [2, 3], []] }).withColumns(
        pl.col("ts").cast(pl.Datetime("ms")),
        pl.col("n").cast(pl.Int64),
      ),
    );
    const d = await load(p);
    const cols = d.series[0].columns;
    expect(Array.from(cols.get("n")!)).toEqual([1, 2, 3]);
    expect(Array.from(cols.get("b")!)).toEqual([1, 0, 1]);
    expect(Array.from(cols.get("s")!)).toEqual([1.5, 2.5, NaN]);
    expect(d.report.checks.non_numeric.examples[0]).toMatchObject({ file: expect.stringMatching(/parquet$/), row: 3, rowWord: "row", column: "s", value: "x" });
    expect(cols.has("label")).toBe(false);
    expect(cols.has("l")).toBe(false);
    expect(d.columns.find((c) => c.name === "label")).toMatchObject({ kind: "excluded", dtype: "String", note: expect.stringContaining("not numeric") });
    expect(d.columns.find((c) => c.name === "l")).toMatchObject({ kind: "excluded", note: expect.stringContaining("not numeric") });
  });

  it("categorical and integer symbol columns, with empty symbols found", async () => {
    const cat = write(
      pl.DataFrame({ ts: [T1, T2, T1, T2], symbol: ["B", "A", "A", null], close: [1, 2, 3, 4] }).withColumns(pl.col("ts").cast(pl.Datetime("ms")), pl.col("symbol").cast(pl.Categorical)),
    );
    const err = await load(cat).catch((e) => e);
    expect(err.message).toMatch(/row 4, column "symbol": the symbol is empty/);
    const d = await load(cat, { checks: { missing_symbol: "fix" } });
    expect(d.series.map((s) => [s.symbol, s.ts.length])).toEqual([
      ["A", 2],
      ["B", 1],
    ]);
    const ints = write(pl.DataFrame({ ts: [T1, T1], permno: [10001, 10002], close: [1, 2] }).withColumns(pl.col("ts").cast(pl.Datetime("ms")), pl.col("permno").cast(pl.Int64)));
    const e = await load(ints, { symbol_column: "permno" });
    expect(e.series.map((s) => s.symbol)).toEqual(["10001", "10002"]);
  });

  it("a non-numeric standard column is an error naming its type", async () => {
    const p = write(base({ high: [[1], [2], [3]] }).withColumns(pl.col("ts").cast(pl.Datetime("ms"))));
    const err = await load(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/column "high" has type List/);
  });
});
