/**
 * One rebalance decision, the same function for the order-level backtest and the trading loop:
 * centred predictions at the decision bar -> weights (strategy) -> whole-lot targets (sizing) ->
 * orders from the current book. Book weights come from what is held; the orders are measured
 * from held + open, so a decision re-made after a crash adds nothing already on its way.
 */
import type { Panel } from "../../data/types.js";
import type { TradingConfig } from "../schema.js";
import { ordersToTarget, targetShares, type OrderIntentRow } from "./sizing.js";
import { trailingVolatilityFromClose } from "../../backtest/time-series.js";
import { makeWeighter, type Weighter } from "./weights.js";

export interface BookView {
  equity: number;
  /** Signed shares held. */
  held(symbol: string): number;
  /** Signed shares of open orders still to fill. */
  pending(symbol: string): number;
}

export class Decider {
  private readonly weighter: Weighter;
  private readonly S: number;
  private readonly signal: Float64Array;
  private readonly tradable: Uint8Array;
  private readonly book: Float64Array;
  private readonly vol: Float64Array;
  private readonly weights: Float64Array;
  private readonly prices: Float64Array;

  constructor(
    private readonly cfg: TradingConfig,
    private readonly symbols: readonly string[],
    private readonly barsPerYear: number,
  ) {
    const S = symbols.length;
    this.S = S;
    this.weighter = makeWeighter(cfg, S);
    this.signal = new Float64Array(S);
    this.tradable = new Uint8Array(S);
    this.book = new Float64Array(S);
    this.vol = new Float64Array(S);
    this.weights = new Float64Array(S);
    this.prices = new Float64Array(S);
  }

  get description(): string {
    return this.weighter.description;
  }

  /** Bars of closes before the decision bar the strategy reads (volatility forecasts). */
  get historyBars(): number {
    return this.weighter.volWindow;
  }

  /** The orders of a rebalance at row t of `panel`, from `signal` (S centred predictions). */
  decide(panel: Panel, t: number, signal: ArrayLike<number>, book: BookView): OrderIntentRow[] {
    const { S } = this;
    const close = panel.column("close");
    for (let s = 0; s < S; s++) {
      const i = t * S + s;
      const c = close[i];
      const ok = panel.present[i] === 1 && c > 0;
      this.tradable[s] = ok ? 1 : 0;
      this.prices[s] = ok ? c : NaN;
      this.signal[s] = signal[s];
      const held = book.held(this.symbols[s]);
      // A held symbol without a price today is valued at its last known close by the broker; its weight only matters as "keep".
      this.book[s] = ok && book.equity > 0 ? (held * c) / book.equity : held === 0 ? 0 : Math.sign(held);
      if (this.weighter.volWindow > 0) this.vol[s] = ok ? trailingVolatilityFromClose(close, S, t, s, this.weighter.volWindow, this.barsPerYear) : NaN;
    }
    if (!(book.equity > 0)) return [];
    if (!this.weighter.weights({ signal: this.signal, tradable: this.tradable, book: this.book, vol: this.vol }, this.weights)) return [];
    const target = targetShares({ symbols: this.symbols, weights: this.weights, equity: book.equity, prices: this.prices, lot: this.cfg.lot_size, risk: this.cfg.risk });
    for (let s = 0; s < S; s++) if (!this.tradable[s]) target[s] = NaN;
    return ordersToTarget(this.symbols, target, (sym) => book.held(sym) + book.pending(sym));
  }
}

/** Rebalance bars: every `step` bars from the first bar with a prediction. */
export function isRebalanceBar(t: number, start: number, step: number): boolean {
  return t >= start && (t - start) % step === 0;
}
