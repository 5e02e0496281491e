import { createHash, type Hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../../util/errors.js";
import { TimestampParser } from "../timestamps.js";
import { NUM_INVALID, NUM_MISSING, NUM_NON_FINITE, numberParse, parseNumberBytes, parseNumberText } from "./numbers.js";
import { planColumns, type ColumnPlan } from "./header.js";
import { SymbolInterner } from "./symbols.js";
import { Flagged, type DataFileRef, type RawColumn, type RawTable } from "./table.js";
import type { ReaderContext } from "./context.js";

/**
 * A streaming CSV reader of our own rather than polars' CSV reader: every value is parsed from the
 * file's bytes exactly once, straight into typed arrays, and each bad value is known by its line
 * in the file (quoted fields with line breaks included) and its column, which polars' errors do
 * not give. RFC 4180 quoting, CRLF or LF line ends, a UTF-8 BOM, blank lines, and `,` `;` or tab
 * as delimiter (decided from the header line) are handled.
 */

const CHUNK = 1 << 22;
const ROLE_SKIP = -1;
const ROLE_TIME = -2;
const ROLE_SYMBOL = -3;

export function readCsvFile(file: DataFileRef, ctx: ReaderContext): RawTable {
  let fd: number;
  try {
    fd = openSync(file.path, "r");
  } catch (e) {
    throw new InputError(`cannot read ${file.display}: ${(e as Error).message}`);
  }
  try {
    return new CsvFileReader(file, ctx, fd).read();
  } finally {
    closeSync(fd);
  }
}

class CsvFileReader {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private len = 0;
  private pos = 0;
  private eof = false;
  private readonly hash: Hash = createHash("sha256");
  private readonly size: number;
  private delim = 44;
  // Fields of the current record.
  private starts: Int32Array = new Int32Array(64);
  private ends: Int32Array = new Int32Array(64);
  /** 0 plain, 1 quoted, 2 quoted with "" escapes. */
  private quoted = new Uint8Array(64);
  private nFields = 0;
  private newlinesInRecord = 0;
  private line = 1;
  private headerLine = 1;

  constructor(
    private readonly file: DataFileRef,
    private readonly ctx: ReaderContext,
    private readonly fd: number,
  ) {
    this.size = fstatSync(fd).size;
  }

  read(): RawTable {
    this.fill();
    if (this.len >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
    this.delim = this.detectDelimiter();
    // Header: the first non-blank record.
    let names: string[] | null = null;
    while (this.nextRecord()) {
      this.line += 1 + this.newlinesInRecord;
      if (this.isBlank()) continue;
      this.headerLine = this.line - 1 - this.newlinesInRecord;
      names = [];
      for (let k = 0; k < this.nFields; k++) names.push(this.fieldText(k));
      break;
    }
    if (names === null) return this.finishEmpty();
    const plan = planColumns(names, this.file, this.ctx.header, this.ctx.checks);
    return this.readRows(names.length, plan);
  }

  private readRows(nCols: number, plan: ColumnPlan): RawTable {
    const roles = new Int32Array(nCols).fill(ROLE_SKIP);
    roles[plan.time.index] = ROLE_TIME;
    if (plan.symbol) roles[plan.symbol.index] = ROLE_SYMBOL;
    plan.numeric.forEach((c, j) => (roles[c.index] = j));
    const ignoredNonNull = new Float64Array(nCols);

    let cap = this.estimateRows();
    let ts: Float64Array = new Float64Array(cap);
    let lines: Int32Array = new Int32Array(cap);
    let codes: Int32Array | null = plan.symbol ? new Int32Array(cap) : null;
    const nNum = plan.numeric.length;
    let values: Float64Array[] = plan.numeric.map(() => new Float64Array(cap));
    const numericCount = new Float64Array(nNum);
    const nonNumeric = plan.numeric.map(() => new Flagged());
    const nonFinite = plan.numeric.map(() => new Flagged());
    const badTimestamps = new Flagged();
    const offsetMismatch = new Flagged();
    const emptySymbols = new Flagged();
    const interner = new SymbolInterner();
    const parser = new TimestampParser(this.ctx.timestamps);
    let firstOffset = NaN;
    let n = 0;

    while (this.nextRecord()) {
      const recordLine = this.line;
      this.line += 1 + this.newlinesInRecord;
      if (this.isBlank()) continue;
      if (this.nFields !== nCols) {
        throw new InputError(
          `${this.file.display} line ${recordLine}: ${this.nFields} value${this.nFields === 1 ? "" : "s"}, but the header (line ${this.headerLine}) has ${nCols} columns`,
          "every row needs one value per header column: look for a missing or extra delimiter, or a value with a delimiter inside that is not quoted",
        );
      }
      if (n === cap) {
        cap *= 2;
        ts = grow(ts, cap);
        lines = growInt(lines, cap);
        if (codes) codes = growInt(codes, cap);
        values = values.map((v) => grow(v, cap));
      }
      const b = this.buf;
      const quoted = this.quoted;
      const starts = this.starts;
      const ends = this.ends;
      const row = n;
      lines[row] = recordLine;
      for (let k = 0; k < nCols; k++) {
        const role = roles[k];
        const q = quoted[k];
        const s = starts[k];
        const e = ends[k];
        if (role >= 0) {
          const v = q === 0 ? parseNumberBytes(b, s, e) : parseNumberText(this.fieldText(k));
          const st = numberParse.status;
          if (st === NUM_MISSING) values[role][row] = NaN;
          else if (st === NUM_INVALID) {
            values[role][row] = NaN;
            this.flag(nonNumeric[role], row, k, false);
          } else {
            values[role][row] = v;
            numericCount[role]++;
            if (st === NUM_NON_FINITE) this.flag(nonFinite[role], row, k, false);
          }
        } else if (role === ROLE_TIME) {
          const t = q === 0 ? parser.parseBytes(b, s, e) : parser.parseString(this.fieldText(k));
          ts[row] = t;
          if (t !== t) this.flag(badTimestamps, row, k, true);
          else if (firstOffset !== firstOffset) firstOffset = parser.offset;
          else if (parser.offset !== firstOffset) this.flag(offsetMismatch, row, k, true);
        } else if (role === ROLE_SYMBOL) {
          let code: number;
          if (q === 0) {
            let ss = s;
            let ee = e;
            while (ss < ee && (b[ss] === 32 || b[ss] === 9)) ss++;
            while (ee > ss && (b[ee - 1] === 32 || b[ee - 1] === 9)) ee--;
            code = ss === ee ? -1 : interner.codeOfBytes(b, ss, ee);
          } else {
            const text = this.fieldText(k).trim();
            code = text === "" ? -1 : interner.codeOfText(text);
          }
          codes![row] = code;
          if (code < 0) emptySymbols.add(row, "");
        } else if (e > s) ignoredNonNull[k]++;
      }
      n++;
    }

    const columns: RawColumn[] = plan.numeric.map((c, j) => ({
      name: c.name,
      key: c.key,
      standard: c.standard,
      dtype: numericCount[j] > 0 ? "number" : nonNumeric[j].count > 0 ? "text" : "empty",
      values: trim(values[j], n),
      numericCount: numericCount[j],
      nonNumeric: nonNumeric[j],
      nonFinite: nonFinite[j],
    }));
    return {
      file: this.file,
      bytes: this.size,
      sha256: this.hash.digest("hex"),
      nRows: n,
      rowWord: "line",
      lines: trimInt(lines, n),
      timeColumn: plan.time.name,
      timeDtype: "text",
      ts: trim(ts, n),
      badTimestamps,
      firstOffset,
      offsetMismatch,
      symbolColumn: plan.symbol?.name ?? null,
      symbolDtype: plan.symbol ? "text" : "",
      symbolCodes: codes ? trimInt(codes, n) : null,
      symbolDict: interner.dict,
      emptySymbols,
      columns,
      ignoredColumns: plan.ignored.map((c) => ({ name: c.name, dtype: "text", reason: c.reason, nonNull: ignoredNonNull[c.index] })),
      impliedSymbol: plan.symbol ? undefined : plan.impliedSymbol,
    };
  }

  /** Flags field k of the current record at `row`, keeping its text while examples are wanted. */
  private flag(f: Flagged, row: number, k: number, trimmed: boolean): void {
    if (!f.wantsValue) f.addRow(row);
    else f.add(row, trimmed ? this.fieldText(k).trim() : this.fieldText(k));
  }

  private finishEmpty(): RawTable {
    return emptyTable(this.file, this.size, this.hash.digest("hex"), "line");
  }

  /** Reads more bytes after the unread rest of the buffer; sets `eof` when the file is done. */
  private fill(): void {
    if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.len);
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.len === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const got = readSync(this.fd, this.buf, this.len, this.buf.length - this.len, null);
    if (got === 0) this.eof = true;
    else {
      this.hash.update(this.buf.subarray(this.len, this.len + got));
      this.len += got;
    }
  }

  /** Tokenizes the next record into starts/ends/quoted; false at the end of the file. */
  private nextRecord(): boolean {
    for (;;) {
      if (this.pos >= this.len) {
        if (this.eof) return false;
        this.fill();
        continue;
      }
      const next = this.tokenize();
      if (next >= 0) {
        this.pos = next;
        return true;
      }
      if (this.eof) throw new Error("CSV tokenizer asked for more data at the end of the file");
      this.fill();
    }
  }

  /** One record from `pos`: returns the position after it, or -1 when the buffer ends inside it. */
  private tokenize(): number {
    const b = this.buf;
    const limit = this.len;
    const eof = this.eof;
    const d = this.delim;
    let i = this.pos;
    let nf = 0;
    this.newlinesInRecord = 0;
    for (;;) {
      let s: number;
      let e: number;
      let q = 0;
      if (i < limit && b[i] === 34) {
        q = 1;
        i++;
        s = i;
        for (;;) {
          if (i >= limit) {
            if (!eof) return -1;
            throw new InputError(
              `${this.file.display} line ${this.line}: a quoted value is never closed`,
              'close the quote, and write a quote inside a quoted value as ""',
            );
          }
          const c = b[i];
          if (c === 34) {
            if (i + 1 >= limit && !eof) return -1;
            if (i + 1 < limit && b[i + 1] === 34) {
              q = 2;
              i += 2;
              continue;
            }
            break;
          }
          if (c === 10) this.newlinesInRecord++;
          i++;
        }
        e = i;
        i++;
        if (i >= limit && !eof) return -1;
        if (i < limit && b[i] !== d && b[i] !== 10 && b[i] !== 13) {
          throw new InputError(
            `${this.file.display} line ${this.line + this.newlinesInRecord}: text after the closing quote of value ${nf + 1}`,
            'quote the whole value, and write a quote inside it as ""',
          );
        }
      } else {
        s = i;
        while (i < limit && b[i] !== d && b[i] !== 10) i++;
        if (i >= limit && !eof) return -1;
        e = i;
        if (e > s && b[e - 1] === 13) e--;
      }
      if (nf === this.starts.length) this.growFields();
      this.starts[nf] = s;
      this.ends[nf] = e;
      this.quoted[nf] = q;
      nf++;
      if (i >= limit) break;
      const c = b[i];
      if (c === d) {
        i++;
        if (i >= limit && !eof) return -1;
        continue;
      }
      if (c === 13) {
        i++;
        if (i >= limit && !eof) return -1;
      }
      if (i < limit && b[i] === 10) i++;
      break;
    }
    this.nFields = nf;
    return i;
  }

  private growFields(): void {
    const m = this.starts.length * 2;
    this.starts = growInt(this.starts, m);
    this.ends = growInt(this.ends, m);
    const q = new Uint8Array(m);
    q.set(this.quoted);
    this.quoted = q;
  }

  private isBlank(): boolean {
    return this.nFields === 1 && this.quoted[0] === 0 && this.ends[0] === this.starts[0];
  }

  /** The text of field k of the current record (quotes removed, "" unescaped). */
  private fieldText(k: number): string {
    const text = this.buf.toString("utf8", this.starts[k], this.ends[k]);
    return this.quoted[k] === 2 ? text.replace(/""/g, '"') : text;
  }

  /** `,` unless the header line has no comma but has `;` or a tab. */
  private detectDelimiter(): number {
    let commas = 0;
    let semis = 0;
    let tabs = 0;
    for (let i = this.pos; i < this.len && this.buf[i] !== 10; i++) {
      const c = this.buf[i];
      if (c === 44) commas++;
      else if (c === 59) semis++;
      else if (c === 9) tabs++;
    }
    if (commas > 0) return 44;
    if (semis > 0) return 59;
    if (tabs > 0) return 9;
    return 44;
  }

  /** Rows expected, from the line breaks in the first chunk scaled to the file size. */
  private estimateRows(): number {
    let nl = 0;
    for (let i = this.pos; i < this.len; i++) if (this.buf[i] === 10) nl++;
    const seen = Math.max(1, this.len - this.pos);
    const est = this.eof || this.len >= this.size ? nl + 1 : Math.ceil((nl * this.size) / seen * 1.05);
    return Math.max(16, est);
  }
}

export function emptyTable(file: DataFileRef, bytes: number, sha256: string, rowWord: "line" | "row"): RawTable {
  return {
    file,
    bytes,
    sha256,
    nRows: 0,
    rowWord,
    lines: rowWord === "line" ? new Int32Array(0) : null,
    timeColumn: "",
    timeDtype: "",
    ts: new Float64Array(0),
    badTimestamps: new Flagged(),
    firstOffset: NaN,
    offsetMismatch: new Flagged(),
    symbolColumn: null,
    symbolDtype: "",
    symbolCodes: null,
    symbolDict: [],
    emptySymbols: new Flagged(),
    columns: [],
    ignoredColumns: [],
  };
}

function grow(a: Float64Array, cap: number): Float64Array {
  const next = new Float64Array(cap);
  next.set(a);
  return next;
}

function growInt(a: Int32Array, cap: number): Int32Array {
  const next = new Int32Array(cap);
  next.set(a.subarray(0, Math.min(a.length, cap)));
  return next;
}

/** The first n values; copies only when the spare capacity is worth freeing. */
function trim(a: Float64Array, n: number): Float64Array {
  return a.length === n ? a : a.length > n * 1.25 + 1024 ? a.slice(0, n) : a.subarray(0, n);
}

function trimInt(a: Int32Array, n: number): Int32Array {
  return a.length === n ? a : a.length > n * 1.25 + 1024 ? a.slice(0, n) : a.subarray(0, n);
}
