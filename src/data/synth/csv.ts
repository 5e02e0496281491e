import { closeSync, openSync, writeSync } from "node:fs";
import { withAtomicPath } from "../../util/atomic.js";
import type { SymbolSeries } from "../types.js";

/**
 * A small, fast CSV writer for numeric bar data, written to a temp file that replaces the target
 * only when complete. NaN is an empty field. Names here are generated identifiers (validated
 * column and symbol names), never needing quotes.
 */

const BUFFER_BYTES = 1 << 20;
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
const MAX_DECIMALS = 12;
const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

const scratch = new Uint8Array(24);

/** Writes a non-negative integer below 2^53 at `pos`, zero-padded to `minDigits`; returns the new position. */
function putUint(buf: Uint8Array, pos: number, v: number, minDigits: number): number {
  let k = 0;
  do {
    const q = Math.floor(v / 10);
    scratch[k++] = ZERO + (v - q * 10);
    v = q;
  } while (v > 0);
  while (k < minDigits) scratch[k++] = ZERO;
  while (k > 0) buf[pos++] = scratch[--k];
  return pos;
}

/** Decimals used by the last putNumber call (0 for integers or the String fallback). */
let lastDecimals = 0;

/** Writes n / 10^d with trailing zeros dropped; n < 1e15 so every such decimal maps to one double. */
function putDecimal(buf: Uint8Array, pos: number, neg: boolean, n: number, d: number): number {
  lastDecimals = d;
  while (d > 0 && n % 10 === 0) {
    n /= 10;
    d--;
  }
  if (neg) buf[pos++] = MINUS;
  if (d === 0) return putUint(buf, pos, n, 1);
  const p = POW10[d];
  const frac = n % p;
  pos = putUint(buf, pos, (n - frac) / p, 1);
  buf[pos++] = DOT;
  return putUint(buf, pos, frac, d);
}

/**
 * Writes the text of `x` at `pos` (nothing for NaN: an empty field) and returns the new position;
 * needs 40 free bytes. Generated values are short decimals (prices with a few places, features
 * with 7 significant digits), so the fewest decimals that read back as exactly the same double are
 * found with integer arithmetic, several times faster than String(x); `hint` (the decimals the
 * column needed so far) usually finds them in one try. Anything else (huge, tiny, more than 15
 * significant digits) falls back to String(x). Either way the text parses back to the same double.
 */
function putNumber(buf: Buffer, pos: number, x: number, hint: number): number {
  lastDecimals = 0;
  if (x !== x) return pos;
  const neg = x < 0;
  const a = neg ? -x : x;
  if (a <= Number.MAX_SAFE_INTEGER && Math.floor(a) === a) {
    if (neg && a !== 0) buf[pos++] = MINUS;
    return putUint(buf, pos, a, 1);
  }
  if (a < 1e15 && a >= 1e-9) {
    if (hint > 0) {
      const p = POW10[hint];
      const n = Math.round(a * p);
      if (n / p === a && n < 1e15) return putDecimal(buf, pos, neg, n, hint);
    }
    for (let d = 1; d <= MAX_DECIMALS; d++) {
      const p = POW10[d];
      const n = Math.round(a * p);
      if (n / p !== a) continue;
      if (n >= 1e15) break;
      return putDecimal(buf, pos, neg, n, d);
    }
  }
  return pos + buf.write(String(x), pos, "latin1");
}

/** The text the CSV writer gives `x` (`hint`: decimals to try first, as the writer does per column). */
export function formatNumber(x: number, hint = 0): string {
  const buf = Buffer.alloc(40);
  return buf.toString("latin1", 0, putNumber(buf, 0, x, hint));
}

/** CSV bytes go straight into a buffer that is written to `fd` whenever it fills. */
export class CsvSink {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  constructor(private readonly fd: number) {}

  flush(): void {
    if (this.pos > 0) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /** Plain text (header, timestamps). */
  text(s: string): void {
    if (s.length * 3 > this.buf.length) {
      this.flush();
      writeSync(this.fd, s);
      return;
    }
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * A field separator followed by a number. `hints[j]` carries the decimals column j has needed
   * so far, so the next value of the column is usually formatted at the first try.
   */
  field(x: number, hints: Int32Array, j: number): void {
    this.room(41);
    this.buf[this.pos++] = COMMA;
    this.pos = putNumber(this.buf, this.pos, x, hints[j]);
    if (lastDecimals > hints[j]) hints[j] = lastDecimals;
  }

  newline(): void {
    this.room(1);
    this.buf[this.pos++] = NEWLINE;
  }
}

/** Column names shared by all series, in the first series' order. */
export function columnNames(series: readonly SymbolSeries[]): string[] {
  return series.length > 0 ? [...series[0].columns.keys()] : ["open", "high", "low", "close", "volume"];
}

async function writeCsvFile(path: string, emit: (w: CsvSink) => void): Promise<void> {
  await withAtomicPath(path, (tmp) => {
    const fd = openSync(tmp, "w");
    try {
      const w = new CsvSink(fd);
      emit(w);
      w.flush();
    } finally {
      closeSync(fd);
    }
  });
}

const ascii = (s: string) => Buffer.from(s, "latin1");

/**
 * One long file with a symbol column, rows in time order and, within a time, in series order.
 * `offsets[i]` is the calendar index of series i's first bar; `stamps` the text of each calendar bar.
 */
export async function writeLongCsv(path: string, series: readonly SymbolSeries[], offsets: readonly number[], stamps: readonly string[]): Promise<number> {
  const names = columnNames(series);
  const cols = series.map((s) => names.map((n) => s.columns.get(n) as Float64Array));
  const symbolBytes = series.map((s) => ascii(`,${s.symbol}`));
  const hints = new Int32Array(names.length);
  let rows = 0;
  await writeCsvFile(path, (w) => {
    w.text(`timestamp,symbol,${names.join(",")}\n`);
    for (let u = 0; u < stamps.length; u++) {
      const stamp = ascii(stamps[u]);
      for (let i = 0; i < series.length; i++) {
        const k = u - offsets[i];
        if (k < 0 || k >= series[i].ts.length) continue;
        w.bytes(stamp);
        w.bytes(symbolBytes[i]);
        const c = cols[i];
        for (let j = 0; j < c.length; j++) w.field(c[j][k], hints, j);
        w.newline();
        rows++;
      }
    }
  });
  return rows;
}

/** One symbol's file, without a symbol column (the symbol is in the file or folder name). */
export async function writeSymbolCsv(path: string, s: SymbolSeries, offset: number, stamps: readonly string[]): Promise<number> {
  const names = [...s.columns.keys()];
  const c = names.map((n) => s.columns.get(n) as Float64Array);
  const hints = new Int32Array(names.length);
  await writeCsvFile(path, (w) => {
    w.text(`timestamp,${names.join(",")}\n`);
    for (let k = 0; k < s.ts.length; k++) {
      w.text(stamps[offset + k]);
      for (let j = 0; j < c.length; j++) w.field(c[j][k], hints, j);
      w.newline();
    }
  });
  return s.ts.length;
}
