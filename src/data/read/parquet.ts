import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import pl from "nodejs-polars";
import { InputError } from "../../util/errors.js";
import { OFFSET_NAIVE, TimestampParser } from "../timestamps.js";
import { NUM_INVALID, NUM_MISSING, NUM_NON_FINITE, numberParse, parseNumberText } from "./numbers.js";
import { planColumns, type ColumnPlan } from "./header.js";
import { SymbolInterner } from "./symbols.js";
import { emptyTable } from "./csv.js";
import { Flagged, type DataFileRef, type RawColumn, type RawTable } from "./table.js";
import type { ReaderContext } from "./context.js";

/**
 * Parquet through nodejs-polars. Columns are moved into typed arrays with polars' own casts
 * (fast, no per-value JavaScript); only string columns are parsed value by value, with the same
 * number and timestamp parsers as CSV so both formats accept the same text.
 */

type DataFrame = pl.DataFrame;
type Series = pl.Series;

const NUMERIC = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "Bool", "Decimal"]);
const TEXT = new Set(["String", "Utf8", "Categorical"]);

function variant(s: Series): string {
  return (s.dtype as unknown as { variant: string }).variant;
}

/** A column as Float64Array with nulls as NaN (polars does the cast natively). */
function asFloat64(df: DataFrame, name: string, cast?: pl.DataType): Float64Array {
  let e = pl.col(name);
  if (cast) e = e.cast(cast);
  return df.select(e.cast(pl.Float64).fillNull(pl.lit(NaN)).alias("x")).getColumn("x").toTypedArray() as Float64Array;
}

export function readParquetFile(file: DataFileRef, ctx: ReaderContext): RawTable {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
  } catch (e) {
    throw new InputError(`cannot read ${file.display}: ${(e as Error).message}`);
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let df: DataFrame;
  try {
    df = pl.readParquet(bytes);
  } catch (e) {
    throw new InputError(
      `cannot read ${file.display} as Parquet: ${(e as Error).message.split("\n")[0]}`,
      "check that the file is a complete Parquet file, or set pipeline.data.format if its extension is misleading",
    );
  }
  if (df.height === 0) return emptyTable(file, bytes.length, sha256, "row");
  const plan = planColumns(df.columns, file, ctx.header, ctx.checks);
  return new ParquetTableBuilder(file, ctx, df, plan).build(bytes.length, sha256);
}

class ParquetTableBuilder {
  private readonly n: number;

  constructor(
    private readonly file: DataFileRef,
    private readonly ctx: ReaderContext,
    private readonly df: DataFrame,
    private readonly plan: ColumnPlan,
  ) {
    this.n = df.height;
  }

  build(bytes: number, sha256: string): RawTable {
    const { plan } = this;
    const time = this.readTime();
    const sym = plan.symbol ? this.readSymbols(plan.symbol.name) : null;
    const columns: RawColumn[] = [];
    const ignoredColumns: RawTable["ignoredColumns"] = plan.ignored.map((c) => {
      const s = this.df.getColumn(c.name);
      return { name: c.name, dtype: dtypeName(s), reason: c.reason, nonNull: s.len() - s.nullCount() };
    });
    for (const c of plan.numeric) {
      const s = this.df.getColumn(c.name);
      const v = variant(s);
      if (NUMERIC.has(v) || TEXT.has(v)) {
        columns.push({ name: c.name, key: c.key, standard: c.standard, ...this.readNumeric(s) });
      } else if (c.standard) {
        throw new InputError(`${this.file.display}: column "${c.name}" has type ${s.dtype.toString()}, not numbers`, `store ${c.key} as a float or integer column`);
      } else {
        ignoredColumns.push({ name: c.name, dtype: dtypeName(s), reason: `type ${v} is not numeric, dropped`, nonNull: s.len() - s.nullCount() });
      }
    }
    return {
      file: this.file,
      bytes,
      sha256,
      nRows: this.n,
      rowWord: "row",
      lines: null,
      timeColumn: plan.time.name,
      timeDtype: dtypeName(this.df.getColumn(plan.time.name)),
      ts: time.ts,
      badTimestamps: time.bad,
      firstOffset: time.firstOffset,
      offsetMismatch: time.mismatch,
      impliedSymbol: plan.symbol ? undefined : plan.impliedSymbol,
      symbolColumn: plan.symbol?.name ?? null,
      symbolCodes: sym?.codes ?? null,
      symbolDict: sym?.dict ?? [],
      emptySymbols: sym?.empty ?? new Flagged(),
      columns,
      ignoredColumns,
    };
  }

  private readTime(): { ts: Float64Array; bad: Flagged; firstOffset: number; mismatch: Flagged } {
    const name = this.plan.time.name;
    const s = this.df.getColumn(name);
    const v = variant(s);
    const bad = new Flagged();
    const mismatch = new Flagged();
    const naiveMs = this.ctx.timestamps.naiveOffsetMinutes * 60_000;
    let ts: Float64Array;
    let firstOffset = OFFSET_NAIVE;
    if (v === "Datetime") {
      const dt = s.dtype as unknown as { timeUnit?: string; timeZone?: string };
      const zoned = dt.timeZone !== undefined && dt.timeZone !== null && dt.timeZone !== "";
      ts = new Float64Array(this.n);
      if (dt.timeUnit === "ms") ts.set(asFloat64(this.df, name, pl.Int64));
      else {
        // ns counts exceed 2^53: polars truncates them to whole microseconds first, exactly.
        const us = this.df
          .select(pl.col(name).cast(pl.Datetime("us")).cast(pl.Int64).cast(pl.Float64).fillNull(pl.lit(NaN)).alias("x"))
          .getColumn("x")
          .toTypedArray() as Float64Array;
        for (let i = 0; i < this.n; i++) ts[i] = us[i] / 1000;
      }
      if (zoned) firstOffset = 0;
      else for (let i = 0; i < this.n; i++) ts[i] -= naiveMs;
    } else if (v === "Date") {
      const days = asFloat64(this.df, name, pl.Int32);
      ts = new Float64Array(this.n);
      for (let i = 0; i < this.n; i++) ts[i] = days[i] * 86_400_000 - naiveMs;
    } else if (NUMERIC.has(v) && v !== "Bool") {
      const raw = asFloat64(this.df, name);
      const parser = new TimestampParser(this.ctx.timestamps);
      ts = new Float64Array(this.n);
      for (let i = 0; i < this.n; i++) ts[i] = parser.fromNumber(raw[i]);
      firstOffset = parser.offset;
    } else if (TEXT.has(v)) {
      const values = this.df.select(pl.col(name).cast(pl.Utf8).alias("x")).getColumn("x").toArray() as (string | null)[];
      const parser = new TimestampParser(this.ctx.timestamps);
      ts = new Float64Array(this.n);
      let first = NaN;
      for (let i = 0; i < this.n; i++) {
        const text = values[i];
        const t = text === null ? NaN : parser.parseString(text);
        ts[i] = t;
        if (t !== t) continue;
        if (first !== first) first = parser.offset;
        else if (parser.offset !== first) {
          if (mismatch.wantsValue) mismatch.add(i, text!);
          else mismatch.addRow(i);
        }
      }
      firstOffset = first;
    } else {
      throw new InputError(
        `${this.file.display}: the time column "${name}" has type ${s.dtype.toString()}, which is not a time`,
        "store times as a Datetime, Date, epoch integer or ISO 8601 string column, or set pipeline.data.time_column",
      );
    }
    if (s.nullCount() > 0 || ts.some((t) => t !== t)) {
      const text = TEXT.has(v) ? (this.df.select(pl.col(name).cast(pl.Utf8).alias("x")).getColumn("x").toArray() as (string | null)[]) : null;
      for (let i = 0; i < this.n; i++) {
        if (ts[i] !== ts[i]) {
          if (bad.wantsValue) bad.add(i, text ? (text[i] ?? "") : "");
          else bad.addRow(i);
        }
      }
    }
    return { ts, bad, firstOffset, mismatch };
  }

  /** Codes from polars' dense rank (ranks follow the sorted unique values), trimmed and re-interned. */
  private readSymbols(name: string): { codes: Int32Array; dict: string[]; empty: Flagged } {
    const col = pl.col(name).cast(pl.Utf8);
    const sorted = this.df.select(col.dropNulls().unique().sort().alias("u")).getColumn("u").toArray() as string[];
    const ranks = this.df.select(col.rank("dense").fillNull(0).cast(pl.Int32).alias("r")).getColumn("r").toTypedArray() as Int32Array;
    const interner = new SymbolInterner();
    // rank r (1-based) -> final code; -1 for an empty symbol; rank 0 = null.
    const remap = new Int32Array(sorted.length + 1).fill(-1);
    sorted.forEach((text, k) => {
      const t = text.trim();
      remap[k + 1] = t === "" ? -1 : interner.codeOfText(t);
    });
    const codes = new Int32Array(this.n);
    const empty = new Flagged();
    for (let i = 0; i < this.n; i++) {
      const c = remap[ranks[i]];
      codes[i] = c;
      if (c < 0) empty.add(i, "");
    }
    return { codes, dict: interner.dict, empty };
  }

  private readNumeric(s: Series): Omit<RawColumn, "name" | "key" | "standard"> {
    const v = variant(s);
    const nonNumeric = new Flagged();
    const nonFinite = new Flagged();
    let values: Float64Array;
    let numericCount = 0;
    if (TEXT.has(v)) {
      const texts = this.df.select(pl.col(s.name).cast(pl.Utf8).alias("x")).getColumn("x").toArray() as (string | null)[];
      values = new Float64Array(this.n);
      for (let i = 0; i < this.n; i++) {
        const text = texts[i];
        if (text === null) {
          values[i] = NaN;
          continue;
        }
        const x = parseNumberText(text);
        const st = numberParse.status;
        if (st === NUM_MISSING) values[i] = NaN;
        else if (st === NUM_INVALID) {
          values[i] = NaN;
          nonNumeric.add(i, text);
        } else {
          values[i] = x;
          numericCount++;
          if (st === NUM_NON_FINITE) nonFinite.add(i, text);
        }
      }
    } else {
      values = asFloat64(this.df, s.name);
      const nulls = s.nullCount();
      numericCount = this.n - nulls;
      let nan = 0;
      for (let i = 0; i < this.n; i++) if (values[i] !== values[i]) nan++;
      // NaN stored as a value (not as a null) is a finding; the null mask tells the two apart.
      const isNull = nan > nulls ? (s.isNull().toArray() as boolean[]) : null;
      for (let i = 0; i < this.n; i++) {
        const x = values[i];
        if (x === Infinity || x === -Infinity) nonFinite.add(i, String(x));
        else if (x !== x && isNull !== null && !isNull[i]) nonFinite.add(i, "NaN");
      }
    }
    return { dtype: dtypeName(s), values, numericCount, nonNumeric, nonFinite };
  }
}

/** "Float64", "Datetime(ms,UTC)", ... (polars prints "DataType(Float64)"). */
function dtypeName(s: Series): string {
  return s.dtype.toString().replace(/^DataType\((.*)\)$/, "$1");
}
