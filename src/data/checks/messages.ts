import type { CheckExample, CheckName } from "./report.js";
import { TIMESTAMP_FORMATS_HINT } from "../timestamps.js";

/** Sentences for findings and for what a user can do about them, one place for all checks. */

function where(e: CheckExample): string {
  let s = e.file;
  if (e.row !== undefined) s += ` ${e.rowWord ?? "row"} ${e.row}`;
  if (e.column !== undefined) s += `, column "${e.column}"`;
  return s;
}

function quoted(v: string | undefined): string {
  return v === undefined ? "the value" : JSON.stringify(v.length > 60 ? v.slice(0, 57) + "..." : v);
}

function sym(e: CheckExample): string {
  return e.symbol === undefined ? "" : ` (symbol ${e.symbol})`;
}

/** One sentence naming the file, row and column of a finding and what is wrong there. */
export function describeFinding(check: CheckName, e: CheckExample): string {
  const at = where(e);
  switch (check) {
    case "missing_columns":
      return `${at}: ${e.detail ?? "a required column is missing"}`;
    case "missing_symbol":
      return `${at}: the symbol is empty`;
    case "non_numeric":
      return `${at}: ${quoted(e.value)} is not a number${sym(e)}`;
    case "non_finite":
      return `${at}: ${quoted(e.value)} is not a finite number${sym(e)}`;
    case "non_positive_price":
      return `${at}: price ${e.value} is not positive${sym(e)}`;
    case "ohlc_inconsistent":
      return `${at}: ${e.detail ?? "open/high/low/close are inconsistent"}${sym(e)}`;
    case "duplicate_timestamps":
      return `${at}: symbol ${e.symbol} has a second bar at ${e.value}${e.detail ? ` (${e.detail})` : ""}`;
    case "unsorted":
      return `${at}: ${e.detail ?? "rows are not in time order"}${sym(e)}`;
    case "mixed_tz_offsets":
      return `${at}: ${e.detail ?? `offset of ${quoted(e.value)} differs from the file's first timestamp`}`;
    case "empty_file":
      return `${at}: ${e.detail ?? "the file has no data rows"}`;
    case "too_few_bars":
      return `${at}: ${e.detail ?? `symbol ${e.symbol} has too few bars`}`;
    case "unparseable_timestamp":
      return e.value === "" || e.value === undefined ? `${at}: the timestamp is empty${sym(e)}` : `${at}: ${quoted(e.value)} is not a timestamp${sym(e)}`;
    case "incomplete_tick":
      return `${at}: ${e.detail ?? "the row has neither a price nor both bid and ask"}${sym(e)}`;
    case "crossed_quote":
      return `${at}: crossed quote, ${e.detail ?? "ask below bid"}${sym(e)}`;
    case "locked_quote":
      return `${at}: locked quote, ${e.detail ?? "ask equal to bid"}${sym(e)}`;
    case "negative_size":
      return `${at}: size ${e.value} is negative${sym(e)}`;
    case "duplicate_ticks":
      return `${at}: symbol ${e.symbol} repeats the tick at ${e.value}${e.detail ? ` (${e.detail})` : ""}`;
    case "same_time_ticks":
      return `${at}: symbol ${e.symbol} has another tick at ${e.value}${e.detail ? ` (${e.detail})` : ""}`;
  }
}

const setting = (check: CheckName, action: string) => `set pipeline.data.checks.${check}: ${action}`;

/** What a user can do about a finding whose check is set to `error`. */
export function hintFor(check: CheckName): string {
  switch (check) {
    case "missing_columns":
      return `add the column, point pipeline.data.symbol_column / time_column at the right one, or ${setting(check, "fix")} to take the symbol from the file name`;
    case "missing_symbol":
      return `fill in the symbol, or ${setting(check, "fix")} to drop rows without one`;
    case "non_numeric":
      return `correct the value, or ${setting(check, "fix")} to turn such values into missing values`;
    case "non_finite":
      return `correct the value, ${setting(check, "fix")} to turn NaN/infinity into missing values, or ${setting(check, "warn")} to keep them`;
    case "non_positive_price":
      return `correct the price, ${setting(check, "fix")} to turn zero/negative prices into missing values, or ${setting(check, "warn")} to keep them`;
    case "ohlc_inconsistent":
      return `correct the bar, ${setting(check, "fix")} to set such bars' open/high/low/close to missing, or ${setting(check, "warn")} to keep them`;
    case "duplicate_timestamps":
      return `remove the duplicate rows, or ${setting(check, "fix")} to keep the last row of each (symbol, timestamp)`;
    case "unsorted":
      return `sort the file by symbol and time, or ${setting(check, "fix")} to sort after reading`;
    case "mixed_tz_offsets":
      return `write all timestamps with one offset, or ${setting(check, "warn")} to accept them (each is converted to UTC)`;
    case "empty_file":
      return `remove the file, or ${setting(check, "warn")} to skip empty files`;
    case "too_few_bars":
      return `lower pipeline.data.min_bars, ${setting(check, "fix")} to drop such symbols, or ${setting(check, "warn")} to keep them`;
    case "unparseable_timestamp":
      return `${TIMESTAMP_FORMATS_HINT}; or ${setting(check, "fix")} to drop such rows`;
    case "incomplete_tick":
      return `fill in the price, or bid and ask, or ${setting(check, "fix")} to drop such rows`;
    case "crossed_quote":
      return `correct the quote, ${setting(check, "fix")} to drop crossed quotes, or ${setting(check, "warn")} to keep them`;
    case "locked_quote":
      return `${setting(check, "warn")} to keep locked quotes (zero spread), or ${setting(check, "fix")} to drop them`;
    case "negative_size":
      return `correct the size, ${setting(check, "fix")} to turn negative sizes into missing values, or ${setting(check, "warn")} to keep them`;
    case "duplicate_ticks":
      return `remove the repeated rows, or ${setting(check, "fix")} to drop exact repeats`;
    case "same_time_ticks":
      return `${setting(check, "warn")} to keep ticks sharing a timestamp in file order, or ${setting(check, "fix")} to keep the last of each`;
  }
}
