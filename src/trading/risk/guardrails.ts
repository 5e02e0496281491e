/**
 * The pre-trade guardrails: every order the loop (or the order-level backtest) would send is
 * checked here first, and a blocked order is never sent; the caller logs and journals the reason.
 *
 * Exposure is checked as if every open order filled (positions + open orders + this order), at
 * the reference prices (the last bar's closes), so no sequence of accepted orders can take the
 * book past a limit at the prices it was judged at. An order that only shrinks a position is not
 * held to the position, gross-exposure and daily-loss rules (it can only bring the book back
 * inside them); the kill switch's flattening orders pass every rule but the price band.
 */
import type { RiskConfig } from "../schema.js";
import { signedQuantity, type OrderIntent, type Side } from "../orders/types.js";
import { withinTradingHours } from "./hours.js";

export interface ProposedOrder {
  symbol: string;
  side: Side;
  quantity: number;
  intent: OrderIntent;
  /** The price the order is judged at: its limit or stop price, or the live quote; the last close for a market order without one. */
  referencePrice: number;
}

/** What the guardrails see of the book at the moment of the check. */
export interface RiskView {
  /** The loop's clock, epoch ms. */
  now: number;
  equity: number;
  /** Signed shares held, and signed shares of open orders still to fill, by symbol. */
  positions: ReadonlyMap<string, number>;
  pending: ReadonlyMap<string, number>;
  /** Last bar's close by symbol: the price exposure is measured at. */
  lastClose: ReadonlyMap<string, number>;
  /** Orders submitted in (now - 60 s, now]. */
  ordersLastMinute: number;
  /** True once today's loss reached the daily limit. */
  dailyLossHit: boolean;
  halted: boolean;
}

export type Verdict = { ok: true } | { ok: false; rule: string; reason: string };

const OK: Verdict = { ok: true };
const block = (rule: string, reason: string): Verdict => ({ ok: false, rule, reason });
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4));

export function checkOrder(o: ProposedOrder, v: RiskView, risk: RiskConfig): Verdict {
  if (!(o.quantity > 0)) return block("quantity", `quantity ${o.quantity} is not positive`);
  const last = v.lastClose.get(o.symbol);
  if (last === undefined || !(last > 0)) return block("no_price", `${o.symbol} has no last price to judge the order at`);
  if (!(o.referencePrice > 0)) return block("no_price", `${o.symbol}: no reference price`);
  if (risk.price_band !== null && Math.abs(o.referencePrice / last - 1) > risk.price_band) {
    return block("price_band", `${o.symbol}: price ${fmt(o.referencePrice)} is more than ${risk.price_band * 100}% from the last close ${fmt(last)}`);
  }
  if (o.intent === "flatten") return OK;
  if (v.halted) return block("halted", "trading is halted (kill switch or `foxml trade halt`); only flattening orders go out until `foxml trade resume`");
  if (risk.market_hours.enabled && !withinTradingHours(v.now, risk.market_hours)) {
    return block("market_hours", `${new Date(v.now).toISOString()} is outside trading hours ${risk.market_hours.start}-${risk.market_hours.end} ${risk.market_hours.timezone}`);
  }
  if (risk.max_orders_per_minute !== null && v.ordersLastMinute + 1 > risk.max_orders_per_minute) {
    return block("max_orders_per_minute", `${v.ordersLastMinute} orders in the last minute already (limit ${risk.max_orders_per_minute})`);
  }
  const notional = o.quantity * o.referencePrice;
  if (risk.max_order_notional !== null && notional > risk.max_order_notional) {
    return block("max_order_notional", `${o.symbol}: order notional ${fmt(notional)} exceeds ${fmt(risk.max_order_notional)}`);
  }
  const before = (v.positions.get(o.symbol) ?? 0) + (v.pending.get(o.symbol) ?? 0);
  const after = before + signedQuantity(o.side, o.quantity);
  const reducing = Math.abs(after) <= Math.abs(before) && (after === 0 || Math.sign(after) === Math.sign(before));
  if (!reducing) {
    if (v.dailyLossHit) return block("daily_loss_limit", "today's loss reached the daily loss limit: only orders that reduce positions go out until tomorrow");
    if (risk.max_position_shares !== null && Math.abs(after) > risk.max_position_shares) {
      return block("max_position_shares", `${o.symbol}: position would be ${after} shares (limit ${risk.max_position_shares})`);
    }
    if (risk.max_position_notional !== null && Math.abs(after) * last > risk.max_position_notional) {
      return block("max_position_notional", `${o.symbol}: position would be worth ${fmt(Math.abs(after) * last)} (limit ${fmt(risk.max_position_notional)})`);
    }
  }
  if (risk.max_gross_exposure !== null || risk.max_net_exposure !== null) {
    const { gross, net } = exposureAfter(v, o.symbol, after);
    if (!(v.equity > 0)) return block("equity", `equity is ${fmt(v.equity)}: nothing but reductions can go out`);
    if (!reducing && risk.max_gross_exposure !== null && gross > risk.max_gross_exposure * v.equity) {
      return block("max_gross_exposure", `gross exposure would be ${fmt(gross / v.equity)} x equity (limit ${risk.max_gross_exposure})`);
    }
    const netBefore = exposureAfter(v, o.symbol, before).net;
    if (risk.max_net_exposure !== null && Math.abs(net) > risk.max_net_exposure * v.equity && Math.abs(net) > Math.abs(netBefore)) {
      return block("max_net_exposure", `net exposure would be ${fmt(net / v.equity)} x equity (limit ${risk.max_net_exposure})`);
    }
  }
  return OK;
}

/** Gross and net exposure at the last closes if every open order filled and `symbol` ended at `quantity`. */
export function exposureAfter(v: Pick<RiskView, "positions" | "pending" | "lastClose">, symbol: string, quantity: number): { gross: number; net: number } {
  const names = new Set([...v.positions.keys(), ...v.pending.keys(), symbol]);
  let gross = 0;
  let net = 0;
  for (const s of names) {
    const q = s === symbol ? quantity : (v.positions.get(s) ?? 0) + (v.pending.get(s) ?? 0);
    if (q === 0) continue;
    const p = v.lastClose.get(s) ?? NaN;
    if (!(p > 0)) continue;
    gross += Math.abs(q) * p;
    net += q * p;
  }
  return { gross, net };
}
