/**
 * The data layer's entry point: `loadData(options)` turns bar files into checked SymbolSeries.
 *
 *   files (discover) -> RawTable per file (read/csv, read/parquet: values parsed, bad cells flagged)
 *     -> column classes (read/classify) -> value checks (checks/values)
 *     -> rows grouped per symbol (read/assemble) -> series checks (checks/series) -> LoadedData
 *
 * Every check in `options.checks` either throws an InputError naming file, row/line and column
 * (`error`), or records its findings in `LoadedData.report` (`warn`, `fix`; `fix` also repairs).
 * Public API: loadData, LoadedData, ColumnInfo, DataFileInfo, the CheckReport types and
 * formatCheckReport; timestamps.ts offers parseTimestamp for one-off values.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { InputError } from "../util/errors.js";
import { hashJson } from "../util/hash.js";
import type { DataOptions } from "./options.js";
import { STANDARD_COLUMNS, type SymbolSeries } from "./types.js";
import { parseNaiveTimezone } from "./timestamps.js";
import { CheckCollector, type CheckReport } from "./checks/report.js";
import { checkFileValues } from "./checks/values.js";
import { checkSeries } from "./checks/series.js";
import { discoverFiles, type Layout } from "./read/discover.js";
import { readCsvFile } from "./read/csv.js";
import { readParquetFile } from "./read/parquet.js";
import { classifyColumns, type ColumnKind } from "./read/classify.js";
import { groupBySymbol, type SymbolRows } from "./read/assemble.js";
import type { ReaderContext } from "./read/context.js";
import type { RawTable } from "./read/table.js";
import { loadTicks, type LoadedTicks } from "./ticks/load.js";

export type { ColumnKind } from "./read/classify.js";
export type { LoadedTicks } from "./ticks/load.js";
export type { CheckReport, CheckResult, CheckExample, CheckName } from "./checks/report.js";
export { formatCheckReport } from "./checks/report.js";

/** A column of the input and what became of it. */
export interface ColumnInfo {
  /** Key in SymbolSeries.columns for loaded columns (standard names lower-case), else the name as written. */
  name: string;
  kind: ColumnKind;
  /** Type as read: the Parquet dtype, or for CSV "number" / "text" / "empty"; "|" joins differing files. */
  dtype: string;
  /** Values present: in the loaded series for loaded columns, as read for the others. */
  nonNull: number;
  /** Why an excluded column was not loaded. */
  note?: string;
  /** Loaded columns only: symbols that have no value at all in this column (e.g. no volume for an index). */
  symbolsWithoutValues?: string[];
  /** Candidate features whose history is known (columns resampled from ticks: one bar, known at its close). */
  feature?: { lookback: number; lag: number; description: string };
}

export interface DataFileInfo {
  /** As shown in messages (relative to the working folder when inside it). */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface LoadedData {
  /** Sorted by symbol; each with strictly increasing timestamps. */
  series: SymbolSeries[];
  columns: ColumnInfo[];
  /** Of open/high/low/volume: those absent or without any value (close is required). */
  missingStandardColumns: string[];
  report: CheckReport;
  files: DataFileInfo[];
  /** sha256 of the canonical JSON list of {path relative to the data root, sha256} sorted by path; equals util/hash hashFiles(paths, { base: root }).sha256. */
  fingerprint: string;
  layout: Layout;
  /** Bar size named by an `interval=...` folder the data was read from. */
  partitionInterval?: string;
  /** Set for tick files: the checked ticks, and `series` holds them resampled (empty when pipeline.data.resample is off). */
  ticks?: LoadedTicks;
}

/**
 * Reads, checks and repairs bar data as `options` say: finds the files under `options.path`
 * (relative paths are resolved against `baseDir`, default the working folder), parses them,
 * runs every check in `options.checks` and returns one series per symbol. Problems a user must
 * fix throw an InputError naming the file, row and column and what to do.
 */
/** The data's fingerprint: the sha256 of every file's bytes, by its path under the data root. */
export function dataFingerprint(files: ReadonlyArray<{ relPath: string; sha256: string }>): string {
  return hashJson(files.map((f) => ({ path: f.relPath, sha256: f.sha256 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
}

/**
 * The fingerprint loadData would record for the files `options` name as they are now, from their
 * bytes alone (nothing parsed): a resumed run checks with it that its data did not change.
 */
export function currentDataFingerprint(options: DataOptions, baseDir: string): string {
  const found = discoverFiles(options, baseDir);
  return dataFingerprint(found.files.map((f) => ({ relPath: f.relPath, sha256: createHash("sha256").update(readFileSync(f.path)).digest("hex") })));
}

export async function loadData(options: DataOptions, opts: { baseDir?: string } = {}): Promise<LoadedData> {
  const checks = new CheckCollector(options.checks);
  const found = discoverFiles(options, opts.baseDir ?? process.cwd());
  for (const f of found.emptyFolders) checks.record("empty_file", { file: f.display, symbol: f.symbol, detail: "the folder holds no data file" });

  const ctx: ReaderContext = {
    header: { timeColumn: options.time_column, symbolColumn: options.symbol_column },
    timestamps: { naiveOffsetMinutes: parseNaiveTimezone(options.naive_timezone), epochUnit: options.epoch_unit },
    checks,
  };
  const tables: RawTable[] = [];
  for (const file of found.files) {
    // Sequential on purpose: one file's arrays at a time keeps peak memory near the data's size.
    const t = file.format === "csv" ? readCsvFile(file, ctx) : readParquetFile(file, ctx);
    tables.push(t);
  }
  const files = tables.map((t) => ({ path: t.file.display, rows: t.nRows, bytes: t.bytes, sha256: t.sha256 }));
  const fingerprint = dataFingerprint(tables.map((t) => ({ relPath: t.file.relPath, sha256: t.sha256 })));

  const live = tables.filter((t) => {
    if (t.nRows > 0) return true;
    checks.record("empty_file", { file: t.file.display, symbol: t.file.impliedSymbol });
    return false;
  });
  if (live.length === 0) {
    throw new InputError(`no data rows in ${options.path} (${tables.length} file${tables.length === 1 ? "" : "s"}, all empty)`, "point pipeline.data.path at files with bars");
  }

  const tickTables = live.filter((t) => !t.columns.some((c) => c.key === "close"));
  if (tickTables.length > 0) {
    const bars = live.find((t) => t.columns.some((c) => c.key === "close"));
    if (bars) {
      throw new InputError(
        `${options.path} mixes bar files and tick files: ${bars.file.display} has bars (a close column), ${tickTables[0].file.display} ticks (bid/ask or price)`,
        "load bars and ticks separately: pipeline.data.path names one kind",
      );
    }
    const ticks = loadTicks(live, options, checks);
    return { ...ticks, report: checks.report(), files, fingerprint, layout: found.layout, partitionInterval: found.partitionInterval };
  }
  if (options.resample !== "off") {
    throw new InputError(
      `pipeline.data.resample is ${options.resample}, but ${options.path} holds bars (a close column), not ticks`,
      "resampling turns quote and trade ticks into bars; set pipeline.data.resample: off for bar data (pipeline.data.interval names its bar size)",
    );
  }

  const classes = classifyColumns(live, options.extra_columns);
  const loadedKeys = classes.filter((c) => c.kind === "standard" || c.kind === "extra-feature" || c.kind === "extra-target").map((c) => c.key);
  const loaded = new Set(loadedKeys);
  const wanted = options.symbols ? new Set(options.symbols) : null;
  for (const t of live) checkFileValues(t, (k) => loaded.has(k), wanted, checks);

  const grouped = groupBySymbol(live, loadedKeys, wanted);
  checkWantedSymbols(grouped, live, options);

  const checked: SymbolRows[] = [];
  for (const g of grouped) {
    const r = checkSeries(g, live, { ohlcTolerance: options.ohlc_tolerance, minBars: options.min_bars }, checks);
    if (r !== null) checked.push(r);
  }
  if (checked.length === 0) {
    throw new InputError(
      `no symbol is left to load from ${options.path} after the data checks`,
      "see the report of pipeline.data.checks (too_few_bars with fix drops short symbols; lower pipeline.data.min_bars to keep them)",
    );
  }

  const nonNull = new Map<string, number>();
  const withoutValues = new Map<string, string[]>();
  for (const key of loadedKeys) {
    let total = 0;
    const without: string[] = [];
    for (const r of checked) {
      const n = countPresent(r.columns.get(key)!);
      total += n;
      if (n === 0) without.push(r.symbol);
    }
    nonNull.set(key, total);
    withoutValues.set(key, without);
  }
  if ((nonNull.get("close") ?? 0) === 0) {
    const why = checks.report().checks.non_numeric.examples.find((e) => e.column?.toLowerCase() === "close");
    throw new InputError(
      `the close column has no values in ${options.path}${why ? `; values such as ${JSON.stringify(why.value)} (${why.file} ${why.rowWord} ${why.row}) are not numbers` : ""}`,
      "close prices are required: write them as plain decimal numbers (no currency signs or thousands separators)",
    );
  }
  const missingStandardColumns = STANDARD_COLUMNS.filter((c) => c !== "close" && !(nonNull.get(c) ?? 0));
  const dropKeys = new Set<string>(missingStandardColumns);

  const series: SymbolSeries[] = checked.map((r) => {
    const columns = new Map<string, Float64Array>();
    for (const key of loadedKeys) if (!dropKeys.has(key)) columns.set(key, r.columns.get(key)!);
    const sources = [...new Set(Array.from(r.tableIdx, (ti) => live[ti].file.display))].sort();
    return { symbol: r.symbol, ts: r.ts, columns, sources };
  });

  return {
    series,
    columns: columnInfos(live, classes, checked, nonNull, withoutValues, dropKeys),
    missingStandardColumns,
    report: checks.report(),
    files,
    fingerprint,
    layout: found.layout,
    partitionInterval: found.partitionInterval,
  };
}

/** With pipeline.data.symbols set, every symbol named must be in the data. */
export function checkWantedSymbols(grouped: readonly SymbolRows[], live: readonly RawTable[], options: DataOptions): void {
  if (!options.symbols) return;
  const have = new Set(grouped.map((g) => g.symbol));
  const absent = options.symbols.filter((s) => !have.has(s));
  if (absent.length > 0) {
    const all = groupBySymbol(live, [], null).map((g) => g.symbol);
    throw new InputError(
      `symbol${absent.length === 1 ? "" : "s"} ${absent.join(", ")} named in pipeline.data.symbols ${absent.length === 1 ? "is" : "are"} not in the data`,
      `the data has ${all.length} symbols: ${all.slice(0, 20).join(", ")}${all.length > 20 ? ", ..." : ""}`,
    );
  }
}

export function countPresent(v: Float64Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) n++;
  return n;
}

function columnInfos(
  live: readonly RawTable[],
  classes: ReturnType<typeof classifyColumns>,
  checked: readonly SymbolRows[],
  nonNull: ReadonlyMap<string, number>,
  withoutValues: ReadonlyMap<string, string[]>,
  dropKeys: ReadonlySet<string>,
): ColumnInfo[] {
  const bars = checked.reduce((n, r) => n + r.ts.length, 0);
  const first = live[0];
  const out: ColumnInfo[] = [{ name: first.timeColumn, kind: "timestamp", dtype: unique(live.map((t) => t.timeDtype)), nonNull: bars }];
  const symbolTables = live.filter((t) => t.symbolColumn !== null);
  if (symbolTables.length > 0) {
    out.push({ name: symbolTables[0].symbolColumn!, kind: "symbol", dtype: unique(symbolTables.map((t) => t.symbolDtype)), nonNull: bars });
  }
  for (const c of classes) {
    const loaded = c.kind !== "excluded";
    if (loaded && dropKeys.has(c.key)) {
      out.push({ name: c.key, kind: "excluded", dtype: c.dtype, nonNull: 0, note: "standard column without any value, not loaded" });
    } else if (loaded) {
      const info: ColumnInfo = { name: c.key, kind: c.kind, dtype: c.dtype, nonNull: nonNull.get(c.key) ?? 0 };
      const without = withoutValues.get(c.key) ?? [];
      if (without.length > 0) info.symbolsWithoutValues = without;
      out.push(info);
    } else {
      const read = live.reduce((n, t) => n + (t.columns.find((x) => x.key === c.key)?.numericCount ?? 0) + (t.columns.find((x) => x.key === c.key)?.nonNumeric.count ?? 0), 0);
      out.push({ name: c.name, kind: "excluded", dtype: c.dtype, nonNull: read, note: c.note });
    }
  }
  const ignored = new Map<string, ColumnInfo>();
  for (const t of live) {
    for (const g of t.ignoredColumns) {
      const prev = ignored.get(g.name);
      if (prev) prev.nonNull += g.nonNull;
      else ignored.set(g.name, { name: g.name, kind: "excluded", dtype: g.dtype, nonNull: g.nonNull, note: g.reason });
    }
  }
  out.push(...ignored.values());
  return out;
}

/** Distinct values sorted and joined with "|" (the dtype of a column read from several files). */
export function unique(values: string[]): string {
  return [...new Set(values)].sort().join("|");
}
