import { InputError } from "../../util/errors.js";
import { describeOffset } from "../timestamps.js";
import { rowLocation, type Flagged, type RawTable } from "../read/table.js";
import { MAX_EXAMPLES, type CheckCollector, type CheckExample, type CheckName } from "./report.js";

/**
 * Checks on single values, found while a file was parsed: text where a number belongs, NaN or
 * infinity, unparseable or empty timestamps, a change of UTC offset within the file, empty
 * symbols. Runs once per file, after the columns to keep are known.
 */

/** The symbol of a row, or undefined when its symbol is empty. */
export function symbolOfRow(t: RawTable, row: number): string | undefined {
  if (t.symbolCodes === null) return t.impliedSymbol;
  const c = t.symbolCodes[row];
  return c < 0 ? undefined : t.symbolDict[c];
}

/** A finding's place: file, 1-based line/row, column, and the row's symbol. */
export function exampleAt(t: RawTable, row: number, column?: string, value?: string): CheckExample {
  return { file: t.file.display, row: rowLocation(t, row), rowWord: t.rowWord, column, value, symbol: symbolOfRow(t, row) };
}

function recordFlagged(
  checks: CheckCollector,
  check: CheckName,
  t: RawTable,
  column: string,
  f: Flagged,
  wanted: ReadonlySet<string> | null,
  detail?: (value: string | undefined) => string,
): void {
  const rows = f.rows.view();
  if (rows.length === 0) return;
  const bySymbol = new Map<string, number>();
  const examples: CheckExample[] = [];
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const s = symbolOfRow(t, rows[i]);
    // With pipeline.data.symbols set, findings in other symbols' rows are not this run's business.
    if (wanted !== null && (s === undefined || !wanted.has(s))) continue;
    total++;
    if (s !== undefined) bySymbol.set(s, (bySymbol.get(s) ?? 0) + 1);
    if (examples.length < MAX_EXAMPLES) {
      // Values were kept for the first few flagged rows only.
      const e = exampleAt(t, rows[i], column, i < f.values.length ? f.values[i] : undefined);
      if (detail) e.detail = detail(e.value);
      examples.push(e);
    }
  }
  checks.recordMany(check, t.file.display, total, bySymbol, examples);
}

/**
 * Records (or, with action `error`, throws for) the value findings of one file, and applies the
 * fixes that act on values in place. Rows with an empty symbol or no valid time are left for the
 * grouping step to drop. `kept` says which numeric columns (by key) are loaded.
 */
export function checkFileValues(t: RawTable, kept: (key: string) => boolean, wanted: ReadonlySet<string> | null, checks: CheckCollector): void {
  if (t.file.partitioned && t.symbolCodes !== null) checkPartitionSymbols(t);
  // A row without a symbol cannot be one of pipeline.data.symbols: only reported when all are loaded.
  if (t.symbolCodes !== null) recordFlagged(checks, "missing_symbol", t, t.symbolColumn!, t.emptySymbols, wanted === null ? null : new Set());
  recordFlagged(checks, "unparseable_timestamp", t, t.timeColumn, t.badTimestamps, wanted);
  recordFlagged(
    checks,
    "mixed_tz_offsets",
    t,
    t.timeColumn,
    t.offsetMismatch,
    wanted,
    (v) => `${v === undefined ? "the value" : JSON.stringify(v)} has a different UTC offset than the file's first timestamp (${describeOffset(t.firstOffset)})`,
  );
  for (const c of t.columns) {
    if (!kept(c.key)) continue;
    recordFlagged(checks, "non_numeric", t, c.name, c.nonNumeric, wanted);
    recordFlagged(checks, "non_finite", t, c.name, c.nonFinite, wanted);
    if (checks.action("non_finite") === "fix") {
      const rows = c.nonFinite.rows.view();
      for (let i = 0; i < rows.length; i++) c.values[rows[i]] = NaN;
    }
  }
}

/** In a symbol=SYM folder the folder names the symbol; a symbol column that disagrees is an error. */
function checkPartitionSymbols(t: RawTable): void {
  const codes = t.symbolCodes!;
  const want = t.file.impliedSymbol;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0 && t.symbolDict[c] !== want) {
      throw new InputError(
        `${t.file.display} ${t.rowWord} ${rowLocation(t, i)}, column "${t.symbolColumn}": symbol "${t.symbolDict[c]}" in the folder symbol=${want}`,
        "the folder name decides the symbol: move such rows to their own symbol=... folder, or drop the symbol column",
      );
    }
  }
  // Rows carry the folder's symbol from here on (empty values included).
  t.symbolCodes = null;
  t.impliedSymbol = want;
}
