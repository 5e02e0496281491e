import { formatTimestamp } from "../timestamps.js";
import type { SymbolRows } from "../read/assemble.js";
import type { RawTable } from "../read/table.js";
import { exampleAt } from "../checks/values.js";
import { Batch, compact, sortRows } from "../checks/series.js";
import type { CheckCollector, CheckName } from "../checks/report.js";
import { TICK_COLUMNS, type TickColumn } from "./columns.js";

/**
 * Checks on one symbol's ticks once all its rows are together, each finding reported with the
 * file and line (or Parquet row) it came from: rows out of time order (sorted, equal times keep
 * their file order), rows without a usable price, negative sizes, zero or negative prices, crossed quotes (ask <
 * bid), locked quotes (ask = bid), exact repeats, and distinct ticks sharing a timestamp. A row
 * a check drops is never used; a row a `warn` keeps is used as it is.
 */

/** One symbol's checked ticks: times non-decreasing (ties in file order), NaN where a row lacks a value. */
export interface TickSeries {
  symbol: string;
  ts: Float64Array;
  /** By tick column; every column of TICK_COLUMNS is present (all NaN when no file has it). */
  values: Record<TickColumn, Float64Array>;
  /** The file(s) these ticks came from, for messages. */
  sources: string[];
}

/** A row is a quote when it has bid and ask, a trade when it has a price. */
export function isQuote(s: TickSeries, i: number): boolean {
  return s.values.bid[i] === s.values.bid[i] && s.values.ask[i] === s.values.ask[i];
}
export function isTrade(s: TickSeries, i: number): boolean {
  return s.values.price[i] === s.values.price[i];
}

export function checkTicks(input: SymbolRows, tables: readonly RawTable[], checks: CheckCollector): TickSeries {
  let rows = sortRows(input, tables, checks);
  const n = rows.ts.length;
  const col = (k: TickColumn) => rows.columns.get(k) ?? new Float64Array(n).fill(NaN);
  const v = Object.fromEntries(TICK_COLUMNS.map((k) => [k, col(k)])) as Record<TickColumn, Float64Array>;
  const nameOf = (i: number, k: TickColumn) => tables[rows.tableIdx[i]].columns.find((c) => c.key === k)?.name ?? k;
  const at = (i: number, k?: TickColumn, value?: string) => exampleAt(tables[rows.tableIdx[i]], rows.row[i], k === undefined ? undefined : nameOf(i, k), value);
  const keep = new Uint8Array(n).fill(1);
  const batches = new Map<CheckName, Batch>();
  const batch = (c: CheckName) => {
    let b = batches.get(c);
    if (!b) batches.set(c, (b = new Batch(c, input.symbol)));
    return b;
  };
  const drops = (c: CheckName) => checks.action(c) === "fix";

  for (let i = 0; i < n; i++) {
    const bid = v.bid[i];
    const ask = v.ask[i];
    const price = v.price[i];
    const quote = bid === bid && ask === ask;
    if (!quote && price !== price) {
      const missing = bid === bid ? "ask" : ask === ask ? "bid" : "price";
      const e = at(i, missing === "price" ? undefined : missing);
      e.detail = bid === bid || ask === ask ? `${missing} is missing, and there is no price` : "no price, and no bid and ask";
      batch("incomplete_tick").add(e);
      if (drops("incomplete_tick")) keep[i] = 0;
      continue;
    }
    for (const k of ["bid_size", "ask_size", "size"] as const) {
      if (v[k][i] < 0) {
        batch("negative_size").add(at(i, k, String(v[k][i])));
        if (drops("negative_size")) v[k][i] = NaN;
      }
    }
    let bad = false;
    for (const k of ["bid", "ask", "price"] as const) {
      if (v[k][i] <= 0) {
        batch("non_positive_price").add(at(i, k, String(v[k][i])));
        bad = true;
      }
    }
    if (bad) {
      if (drops("non_positive_price")) keep[i] = 0;
      continue;
    }
    if (quote && ask < bid) {
      const e = at(i, "ask", String(ask));
      e.detail = `ask ${ask} is below bid ${bid}`;
      batch("crossed_quote").add(e);
      if (drops("crossed_quote")) keep[i] = 0;
    } else if (quote && ask === bid) {
      const e = at(i, "ask", String(ask));
      e.detail = `ask equals bid ${bid}`;
      batch("locked_quote").add(e);
      if (drops("locked_quote")) keep[i] = 0;
    }
  }

  // Equal timestamps among the rows kept so far: exact repeats, or a sequence of distinct ticks.
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    if (prev >= 0 && rows.ts[i] === rows.ts[prev]) {
      const same = TICK_COLUMNS.every((k) => Object.is(v[k][i], v[k][prev]));
      const first = at(prev);
      const e = at(i, undefined, formatTimestamp(rows.ts[i]));
      e.detail = `${same ? "same values as" : "after"} ${first.file === e.file ? "" : first.file + " "}${first.rowWord} ${first.row}`;
      if (same) {
        batch("duplicate_ticks").add(e);
        if (drops("duplicate_ticks")) {
          keep[i] = 0;
          continue;
        }
      } else {
        batch("same_time_ticks").add(e);
        if (drops("same_time_ticks")) keep[prev] = 0;
      }
    }
    prev = i;
  }
  for (const b of batches.values()) b.flush(checks);

  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i];
  if (kept < n) rows = compact(rows, keep);
  const values = Object.fromEntries(TICK_COLUMNS.map((k) => [k, kept < n ? (rows.columns.get(k) ?? new Float64Array(kept).fill(NaN)) : v[k]])) as Record<TickColumn, Float64Array>;
  const sources = [...new Set(Array.from(rows.tableIdx, (ti) => tables[ti].file.display))].sort();
  return { symbol: input.symbol, ts: rows.ts, values, sources };
}
