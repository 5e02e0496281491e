import { formatTimestamp } from "../timestamps.js";
import type { SymbolRows } from "../read/assemble.js";
import type { RawTable } from "../read/table.js";
import { exampleAt } from "./values.js";
import type { CheckCollector, CheckExample, CheckName } from "./report.js";

/**
 * Checks on one symbol's bars once all its rows are together: time order, duplicate times,
 * non-positive prices, OHLC consistency, and the number of bars. Fixes are applied to the arrays.
 */

export interface SeriesCheckOptions {
  /** Relative slack for OHLC comparisons. */
  ohlcTolerance: number;
  minBars: number;
}

const PRICES = ["open", "high", "low", "close"] as const;

/** Findings of one check for one symbol, counted per file and recorded together. */
export class Batch {
  private readonly perFile = new Map<string, { count: number; examples: CheckExample[] }>();
  constructor(
    private readonly check: CheckName,
    private readonly symbol: string,
  ) {}
  add(e: CheckExample): void {
    let f = this.perFile.get(e.file);
    if (!f) this.perFile.set(e.file, (f = { count: 0, examples: [] }));
    f.count++;
    if (f.examples.length < 5) f.examples.push(e);
  }
  flush(checks: CheckCollector): void {
    for (const [file, f] of this.perFile) checks.recordMany(this.check, file, f.count, new Map([[this.symbol, f.count]]), f.examples);
  }
}

/** Runs the checks on one symbol; returns the (possibly repaired) rows, or null when the symbol is dropped. */
export function checkSeries(s: SymbolRows, tables: readonly RawTable[], opts: SeriesCheckOptions, checks: CheckCollector): SymbolRows | null {
  let rows = sortRows(s, tables, checks);
  const at = (i: number, column?: string, value?: string) => exampleAt(tables[rows.tableIdx[i]], rows.row[i], column, value);
  const timeCol = (i: number) => tables[rows.tableIdx[i]].timeColumn;

  // Duplicate times: keep the last row of each run (file order is kept by the stable sort).
  const dup = new Batch("duplicate_timestamps", s.symbol);
  let dropped = 0;
  const keep = new Uint8Array(rows.ts.length).fill(1);
  for (let i = 1; i < rows.ts.length; i++) {
    if (rows.ts[i] === rows.ts[i - 1]) {
      keep[i - 1] = 0;
      dropped++;
      const first = at(i - 1);
      const e = at(i, timeCol(i), formatTimestamp(rows.ts[i]));
      e.detail = `first at ${first.file === e.file ? "" : first.file + " "}${first.rowWord} ${first.row}`;
      dup.add(e);
    }
  }
  dup.flush(checks);
  if (dropped > 0) rows = compact(rows, keep);

  // Prices must be positive.
  const nonPos = new Batch("non_positive_price", s.symbol);
  const fixPrices = checks.action("non_positive_price") === "fix";
  for (const p of PRICES) {
    const v = rows.columns.get(p);
    if (!v) continue;
    const name = (i: number) => tables[rows.tableIdx[i]].columns.find((c) => c.key === p)?.name ?? p;
    for (let i = 0; i < v.length; i++) {
      if (v[i] <= 0) {
        nonPos.add(at(i, name(i), String(v[i])));
        if (fixPrices) v[i] = NaN;
      }
    }
  }
  nonPos.flush(checks);

  // OHLC consistency, with a relative tolerance for float noise.
  const o = rows.columns.get("open");
  const h = rows.columns.get("high");
  const l = rows.columns.get("low");
  const c = rows.columns.get("close");
  if (h || l) {
    const tol = opts.ohlcTolerance;
    const bad = new Batch("ohlc_inconsistent", s.symbol);
    const fixOhlc = checks.action("ohlc_inconsistent") === "fix";
    for (let i = 0; i < rows.ts.length; i++) {
      const why = ohlcProblem(o?.[i] ?? NaN, h?.[i] ?? NaN, l?.[i] ?? NaN, c?.[i] ?? NaN, tol);
      if (why === null) continue;
      const e = at(i, why.column);
      e.detail = why.detail;
      bad.add(e);
      if (fixOhlc) for (const arr of [o, h, l, c]) if (arr) arr[i] = NaN;
    }
    bad.flush(checks);
  }

  if (rows.ts.length < opts.minBars) {
    const first = at(0);
    checks.record("too_few_bars", {
      file: first.file,
      symbol: s.symbol,
      detail: `symbol ${s.symbol} has ${rows.ts.length} bar${rows.ts.length === 1 ? "" : "s"}, fewer than pipeline.data.min_bars (${opts.minBars})`,
    });
    if (checks.action("too_few_bars") === "fix") return null;
  }
  return rows;
}

/** Reports rows out of time order (check `unsorted`) and returns the rows stably sorted by time (equal times keep their reading order). */
export function sortRows(s: SymbolRows, tables: readonly RawTable[], checks: CheckCollector): SymbolRows {
  const unsorted = new Batch("unsorted", s.symbol);
  for (let i = 1; i < s.ts.length; i++) {
    if (s.ts[i] < s.ts[i - 1]) {
      const e = exampleAt(tables[s.tableIdx[i]], s.row[i], tables[s.tableIdx[i]].timeColumn, formatTimestamp(s.ts[i]));
      e.detail = `${formatTimestamp(s.ts[i])} comes after ${formatTimestamp(s.ts[i - 1])}; rows are not in time order`;
      unsorted.add(e);
    }
  }
  unsorted.flush(checks);
  return isSorted(s.ts) ? s : permute(s, stableOrder(s.ts));
}

/** What is wrong with one bar, or null. Comparisons skip missing values. */
export function ohlcProblem(o: number, h: number, l: number, c: number, tol: number): { column: string; detail: string } | null {
  if (h < l - tol * Math.max(Math.abs(h), Math.abs(l))) return { column: "high", detail: `high ${h} is below low ${l}` };
  for (const [name, x] of [
    ["open", o],
    ["close", c],
  ] as const) {
    if (x > h + tol * Math.abs(h)) return { column: name, detail: `${name} ${x} is above high ${h}` };
    if (x < l - tol * Math.abs(l)) return { column: name, detail: `${name} ${x} is below low ${l}` };
  }
  return null;
}

export function isSorted(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) return false;
  return true;
}

/** Indices that sort ts ascending, ties in their original order. */
export function stableOrder(ts: Float64Array): Uint32Array {
  const idx = new Uint32Array(ts.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => ts[a] - ts[b] || a - b);
}

export function permute(s: SymbolRows, order: Uint32Array): SymbolRows {
  const n = order.length;
  const ts = new Float64Array(n);
  const tableIdx = new Int32Array(n);
  const row = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    ts[i] = s.ts[j];
    tableIdx[i] = s.tableIdx[j];
    row[i] = s.row[j];
  }
  const columns = new Map<string, Float64Array>();
  for (const [k, v] of s.columns) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = v[order[i]];
    columns.set(k, out);
  }
  return { symbol: s.symbol, ts, columns, tableIdx, row };
}

export function compact(s: SymbolRows, keep: Uint8Array): SymbolRows {
  const idx: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) idx.push(i);
  return permute(s, Uint32Array.from(idx));
}
