/**
 * The one interface every execution venue implements: the paper broker (fills simulated from
 * bars), and the Alpaca and Interactive Brokers connectors. Everything is asynchronous because
 * real brokers are remote; the trading loop never knows which one it talks to.
 *
 * Contract the loop relies on:
 * - `submit` is idempotent by client order id: a second submission of an id the broker already
 *   holds returns that order and creates nothing (Alpaca refuses duplicate client_order_id; the
 *   IBKR connector keeps the id in orderRef and looks it up), so a loop restarted after SIGKILL can
 *   resubmit what its journal holds without doubling an order.
 * - fills are events (`onFill`), and also queryable after the fact (`fillsSince`), which is how
 *   fills missed while disconnected or dead are recovered.
 */
import type { Fill, Order, OrderRequest } from "../orders/types.js";

export interface Account {
  cash: number;
  /** cash + marked value of the positions. */
  equity: number;
  currency: string;
}

export interface Position {
  symbol: string;
  /** Signed shares (negative = short). */
  quantity: number;
  averagePrice: number;
  /** Last price the broker marked the position at. */
  marketPrice: number;
}

export interface MarketClock {
  /** Epoch ms, the broker's now (the current bar's time in a replay). */
  now: number;
  isOpen: boolean;
  /** Epoch ms of the next open and close, when known. */
  nextOpen?: number;
  nextClose?: number;
}

/** One trading session of the market calendar. */
export interface TradingSession {
  /** Local trading date, YYYY-MM-DD. */
  date: string;
  /** Epoch ms of the session's open and close. */
  open: number;
  close: number;
}

export interface OrderChanges {
  quantity?: number;
  limitPrice?: number;
  stopPrice?: number;
}

export type FillListener = (fill: Fill) => void;

export interface Broker {
  /** "paper", "alpaca", "ibkr". */
  readonly name: string;
  account(): Promise<Account>;
  positions(): Promise<Position[]>;
  openOrders(): Promise<Order[]>;
  /** The order with this client id, if the broker holds one (open or not). */
  orderByClientId(clientOrderId: string): Promise<Order | undefined>;
  submit(request: OrderRequest): Promise<Order>;
  cancel(clientOrderId: string): Promise<void>;
  /** Replaces an open order's quantity or prices; the replacement gets `newClientOrderId`. */
  replace(clientOrderId: string, newClientOrderId: string, changes: OrderChanges): Promise<Order>;
  /** Fills executed at or after `since` (epoch ms), oldest first. */
  fillsSince(since: number): Promise<Fill[]>;
  /** Subscribes to fills; returns the unsubscribe function. */
  onFill(listener: FillListener): () => void;
  clock(): Promise<MarketClock>;
  /** Sessions whose open falls in [from, to] (epoch ms), oldest first. */
  calendar(from: number, to: number): Promise<TradingSession[]>;
  close(): Promise<void>;
}
