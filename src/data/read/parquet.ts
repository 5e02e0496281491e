import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import pl from "nodejs-polars";
import { FoxmlError, InputError } from "../../util/errors.js";
import { OFFSET_NAIVE, TimestampParser } from "../timestamps.js";
import { NUM_INVALID, NUM_MISSING, NUM_NON_FINITE, numberParse, parseNumberText } from "./numbers.js";
import { planColumns, type ColumnPlan } from "./header.js";
import { SymbolInterner } from "./symbols.js";
import { emptyTable } from "./csv.js";
import { Flagged, type DataFileRef, type RawColumn, type RawTable } from "./table.js";
import type { ReaderContext } from "./context.js";

/**
 * Parquet through nodejs-polars. Numeric, time and symbol columns leave polars as typed arrays
 * from one `select` (each polars call wakes its thread pool, so calls are batched); only string
 * columns are parsed value by value, with the same parsers as CSV so both formats accept the
 * same text.
 */

type DataFrame = pl.DataFrame;
type Series = pl.Series;
type Expr = pl.Expr;

const NUMERIC = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "Bool", "Decimal"]);
const TEXT = new Set(["String", "Utf8", "Categorical"]);
const MS_PER_DAY = 86_400_000;

function variant(s: Series): string {
  return (s.dtype as unknown as { variant: string }).variant;
}

/** "Float64", "Datetime(ms,UTC)", ... (polars prints "DataType(Float64)"). */
function dtypeName(s: Series): string {
  return s.dtype.toString().replace(/^DataType\((.*)\)$/, "$1");
}

/** As Float64 with nulls as NaN. */
function f64(e: Expr): Expr {
  return e.cast(pl.Float64).fillNull(pl.lit(NaN));
}

function strings(df: DataFrame, name: string): (string | null)[] {
  return df.select(pl.col(name).cast(pl.Utf8).alias("x")).getColumn("x").toArray() as (string | null)[];
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
  try {
    return buildTable(file, ctx, df, plan, bytes.length, sha256);
  } catch (e) {
    // polars refusing a cast is about the file's content; a TypeError/RangeError is a bug of ours.
    if (e instanceof FoxmlError || e instanceof TypeError || e instanceof RangeError || !(e instanceof Error)) throw e;
    throw new InputError(
      `cannot read the columns of ${file.display}: ${e.message.split("\n")[0]}`,
      "store times as Datetime/Date/epoch integers or ISO strings and values as floats or integers",
    );
  }
}

type TimeKind = "datetime-ms" | "datetime-us" | "date" | "epoch" | "text";

function buildTable(file: DataFileRef, ctx: ReaderContext, df: DataFrame, plan: ColumnPlan, bytes: number, sha256: string): RawTable {
  const n = df.height;
  const timeSeries = df.getColumn(plan.time.name);
  const tv = variant(timeSeries);
  const dt = timeSeries.dtype as unknown as { timeUnit?: string; timeZone?: string | null };
  let timeKind: TimeKind;
  const tcol = pl.col(plan.time.name);
  const exprs: Expr[] = [];
  if (tv === "Datetime") {
    timeKind = dt.timeUnit === "ms" ? "datetime-ms" : "datetime-us";
    // ns counts exceed 2^53: polars truncates them to whole microseconds first, exactly.
    exprs.push(f64((timeKind === "datetime-ms" ? tcol : tcol.cast(pl.Datetime("us"))).cast(pl.Int64)).alias("\0t"));
  } else if (tv === "Date") {
    timeKind = "date";
    exprs.push(f64(tcol.cast(pl.Int32)).alias("\0t"));
  } else if (NUMERIC.has(tv) && tv !== "Bool") {
    timeKind = "epoch";
    exprs.push(f64(tcol).alias("\0t"));
  } else if (TEXT.has(tv)) timeKind = "text";
  else {
    throw new InputError(
      `${file.display}: the time column "${plan.time.name}" has type ${dtypeName(timeSeries)}, which is not a time`,
      "store times as a Datetime, Date, epoch integer or ISO 8601 string column, or set pipeline.data.time_column",
    );
  }
  if (plan.symbol) exprs.push(pl.col(plan.symbol.name).cast(pl.Utf8).cast(pl.Categorical).alias("\0s"));

  const ignoredColumns: RawTable["ignoredColumns"] = plan.ignored.map((c) => {
    const s = df.getColumn(c.name);
    return { name: c.name, dtype: dtypeName(s), reason: c.reason, nonNull: n - s.nullCount() };
  });
  const numeric: { c: ColumnPlan["numeric"][number]; s: Series; alias: string | null }[] = [];
  plan.numeric.forEach((c, j) => {
    const s = df.getColumn(c.name);
    const v = variant(s);
    if (NUMERIC.has(v)) {
      const alias = `\0v${j}`;
      exprs.push(f64(pl.col(c.name)).alias(alias));
      numeric.push({ c, s, alias });
    } else if (TEXT.has(v)) numeric.push({ c, s, alias: null });
    else if (c.standard) {
      throw new InputError(`${file.display}: column "${c.name}" has type ${dtypeName(s)}, not numbers`, `store ${c.key} as a float or integer column`);
    } else {
      ignoredColumns.push({ name: c.name, dtype: dtypeName(s), reason: `type ${dtypeName(s)} is not numeric, dropped`, nonNull: n - s.nullCount() });
    }
  });

  const out = exprs.length > 0 ? df.select(...exprs) : null;
  const typed = (alias: string) => out!.getColumn(alias).toTypedArray() as Float64Array;

  const time = readTime(df, plan.time.name, timeKind, timeKind === "text" ? null : typed("\0t"), dt.timeZone, ctx);
  const sym = plan.symbol ? readSymbols(out!, n) : null;
  const columns: RawColumn[] = numeric.map(({ c, s, alias }) => ({
    name: c.name,
    key: c.key,
    standard: c.standard,
    dtype: dtypeName(s),
    ...(alias === null ? parseTextNumbers(strings(df, c.name)) : flagNonFinite(df, c.name, typed(alias), s.nullCount())),
  }));
  return {
    file,
    bytes,
    sha256,
    nRows: n,
    rowWord: "row",
    lines: null,
    timeColumn: plan.time.name,
    timeDtype: dtypeName(timeSeries),
    ts: time.ts,
    badTimestamps: time.bad,
    firstOffset: time.firstOffset,
    offsetMismatch: time.mismatch,
    impliedSymbol: plan.symbol ? undefined : plan.impliedSymbol,
    symbolColumn: plan.symbol?.name ?? null,
    symbolDtype: plan.symbol ? dtypeName(df.getColumn(plan.symbol.name)) : "",
    symbolCodes: sym?.codes ?? null,
    symbolDict: sym?.dict ?? [],
    emptySymbols: sym?.empty ?? new Flagged(),
    columns,
    ignoredColumns,
  };
}

function readTime(
  df: DataFrame,
  name: string,
  kind: TimeKind,
  raw: Float64Array | null,
  timeZone: string | null | undefined,
  ctx: ReaderContext,
): { ts: Float64Array; bad: Flagged; firstOffset: number; mismatch: Flagged } {
  const n = df.height;
  const bad = new Flagged();
  const mismatch = new Flagged();
  const naiveMs = ctx.timestamps.naiveOffsetMinutes * 60_000;
  const ts = new Float64Array(n);
  let firstOffset = OFFSET_NAIVE;
  let texts: (string | null)[] | null = null;
  if (kind === "datetime-ms" || kind === "datetime-us") {
    const scale = kind === "datetime-ms" ? 1 : 1000;
    // A Datetime with a time zone holds UTC instants; a naive one is read in naive_timezone.
    const zoned = timeZone !== undefined && timeZone !== null && timeZone !== "";
    const shift = zoned ? 0 : naiveMs;
    if (zoned) firstOffset = 0;
    for (let i = 0; i < n; i++) ts[i] = raw![i] / scale - shift;
  } else if (kind === "date") {
    for (let i = 0; i < n; i++) ts[i] = raw![i] * MS_PER_DAY - naiveMs;
  } else if (kind === "epoch") {
    const parser = new TimestampParser(ctx.timestamps);
    for (let i = 0; i < n; i++) ts[i] = parser.fromNumber(raw![i]);
    firstOffset = parser.offset;
  } else {
    texts = strings(df, name);
    const parser = new TimestampParser(ctx.timestamps);
    let first = NaN;
    for (let i = 0; i < n; i++) {
      const text = texts[i];
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
  }
  for (let i = 0; i < n; i++) {
    if (ts[i] !== ts[i]) {
      if (bad.wantsValue) bad.add(i, texts ? (texts[i] ?? "") : raw && raw[i] === raw[i] ? String(raw[i]) : "");
      else bad.addRow(i);
    }
  }
  return { ts, bad, firstOffset, mismatch };
}

/** Codes from the categorical's physical values, re-interned after trimming; -1 for an empty symbol. */
function readSymbols(out: DataFrame, n: number): { codes: Int32Array; dict: string[]; empty: Flagged } {
  const phys = out.select(f64(pl.col("\0s").toPhysical()).alias("p")).getColumn("p").toTypedArray() as Float64Array;
  const u = out.select(pl.col("\0s").unique().alias("u"));
  const names = u.select(pl.col("u").cast(pl.Utf8)).getColumn("u").toArray() as (string | null)[];
  const physOf = u.select(f64(pl.col("u").toPhysical()).alias("u")).getColumn("u").toTypedArray() as Float64Array;
  const interner = new SymbolInterner();
  const remap = new Map<number, number>();
  names.forEach((text, k) => {
    if (text === null) return;
    const t = text.trim();
    remap.set(physOf[k], t === "" ? -1 : interner.codeOfText(t));
  });
  const codes = new Int32Array(n);
  const empty = new Flagged();
  for (let i = 0; i < n; i++) {
    const p = phys[i];
    const c = p === p ? (remap.get(p) ?? -1) : -1;
    codes[i] = c;
    if (c < 0) {
      if (empty.wantsValue) empty.add(i, "");
      else empty.addRow(i);
    }
  }
  return { codes, dict: interner.dict, empty };
}

type NumericPart = Omit<RawColumn, "name" | "key" | "standard" | "dtype">;

/** A numeric Parquet column: nulls are missing values; a stored NaN or infinity is a finding. */
function flagNonFinite(df: DataFrame, name: string, values: Float64Array, nulls: number): NumericPart {
  const n = values.length;
  const nonFinite = new Flagged();
  let nan = 0;
  for (let i = 0; i < n; i++) if (values[i] !== values[i]) nan++;
  // More NaN than nulls: some NaN were stored as values; the null mask tells which.
  const isNull = nan > nulls ? (df.select(pl.col(name).isNull().cast(pl.UInt8).alias("m")).getColumn("m").toTypedArray() as Uint8Array) : null;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x === Infinity || x === -Infinity || (x !== x && isNull !== null && isNull[i] === 0)) {
      if (nonFinite.wantsValue) nonFinite.add(i, String(x));
      else nonFinite.addRow(i);
    }
  }
  return { values, numericCount: n - nulls, nonNumeric: new Flagged(), nonFinite };
}

/** A string column where numbers are expected: parsed like CSV text. */
function parseTextNumbers(texts: (string | null)[]): NumericPart {
  const n = texts.length;
  const values = new Float64Array(n);
  const nonNumeric = new Flagged();
  const nonFinite = new Flagged();
  let numericCount = 0;
  for (let i = 0; i < n; i++) {
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
      if (nonNumeric.wantsValue) nonNumeric.add(i, text);
      else nonNumeric.addRow(i);
    } else {
      values[i] = x;
      numericCount++;
      if (st === NUM_NON_FINITE) {
        if (nonFinite.wantsValue) nonFinite.add(i, text);
        else nonFinite.addRow(i);
      }
    }
  }
  return { values, numericCount, nonNumeric, nonFinite };
}
