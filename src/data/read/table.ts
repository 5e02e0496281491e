import type { StandardColumn } from "../types.js";

/**
 * What a reader hands to the checks: one file's rows as typed arrays, plus the cells each
 * value-level check flagged while parsing (so the checks can count them per symbol and quote
 * them with file, row and column without re-reading the file).
 */

/** A data file found under the configured path. */
export interface DataFileRef {
  /** Absolute path. */
  path: string;
  /** Path as shown in messages: relative to the working folder when inside it. */
  display: string;
  /** Path relative to the data root, used in the fingerprint (stable when the data folder moves). */
  relPath: string;
  format: "csv" | "parquet";
  /** The symbol implied by the layout (symbol=SYM/ folder or SYM.csv file name), if any. */
  impliedSymbol?: string;
  /** True when the symbol comes from a `symbol=SYM` folder: then it wins over a symbol column. */
  partitioned: boolean;
}

/** Growable Int32 list without per-push allocation. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 16) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Cells a check flagged: all rows (for counts) and the first few raw values (for examples). */
export class Flagged {
  readonly rows = new IntList(8);
  readonly values: string[] = [];
  static readonly MAX_VALUES = 5;
  /** Flags a row; `value` is kept while examples are still wanted (check `wantsValue` before building it). */
  add(row: number, value: string): void {
    this.rows.push(row);
    if (this.values.length < Flagged.MAX_VALUES) this.values.push(value);
  }
  get wantsValue(): boolean {
    return this.values.length < Flagged.MAX_VALUES;
  }
  /** Flags a row without an example value. */
  addRow(row: number): void {
    this.rows.push(row);
  }
  get count(): number {
    return this.rows.length;
  }
}

/** A column parsed as numbers. `standard` is set for open/high/low/close/volume (any letter case). */
export interface RawColumn {
  /** Name as written in the file. */
  name: string;
  /** Key in SymbolSeries.columns: the lower-case standard name, or the name as written for extras. */
  key: string;
  standard: StandardColumn | null;
  /** Type as read: the Parquet dtype (Float64, Int64, ...), or for CSV "number" / "text" / "empty". */
  dtype: string;
  values: Float64Array;
  /** Values present and numeric (finite or not). */
  numericCount: number;
  /** Present values that are not numbers (text). */
  nonNumeric: Flagged;
  /** NaN / infinity values. */
  nonFinite: Flagged;
  /** Set when the column was read but must not become a series column, with the reason. */
  dropReason?: string;
}

/** One file's rows. Row indices are 0-based positions in these arrays. */
export interface RawTable {
  file: DataFileRef;
  /** File size in bytes and sha256 of its content. */
  bytes: number;
  sha256: string;
  nRows: number;
  /** How a row is located for users: CSV rows by their 1-based line in the file, Parquet rows by 1-based position. */
  rowWord: "line" | "row";
  /** 1-based line per row (CSV); null for Parquet, where the location is row index + 1. */
  lines: Int32Array | null;
  timeColumn: string;
  /** Type of the time column as read ("text" for CSV, the polars dtype for Parquet). */
  timeDtype: string;
  /** Epoch ms UTC; NaN where missing or unparseable (those rows are in `badTimestamps`). */
  ts: Float64Array;
  badTimestamps: Flagged;
  /** Offset of the first timestamp and the rows whose offset differs from it. */
  firstOffset: number;
  offsetMismatch: Flagged;
  /** The symbol of every row when the file has no symbol column (implied by its path or name). */
  impliedSymbol?: string;
  /** Name of the symbol column as written, or null when the file has none. */
  symbolColumn: string | null;
  /** Type of the symbol column as read ("text" for CSV, the polars dtype for Parquet; "" when absent). */
  symbolDtype: string;
  /** Per-row index into `symbolDict`, -1 for an empty symbol; null when there is no symbol column. */
  symbolCodes: Int32Array | null;
  symbolDict: string[];
  /** Rows with an empty symbol value. */
  emptySymbols: Flagged;
  columns: RawColumn[];
  /** Columns read as something other than numbers (other time-like columns, unnamed index columns, nested types). */
  ignoredColumns: { name: string; dtype: string; reason: string; nonNull: number }[];
}

/** 1-based location of a row for messages. */
export function rowLocation(t: RawTable, row: number): number {
  return t.lines ? t.lines[row] : row + 1;
}
