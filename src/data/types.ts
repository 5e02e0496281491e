/**
 * The shapes data takes as it flows: files -> SymbolSeries (one per symbol, after reading and
 * checks) -> Panel (all symbols on one time axis, dense time-major grids).
 */

/** One symbol's bars after reading and checking: sorted ascending, unique timestamps. */
export interface SymbolSeries {
  symbol: string;
  /** Bar timestamps as epoch milliseconds, UTC, strictly increasing. */
  ts: Float64Array;
  /** Numeric columns by name (standard OHLCV plus any extra columns), each the length of `ts`; NaN = missing. */
  columns: Map<string, Float64Array>;
  /** The file(s) these bars came from, for messages. */
  sources: string[];
}

export const STANDARD_COLUMNS = ["open", "high", "low", "close", "volume"] as const;
export type StandardColumn = (typeof STANDARD_COLUMNS)[number];

/** Standard bar sizes that detection snaps to. */
export const STANDARD_INTERVALS = ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w"] as const;
export type StandardInterval = (typeof STANDARD_INTERVALS)[number];

export const INTERVAL_MS: Record<StandardInterval, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
  "1w": 604_800_000,
};
