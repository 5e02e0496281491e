/**
 * Predictions -> target weights (fractions of equity) for one rebalance of the trading loop. Every
 * strategy, cross-sectional or time-series (sign, vol_scaled), is the backtest's own
 * (src/backtest/strategies.ts, time-series.ts), so a research backtest and a trading loop
 * configured alike build the same weights; what is trading's is the `gross` scale and reading the
 * loop's book and volatility forecasts.
 */
import { makeStrategy } from "../../backtest/strategies.js";
import type { TradingConfig } from "../schema.js";

export interface WeightInputs {
  /** Centred predictions (binary probabilities minus 0.5), NaN where none; length S. */
  signal: Float64Array;
  /** 1 where the symbol has a price at the decision bar. */
  tradable: Uint8Array;
  /** Current weights (position x price / equity). */
  book: Float64Array;
  /** Annualized volatility forecast per symbol (strategies with a volWindow only). */
  vol?: Float64Array;
}

export interface Weighter {
  readonly description: string;
  /** Bars of closes the volatility forecast needs (0 when none). */
  readonly volWindow: number;
  /** Writes target weights; false when the strategy holds the book (too few symbols). */
  weights(inp: WeightInputs, out: Float64Array): boolean;
}

export function makeWeighter(cfg: TradingConfig, S: number): Weighter {
  const strategy = makeStrategy(cfg.strategy, S, cfg.min_symbols);
  return {
    description: strategy.description,
    volWindow: strategy.volWindow,
    weights(inp, out) {
      const ok = strategy.rebalance({ S, signal: inp.signal, signalRow: 0, tradable: inp.tradable, tradableRow: 0, vol: inp.vol }, inp.book, out);
      if (ok && cfg.gross !== 1) for (let s = 0; s < S; s++) if (inp.tradable[s]) out[s] *= cfg.gross;
      return ok;
    },
  };
}
