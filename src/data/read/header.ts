import { InputError } from "../../util/errors.js";
import { STANDARD_COLUMNS, type StandardColumn } from "../types.js";
import type { CheckCollector } from "../checks/report.js";
import type { DataFileRef } from "./table.js";
import { tickColumnOf, tickLayoutOf, TICK_COLUMNS_HINT, type TickColumn } from "../ticks/columns.js";

/**
 * Decides what each column of a file is: the time column, the symbol column, a standard OHLCV
 * column, an extra numeric column, or a column to ignore.
 */

/** Time column names tried when `time_column` is not set, in this order (any letter case). */
export const TIME_COLUMN_CANDIDATES = ["timestamp", "ts", "datetime", "time", "date"] as const;

export interface PlannedColumn {
  index: number;
  name: string;
}

export interface ColumnPlan {
  time: PlannedColumn;
  /** Null when the file has no symbol column (the symbol is then implied by path or file name). */
  symbol: PlannedColumn | null;
  numeric: (PlannedColumn & { key: string; standard: StandardColumn | null })[];
  ignored: (PlannedColumn & { reason: string })[];
  /** The symbol all rows get when there is no symbol column. */
  impliedSymbol?: string;
}

export interface HeaderOptions {
  timeColumn?: string;
  symbolColumn: string;
}

/** Names that are saved row indexes (pandas, pyarrow), never data: making them features would leak time. */
function indexReason(name: string): string | null {
  if (name === "") return "unnamed column (a saved row index?), ignored";
  if (/^Unnamed: \d+$/.test(name) || /^__index_level_\d+__$/.test(name) || name === "index") return "saved row index, ignored";
  return null;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 20).map((n) => JSON.stringify(n));
  return shown.join(", ") + (names.length > 20 ? `, ... (${names.length} columns)` : "");
}

function findColumn(names: readonly string[], wanted: string): number {
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const lower = wanted.toLowerCase();
  return names.findIndex((n) => n.toLowerCase() === lower);
}

export function planColumns(rawNames: readonly string[], file: DataFileRef, opts: HeaderOptions, checks: CheckCollector): ColumnPlan {
  const names = rawNames.map((n) => n.trim());
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const prev = seen.get(n);
    if (prev !== undefined && n !== "") {
      throw new InputError(`${file.display}: column "${n}" appears twice (columns ${prev + 1} and ${i + 1})`, "give every column a distinct name");
    }
    seen.set(n, i);
  });

  let timeIdx: number;
  if (opts.timeColumn !== undefined) {
    timeIdx = findColumn(names, opts.timeColumn);
    if (timeIdx < 0) {
      throw new InputError(
        `${file.display}: no column "${opts.timeColumn}" (named by pipeline.data.time_column); the columns are ${listNames(names)}`,
        "set pipeline.data.time_column to the column that holds the bar times",
      );
    }
  } else {
    timeIdx = -1;
    for (const c of TIME_COLUMN_CANDIDATES) {
      timeIdx = findColumn(names, c);
      if (timeIdx >= 0) break;
    }
    if (timeIdx < 0) {
      throw new InputError(
        `${file.display}: no time column (looked for ${TIME_COLUMN_CANDIDATES.join(", ")} in any letter case); the columns are ${listNames(names)}`,
        "rename the time column to timestamp, or set pipeline.data.time_column to its name",
      );
    }
  }

  const symIdx = findColumn(names, opts.symbolColumn);
  const plan: ColumnPlan = { time: { index: timeIdx, name: names[timeIdx] }, symbol: null, numeric: [], ignored: [] };
  if (symIdx >= 0 && symIdx !== timeIdx) plan.symbol = { index: symIdx, name: names[symIdx] };
  else if (file.impliedSymbol !== undefined) plan.impliedSymbol = file.impliedSymbol;
  else {
    checks.record("missing_columns", {
      file: file.display,
      detail: `no symbol column "${opts.symbolColumn}"; the columns are ${listNames(names)}`,
    });
    plan.impliedSymbol = fileStemSymbol(file.path);
  }

  const standardAt = new Map<StandardColumn, number>();
  const timeLike = new Set<string>(TIME_COLUMN_CANDIDATES);
  names.forEach((name, index) => {
    if (index === timeIdx || index === plan.symbol?.index) return;
    const reason = indexReason(name);
    if (reason) {
      plan.ignored.push({ index, name: name === "" ? `(unnamed column ${index + 1})` : name, reason });
      return;
    }
    if (timeLike.has(name.toLowerCase())) {
      plan.ignored.push({ index, name, reason: `another time-like column (bar times come from "${names[timeIdx]}"), ignored` });
      return;
    }
    const lower = name.toLowerCase() as StandardColumn;
    if ((STANDARD_COLUMNS as readonly string[]).includes(lower)) {
      const prev = standardAt.get(lower);
      if (prev !== undefined) {
        throw new InputError(`${file.display}: columns "${names[prev]}" and "${name}" both name the ${lower} column`, "keep one of them or rename the other");
      }
      standardAt.set(lower, index);
      plan.numeric.push({ index, name, key: lower, standard: lower });
    } else {
      plan.numeric.push({ index, name, key: name, standard: null });
    }
  });
  if (!standardAt.has("close")) {
    // No bars: a tick file when its columns say quotes or trades; tick columns take canonical keys.
    const tickAt = new Map<TickColumn, string>();
    for (const c of plan.numeric) {
      const t = tickColumnOf(c.name);
      if (t === null) continue;
      const prev = tickAt.get(t);
      if (prev !== undefined) throw new InputError(`${file.display}: columns "${prev}" and "${c.name}" both name the ${t} column`, "keep one of them or rename the other");
      tickAt.set(t, c.name);
      c.key = t;
      c.standard = null;
    }
    const layout = tickLayoutOf(new Set(tickAt.keys()));
    if (!layout.quotes && !layout.trades) {
      throw new InputError(
        `${file.display}: neither bars nor ticks: no "close" column, and no "bid" and "ask" or "price" column; the columns are ${listNames(names)}`,
        `${TICK_COLUMNS_HINT}: rename the columns accordingly`,
      );
    }
  }
  return plan;
}

/** The symbol a file name implies: `AAPL.csv` -> AAPL, `BRK.B.parquet` -> BRK.B. */
export function fileStemSymbol(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}
