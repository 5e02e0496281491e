import { z } from "zod";

/**
 * The `pipeline.data` block of the configuration: how data is found, read, checked and aligned.
 * Owned by the data layer; the configuration schema embeds it.
 */

/** What to do when a check finds something: stop, report and go on, or repair and report. */
export const checkAction = z.enum(["error", "warn", "fix"]);
export type CheckAction = z.infer<typeof checkAction>;

/**
 * For checks where keeping the data as it is cannot give a valid series (a row without a time,
 * two bars at one time, rows out of order, text where a number must be): stop, or repair and report.
 */
export const repairAction = z.enum(["error", "fix"]);

export const dataChecksSchema = z.strictObject({
  missing_columns: repairAction
    .default("error")
    .describe(
      "no symbol column in a file (fix: take the symbol from the file name). A missing time or close column is always an error; missing open/high/low/volume are only reported",
    ),
  missing_symbol: repairAction.default("error").describe("a row whose symbol is empty (fix: drop the row)"),
  non_numeric: repairAction.default("fix").describe("a value that does not parse as a number (fix: set it to missing)"),
  non_finite: checkAction.default("fix").describe("NaN or +/-infinity in a numeric column (fix: set it to missing; warn: keep it)"),
  non_positive_price: checkAction
    .default("fix")
    .describe("zero or negative open/high/low/close (fix: set it to missing; warn: keep it); in tick files a zero or negative bid/ask/price (fix: drop the row)"),
  ohlc_inconsistent: checkAction
    .default("warn")
    .describe("high < low, or open/close outside [low, high] beyond a 1e-6 relative tolerance (fix: set the bar's OHLC to missing; warn: keep them)"),
  duplicate_timestamps: repairAction.default("fix").describe("bars: the same (symbol, timestamp) twice (fix: keep the last row); ticks: see duplicate_ticks and same_time_ticks"),
  unsorted: repairAction.default("fix").describe("rows not in time order within a symbol (fix: sort; ticks at equal times keep their file order)"),
  mixed_tz_offsets: checkAction
    .default("warn")
    .describe("timestamps with different UTC offsets in one file (warn and fix both convert each to UTC, which is always done)"),
  empty_file: checkAction.default("warn").describe("a file with no data rows (warn and fix both skip it)"),
  too_few_bars: checkAction.default("warn").describe("a symbol with fewer than min_bars bars (fix: drop the symbol; warn: keep it)"),
  unparseable_timestamp: repairAction.default("error").describe("a missing or unparseable timestamp (fix: drop the row)"),
  // Tick files only (quotes and trades; see pipeline.data.resample).
  incomplete_tick: repairAction.default("fix").describe("ticks: a row with neither a price nor both bid and ask (fix: drop the row)"),
  crossed_quote: checkAction.default("fix").describe("ticks: ask below bid (fix: drop the row; warn: keep it, with its negative spread)"),
  negative_size: checkAction.default("fix").describe("ticks: a negative size (bid_size, ask_size, size) (fix: set it to missing; warn: keep it)"),
  locked_quote: checkAction.default("warn").describe("ticks: ask equal to bid, a zero spread (fix: drop the row; warn: keep it)"),
  duplicate_ticks: repairAction.default("fix").describe("ticks: a row repeating the previous tick of its symbol exactly, time and values (fix: drop the repeat)"),
  same_time_ticks: checkAction
    .default("warn")
    .describe("ticks: different ticks of one symbol at the same timestamp, a legitimate sequence at coarse time stamps (warn: keep all in file order; fix: keep the last of each timestamp)"),
});
export type DataChecks = z.infer<typeof dataChecksSchema>;

export const dataOptionsSchema = z.strictObject({
  path: z.string().min(1).default("datasets/dowjones30/dowjones30_daily_close_1990-2001.csv").describe("a long CSV/Parquet file, or a folder of per-symbol files"),
  format: z.enum(["auto", "csv", "parquet"]).default("auto"),
  time_column: z.string().min(1).optional().describe("name of the time column; found among ts|timestamp|time|datetime|date when absent"),
  symbol_column: z.string().min(1).default("symbol").describe("name of the symbol column of a long file (per-symbol files take the symbol from the file or folder name)"),
  /** Offset-less timestamps are read in this zone. Only UTC and fixed offsets like +05:00 are accepted. */
  naive_timezone: z.string().regex(/^(UTC|[+-]\d{2}:\d{2})$/, "use UTC or a fixed offset like -05:00").default("UTC").describe("zone of timestamps written without one (UTC, or a fixed offset such as -05:00)"),
  /** Epoch numbers: seconds or milliseconds, or decided from their magnitude. */
  epoch_unit: z.enum(["auto", "s", "ms"]).default("auto").describe("unit of numeric timestamps; auto: seconds or milliseconds, from their magnitude"),
  symbols: z.array(z.string().min(1)).optional().describe("load only these symbols (a symbol not in the data is an error)"),
  interval: z.enum(["auto", "1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w"]).default("auto").describe("bar size; explicit wins over detection"),
  interval_tolerance: z.number().min(0).max(0.5).default(0.1).describe("relative tolerance when snapping the detected spacing to a standard bar size"),
  resample: z
    .enum(["off", "1m", "5m", "15m", "30m", "1h", "4h", "1d"])
    .default("off")
    .describe(
      "tick files (quotes/trades): the bar size ticks are resampled to, per symbol and session (no bar spans a closure; an interval without ticks has no bar). Bars are labelled by their start and hold the ticks in [start, start + interval); `foxml data inspect` suggests one. off: tick files are refused by runs",
    ),
  alignment: z.enum(["union", "intersection"]).default("union").describe("common time axis of the Panel"),
  min_bars: z.number().int().min(1).default(50).describe("symbols with fewer bars are handled by checks.too_few_bars"),
  ohlc_tolerance: z
    .number()
    .min(0)
    .max(0.1)
    .default(1e-6)
    .describe("relative slack for checks.ohlc_inconsistent, so float noise in stored prices is not flagged"),
  checks: dataChecksSchema.prefault({}),
  /** Extra numeric columns: which become candidate features, which are user targets, which are ignored. */
  extra_columns: z
    .strictObject({
      /** Glob-like patterns (`*` = any run of characters) matched against the column name as written. Exclusion wins over target, target over feature. */
      feature_patterns: z.array(z.string()).default(["*"]).describe("extra columns that become candidate features (every one goes through the leakage scan)"),
      target_patterns: z.array(z.string()).default(["fwd_*", "target_*", "y_*"]).describe("extra columns that are your own labels: user targets, never features"),
      exclude_patterns: z.array(z.string()).default([]).describe("extra columns ignored altogether"),
    })
    .prefault({}),
});
export type DataOptions = z.infer<typeof dataOptionsSchema>;
