/**
 * Where the live loop's bars come from: a broker's market-data API (Alpaca's bars, IBKR's
 * historical/real-time bars) or a file a user's own feed appends to. The loop asks for the bars
 * closed after the last one it has, so a feed holds no state of the loop's and a restarted loop
 * asks again from its journal's last bar.
 */
export interface LiveBar {
  symbol: string;
  /** Epoch ms of the bar's start (the engine's timestamp convention). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface BarFeed {
  /** "alpaca", "ibkr", "file". */
  readonly name: string;
  /**
   * True when the feed serves its whole history (a file): the loop warms up from its first bar.
   * Otherwise the loop asks for the bars after a start it computes from the features' lookback.
   */
  readonly holdsHistory?: boolean;
  /**
   * Bars of `symbols` whose time is after `after` (epoch ms) and that have closed by now, oldest
   * first; at most `limit` per symbol.
   */
  barsAfter(symbols: readonly string[], after: number, limit: number): Promise<LiveBar[]>;
  close(): Promise<void>;
}
