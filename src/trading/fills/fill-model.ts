/**
 * How one order fills against one bar: the price rule (next open / VWAP proxy / close), adverse
 * slippage, commission, the volume cap, and the trigger rules of limit and stop orders. This is
 * the one place fills are decided: the paper broker and the order-level backtest both call it, so
 * they cannot disagree about a trade.
 */
import type { FillConfig } from "../schema.js";
import type { OrderType, Side } from "../orders/types.js";
import type { BarQuote } from "./quote.js";

export interface FillableOrder {
  side: Side;
  type: OrderType;
  /** Shares still to fill (> 0). */
  remaining: number;
  limitPrice?: number;
  stopPrice?: number;
}

export interface FillResult {
  quantity: number;
  price: number;
  commission: number;
}

const finite = (x: number) => x === x && x !== Infinity && x !== -Infinity;

/** The bar's price an order fills at before slippage, per the configured rule; NaN when the bar has no close. */
export function barFillPrice(q: BarQuote, rule: FillConfig["price"]): number {
  if (!finite(q.close)) return NaN;
  if (rule === "next_open") return finite(q.open) ? q.open : q.close;
  if (rule === "next_vwap") return finite(q.high) && finite(q.low) ? (q.high + q.low + q.close) / 3 : q.close;
  return q.close;
}

/** Commission of one fill. */
export function commission(quantity: number, price: number, cfg: FillConfig): number {
  if (quantity <= 0) return 0;
  const c = cfg.commission_per_share * quantity + (cfg.commission_bps * quantity * price) / 1e4;
  return Math.max(c, cfg.commission_min);
}

/** Largest quantity the volume cap lets fill in this bar (Infinity without a cap or volume). */
export function volumeCap(q: BarQuote, cfg: FillConfig, lot: number): number {
  if (cfg.max_volume_share === null || !finite(q.volume)) return Infinity;
  return Math.floor((q.volume * cfg.max_volume_share) / lot) * lot;
}

/**
 * The fill of `order` in bar `q`, or null when it does not fill (no price, limit not reached,
 * stop not triggered, volume cap of zero). Market and triggered stop orders pay slippage; a limit
 * price is never crossed.
 */
export function simulateFill(order: FillableOrder, q: BarQuote, cfg: FillConfig, lot: number): FillResult | null {
  const base = barFillPrice(q, cfg.price);
  if (!finite(base)) return null;
  const buy = order.side === "buy";
  const high = finite(q.high) ? q.high : Math.max(base, q.close);
  const low = finite(q.low) ? q.low : Math.min(base, q.close);
  let price = base;
  let slip = true;
  if (order.type === "stop" || order.type === "stop_limit") {
    const stop = order.stopPrice!;
    const triggered = buy ? high >= stop : low <= stop;
    if (!triggered) return null;
    // Gapping through the stop fills at the bar's price, else at the stop.
    price = buy ? Math.max(base, stop) : Math.min(base, stop);
  }
  if (order.type === "limit" || order.type === "stop_limit") {
    const limit = order.limitPrice!;
    const reachable = buy ? low <= limit : high >= limit;
    if (!reachable) return null;
    price = buy ? Math.min(price, limit) : Math.max(price, limit);
    slip = false;
  }
  const cap = volumeCap(q, cfg, lot);
  const quantity = Math.min(order.remaining, cap);
  if (!(quantity > 0)) return null;
  if (slip) {
    let bps = cfg.slippage_bps;
    if (cfg.impact_bps > 0 && finite(q.volume) && q.volume > 0) bps += cfg.impact_bps * Math.sqrt(quantity / q.volume);
    price *= buy ? 1 + bps / 1e4 : 1 - bps / 1e4;
  }
  return { quantity, price, commission: commission(quantity, price, cfg) };
}
