import { InputError } from "../util/errors.js";
import type { BacktestInputs } from "./inputs.js";
import type { WeightingStrategy } from "./strategies.js";
import { trailingVolatility } from "./time-series.js";

/**
 * The simulation: target weights at each rebalance, trading costs on the traded notional, per-bar
 * PnL, and weights drifting with returns between rebalances (buy and hold: what a book that does
 * not trade actually holds; holding weights constant would need trades that are never paid for).
 *
 * Per bar t in [start, end], in this order:
 *  1. at a rebalance bar, positions in symbols that never trade again are closed at their last
 *     price, then the strategy sets targets from signal[t - delay] and tradable[t]; untradable
 *     symbols keep their position. turnover[t] = sum |w_after - w_before|, cost[t] = turnover x
 *     (cost_bps + slippage_bps) / 1e4 + sum_s |w_after - w_before|_s x halfSpread[t, s] (when
 *     given), paid out of cash, as a fraction of equity at the close of t;
 *  2. gross[t] = sum_s w[t,s] returns[t,s] (a NaN return counts as 0: the position keeps its last
 *     price), net[t] = gross[t] - cost[t], equity *= 1 + net[t];
 *  3. every position is marked to its new value: w <- w (1 + r) / (1 + net).
 * Nothing read at bar t comes from a later bar's signal or from returns[t] itself, except through
 * the PnL; that is the whole no-look-ahead argument, and the tests check it by perturbing the future.
 *
 * Targets are fractions of the equity before the bar's costs and the costs come out of cash, so a
 * fully invested book carries a cash balance of minus its last costs (a few bps) until it trades
 * again. Positions frozen because their symbol cannot trade stay on top of the strategy's targets,
 * so the gross exposure can briefly differ from the strategy's (e.g. above 1 for long-short).
 * Closing the book after the last bar is not charged.
 */

export interface SimulationSettings {
  step: number;
  delay: number;
  /** Cost per unit of traded notional (fraction, e.g. 5 bps = 0.0005). */
  costRate: number;
  /** Per symbol and bar (T x S): extra cost per unit traded, half the relative spread; NaN = none. */
  halfSpread?: ArrayLike<number>;
  /** Bars per year, to annualize the volatility forecast of a strategy that reads one. */
  barsPerYear?: number;
  /** First rebalance bar; default: the first bar whose decision bar (t - delay) has a prediction. */
  start?: number;
  recordWeights?: boolean;
}

/** Per-bar series of length T, indexed by the bar whose close decides the position (t earns returns[t]). NaN outside [start, end]. */
export interface BacktestSeries {
  /** Return after costs, close of t to close of t + 1. */
  net: Float64Array;
  /** Return before costs. */
  gross: Float64Array;
  /** Trading cost paid at the close of t, as a fraction of equity (spread cost included). */
  cost: Float64Array;
  /** Of which half-spread cost (0 without a spread grid). */
  spreadCost: Float64Array;
  /** Two-sided traded notional / equity at the close of t (buying 100% and selling 100% = 2). */
  turnover: Float64Array;
  /** Equity (starting at 1) at the close of t + 1, after bar t's return. */
  nav: Float64Array;
  /** nav / running peak - 1 (<= 0); the peak includes the starting equity of 1. */
  drawdown: Float64Array;
  /** sum |w| and sum w of the positions held over bar t. */
  grossExposure: Float64Array;
  netExposure: Float64Array;
  /** Number of long and short positions held over bar t. */
  longCount: Float64Array;
  shortCount: Float64Array;
}

export interface Simulation {
  start: number;
  end: number;
  series: BacktestSeries;
  /** Bars where the strategy set new targets. */
  rebalanceBars: number[];
  /** Scheduled rebalances held over because too few tradable symbols had a prediction. */
  skippedRebalances: number;
  /** Positions closed because their symbol never traded again. */
  delistedExits: number;
  /** Bar at which equity reached zero or below (the simulation stops there), or null. */
  ruinedAt: number | null;
  /** Weights held over each bar (after that bar's trades), T x S time-major, when requested. */
  weights?: Float64Array;
}

/** The evaluated span: first rebalance, and the last bar of the last holding period that has returns. */
export function simulationSpan(inp: BacktestInputs, step: number, delay: number, start?: number): { start: number; end: number } {
  const { T, S, signal, returns } = inp;
  let first = -1;
  let last = -1;
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      if (Number.isFinite(signal[t * S + s])) {
        if (first < 0) first = t;
        last = t;
        break;
      }
    }
  }
  if (first < 0) throw new InputError("backtest: the predictions hold no finite value, so there is nothing to trade", "check that the model produced predictions for the evaluated period");
  let lastReturn = -1;
  for (let t = T - 2; t >= 0 && lastReturn < 0; t--) {
    for (let s = 0; s < S; s++) {
      if (Number.isFinite(returns[t * S + s])) {
        lastReturn = t;
        break;
      }
    }
  }
  const begin = Math.max(start ?? first + delay, delay);
  const lastSlot = last + delay >= begin ? begin + Math.floor((last + delay - begin) / step) * step : begin;
  const end = Math.min(lastSlot + step - 1, lastReturn);
  if (end < begin) {
    throw new InputError(
      `backtest: no bar has both a trade and a known next-bar return (first trade at bar ${begin}, last known return at bar ${lastReturn})`,
      "the predictions must start before the end of the return data by more than the delay",
    );
  }
  return { start: begin, end };
}

export function simulate(inp: BacktestInputs, tradable: Uint8Array, strategy: WeightingStrategy, settings: SimulationSettings): Simulation {
  const { T, S, signal, returns } = inp;
  const { step, delay, costRate, halfSpread } = settings;
  if (!Number.isInteger(step) || step < 1) throw new Error(`backtest: step must be a positive integer, got ${step}`);
  if (!Number.isInteger(delay) || delay < 0) throw new Error(`backtest: delay must be a non-negative integer, got ${delay}`);
  const { start, end } = simulationSpan(inp, step, delay, settings.start);

  const lastTradable = new Int32Array(S).fill(-1);
  for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) if (tradable[t * S + s]) lastTradable[s] = t;

  const nanSeries = () => new Float64Array(T).fill(NaN);
  const series: BacktestSeries = {
    net: nanSeries(),
    gross: nanSeries(),
    cost: nanSeries(),
    spreadCost: nanSeries(),
    turnover: nanSeries(),
    nav: nanSeries(),
    drawdown: nanSeries(),
    grossExposure: nanSeries(),
    netExposure: nanSeries(),
    longCount: nanSeries(),
    shortCount: nanSeries(),
  };
  const weights = settings.recordWeights ? new Float64Array(T * S) : undefined;
  const w = new Float64Array(S);
  const book = new Float64Array(S);
  const target = new Float64Array(S);
  const volWindow = strategy.volWindow;
  if (volWindow > 0 && !(settings.barsPerYear! > 0)) throw new Error("backtest: a strategy with a volatility forecast needs settings.barsPerYear");
  const vol = volWindow > 0 ? new Float64Array(S) : undefined;
  const rebalanceBars: number[] = [];
  let skipped = 0;
  let delistedExits = 0;
  let ruinedAt: number | null = null;
  let nav = 1;
  let peak = 1;

  for (let t = start; t <= end; t++) {
    const row = t * S;
    let turnover = 0;
    let spreadCost = 0;
    if ((t - start) % step === 0) {
      for (let s = 0; s < S; s++) {
        book[s] = w[s];
        if (w[s] !== 0 && lastTradable[s] < t) {
          book[s] = 0;
          delistedExits++;
        }
      }
      // the forecast at the close of t reads returns up to that close, never returns[t] itself
      if (vol !== undefined) for (let s = 0; s < S; s++) vol[s] = tradable[row + s] ? trailingVolatility(returns, S, t, s, volWindow, settings.barsPerYear!) : NaN;
      const cs = { S, signal, signalRow: (t - delay) * S, tradable, tradableRow: row, vol };
      if (strategy.rebalance(cs, book, target)) {
        rebalanceBars.push(t);
        // the strategy contract, enforced: a symbol that cannot trade keeps its position
        for (let s = 0; s < S; s++) if (!tradable[row + s]) target[s] = book[s];
      } else {
        skipped++;
        target.set(book);
      }
      for (let s = 0; s < S; s++) {
        const traded = Math.abs(target[s] - w[s]);
        turnover += traded;
        if (halfSpread !== undefined && traded > 0) {
          const h = halfSpread[row + s];
          if (h > 0) spreadCost += traded * h;
        }
        w[s] = target[s];
      }
    }
    const cost = turnover * costRate + spreadCost;
    let gross = 0;
    let grossExp = 0;
    let netExp = 0;
    let longs = 0;
    let shorts = 0;
    for (let s = 0; s < S; s++) {
      const ws = w[s];
      if (ws === 0) continue;
      const r = returns[row + s];
      if (r === r) gross += ws * r;
      grossExp += Math.abs(ws);
      netExp += ws;
      if (ws > 0) longs++;
      else shorts++;
    }
    if (weights) weights.set(w, row);
    const net = gross - cost;
    const growth = 1 + net;
    series.gross[t] = gross;
    series.cost[t] = cost;
    series.spreadCost[t] = spreadCost;
    series.turnover[t] = turnover;
    series.net[t] = net;
    series.grossExposure[t] = grossExp;
    series.netExposure[t] = netExp;
    series.longCount[t] = longs;
    series.shortCount[t] = shorts;
    if (!(growth > 0)) {
      // equity wiped out: nothing left to trade
      series.nav[t] = 0;
      series.drawdown[t] = -1;
      ruinedAt = t;
      return { start, end: t, series, rebalanceBars, skippedRebalances: skipped, delistedExits, ruinedAt, weights };
    }
    nav *= growth;
    if (nav > peak) peak = nav;
    series.nav[t] = nav;
    series.drawdown[t] = nav / peak - 1;
    for (let s = 0; s < S; s++) {
      const ws = w[s];
      if (ws === 0) continue;
      const r = returns[row + s];
      w[s] = (ws * (r === r ? 1 + r : 1)) / growth;
    }
  }
  return { start, end, series, rebalanceBars, skippedRebalances: skipped, delistedExits, ruinedAt, weights };
}
