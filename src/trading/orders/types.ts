/**
 * Orders as every broker sees them. The shapes follow what Alpaca's REST API and the TWS API have
 * in common (client order id, market / limit / stop / stop-limit, time in force, partial fills),
 * so a connector only translates field names.
 */

export type Side = "buy" | "sell";
export type OrderType = "market" | "limit" | "stop" | "stop_limit";
/** day: expires at the end of the bar it could first fill in; gtc: until filled or cancelled; ioc: what fills at once, the rest cancelled. */
export type TimeInForce = "day" | "gtc" | "ioc";
/** Why an order exists: the (model, bar, symbol, intent) key of its client order id. */
export type OrderIntent = "rebalance" | "flatten";

export type OrderStatus = "new" | "partially_filled" | "filled" | "canceled" | "expired" | "rejected";

export interface OrderRequest {
  /** Deterministic (see client-id.ts): the same decision always has the same id, so resubmitting it cannot double it. */
  clientOrderId: string;
  symbol: string;
  side: Side;
  /** Positive whole number of shares. */
  quantity: number;
  type: OrderType;
  timeInForce: TimeInForce;
  limitPrice?: number;
  stopPrice?: number;
}

export interface Order extends OrderRequest {
  /** The broker's own id. */
  brokerOrderId: string;
  status: OrderStatus;
  filledQuantity: number;
  /** Volume-weighted fill price so far (NaN before the first fill). */
  averagePrice: number;
  /** Epoch ms the broker accepted it. */
  submittedAt: number;
  /** Set when status is rejected. */
  rejectReason?: string;
}

export interface Fill {
  /** Unique per execution (a broker's execution id): recording a fill twice is a no-op. */
  fillId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  price: number;
  commission: number;
  /** Epoch ms of the execution (the bar's time for simulated fills). */
  time: number;
}

export const isOpenStatus = (s: OrderStatus): boolean => s === "new" || s === "partially_filled";

/** Signed quantity: + for buys, - for sells. */
export const signedQuantity = (side: Side, quantity: number): number => (side === "buy" ? quantity : -quantity);

/** Signed shares still to fill of open orders, by symbol. */
export function pendingBySymbol(open: readonly Order[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of open) m.set(o.symbol, (m.get(o.symbol) ?? 0) + signedQuantity(o.side, o.quantity - o.filledQuantity));
  return m;
}

/** The kill switch's orders: every position closed, in the order given. */
export function flattenRows(positions: ReadonlyMap<string, number>): Array<{ symbol: string; side: Side; quantity: number; intent: "flatten" }> {
  const rows: Array<{ symbol: string; side: Side; quantity: number; intent: "flatten" }> = [];
  for (const [symbol, q] of positions) if (q !== 0) rows.push({ symbol, side: q > 0 ? "sell" : "buy", quantity: Math.abs(q), intent: "flatten" });
  return rows;
}
