import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { loadData, type LoadedData } from "../../src/data/load.js";
import { dataOptionsSchema } from "../../src/data/options.js";
import { InputError } from "../../src/util/errors.js";
import { hashFiles } from "../../src/util/hash.js";

const root = mkdtempSync(join(tmpdir(), "foxml-layouts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
const T0 = Date.UTC(2021, 0, 4, 14, 30);

/** n bars of one symbol, 5 minutes apart, with a known close = base + i. */
function bars(symbol: string, n: number, base: number, step = 300_000) {
  const ts: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < n; i++) {
    ts.push(T0 + i * step);
    close.push(base + i);
  }
  return {
    ts,
    symbol: ts.map(() => symbol),
    open: close.map((c) => c - 0.5),
    high: close.map((c) => c + 1),
    low: close.map((c) => c - 1),
    close,
    volume: close.map((_, i) => 1000 + i),
  };
}

function toCsv(rows: Record<string, (number | string)[]>, opts: { iso?: boolean; omit?: string[] } = {}): string {
  const keys = Object.keys(rows).filter((k) => !(opts.omit ?? []).includes(k));
  const n = rows[keys[0]].length;
  const lines = [keys.join(",")];
  for (let i = 0; i < n; i++) {
    lines.push(keys.map((k) => (k === "ts" && opts.iso !== false ? new Date(rows[k][i] as number).toISOString() : String(rows[k][i]))).join(","));
  }
  return lines.join("\n") + "\n";
}

/** A polars frame of bars with `ts` as a Datetime(ms) column, optionally without the symbol column. */
function frame(b: ReturnType<typeof bars>, withSymbol = true): pl.DataFrame {
  const cols: Record<string, unknown[]> = { ...b };
  if (!withSymbol) delete cols.symbol;
  return pl.DataFrame(cols).withColumns(pl.col("ts").cast(pl.Datetime("ms")));
}

function dir(...parts: string[]): string {
  const p = join(root, ...parts);
  mkdirSync(p, { recursive: true });
  return p;
}

async function load(path: string, extra: Record<string, unknown> = {}): Promise<LoadedData> {
  return loadData(dataOptionsSchema.parse({ path, min_bars: 1, ...extra }));
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

function summary(d: LoadedData) {
  return d.series.map((s) => ({ symbol: s.symbol, n: s.ts.length, first: s.ts[0], lastClose: s.columns.get("close")![s.ts.length - 1] }));
}

describe("long files", () => {
  const a = bars("AAA", 6, 100);
  const b = bars("BBB", 4, 200);
  const both = Object.fromEntries(Object.keys(a).map((k) => [k, [...(a as any)[k], ...(b as any)[k]]])) as ReturnType<typeof bars>;
  const expected = [
    { symbol: "AAA", n: 6, first: T0, lastClose: 105 },
    { symbol: "BBB", n: 4, first: T0, lastClose: 203 },
  ];

  it("reads a long CSV", async () => {
    const p = join(dir("long"), "bars.csv");
    writeFileSync(p, toCsv(both));
    const d = await load(p);
    expect(summary(d)).toEqual(expected);
    expect(d.layout).toBe("file");
    expect(d.files).toEqual([expect.objectContaining({ rows: 10 })]);
    expect([...d.series[0].columns.keys()]).toEqual(["open", "high", "low", "close", "volume"]);
  });

  it("reads a long Parquet file written by polars", async () => {
    const p = join(dir("long"), "bars.parquet");
    frame(both).writeParquet(p);
    const d = await load(p);
    expect(summary(d)).toEqual(expected);
    expect(d.columns.find((c) => c.kind === "timestamp")).toMatchObject({ name: "ts", dtype: "Datetime(ms,)" });
    expect(d.columns.find((c) => c.name === "close")).toMatchObject({ kind: "standard", dtype: "Float64", nonNull: 10 });
    expect(Array.from(d.series[1].columns.get("volume")!)).toEqual([1000, 1001, 1002, 1003]);
  });

  it("fingerprint is sha256 over the files (as util/hash computes it) and follows the bytes", async () => {
    const folder = dir("fp");
    const p = join(folder, "bars.csv");
    writeFileSync(p, toCsv(both));
    const first = await load(p);
    expect(first.fingerprint).toBe((await hashFiles([p], { base: folder })).sha256);
    expect((await load(p)).fingerprint).toBe(first.fingerprint);
    writeFileSync(p, toCsv(both).replace("100", "100.0"));
    expect((await load(p)).fingerprint).not.toBe(first.fingerprint);
  });

  it("keeps extra numeric columns, classifies them by pattern, drops text columns with a note", async () => {
    const p = join(dir("extras"), "bars.csv");
    const rows = { ...both, mom_20: both.close.map((c) => c / 100), fwd_ret_1: both.close.map((c) => c / 1000), sector: both.close.map(() => "tech"), blank: both.close.map(() => "") };
    writeFileSync(p, toCsv(rows));
    const d = await load(p, { extra_columns: { exclude_patterns: ["mom_*"] } });
    const kinds = Object.fromEntries(d.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toMatchObject({ ts: "timestamp", symbol: "symbol", close: "standard", mom_20: "excluded", fwd_ret_1: "extra-target", sector: "excluded", blank: "excluded" });
    expect(d.columns.find((c) => c.name === "sector")?.note).toContain("not numeric");
    expect(d.series[0].columns.has("fwd_ret_1")).toBe(true);
    expect(d.series[0].columns.has("mom_20")).toBe(false);
    expect(d.series[0].columns.has("sector")).toBe(false);
    const d2 = await load(p);
    expect(d2.columns.find((c) => c.name === "mom_20")).toMatchObject({ kind: "extra-feature", nonNull: 10 });
  });
});

describe("per-symbol folders", () => {
  it("reads symbol=SYM/SYM.parquet, the symbol coming from the folder", async () => {
    const base = dir("hive");
    for (const [s, n, c] of [["AAA", 5, 10], ["BBB", 3, 20]] as const) frame(bars(s, n, c), false).writeParquet(join(dir("hive", `symbol=${s}`), `${s}.parquet`));
    const d = await load(base);
    expect(d.layout).toBe("symbol-partitions");
    expect(summary(d)).toEqual([
      { symbol: "AAA", n: 5, first: T0, lastClose: 14 },
      { symbol: "BBB", n: 3, first: T0, lastClose: 22 },
    ]);
    expect(d.series[0].sources).toEqual([expect.stringMatching(/symbol=AAA[\\/]AAA\.parquet$/)]);
    expect(d.partitionInterval).toBeUndefined();
  });

  it("reads interval=5m/symbol=SYM/SYM.parquet and says which interval it was", async () => {
    const base = dir("hive_iv");
    frame(bars("AAA", 4, 10), false).writeParquet(join(dir("hive_iv", "interval=5m", "symbol=AAA"), "AAA.parquet"));
    const d = await load(base);
    expect(d.partitionInterval).toBe("5m");
    expect(summary(d)).toEqual([{ symbol: "AAA", n: 4, first: T0, lastClose: 13 }]);
  });

  it("with several interval folders, pipeline.data.interval chooses and auto is an error", async () => {
    const base = dir("hive_two");
    frame(bars("AAA", 4, 10), false).writeParquet(join(dir("hive_two", "interval=5m", "symbol=AAA"), "AAA.parquet"));
    frame(bars("AAA", 3, 50, DAY), false).writeParquet(join(dir("hive_two", "interval=1d", "symbol=AAA"), "AAA.parquet"));
    const e = await inputError(load(base));
    expect(e.message).toContain("several intervals (interval=1d, interval=5m)");
    expect(e.hint).toContain("pipeline.data.interval");
    const d = await load(base, { interval: "1d" });
    expect(summary(d)).toEqual([{ symbol: "AAA", n: 3, first: T0, lastClose: 52 }]);
    expect(d.partitionInterval).toBe("1d");
  });

  it("reads symbol=SYM/*.csv part files in time order and joins them", async () => {
    const base = dir("hive_csv");
    const b = bars("AAA", 6, 10);
    const half = (from: number, to: number) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.slice(from, to)])) as Record<string, (number | string)[]>;
    // part-1 holds the earlier bars: the files come back sorted by time anyway.
    writeFileSync(join(dir("hive_csv", "symbol=AAA"), "part-0.csv"), toCsv(half(3, 6), { omit: ["symbol"] }));
    writeFileSync(join(dir("hive_csv", "symbol=AAA"), "part-1.csv"), toCsv(half(0, 3), { omit: ["symbol"] }));
    const d = await load(base);
    expect(Array.from(d.series[0].columns.get("close")!)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(d.series[0].sources).toHaveLength(2);
    expect(d.report.checks.unsorted.count).toBe(1);
  });

  it("a symbol=SYM folder without data files is an empty_file finding", async () => {
    const base = dir("hive_hole");
    frame(bars("AAA", 3, 10), false).writeParquet(join(dir("hive_hole", "symbol=AAA"), "AAA.parquet"));
    dir("hive_hole", "symbol=BBB");
    const d = await load(base);
    expect(d.series.map((s) => s.symbol)).toEqual(["AAA"]);
    expect(d.report.checks.empty_file).toMatchObject({ count: 1, bySymbol: { BBB: 1 } });
    const e = await inputError(load(base, { checks: { empty_file: "error" } }));
    expect(e.message).toMatch(/symbol=BBB: the folder holds no data file$/);
  });

  it("a symbol column that contradicts the folder is an error naming the row", async () => {
    const base = dir("hive_conflict");
    frame(bars("BBB", 3, 10)).writeParquet(join(dir("hive_conflict", "symbol=AAA"), "AAA.parquet"));
    const e = await inputError(load(base));
    expect(e.message).toMatch(/AAA\.parquet row 1, column "symbol": symbol "BBB" in the folder symbol=AAA/);
  });

  it("reads a folder of SYM.csv files without a symbol column", async () => {
    const base = dir("flat_csv");
    writeFileSync(join(base, "AAA.csv"), toCsv(bars("AAA", 3, 10), { omit: ["symbol"] }));
    writeFileSync(join(base, "BRK.B.csv"), toCsv(bars("BRK.B", 2, 20), { omit: ["symbol"] }));
    writeFileSync(join(base, "README.txt"), "not data");
    const d = await load(base);
    expect(d.layout).toBe("symbol-files");
    expect(summary(d)).toEqual([
      { symbol: "AAA", n: 3, first: T0, lastClose: 12 },
      { symbol: "BRK.B", n: 2, first: T0, lastClose: 21 },
    ]);
  });

  it("reads a folder of SYM.parquet files; pipeline.data.symbols limits what is loaded", async () => {
    const base = dir("flat_pq");
    for (const s of ["AAA", "BBB", "CCC"]) frame(bars(s, 3, 10), false).writeParquet(join(base, `${s}.parquet`));
    const d = await load(base, { symbols: ["CCC", "AAA"] });
    expect(d.series.map((s) => s.symbol)).toEqual(["AAA", "CCC"]);
    const e = await inputError(load(base, { symbols: ["AAA", "ZZZ"] }));
    expect(e.message).toContain("ZZZ named in pipeline.data.symbols is not in the data");
    expect(e.hint).toContain("AAA, BBB, CCC");
  });

  it("a folder with both CSV and Parquet files is ambiguous unless pipeline.data.format chooses", async () => {
    const base = dir("flat_mixed");
    writeFileSync(join(base, "AAA.csv"), toCsv(bars("AAA", 3, 10), { omit: ["symbol"] }));
    frame(bars("BBB", 2, 20), false).writeParquet(join(base, "BBB.parquet"));
    const e = await inputError(load(base));
    expect(e.message).toContain("both CSV and Parquet");
    expect((await load(base, { format: "parquet" })).series.map((s) => s.symbol)).toEqual(["BBB"]);
  });
});

describe("clear errors", () => {
  it("a missing path", async () => {
    const e = await inputError(load(join(root, "nope", "bars.csv")));
    expect(e.message).toMatch(/the data path .*nope[\\/]bars\.csv does not exist/);
    expect(e.hint).toContain("pipeline.data.path");
  });

  it("a folder without data files", async () => {
    const base = dir("nothing");
    writeFileSync(join(base, "notes.txt"), "x");
    const e = await inputError(load(base));
    expect(e.message).toMatch(/no data files \(\.csv or \.parquet\) in the folder .*nothing/);
    expect(e.hint).toContain("symbol=SYM/");
  });

  it("a ragged CSV row, with its line", async () => {
    const p = join(dir("ragged"), "bars.csv");
    writeFileSync(p, "timestamp,symbol,close\n2020-01-02,AAA,1\n2020-01-03,AAA,2,9\n");
    const e = await inputError(load(p));
    expect(e.message).toMatch(/bars\.csv line 3: 4 values, but the header \(line 1\) has 3 columns/);
  });

  it("a file that is not Parquet", async () => {
    const p = join(dir("badpq"), "bars.parquet");
    writeFileSync(p, "timestamp,symbol,close\n");
    const e = await inputError(load(p));
    expect(e.message).toMatch(/cannot read .*bars\.parquet as Parquet/);
  });

  it("a file of unknown type, and a compressed file", async () => {
    const p = join(dir("odd"), "bars.json");
    writeFileSync(p, "{}");
    expect((await inputError(load(p))).hint).toContain("pipeline.data.format");
    const gz = join(dir("odd"), "bars.csv.gz");
    writeFileSync(gz, "x");
    expect((await inputError(load(gz))).message).toContain("compressed");
  });
});
