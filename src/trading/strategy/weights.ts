/**
 * Predictions -> target weights (fractions of equity) for one rebalance. Cross-sectional kinds are
 * the backtest's own strategies (imported, not copied); the time-series kinds give every
 * instrument a position from its own prediction alone, so one FX pair or future can trade:
 *
 * - sign:       w_s = sign(p_s) x max_weight / S
 * - vol_scaled: w_s = sign(p_s) x min(max_weight, target_vol / sigma_s) / S, sigma_s the annualized
 *               standard deviation of the symbol's last vol_window one-bar returns (causal).
 *
 * A prediction within +/- threshold is flat. The 1/S split keeps a multi-instrument book at the
 * gross a single instrument would run. Untradable symbols keep their current weight, as in the
 * backtest. Every weight is then scaled by `gross`.
 */
import { makeStrategy, type WeightingStrategy } from "../../backtest/strategies.js";
import type { TradingConfig } from "../schema.js";

export interface WeightInputs {
  /** Centred predictions (binary probabilities minus 0.5), NaN where none; length S. */
  signal: Float64Array;
  /** 1 where the symbol has a price at the decision bar. */
  tradable: Uint8Array;
  /** Current weights (position x price / equity). */
  book: Float64Array;
  /** Annualized volatility forecast per symbol (vol_scaled only). */
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
  const st = cfg.strategy;
  const scale = (out: Float64Array, inp: WeightInputs) => {
    if (cfg.gross !== 1) for (let s = 0; s < S; s++) if (inp.tradable[s]) out[s] *= cfg.gross;
  };
  if (st.kind === "sign" || st.kind === "vol_scaled") {
    const volWindow = st.kind === "vol_scaled" ? st.vol_window : 0;
    return {
      description: st.kind === "sign" ? `sign of the prediction, ${st.max_weight} / ${S} of equity per instrument` : `sign x ${st.target_vol} / forecast volatility (${st.vol_window} bars), capped at ${st.max_weight}, / ${S} per instrument`,
      volWindow,
      weights(inp, out) {
        for (let s = 0; s < S; s++) {
          if (!inp.tradable[s]) {
            out[s] = inp.book[s];
            continue;
          }
          const p = inp.signal[s];
          if (!Number.isFinite(p) || Math.abs(p) <= st.threshold) {
            out[s] = 0;
            continue;
          }
          let size = st.max_weight;
          if (st.kind === "vol_scaled") {
            const v = inp.vol?.[s] ?? NaN;
            size = v > 0 ? Math.min(st.max_weight, st.target_vol / v) : 0;
          }
          out[s] = (Math.sign(p) * size) / S;
        }
        scale(out, inp);
        return true;
      },
    };
  }
  const strategy: WeightingStrategy = makeStrategy(st, S, cfg.min_symbols);
  return {
    description: strategy.description,
    volWindow: 0,
    weights(inp, out) {
      const ok = strategy.rebalance({ S, signal: inp.signal, signalRow: 0, tradable: inp.tradable, tradableRow: 0 }, inp.book, out);
      if (ok) scale(out, inp);
      return ok;
    },
  };
}

/**
 * Annualized standard deviation of the last `window` one-bar returns of symbol s up to row t of a
 * time-major close grid; NaN when any of those closes is missing.
 */
export function volForecast(close: ArrayLike<number>, S: number, t: number, s: number, window: number, barsPerYear: number): number {
  if (t - window < 0) return NaN;
  let sum = 0;
  let sq = 0;
  for (let k = t - window + 1; k <= t; k++) {
    const a = close[(k - 1) * S + s];
    const b = close[k * S + s];
    if (!(a > 0 && b > 0)) return NaN;
    const r = b / a - 1;
    sum += r;
    sq += r * r;
  }
  const mean = sum / window;
  const v = (sq - window * mean * mean) / (window - 1);
  return Math.sqrt(Math.max(v, 0) * barsPerYear);
}
