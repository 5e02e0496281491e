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

/** How a series' bar spacing was classified. */
export interface IntervalInfo {
  /** A standard bar size, or "irregular" for tick-like data. */
  interval: StandardInterval | "irregular";
  /** Median spacing (ms) of the deltas kept after large gaps were filtered out. */
  medianSpacingMs: number;
  /** True when the interval came from configuration rather than detection. */
  explicit: boolean;
}

/**
 * All symbols on one common time axis, each column a dense time-major grid: the value of symbol s
 * at time t is at index t * S + s (NaN where the symbol has no bar). Time-series kernels stride
 * over one symbol; cross-sectional kernels read one contiguous row.
 */
export interface Panel {
  /** Epoch ms UTC, strictly increasing, length T. */
  readonly times: Float64Array;
  readonly symbols: readonly string[];
  readonly T: number;
  readonly S: number;
  /** 1 where symbol s had a bar at time t (before any feature computation), length T * S. */
  readonly present: Uint8Array;
  /** Column grids by name; prices and accumulations are Float64, derived features may be Float32. */
  readonly columns: ReadonlyMap<string, Float64Array | Float32Array>;
  readonly interval: IntervalInfo;
  /** The grid of one column; throws an InputError naming the column when it is absent. */
  column(name: string): Float64Array | Float32Array;
  has(name: string): boolean;
  /** Bytes held by the grids, for the memory report. */
  memoryBytes(): number;
}
