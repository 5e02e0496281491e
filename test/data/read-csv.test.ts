import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCsvFile } from "../../src/data/read/csv.js";
import { CheckCollector } from "../../src/data/checks/report.js";
import { dataChecksSchema, dataOptionsSchema } from "../../src/data/options.js";
import { loadData, type LoadedData } from "../../src/data/load.js";
import type { RawTable } from "../../src/data/read/table.js";
import { InputError } from "../../src/util/errors.js";

const root = mkdtempSync(join(tmpdir(), "foxml-csv-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function file(content: string | Buffer, name = `f${++counter}.csv`): string {
  const dir = join(root, `d${++counter}`);
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function read(path: string, checks: Record<string, string> = {}): RawTable {
  return readCsvFile(
    { path, display: path, relPath: "x.csv", format: "csv", partitioned: false },
    { header: { symbolColumn: "symbol" }, timestamps: { naiveOffsetMinutes: 0, epochUnit: "auto" }, checks: new CheckCollector(dataChecksSchema.parse(checks)) },
  );
}

function column(t: RawTable, key: string): number[] {
  return Array.from(t.columns.find((c) => c.key === key)!.values);
}

function load(path: string, extra: Record<string, unknown> = {}): Promise<LoadedData> {
  return loadData(dataOptionsSchema.parse({ path, min_bars: 1, ...extra }));
}

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const D1 = Date.UTC(2020, 0, 2);
const D2 = Date.UTC(2020, 0, 3);

describe("CSV syntax", () => {
  it("reads quoted fields, escaped quotes and a quoted line break, keeping line numbers right", () => {
    const t = read(file('timestamp,symbol,close,note\n2020-01-02,"AAA",1.5,"a ""quoted"" word"\n2020-01-03,AAA,"2.5","two\nlines"\n2020-01-06,AAA,x,ok\n'));
    expect(t.nRows).toBe(3);
    expect(t.symbolDict).toEqual(["AAA"]);
    expect(column(t, "close")).toEqual([1.5, 2.5, NaN]);
    expect(Array.from(t.lines!)).toEqual([2, 3, 5]);
    const close = t.columns.find((c) => c.key === "close")!;
    expect(Array.from(close.nonNumeric.rows.view())).toEqual([2]);
    expect(close.nonNumeric.values).toEqual(["x"]);
    expect(t.columns.find((c) => c.key === "note")!.nonNumeric.values).toEqual(['a "quoted" word', "two\nlines", "ok"]);
  });

  it("reads CRLF line ends, a UTF-8 BOM, blank lines and a last line without a line end", () => {
    const body = "\ufefftimestamp,symbol,close\r\n2020-01-02,AAA,1\r\n\r\n2020-01-03,AAA,2";
    const t = read(file(body));
    expect(t.timeColumn).toBe("timestamp");
    expect(Array.from(t.ts)).toEqual([D1, D2]);
    expect(column(t, "close")).toEqual([1, 2]);
    expect(Array.from(t.lines!)).toEqual([2, 4]);
  });

  it("takes ; or tab as the delimiter when the header has no comma", () => {
    expect(column(read(file("timestamp;symbol;close\n2020-01-02;AAA;1.5\n")), "close")).toEqual([1.5]);
    expect(column(read(file("timestamp\tsymbol\tclose\n2020-01-02\tAAA\t2.5\n")), "close")).toEqual([2.5]);
  });

  it("names columns in any letter case and keeps extra columns as written", () => {
    const t = read(file("Date,Symbol,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,AAA,1,2,0.5,1.5,1.4,100\n"));
    expect(t.timeColumn).toBe("Date");
    expect(t.columns.map((c) => c.key)).toEqual(["open", "high", "low", "close", "Adj Close", "volume"]);
  });

  it("ignores saved row indexes (an unnamed first column, 'Unnamed: 0') rather than making them features", () => {
    const t = read(file(",Unnamed: 0,timestamp,symbol,close\n0,0,2020-01-02,AAA,1\n1,1,2020-01-03,AAA,2\n"));
    expect(t.columns.map((c) => c.key)).toEqual(["close"]);
    expect(t.ignoredColumns.map((c) => [c.name, c.nonNull])).toEqual([
      ["(unnamed column 1)", 2],
      ["Unnamed: 0", 2],
    ]);
  });

  it("uses the first time-like column and ignores the others", async () => {
    const d = await load(file("timestamp,date,symbol,close\n2020-01-02T10:00:00Z,20200102,AAA,1\n"));
    expect(d.series[0].ts[0]).toBe(Date.UTC(2020, 0, 2, 10));
    expect(d.columns.find((c) => c.name === "date")).toMatchObject({ kind: "excluded" });
    expect(d.series[0].columns.has("date")).toBe(false);
  });

  it("reads epoch seconds and milliseconds in a CSV time column", () => {
    const t = read(file(`timestamp,symbol,close\n${D1 / 1000},AAA,1\n${D2},AAA,2\n`));
    expect(Array.from(t.ts)).toEqual([D1, D2]);
  });

  it("a header-only file and a zero-byte file have no rows", () => {
    expect(read(file("timestamp,symbol,close\n")).nRows).toBe(0);
    expect(read(file("")).nRows).toBe(0);
  });
});

describe("CSV errors name the file and line", () => {
  it("a ragged row", () => {
    const p = file("timestamp,symbol,close\n2020-01-02,AAA,1\n\n2020-01-03,AAA\n");
    const e = thrown(() => read(p));
    expect(e.message).toBe(`${p} line 4: 2 values, but the header (line 1) has 3 columns`);
    expect(e.hint).toContain("delimiter");
  });

  it("a quote that is never closed", () => {
    const e = thrown(() => read(file('timestamp,symbol,close\n2020-01-02,"AAA,1\n2020-01-03,AAA,2\n')));
    expect(e.message).toMatch(/line 2: a quoted value is never closed/);
  });

  it("text after a closing quote", () => {
    const e = thrown(() => read(file('timestamp,symbol,close\n2020-01-02,"AAA"x,1\n')));
    expect(e.message).toMatch(/line 2: text after the closing quote of value 2/);
  });

  it("two columns with one name", () => {
    const e = thrown(() => read(file("timestamp,symbol,close,close\n")));
    expect(e.message).toMatch(/column "close" appears twice \(columns 3 and 4\)/);
    const f = thrown(() => read(file("timestamp,symbol,Close,close\n")));
    expect(f.message).toMatch(/columns "Close" and "close" both name the close column/);
  });
});

describe("large files", () => {
  it("reads a file of several 4 MiB read chunks exactly, quoted fields and line breaks across chunk edges included", () => {
    const n = 90_000;
    const lines = ["timestamp,symbol,close,comment"];
    for (let i = 0; i < n; i++) {
      const ts = new Date(D1 + i * 60_000).toISOString();
      // Every 1000th comment spans two lines, so line numbers and rows diverge.
      const comment = i % 1000 === 0 ? `"row ${i}\nsecond line"` : `"row ${i}, ok, some padding"`;
      lines.push(`${ts},"SYM${i % 7}",${(i * 0.01).toFixed(2)},${comment}`);
    }
    lines.push(`${new Date(D1 + n * 60_000).toISOString()},SYM0,oops,"last"`);
    const p = file(lines.join("\r\n") + "\r\n");
    const t = read(p);
    expect(t.nRows).toBe(n + 1);
    expect(t.symbolDict).toHaveLength(7);
    const close = t.columns.find((c) => c.key === "close")!;
    let ok = true;
    for (let i = 0; i < n; i++) if (close.values[i] !== Number((i * 0.01).toFixed(2)) || t.ts[i] !== D1 + i * 60_000) ok = false;
    expect(ok).toBe(true);
    expect(Array.from(close.nonNumeric.rows.view())).toEqual([n]);
    // Header + n rows + one extra line per 1000 rows; the bad row is on the next line.
    expect(t.lines![n]).toBe(1 + n + n / 1000 + 1);
    const codes = t.symbolCodes!;
    expect(t.symbolDict[codes[8]]).toBe("SYM1");
  });
});
