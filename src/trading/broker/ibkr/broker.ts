/**
 * The Interactive Brokers Broker: TWS / IB Gateway through @stoqey/ib's IBApi.
 *
 * Idempotence: our client order id travels as the order's `orderRef`, which TWS keeps with the
 * order and repeats in every execution. After each (re)connection the connector rebuilds its book
 * from TWS (reqAllOpenOrders, then reqExecutions), so `orderByClientId` and a second `submit` of
 * an id TWS holds find the order even after a restart, and nothing is placed twice.
 *
 * Disconnects: fills missed while the socket or TWS's link to IB was down come back from
 * reqExecutions after the reconnect and are emitted once each (deduplicated by execId). An order
 * placed just before the socket dropped is looked up by its orderRef in that snapshot: found, it
 * is adopted; not found (it never reached TWS), it is placed again under a fresh order id, once.
 *
 * Orders that ended without a fill in an earlier process (cancelled, rejected) come from
 * reqCompletedOrders, so a resubmission of one returns it rather than sending it again.
 *
 * Limits: reqExecutions reaches back to the start of TWS's day only, so `fillsSince` before that
 * returns what this process saw, and TWS's completed-orders list is as long as TWS keeps it;
 * positions carry no mark (`marketPrice` NaN: reqPositions has none).
 */
import type { Contract, Order as IbOrder, OrderState } from "@stoqey/ib";
import { EventName } from "@stoqey/ib";
import { FoxmlError } from "../../../util/errors.js";
import { rejectionReason } from "../../fills/sim-book.js";
import { isOpenStatus, type Fill, type Order, type OrderRequest } from "../../orders/types.js";
import type { TradingConfig } from "../../schema.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import { withRetry } from "../backoff.js";
import type { Account, Broker, FillListener, MarketClock, OrderChanges, Position, TradingSession } from "../types.js";
import { IbConnection, IbDisconnectedError } from "./connection.js";
import type { ContractBook } from "./contracts.js";
import { FillAssembler } from "./fills.js";
import { OrderBook, type Tracked } from "./order-book.js";
import { toIbOrder } from "./order-map.js";
import { IbRequests } from "./requests.js";
import type { IbkrConfig } from "./schema.js";
import { clockNow, sessionsBetween } from "./session-clock.js";

export interface IbkrBrokerOptions {
  cfg: TradingConfig;
  ibkr: IbkrConfig;
  conn: IbConnection;
  contracts: ContractBook;
  /** Account id from config or env; null = the first managed account. */
  account: string | null;
  log: LoopLog;
}

/** Retries of a request cut by a dropped connection (each waits for the reconnect first). */
const REQUEST_RETRIES = { baseMs: 50, maxMs: 1_000, retries: 3 };

export class IbkrBroker implements Broker {
  readonly name = "ibkr";
  private readonly conn: IbConnection;
  private readonly req: IbRequests;
  private readonly book: OrderBook;
  private readonly fills: FillAssembler;
  private readonly listeners = new Set<FillListener>();
  private accountId = "";
  private synced: Promise<boolean> = Promise.resolve(false);
  private readonly timeoutMs: number;

  constructor(private readonly o: IbkrBrokerOptions) {
    this.conn = o.conn;
    this.timeoutMs = o.ibkr.request_timeout_ms;
    this.req = new IbRequests(o.conn, this.timeoutMs);
    this.book = new OrderBook(() => this.accountId, (c) => o.contracts.symbolOf(c));
    this.fills = new FillAssembler({
      account: () => this.accountId,
      symbolOf: (c) => o.contracts.symbolOf(c),
      clientIdOf: (id) => this.book.byIbId(id)?.order.clientOrderId,
      timeZone: o.ibkr.time_zone,
      commissionWaitMs: o.ibkr.commission_wait_ms,
      log: o.log,
      emit: (f) => this.emitFill(f),
    });
    const c = this.conn;
    c.onIb(EventName.openOrder, (orderId: number, contract: Contract, order: IbOrder, state: OrderState) => this.book.onOpenOrder(orderId, contract, order, state));
    c.onIb(EventName.completedOrder, (contract: Contract, order: IbOrder, state: OrderState) => this.book.onCompletedOrder(contract, order, state));
    c.onIb(EventName.orderStatus, (orderId: number, status: string, filled: number, _remaining: number, avgFillPrice: number) => this.book.onOrderStatus(orderId, status, filled, avgFillPrice));
    c.onIb(EventName.error, (err: Error, code: number, reqId: number) => {
      if (reqId !== undefined && reqId >= 0 && this.book.onOrderError(reqId, code, err.message)) o.log.warn("IBKR: order error", { order_id: reqId, code, message: err.message });
    });
    c.onIb(EventName.execDetails, (_reqId: number, contract: Contract, exec: object) => this.fills.onExecution(contract, exec));
    c.onIb(EventName.commissionReport, (report: object) => this.fills.onCommission(report));
    c.on("up", (e: { reason: string }) => {
      this.synced = this.resync(e.reason);
      // A configuration error (an unmanaged account) reaches whoever waits for the session; never an unhandled rejection.
      this.synced.catch(() => undefined);
    });
  }

  /** Connects, picks the account and loads TWS's book. */
  async start(): Promise<void> {
    await this.conn.open();
    await this.ready();
  }

  private pickAccount(): void {
    const managed = this.conn.accounts;
    const want = this.o.account;
    if (want !== null && !managed.includes(want)) {
      throw new FoxmlError(`IBKR: account ${want} (pipeline.trading.ibkr.account / IBKR_ACCOUNT) is not one this login manages: ${managed.join(", ") || "none"}`, { exitCode: 2 });
    }
    const acct = want ?? managed[0];
    if (acct === undefined) throw new FoxmlError("IBKR: TWS reported no managed account", { exitCode: 1, hint: "set pipeline.trading.ibkr.account" });
    // Paper accounts are DU... (DF... for an advisor's): a paper configuration pointed at a live login is refused.
    if (this.o.ibkr.mode === "paper" && !acct.startsWith("D")) {
      throw new FoxmlError(`IBKR: pipeline.trading.ibkr.mode is paper but account ${acct} is a live account (paper accounts start with D)`, { exitCode: 2, hint: "connect to the paper login, or set pipeline.trading.ibkr.mode: live to trade this account" });
    }
    if (this.o.ibkr.mode === "live" && this.accountId !== acct) this.o.log.warn("IBKR: trading a LIVE account", { account: acct });
    this.accountId = acct;
  }

  /**
   * TWS's open orders, then (after a connection, or when one of ours is no longer listed) its
   * completed orders and the day's executions: an order gone from the open list ends as TWS's
   * completed list says, else filled when its fills complete it, else cancelled or expired.
   */
  private async snapshot(alwaysExecutions: boolean): Promise<void> {
    this.book.beginSnapshot();
    await this.req.openOrders();
    const gone = this.book.endSnapshot();
    if (alwaysExecutions || gone.length > 0) {
      await this.req.completedOrders();
      await this.req.executions(this.accountId);
    }
    for (const t of gone) {
      if (!isOpenStatus(t.order.status)) continue;
      t.order.status = "canceled";
      this.o.log.warn("IBKR: an open order is no longer in TWS's book (cancelled or expired, its status missed)", { client_order_id: t.order.clientOrderId, filled: t.order.filledQuantity });
    }
  }

  /** After every (re)connection: TWS's open orders, today's executions, then in-flight orders that never arrived. */
  private async resync(reason: string): Promise<boolean> {
    try {
      this.pickAccount();
      await this.snapshot(true);
      for (const t of this.book.all()) if (!t.acked && t.ibOrderId !== undefined) this.place(t, true);
      this.o.log.info("IBKR: synchronised with TWS", { reason, account: this.accountId, orders: this.book.all().length, fills: this.fills.fills.length });
      return true;
    } catch (e) {
      if (e instanceof FoxmlError && e.exitCode === 2) throw e;
      this.o.log.warn("IBKR: synchronisation after connecting failed; retried at the next connection", { reason, error: (e as Error).message });
      return false;
    }
  }

  /** Waits for a connected, synchronised session. */
  private async ready(): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      await this.conn.whenReady(Math.max(1, deadline - Date.now()));
      const s = this.synced;
      const ok = await s;
      if (ok && s === this.synced && this.conn.state === "ready") return;
      if (Date.now() >= deadline) throw new IbDisconnectedError("IBKR: not synchronised with TWS in time");
      if (s === this.synced && this.conn.state === "ready") this.synced = this.resync("retry");
    }
  }

  /** Runs `fn` in a ready session, again after a reconnect when the connection drops under it. */
  private async live<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        await this.ready();
        return fn();
      },
      REQUEST_RETRIES,
      { retryable: (e) => e instanceof IbDisconnectedError },
    );
  }

  private place(t: Tracked, again: boolean): void {
    const id = again ? this.conn.orderId() : (t.ibOrderId as number);
    if (again) {
      this.book.reassign(t, id);
      t.order.brokerOrderId = String(id);
      this.o.log.warn("IBKR: order sent just before the connection dropped never reached TWS; placing it again", { client_order_id: t.order.clientOrderId, order_id: id });
    }
    this.conn.ib.placeOrder(id, this.o.contracts.contract(t.order.symbol), toIbOrder(t.order, this.accountId));
  }

  /** Resolves when `done(t)` holds, checked at every change of the book; rejects after the timeout. */
  private until(t: Tracked, done: (t: Tracked) => boolean, what: string): Promise<void> {
    if (done(t)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stop = this.book.watch(() => {
        if (!done(t)) return;
        stop();
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        stop();
        reject(new FoxmlError(`IBKR: no answer from TWS for ${what} of order ${t.order.clientOrderId} within ${this.timeoutMs} ms; its state is reconciled by client id at the next sync`, { exitCode: 1 }));
      }, this.timeoutMs);
      timer.unref?.();
    });
  }

  async submit(r: OrderRequest): Promise<Order> {
    this.o.contracts.contract(r.symbol); // an unknown symbol is a configuration error, before anything is sent
    return this.live(async () => {
      const held = this.book.get(r.clientOrderId);
      if (held !== undefined) {
        await this.until(held, (t) => t.acked, "the acknowledgement");
        return { ...held.order };
      }
      const reason = rejectionReason(r, new Set(this.o.contracts.symbols()), this.o.cfg.lot_size);
      if (reason !== null) return { ...r, brokerOrderId: "", status: "rejected", filledQuantity: 0, averagePrice: NaN, submittedAt: Date.now(), rejectReason: reason };
      const id = this.conn.orderId();
      const order: Order = { ...r, brokerOrderId: String(id), status: "new", filledQuantity: 0, averagePrice: NaN, submittedAt: Date.now() };
      const t = this.book.add(order, id);
      this.place(t, false);
      await this.until(t, (x) => x.acked, "the acknowledgement");
      return { ...t.order };
    });
  }

  async cancel(clientOrderId: string): Promise<void> {
    await this.live(async () => {
      const t = this.book.get(clientOrderId);
      if (t === undefined || !isOpenStatus(t.order.status) || t.ibOrderId === undefined) return;
      // Done when the order ends, or when TWS answers about it (202 confirmation, 10147 / 10148 refusal).
      const before = t.notices;
      this.conn.ib.cancelOrder(t.ibOrderId);
      await this.until(t, (x) => !isOpenStatus(x.order.status) || x.notices !== before, "the cancel");
    });
  }

  async replace(clientOrderId: string, newClientOrderId: string, changes: OrderChanges): Promise<Order> {
    return this.live(async () => {
      const had = this.book.get(newClientOrderId);
      if (had !== undefined) return { ...had.order };
      const t = this.book.get(clientOrderId);
      if (t === undefined || !isOpenStatus(t.order.status) || t.ibOrderId === undefined) throw new FoxmlError(`IBKR: no open order ${clientOrderId} to replace`, { exitCode: 1 });
      const o = t.order;
      const total = changes.quantity ?? o.quantity;
      const next: OrderRequest = {
        clientOrderId: newClientOrderId, symbol: o.symbol, side: o.side, type: o.type, timeInForce: o.timeInForce,
        quantity: total - o.filledQuantity,
        ...(o.limitPrice === undefined && changes.limitPrice === undefined ? {} : { limitPrice: changes.limitPrice ?? o.limitPrice }),
        ...(o.stopPrice === undefined && changes.stopPrice === undefined ? {} : { stopPrice: changes.stopPrice ?? o.stopPrice }),
      };
      const reason = rejectionReason(next, new Set(this.o.contracts.symbols()), this.o.cfg.lot_size);
      if (reason !== null) throw new FoxmlError(`IBKR: replacement of ${clientOrderId} refused: ${reason}`, { exitCode: 1 });
      const before = t.lastError;
      // A modify is the same TWS order id placed again; its total quantity includes what filled.
      this.conn.ib.placeOrder(t.ibOrderId, this.o.contracts.contract(o.symbol), toIbOrder({ ...next, quantity: t.filledOffset + o.filledQuantity + next.quantity }, this.accountId));
      const id = t.ibOrderId;
      await this.until(t, (x) => this.book.byIbId(id)?.order.clientOrderId === newClientOrderId || x.lastError !== before || !isOpenStatus(x.order.status), "the replace");
      const now = this.book.get(newClientOrderId);
      if (now === undefined) throw new FoxmlError(`IBKR: replace of ${clientOrderId} refused: ${t.lastError ?? `order is ${t.order.status}`}`, { exitCode: 1 });
      return { ...now.order };
    });
  }

  async orderByClientId(clientOrderId: string): Promise<Order | undefined> {
    await this.live(async () => undefined);
    const t = this.book.get(clientOrderId);
    return t === undefined ? undefined : { ...t.order };
  }

  async openOrders(): Promise<Order[]> {
    return this.live(async () => {
      await this.snapshot(false);
      return this.book
        .all()
        .filter((t) => isOpenStatus(t.order.status))
        .map((t) => ({ ...t.order }));
    });
  }

  async fillsSince(since: number): Promise<Fill[]> {
    return this.live(async () => {
      await this.req.executions(this.accountId, since);
      return this.fills.fills.filter((f) => f.time >= since);
    });
  }

  onFill(listener: FillListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitFill(f: Fill): void {
    this.book.onFill(f);
    for (const l of [...this.listeners]) {
      try {
        l(f);
      } catch (e) {
        this.o.log.warn("IBKR: a fill listener failed", { fill_id: f.fillId, error: (e as Error).message });
      }
    }
  }

  async positions(): Promise<Position[]> {
    const rows = await this.live(() => this.req.positions());
    const out: Position[] = [];
    for (const r of rows) {
      if (r.account !== this.accountId || r.position === 0) continue;
      const symbol = this.o.contracts.symbolOf(r.contract);
      const mult = r.contract.multiplier !== undefined && r.contract.multiplier > 0 ? r.contract.multiplier : this.o.contracts.multiplier(symbol);
      out.push({ symbol, quantity: r.position, averagePrice: r.avgCost / mult, marketPrice: NaN });
    }
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async account(): Promise<Account> {
    const s = await this.live(() => this.req.accountSummary(this.accountId, ["TotalCashValue", "NetLiquidation"]));
    const cash = s.get("TotalCashValue");
    const nlv = s.get("NetLiquidation");
    if (cash === undefined || nlv === undefined) throw new FoxmlError(`IBKR: the account summary of ${this.accountId} has no ${cash === undefined ? "TotalCashValue" : "NetLiquidation"}`, { exitCode: 1 });
    return { cash: Number(cash.value), equity: Number(nlv.value), currency: nlv.currency || cash.currency };
  }

  async clock(): Promise<MarketClock> {
    return clockNow(Date.now(), this.o.cfg.risk.market_hours);
  }

  async calendar(from: number, to: number): Promise<TradingSession[]> {
    return sessionsBetween(from, to, this.o.cfg.risk.market_hours);
  }

  async close(): Promise<void> {
    this.fills.close();
    this.conn.close();
  }
}
