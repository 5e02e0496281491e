/**
 * Alpaca's shapes <-> ours. Amounts arrive as decimal strings (the SDK keeps them wire-exact);
 * they become numbers here, once.
 *
 * Orders placed outside FoxML (by hand, in the dashboard) can carry kinds we never send: a
 * trailing stop is reported as a stop, opg / cls as day and fok as ioc, so listing open orders
 * never fails on them.
 */
import type { trading } from "@alpacahq/alpaca-trade-api";
import type { Fill, Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce } from "../../orders/types.js";
import type { Account, Position } from "../types.js";

const num = (v: unknown): number => (v === null || v === undefined || v === "" ? NaN : Number(v));

/** Our status of an Alpaca order status; `replaced` counts as canceled (the replacement is a new order). */
export function mapStatus(status: string, quantity: number, filled: number): OrderStatus {
  if (status === "filled") return "filled";
  if (status === "canceled" || status === "replaced") return "canceled";
  if (status === "expired") return "expired";
  if (status === "rejected") return "rejected";
  if (status === "calculated") return filled >= quantity ? "filled" : "expired";
  // Every other status (new, accepted, pending_*, held, done_for_day, stopped, suspended, and any
  // Alpaca adds later) is an order still working.
  return filled > 0 ? "partially_filled" : "new";
}

function mapType(t: string | undefined): OrderType {
  if (t === "limit" || t === "stop" || t === "stop_limit") return t;
  if (t === "trailing_stop") return "stop";
  return "market";
}

function mapTif(t: string | undefined): TimeInForce {
  if (t === "gtc" || t === "ioc") return t;
  if (t === "fok") return "ioc";
  return "day";
}

export const mapSide = (s: unknown): Side => (s === "buy" ? "buy" : "sell");

export function toOrder(o: trading.Order): Order {
  const filledQuantity = num(o.filledQty) || 0;
  const q = num(o.qty);
  const quantity = Number.isFinite(q) ? q : filledQuantity;
  const status = mapStatus(String(o.status ?? "new"), quantity, filledQuantity);
  const limitPrice = num(o.limitPrice);
  const stopPrice = num(o.stopPrice);
  const submitted = o.submittedAt ?? o.createdAt;
  return {
    clientOrderId: o.clientOrderId ?? "",
    symbol: o.symbol ?? "",
    side: mapSide(o.side),
    quantity,
    type: mapType(o.type ?? o.orderType),
    timeInForce: mapTif(o.timeInForce),
    ...(Number.isFinite(limitPrice) ? { limitPrice } : {}),
    ...(Number.isFinite(stopPrice) ? { stopPrice } : {}),
    brokerOrderId: o.id ?? "",
    status,
    filledQuantity,
    averagePrice: filledQuantity > 0 ? num(o.filledAvgPrice) : NaN,
    submittedAt: submitted instanceof Date ? submitted.getTime() : NaN,
    ...(status === "rejected" ? { rejectReason: "rejected by Alpaca" } : {}),
  };
}

/** The POST /v2/orders body of a request (prices as decimal strings, as the API takes them). */
export function toPostOrder(r: OrderRequest): trading.PostOrderRequest {
  return {
    symbol: r.symbol,
    qty: String(r.quantity),
    side: r.side,
    type: r.type,
    timeInForce: r.timeInForce,
    clientOrderId: r.clientOrderId,
    ...(r.limitPrice !== undefined ? { limitPrice: String(r.limitPrice) } : {}),
    ...(r.stopPrice !== undefined ? { stopPrice: String(r.stopPrice) } : {}),
  };
}

/** An order rejected at submission (HTTP 4xx): never created at the broker, reported as a rejected order. */
export function rejectedOrder(r: OrderRequest, reason: string, now: number): Order {
  return { ...r, brokerOrderId: "", status: "rejected", filledQuantity: 0, averagePrice: NaN, submittedAt: now, rejectReason: reason };
}

export function toAccount(a: trading.Account): Account {
  return { cash: num(a.cash), equity: num(a.equity ?? a.portfolioValue), currency: a.currency ?? "USD" };
}

export function toPosition(p: trading.Position): Position {
  const q = Math.abs(num(p.qty));
  return { symbol: p.symbol, quantity: p.side === "short" ? -q : q, averagePrice: num(p.avgEntryPrice), marketPrice: num(p.currentPrice) };
}

/** One execution, from either source (stream or account activities), before it becomes a Fill. */
export interface Execution {
  orderId: string;
  /** The order's filled quantity after this execution: with `orderId`, the execution's identity in both sources. */
  cumQty: number;
  qty: number;
  price: number;
  time: number;
  symbol: string;
  side: Side;
  /** Known from the stream; the activities of an order are matched to it by cumQty. */
  executionId?: string;
  clientOrderId?: string;
}

/**
 * The stable id of an execution: the broker's order id and the order's cumulative filled quantity
 * after it. Both the stream and account activities carry both, so the same execution has the same
 * id whichever way it arrived (the journal records a fill id once).
 */
export const fillIdOf = (orderId: string, cumQty: number): string => `alpaca-${orderId}-${cumQty}`;

export function toFill(e: Execution, clientOrderId: string): Fill {
  return { fillId: fillIdOf(e.orderId, e.cumQty), clientOrderId, symbol: e.symbol, side: e.side, quantity: e.qty, price: e.price, commission: 0, time: e.time };
}

/** A trade update's execution (fill / partial_fill events only). */
export function executionOfUpdate(u: { event: string; order: trading.Order; executionId?: string; price?: string; qty?: string; timestamp?: Date }, now: number): Execution | undefined {
  if (u.event !== "fill" && u.event !== "partial_fill") return undefined;
  const o = u.order;
  return {
    orderId: o.id ?? "",
    cumQty: num(o.filledQty),
    qty: num(u.qty),
    price: num(u.price),
    time: u.timestamp instanceof Date && Number.isFinite(u.timestamp.getTime()) ? u.timestamp.getTime() : now,
    symbol: o.symbol ?? "",
    side: mapSide(o.side),
    executionId: u.executionId,
    clientOrderId: o.clientOrderId,
  };
}

/** The raw JSON of a FILL account activity (the SDK's typed model drops its trade fields, see broker.ts). */
export interface FillActivityJson {
  id: string;
  activity_type?: string;
  transaction_time: string;
  type?: string;
  price: string;
  qty: string;
  side: string;
  symbol: string;
  leaves_qty?: string;
  order_id: string;
  cum_qty: string;
  order_status?: string;
}

export function executionOfActivity(a: FillActivityJson): Execution {
  return { orderId: a.order_id, cumQty: num(a.cum_qty), qty: num(a.qty), price: num(a.price), time: Date.parse(a.transaction_time), symbol: a.symbol, side: mapSide(a.side) };
}
