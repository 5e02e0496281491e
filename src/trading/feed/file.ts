/**
 * A bar feed from a file that the user's own feed process appends to: the live loop's feed when
 * no broker market data is used, and what the tests drive.
 *
 * CSV (long layout, one bar per line): a header naming a timestamp column (timestamp, ts,
 * datetime, time or date), a symbol column (symbol or ticker) and close, optionally open, high,
 * low and volume; other columns are ignored. The file is read incrementally: each call parses only
 * the bytes appended since the last one, and a trailing line without its newline is left for the
 * next call (the writer may be half-way through it). A file that shrank was rewritten and is read
 * again from the start. Parquet files cannot be appended to, so a `.parquet` path is read again
 * whenever its size or modification time changes.
 *
 * Each symbol's bars must come in time order; a bar at or before the symbol's previous one is an
 * error naming the line, not a silent reordering (a restated bar would change decisions already made).
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import pl from "nodejs-polars";
import { TIME_COLUMN_CANDIDATES } from "../../data/read/header.js";
import { NUM_INVALID, numberParse, parseNumberText } from "../../data/read/numbers.js";
import { DEFAULT_TIMESTAMP_OPTIONS, TimestampParser, type TimestampOptions, TIMESTAMP_FORMATS_HINT } from "../../data/timestamps.js";
import { InputError } from "../../util/errors.js";
import type { BarFeed, LiveBar } from "./types.js";

const SYMBOL_CANDIDATES = ["symbol", "ticker"];
const PRICE_COLUMNS = ["open", "high", "low", "close", "volume"] as const;

interface Columns {
  time: number;
  symbol: number;
  /** Index of open, high, low, close, volume (-1 when absent). */
  values: number[];
  width: number;
}

export interface FileBarFeedOptions {
  path: string;
  /** How offset-less timestamps are read (the run's pipeline.data.naive_timezone). */
  timestamps?: TimestampOptions;
}

export class FileBarFeed implements BarFeed {
  readonly name = "file";
  /** The file holds the history the loop warms up from: the loop reads it from its start. */
  readonly holdsHistory = true;
  private readonly bars = new Map<string, LiveBar[]>();
  private readonly parser: TimestampParser;
  private readonly parquet: boolean;
  private offset = 0;
  private line = 0;
  private cols: Columns | null = null;
  private carry = "";
  private stamp = "";

  constructor(private readonly o: FileBarFeedOptions) {
    this.parser = new TimestampParser(o.timestamps ?? DEFAULT_TIMESTAMP_OPTIONS);
    this.parquet = /\.parquet$/i.test(o.path);
  }

  /** Symbols seen in the file so far, sorted. */
  symbols(): string[] {
    this.refresh();
    return [...this.bars.keys()].sort();
  }

  async barsAfter(symbols: readonly string[], after: number, limit: number): Promise<LiveBar[]> {
    this.refresh();
    const out: LiveBar[] = [];
    for (const sym of symbols) {
      const list = this.bars.get(sym);
      if (list === undefined) continue;
      // First bar after `after` (bars are in time order).
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].time <= after) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < Math.min(list.length, lo + limit); i++) out.push(list[i]);
    }
    return out.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async close(): Promise<void> {}

  private refresh(): void {
    let size: number;
    let mtime: number;
    try {
      const st = statSync(this.o.path);
      if (st.isDirectory()) throw new InputError(`bar feed ${this.o.path} is a folder`, "the live loop reads one CSV or Parquet file that your feed appends bars to");
      size = st.size;
      mtime = st.mtimeMs;
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`bar feed ${this.o.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "give --feed-file the CSV or Parquet file your own feed appends bars to");
    }
    if (this.parquet) {
      const stamp = `${size}:${mtime}`;
      if (stamp !== this.stamp) {
        this.stamp = stamp;
        this.readParquet();
      }
      return;
    }
    if (size < this.offset) this.reset();
    if (size === this.offset) return;
    const fd = openSync(this.o.path, "r");
    let text: string;
    try {
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      text = buf.subarray(0, n).toString("utf8");
      this.offset += n;
    } finally {
      closeSync(fd);
    }
    const chunk = this.carry + text;
    const end = chunk.lastIndexOf("\n");
    this.carry = end < 0 ? chunk : chunk.slice(end + 1);
    if (end < 0) return;
    for (const raw of chunk.slice(0, end).split("\n")) {
      this.line++;
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (line.trim() === "") continue;
      if (this.cols === null) this.cols = this.header(line.split(","));
      else this.row(line.split(","));
    }
  }

  private reset(): void {
    this.bars.clear();
    this.offset = 0;
    this.line = 0;
    this.cols = null;
    this.carry = "";
  }

  private header(names: string[]): Columns {
    const lower = names.map((n) => n.trim().replace(/^"|"$/g, "").toLowerCase());
    const find = (cands: readonly string[]) => {
      for (const c of cands) {
        const i = lower.indexOf(c);
        if (i >= 0) return i;
      }
      return -1;
    };
    const time = find(TIME_COLUMN_CANDIDATES);
    const symbol = find(SYMBOL_CANDIDATES);
    const values = PRICE_COLUMNS.map((c) => lower.indexOf(c));
    const where = `bar feed ${this.o.path} line ${this.line}`;
    if (time < 0) throw new InputError(`${where}: no timestamp column in the header (${names.join(",")})`, `name it one of ${TIME_COLUMN_CANDIDATES.join(", ")}`);
    if (symbol < 0) throw new InputError(`${where}: no symbol column in the header (${names.join(",")})`, "the feed file is long: one bar per line with a symbol (or ticker) column");
    if (values[3] < 0) throw new InputError(`${where}: no close column in the header (${names.join(",")})`, "trading needs closes; open, high, low and volume are optional");
    return { time, symbol, values, width: names.length };
  }

  private row(f: string[]): void {
    const c = this.cols!;
    const where = `bar feed ${this.o.path} line ${this.line}`;
    if (f.length !== c.width) throw new InputError(`${where}: ${f.length} fields, the header has ${c.width}`, "every line is one whole bar; a writer must append whole lines");
    const time = this.parser.parseString(f[c.time]);
    if (!Number.isFinite(time)) throw new InputError(`${where}: "${f[c.time]}" is not a timestamp`, TIMESTAMP_FORMATS_HINT);
    const symbol = f[c.symbol].trim().replace(/^"|"$/g, "");
    if (symbol === "") throw new InputError(`${where}: empty symbol`);
    const v = c.values.map((i, k) => {
      if (i < 0) return NaN;
      const x = parseNumberText(f[i]);
      if (numberParse.status === NUM_INVALID) throw new InputError(`${where}: ${PRICE_COLUMNS[k]} "${f[i]}" is not a number`);
      return x;
    });
    this.add({ symbol, time, open: v[0], high: v[1], low: v[2], close: v[3], volume: v[4] }, where);
  }

  private add(bar: LiveBar, where: string): void {
    let list = this.bars.get(bar.symbol);
    if (list === undefined) this.bars.set(bar.symbol, (list = []));
    const prev = list[list.length - 1];
    if (prev !== undefined && bar.time <= prev.time) {
      throw new InputError(
        `${where}: ${bar.symbol} bar at ${new Date(bar.time).toISOString()} is not after its previous bar (${new Date(prev.time).toISOString()})`,
        "append each symbol's bars in time order, once; a corrected bar cannot replace one the loop may have traded on",
      );
    }
    list.push(bar);
  }

  private readParquet(): void {
    let df: pl.DataFrame;
    try {
      df = pl.readParquet(readFileSync(this.o.path));
    } catch (e) {
      // A writer may be replacing the file: try again at the next poll.
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new InputError(`bar feed ${this.o.path}: not a readable Parquet file (${(e as Error).message.split("\n")[0]})`, "write the file atomically (to a temporary name, then rename)");
    }
    const names = df.columns;
    const lower = names.map((n) => n.toLowerCase());
    const pick = (cands: readonly string[]) => names[cands.map((c) => lower.indexOf(c)).find((i) => i >= 0) ?? -1];
    const timeName = pick(TIME_COLUMN_CANDIDATES);
    const symName = pick(SYMBOL_CANDIDATES);
    const where = `bar feed ${this.o.path}`;
    if (timeName === undefined || symName === undefined || !lower.includes("close")) {
      throw new InputError(`${where}: needs a timestamp, a symbol and a close column (has ${names.join(", ")})`);
    }
    const time = df.getColumn(timeName);
    const dtype = time.dtype.toString();
    const times: number[] = /Datetime|Date/.test(dtype)
      ? (df.select(pl.col(timeName).cast(pl.Datetime("ms")).cast(pl.Float64).alias("t")).getColumn("t").toArray() as number[])
      : (time.toArray() as Array<string | number>).map((x) => (typeof x === "number" ? this.parser.fromNumber(x) : this.parser.parseString(String(x))));
    const syms = df.getColumn(symName).cast(pl.Utf8).toArray() as string[];
    const values = PRICE_COLUMNS.map((c) => {
      const i = lower.indexOf(c);
      return i < 0 ? null : (df.select(pl.col(names[i]).cast(pl.Float64).fillNull(pl.lit(NaN)).alias("x")).getColumn("x").toArray() as number[]);
    });
    this.bars.clear();
    for (let r = 0; r < syms.length; r++) {
      if (!Number.isFinite(times[r])) throw new InputError(`${where} row ${r + 1}: the timestamp is not a time`, TIMESTAMP_FORMATS_HINT);
      const v = values.map((col) => (col === null ? NaN : col[r]));
      this.add({ symbol: syms[r], time: times[r], open: v[0], high: v[1], low: v[2], close: v[3], volume: v[4] }, `${where} row ${r + 1}`);
    }
  }
}
