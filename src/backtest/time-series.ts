/**
 * Time-series strategies: each instrument's position from its own prediction alone, so one FX pair
 * or future (or a few) can be backtested and traded where a cross-section is too small to rank.
 * The research backtest and the trading loop both build weights here.
 *
 * - sign:       w_s = sign(p_s) x max_weight / S
 * - vol_scaled: w_s = sign(p_s) x min(max_weight, target_vol / sigma_s) / S, sigma_s the annualized
 *               standard deviation of the symbol's last vol_window one-bar returns up to the close
 *               of the trading bar (causal: the return the position earns is never among them).
 *
 * A prediction within +/- threshold, or none (NaN), is flat. The 1/S split keeps a
 * multi-instrument book at the gross a single instrument would run. Untradable symbols keep their
 * current weight, as every strategy does. A vol_scaled position without a volatility forecast (the
 * first vol_window bars of a symbol) is flat.
 */
import type { TimeSeriesStrategyConfig } from "./schema.js";
import type { CrossSection, WeightingStrategy } from "./strategies.js";

export function timeSeriesStrategy(config: TimeSeriesStrategyConfig, S: number): WeightingStrategy {
  const volWindow = config.kind === "vol_scaled" ? config.vol_window : 0;
  const description =
    config.kind === "sign"
      ? `sign of the prediction, ${config.max_weight} / ${S} of equity per instrument`
      : `sign x ${config.target_vol} / forecast volatility (${config.vol_window} bars), capped at ${config.max_weight}, / ${S} per instrument`;
  return {
    description,
    volWindow,
    rebalance(cs: CrossSection, book: Float64Array, target: Float64Array): boolean {
      for (let s = 0; s < S; s++) {
        if (!cs.tradable[cs.tradableRow + s]) {
          target[s] = book[s];
          continue;
        }
        const p = cs.signal[cs.signalRow + s];
        if (!Number.isFinite(p) || Math.abs(p) <= config.threshold) {
          target[s] = 0;
          continue;
        }
        let size = config.max_weight;
        if (config.kind === "vol_scaled") {
          const v = cs.vol?.[s] ?? NaN;
          size = v > 0 ? Math.min(config.max_weight, config.target_vol / v) : 0;
        }
        target[s] = (Math.sign(p) * size) / S;
      }
      return true;
    },
  };
}

/** Annualized sample standard deviation from the sums of n returns; NaN when any is missing. */
function annualizedStd(sum: number, sq: number, n: number, barsPerYear: number): number {
  const mean = sum / n;
  const v = (sq - n * mean * mean) / (n - 1);
  return Math.sqrt(Math.max(v, 0) * barsPerYear);
}

/**
 * The volatility forecast at the close of bar t from a one-bar return grid (T x S, returns[u] the
 * return from the close of u to the close of u + 1, as returnsFromClose books it): the annualized
 * standard deviation of returns[t - window .. t - 1] of symbol s, the returns known at the close
 * of t. NaN when any of them is missing (before the symbol's window is full).
 */
export function trailingVolatility(returns: ArrayLike<number>, S: number, t: number, s: number, window: number, barsPerYear: number): number {
  if (t - window < 0) return NaN;
  let sum = 0;
  let sq = 0;
  for (let u = t - window; u < t; u++) {
    const r = returns[u * S + s];
    if (!Number.isFinite(r)) return NaN;
    sum += r;
    sq += r * r;
  }
  return annualizedStd(sum, sq, window, barsPerYear);
}

/**
 * The same forecast from a close-price grid (what the trading loop holds), with returns exactly as
 * returnsFromClose books them, so a backtest and a trading loop on the same bars size alike: over
 * a gap the return is 0 and the whole move is booked on the bar before the close reappears. Reads
 * closes up to bar t only; t must have a close (a symbol is traded only then).
 */
export function trailingVolatilityFromClose(close: ArrayLike<number>, S: number, t: number, s: number, window: number, barsPerYear: number): number {
  const first = t - window;
  if (first < 0) return NaN;
  // the last usable close at or before the first bar of the window
  let prev = NaN;
  for (let u = first; u >= 0 && !(prev > 0); u--) {
    const c = close[u * S + s];
    if (c > 0) prev = c;
  }
  if (!(prev > 0)) return NaN;
  let sum = 0;
  let sq = 0;
  for (let u = first; u < t; u++) {
    const c = close[(u + 1) * S + s];
    if (!(c > 0)) continue; // inside a gap: the return is 0
    const r = c / prev - 1;
    prev = c;
    sum += r;
    sq += r * r;
  }
  return annualizedStd(sum, sq, window, barsPerYear);
}
