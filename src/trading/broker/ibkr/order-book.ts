/**
 * The connector's view of its orders, keyed by client order id (TWS's orderRef) and by TWS order
 * id, built only from what TWS says: openOrder, orderStatus, order errors and executions. After a
 * restart it is rebuilt the same way (reqAllOpenOrders + reqExecutions), which is what lets
 * `orderByClientId` and an idempotent `submit` find an order placed by a previous process.
 *
 * A replace modifies the TWS order in place (same order id) under the new client order id; the
 * old id's order is closed as canceled with what it had filled, and the new one counts only what
 * fills after it, as the paper broker's replace does.
 */
import type { Contract, Order as IbOrder, OrderState } from "@stoqey/ib";
import { isOpenStatus, type Fill, type Order } from "../../orders/types.js";
import { isOrderRejection, sideFromAction, statusFromIb, tifFromIb, typeFromIb } from "./order-map.js";

export interface Tracked {
  order: Order;
  ibOrderId: number | undefined;
  /** TWS has confirmed it (openOrder, orderStatus, an execution or a reject). */
  acked: boolean;
  /** What the TWS order had filled before this client id took it over (a replace). */
  filledOffset: number;
  /** TWS confirmed it as working (openOrder or a working status): a later error is about a modify. */
  working: boolean;
  /** Known only from executions (placed by an earlier process and no longer open). */
  fromExecutions: boolean;
  fillQuantity: number;
  fillNotional: number;
  /** Last TWS order error, the reason of a reject or of a failed modify. */
  lastError?: string;
  /** Errors and notices TWS sent about the order (a cancel waits for its confirmation or refusal). */
  notices: number;
}

type Listener = (t: Tracked) => void;

export class OrderBook {
  private readonly byClient = new Map<string, Tracked>();
  private readonly byIb = new Map<number, Tracked>();
  private readonly listeners = new Set<Listener>();
  /** Client ids seen in the current open-orders snapshot. */
  private seen: Set<string> | undefined;

  constructor(private readonly account: () => string, private readonly symbolOf: (c: Contract) => string) {}

  get(clientOrderId: string): Tracked | undefined {
    return this.byClient.get(clientOrderId);
  }

  byIbId(orderId: number): Tracked | undefined {
    return this.byIb.get(orderId);
  }

  all(): Tracked[] {
    return [...this.byClient.values()];
  }

  /** Tells `fn` about every change to any order; returns the unsubscribe function. */
  watch(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(t: Tracked): void {
    for (const l of [...this.listeners]) l(t);
  }

  /** An order this process is about to place. */
  add(order: Order, ibOrderId: number): Tracked {
    const t: Tracked = { order, ibOrderId, acked: false, working: false, filledOffset: 0, fromExecutions: false, fillQuantity: 0, fillNotional: 0, notices: 0 };
    this.byClient.set(order.clientOrderId, t);
    this.byIb.set(ibOrderId, t);
    return t;
  }

  /** Re-points an unacknowledged order at a fresh TWS order id (re-placed after a reconnect). */
  reassign(t: Tracked, ibOrderId: number): void {
    if (t.ibOrderId !== undefined) this.byIb.delete(t.ibOrderId);
    t.ibOrderId = ibOrderId;
    this.byIb.set(ibOrderId, t);
  }

  beginSnapshot(): void {
    this.seen = new Set();
  }

  /** Ends an open-orders snapshot: returns our orders that were open, acknowledged and are gone from TWS's book. */
  endSnapshot(): Tracked[] {
    const seen = this.seen ?? new Set();
    this.seen = undefined;
    return this.all().filter((t) => t.acked && isOpenStatus(t.order.status) && !seen.has(t.order.clientOrderId));
  }

  onOpenOrder(orderId: number, contract: Contract, o: IbOrder, state: OrderState): void {
    if (o.account !== undefined && o.account !== "" && o.account !== this.account()) return;
    const ref = o.orderRef !== undefined && o.orderRef !== "" ? o.orderRef : `ib-${o.permId ?? orderId}`;
    let t = this.byClient.get(ref);
    if (t === undefined) {
      // The same TWS order under a new orderRef is a replace: the old client id's order is closed
      // with what it filled, and the new one counts what fills from now on.
      const prev = this.byIb.get(orderId);
      const offset = prev === undefined ? 0 : prev.filledOffset + prev.order.filledQuantity;
      if (prev !== undefined && isOpenStatus(prev.order.status)) {
        prev.order.status = "canceled";
        this.changed(prev);
      }
      t = {
        order: {
          clientOrderId: ref, symbol: this.symbolOf(contract), side: sideFromAction(o.action), quantity: 0, type: typeFromIb(o.orderType), timeInForce: tifFromIb(o.tif),
          brokerOrderId: String(orderId), status: "new", filledQuantity: 0, averagePrice: NaN, submittedAt: Date.now(),
        },
        ibOrderId: orderId, acked: true, working: true, filledOffset: offset, fromExecutions: false, fillQuantity: 0, fillNotional: 0, notices: 0,
      };
      this.byClient.set(ref, t);
    }
    if (t.ibOrderId !== orderId) this.reassign(t, orderId);
    this.byIb.set(orderId, t);
    this.seen?.add(ref);
    t.acked = true;
    t.working = true;
    t.fromExecutions = false;
    const q = t.order;
    q.brokerOrderId = String(orderId);
    q.quantity = (o.totalQuantity ?? 0) - t.filledOffset;
    q.type = typeFromIb(o.orderType);
    q.timeInForce = tifFromIb(o.tif);
    if (o.lmtPrice !== undefined && (q.type === "limit" || q.type === "stop_limit")) q.limitPrice = o.lmtPrice;
    if (o.auxPrice !== undefined && (q.type === "stop" || q.type === "stop_limit")) q.stopPrice = o.auxPrice;
    const s = statusFromIb(String(state.status ?? ""), q.filledQuantity, q.quantity);
    if (s !== undefined) this.setStatus(t, s);
    this.changed(t);
  }

  /**
   * An order TWS lists as completed (reqCompletedOrders: no TWS order id, a final state). It tells
   * a restarted process about orders that ended without a fill, and ends ours that ended unseen.
   */
  onCompletedOrder(contract: Contract, o: IbOrder, state: OrderState): void {
    if (o.account !== undefined && o.account !== "" && o.account !== this.account()) return;
    const ref = o.orderRef !== undefined && o.orderRef !== "" ? o.orderRef : `ib-${o.permId ?? "?"}`;
    const filled = o.filledQuantity ?? 0;
    const total = o.totalQuantity ?? 0;
    const final = statusFromIb(String(state.status ?? ""), filled, total);
    if (final === undefined || isOpenStatus(final)) return;
    let t = this.byClient.get(ref);
    if (t === undefined) {
      t = {
        order: {
          clientOrderId: ref, symbol: this.symbolOf(contract), side: sideFromAction(o.action), quantity: total, type: typeFromIb(o.orderType), timeInForce: tifFromIb(o.tif),
          brokerOrderId: o.permId === undefined ? "" : `perm-${o.permId}`, status: final, filledQuantity: filled, averagePrice: NaN, submittedAt: Date.now(),
          ...(o.lmtPrice === undefined ? {} : { limitPrice: o.lmtPrice }),
          ...(o.auxPrice === undefined ? {} : { stopPrice: o.auxPrice }),
        },
        ibOrderId: undefined, acked: true, working: true, filledOffset: 0, fromExecutions: false, fillQuantity: 0, fillNotional: 0, notices: 0,
      };
      this.byClient.set(ref, t);
    } else {
      if (t.fromExecutions) t.order.quantity = total - t.filledOffset;
      t.fromExecutions = false;
      t.acked = true;
      t.order.filledQuantity = Math.max(t.order.filledQuantity, filled - t.filledOffset);
      if (isOpenStatus(t.order.status)) t.order.status = final;
    }
    if (final === "rejected" && t.order.rejectReason === undefined) t.order.rejectReason = state.completedStatus || "rejected by IB";
    this.changed(t);
  }

  onOrderStatus(orderId: number, status: string, filled: number | undefined, avgFillPrice: number | undefined): void {
    const t = this.byIb.get(orderId);
    if (t === undefined) return;
    t.acked = true;
    const own = Math.max(0, (filled ?? 0) - t.filledOffset);
    if (own >= t.order.filledQuantity) {
      t.order.filledQuantity = own;
      if (t.filledOffset === 0 && own > 0 && avgFillPrice !== undefined && avgFillPrice > 0) t.order.averagePrice = avgFillPrice;
    }
    const s = statusFromIb(status, t.order.filledQuantity, t.order.quantity);
    if (s !== undefined) this.setStatus(t, s);
    if (s !== undefined && s !== "rejected") t.working = true;
    this.changed(t);
  }

  /** An error for a TWS order id. Returns true when it was about one of ours. */
  onOrderError(orderId: number, code: number, message: string): boolean {
    const t = this.byIb.get(orderId);
    if (t === undefined) return false;
    const reason = `${message} (IB error ${code})`;
    t.notices++;
    // 202 is TWS confirming a cancel ("Order Canceled - reason:"), sent before the Cancelled status.
    if (code === 202 && isOpenStatus(t.order.status)) this.setStatus(t, "canceled");
    if (!isOrderRejection(code)) {
      this.changed(t);
      return true;
    }
    t.lastError = reason;
    // A refused modify leaves a working order working (TWS follows a refused order with status Inactive); an order never confirmed as working is rejected.
    if (!t.working) {
      t.acked = true;
      t.order.status = "rejected";
      t.order.rejectReason = reason;
    }
    this.changed(t);
    return true;
  }

  onFill(f: Fill): void {
    let t = this.byClient.get(f.clientOrderId);
    if (t === undefined) {
      t = {
        order: { clientOrderId: f.clientOrderId, symbol: f.symbol, side: f.side, quantity: 0, type: "market", timeInForce: "day", brokerOrderId: "", status: "filled", filledQuantity: 0, averagePrice: NaN, submittedAt: f.time },
        ibOrderId: undefined, acked: true, working: false, filledOffset: 0, fromExecutions: true, fillQuantity: 0, fillNotional: 0, notices: 0,
      };
      this.byClient.set(f.clientOrderId, t);
    }
    t.acked = true;
    t.fillQuantity += f.quantity;
    t.fillNotional += f.quantity * f.price;
    // An order known only from its executions: its size is what filled (TWS no longer lists it).
    if (t.fromExecutions) t.order.quantity = t.fillQuantity;
    if (t.fillQuantity >= t.order.filledQuantity) {
      t.order.filledQuantity = t.fillQuantity;
      t.order.averagePrice = t.fillNotional / t.fillQuantity;
    }
    if (t.order.filledQuantity >= t.order.quantity && t.order.status !== "canceled") this.setStatus(t, "filled");
    else if (t.order.status === "new") this.setStatus(t, "partially_filled");
    this.changed(t);
  }

  private setStatus(t: Tracked, s: Order["status"]): void {
    // A final state never reopens (a late status of the old session cannot revive a filled order).
    if (!isOpenStatus(t.order.status) && t.order.status !== s && isOpenStatus(s)) return;
    t.order.status = s;
    if (s === "rejected" && t.order.rejectReason === undefined) t.order.rejectReason = t.lastError ?? "rejected by IB (status Inactive)";
  }
}
