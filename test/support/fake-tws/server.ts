/**
 * A fake TWS / IB Gateway for tests: a node:net server speaking the TWS API socket protocol at
 * SERVER_VERSION 176 (see messages.ts) for what the IBKR connector uses: the handshake, startApi,
 * managedAccounts, nextValidId, placeOrder (new and modify) -> openOrder / orderStatus /
 * execDetails / commissionReport, cancelOrder, reqOpenOrders / reqAllOpenOrders, reqCompletedOrders, reqPositions,
 * reqExecutions, reqAccountSummary, reqHistoricalData, rejects (error 201 then status Inactive,
 * error 200 for an unknown contract) and the connectivity notices 1100 / 1101 / 1102.
 *
 * Its book lives outside any connection, as a real broker's does: orders keep working and filling
 * while no client is connected, and what a client missed it gets back only by asking
 * (reqAllOpenOrders, reqExecutions).
 *
 * Fault injection: `faults.dropOnPlaceOrder` closes the socket when the next placeOrder arrives,
 * before the order is taken ("before": lost in transit) or after it is taken but before any
 * acknowledgement ("after"); `faults.withholdExecutions` stops pushing execDetails /
 * commissionReport (missed executions, only reqExecutions returns them); `connectivityLost()` /
 * `connectivityRestored()` send 1100 and 1101 / 1102 (while lost, nothing is pushed);
 * `nightlyReset(refusals)` drops every connection and refuses the next `refusals` attempts;
 * `faults.silent` ignores every client message (a socket dead without a close).
 */
import { EventEmitter } from "node:events";
import net from "node:net";
import { filterTime, twsTime } from "./clock-text.js";
import * as m from "./messages.js";
import { FrameReader, frame, type Field, type Tokens } from "./wire.js";

export interface FakeTwsOptions {
  accounts?: string[];
  /** Price market orders fill at, and marketable limit orders are checked against, by IB symbol. */
  prices?: Record<string, number>;
  /** IB symbols with no security definition (placeOrder -> error 200). */
  unknownSymbols?: string[];
  /** Commission per share of every execution. */
  commissionPerShare?: number;
  /** Time zone the execution times are written in. */
  timeZone?: string;
  /** Epoch ms of "now" (execution times); default Date.now. */
  now?: () => number;
  firstOrderId?: number;
  cash?: number;
}

export interface FakeFaults {
  dropOnPlaceOrder: "before" | "after" | null;
  withholdExecutions: boolean;
  /** The next order placed (or modify) is rejected with error 201 and this reason. */
  rejectNext: string | null;
  /** Incoming connections to destroy at once (the gateway restarting). */
  refuseConnections: number;
  /** Market / marketable orders fill as soon as they are placed. */
  autoFill: boolean;
  /** Messages from clients are read and ignored (a socket dead without a close). */
  silent: boolean;
}

interface Conn {
  socket: net.Socket;
  clientId: number | null;
}

interface Position {
  contract: m.FakeContract;
  quantity: number;
  avgCost: number;
}

const OPEN = new Set(["PreSubmitted", "Submitted", "PendingSubmit", "PendingCancel"]);

export class FakeTws extends EventEmitter {
  readonly faults: FakeFaults = { dropOnPlaceOrder: null, withholdExecutions: false, rejectNext: null, refuseConnections: 0, autoFill: true, silent: false };
  readonly orders = new Map<number, m.FakeOrderState>();
  readonly executions: m.FakeExecution[] = [];
  readonly positions = new Map<string, Position>();
  /** Every message received, in order (tests count placeOrder per orderRef with it). */
  readonly received: Tokens[] = [];
  /** Bars reqHistoricalData answers with, by IB symbol (all of them, whatever the duration). */
  readonly bars = new Map<string, m.FakeBar[]>();
  readonly historyRequests: Array<ReturnType<typeof m.decodeReqHistoricalData>> = [];
  /** Connections that completed startApi. */
  starts = 0;
  cash: number;
  private readonly server: net.Server;
  private readonly conns = new Set<Conn>();
  private readonly prices: Map<string, number>;
  private readonly unknown: Set<string>;
  private nextOrderId: number;
  private nextPermId = 900_000;
  private nextExec = 1;
  private linkDown = false;
  port = 0;

  constructor(private readonly o: FakeTwsOptions = {}) {
    super();
    this.prices = new Map(Object.entries(o.prices ?? {}));
    this.unknown = new Set(o.unknownSymbols ?? []);
    this.nextOrderId = o.firstOrderId ?? 1;
    this.cash = o.cash ?? 100_000;
    this.server = net.createServer((s) => this.accept(s));
  }

  get accounts(): string[] {
    return this.o.accounts ?? ["DU1234567"];
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(port, "127.0.0.1", () => {
        this.port = (this.server.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  setPrice(symbol: string, price: number): void {
    this.prices.set(symbol, price);
  }

  /** Resolves at the next message with this id (after it is handled). */
  nextMessage(msgId: number): Promise<Tokens> {
    return new Promise((resolve) => {
      const on = (t: Tokens) => {
        if (Number(t[0]) !== msgId) return;
        this.off("handled", on);
        resolve(t);
      };
      this.on("handled", on);
    });
  }

  /** Resolves when a client has completed startApi `n` times in all. */
  started(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.starts < n) return;
        this.off("start", check);
        resolve();
      };
      this.on("start", check);
      check();
    });
  }

  /** placeOrder messages received with this orderRef (a new order or a modify). */
  placements(orderRef: string): Tokens[] {
    return this.received.filter((t) => Number(t[0]) === m.OUT.PLACE_ORDER && t[26] === orderRef);
  }

  orderByRef(orderRef: string): m.FakeOrderState | undefined {
    return [...this.orders.values()].find((o) => o.order.orderRef === orderRef);
  }

  /** Drops every connection (a socket cut, or TWS closing for the nightly reset). */
  dropConnections(): void {
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
  }

  /** The nightly reset: every client is cut off and the next `refusals` connection attempts fail. */
  nightlyReset(refusals: number): void {
    this.faults.refuseConnections = refusals;
    this.dropConnections();
  }

  /** Error 1100: TWS lost its link to IB's servers; nothing is pushed until it is restored. */
  connectivityLost(): void {
    this.linkDown = true;
    this.broadcast(m.errMsg(-1, 1100, "Connectivity between IB and Trader Workstation has been lost."));
  }

  /** 1102 (data maintained) or 1101 (data lost: subscriptions must be made again). */
  connectivityRestored(dataMaintained = true): void {
    this.linkDown = false;
    this.broadcast(
      dataMaintained
        ? m.errMsg(-1, 1102, "Connectivity between IB and Trader Workstation has been restored - data maintained.")
        : m.errMsg(-1, 1101, "Connectivity between IB and Trader Workstation has been restored - data lost."),
    );
  }

  /** Executes `quantity` of an open order at `price` (a partial fill when less than what remains). */
  fill(orderId: number, quantity: number, price: number): m.FakeExecution {
    const o = this.orders.get(orderId);
    if (o === undefined || !OPEN.has(o.status)) throw new Error(`fake TWS: order ${orderId} is not open`);
    const q = Math.min(quantity, o.order.totalQuantity - o.filled);
    o.avgFillPrice = (o.avgFillPrice * o.filled + price * q) / (o.filled + q);
    o.filled += q;
    o.lastFillPrice = price;
    if (o.filled >= o.order.totalQuantity) o.status = "Filled";
    const sign = o.order.action === "BUY" ? 1 : -1;
    const key = `${o.contract.secType}:${o.contract.symbol}:${o.contract.currency}:${o.contract.lastTradeDateOrContractMonth}`;
    const p = this.positions.get(key) ?? { contract: o.contract, quantity: 0, avgCost: 0 };
    const mult = Number(o.contract.multiplier) || 1;
    const nextQ = p.quantity + sign * q;
    p.avgCost = nextQ === 0 ? 0 : Math.sign(nextQ) === Math.sign(p.quantity) && Math.abs(nextQ) < Math.abs(p.quantity) ? p.avgCost : (p.avgCost * p.quantity + price * mult * sign * q) / nextQ;
    p.quantity = nextQ;
    this.positions.set(key, p);
    const commission = (this.o.commissionPerShare ?? 0) * q;
    this.cash -= sign * q * price * mult + commission;
    const e: m.FakeExecution = {
      orderId: o.orderId, clientId: o.clientId, permId: o.permId, contract: o.contract,
      execId: `0000e0d5.${String(this.nextExec++).padStart(8, "0")}.01.01`,
      time: twsTime(this.now(), this.o.timeZone ?? "America/New_York"),
      account: o.order.account, side: sign > 0 ? "BOT" : "SLD", shares: q, price, cumQty: o.filled, avgPrice: o.avgFillPrice,
      orderRef: o.order.orderRef, commission, currency: o.contract.currency, ms: this.now(),
    };
    this.executions.push(e);
    if (!this.linkDown) {
      this.pushTo(o.clientId, m.orderStatus(o));
      if (!this.faults.withholdExecutions) {
        this.pushTo(o.clientId, m.execDetails(-1, e));
        this.pushTo(o.clientId, m.commissionReport(e));
      }
    }
    return e;
  }

  /** Cancels an open order from TWS's side (a user in TWS, or a day order expiring at the close). */
  cancel(orderId: number): void {
    const o = this.orders.get(orderId);
    if (o === undefined || !OPEN.has(o.status)) throw new Error(`fake TWS: order ${orderId} is not open`);
    o.status = "Cancelled";
    if (!this.linkDown) this.pushTo(o.clientId, m.orderStatus(o));
  }

  private accept(socket: net.Socket): void {
    if (this.faults.refuseConnections > 0) {
      this.faults.refuseConnections--;
      socket.destroy();
      return;
    }
    const conn: Conn = { socket, clientId: null };
    this.conns.add(conn);
    const reader = new FrameReader(
      (min, max) => {
        if (m.SERVER_VERSION < min || m.SERVER_VERSION > max) {
          socket.destroy();
          return;
        }
        socket.write(frame([m.SERVER_VERSION, "20261207 15:30:00 EST"]));
      },
      (tokens) => {
        if (this.faults.silent) return;
        this.received.push(tokens);
        this.handle(conn, tokens);
        this.emit("handled", tokens);
      },
    );
    socket.on("data", (d) => {
      try {
        reader.push(d);
      } catch (e) {
        this.emit("protocolError", e);
        socket.destroy();
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => this.conns.delete(conn));
  }

  private send(conn: Conn, fields: Field[]): void {
    if (!conn.socket.destroyed) conn.socket.write(frame(fields));
  }

  private pushTo(clientId: number, fields: Field[]): void {
    for (const c of this.conns) if (c.clientId === clientId) this.send(c, fields);
  }

  private broadcast(fields: Field[]): void {
    for (const c of this.conns) if (c.clientId !== null) this.send(c, fields);
  }

  private handle(conn: Conn, t: Tokens): void {
    switch (Number(t[0])) {
      case m.OUT.START_API:
        return this.startApi(conn, Number(t[2]));
      case m.OUT.REQ_IDS:
        return this.send(conn, m.nextValidId(this.nextOrderId));
      case m.OUT.REQ_MANAGED_ACCTS:
        return this.send(conn, m.managedAccounts(this.accounts));
      case m.OUT.REQ_CURRENT_TIME:
        return this.send(conn, m.currentTime(Math.floor(this.now() / 1000)));
      case m.OUT.PLACE_ORDER:
        return this.placeOrder(conn, m.decodePlaceOrder(t));
      case m.OUT.CANCEL_ORDER:
        return this.cancelOrder(conn, Number(t[2]));
      case m.OUT.REQ_OPEN_ORDERS:
      case m.OUT.REQ_ALL_OPEN_ORDERS: {
        const all = Number(t[0]) === m.OUT.REQ_ALL_OPEN_ORDERS;
        for (const o of this.orders.values()) {
          if (!OPEN.has(o.status) || (!all && o.clientId !== conn.clientId)) continue;
          this.send(conn, m.openOrder(o));
          this.send(conn, m.orderStatus(o));
        }
        return this.send(conn, m.openOrderEnd());
      }
      case m.OUT.REQ_COMPLETED_ORDERS:
        for (const o of this.orders.values()) if (!OPEN.has(o.status)) this.send(conn, m.completedOrder(o, twsTime(this.now(), this.o.timeZone ?? "America/New_York")));
        return this.send(conn, m.completedOrdersEnd());
      case m.OUT.REQ_POSITIONS:
        for (const p of this.positions.values()) this.send(conn, m.position(this.accounts[0], p.contract, p.quantity, p.avgCost));
        return this.send(conn, m.positionEnd());
      case m.OUT.REQ_EXECUTIONS: {
        const f = m.decodeReqExecutions(t);
        const since = filterTime(f.time);
        for (const e of this.executions) {
          if (f.clientId !== undefined && f.clientId !== e.clientId) continue;
          if (f.account !== "" && f.account !== e.account) continue;
          if (f.symbol !== "" && f.symbol !== e.contract.symbol) continue;
          if (e.ms < since) continue;
          this.send(conn, m.execDetails(f.reqId, e));
          this.send(conn, m.commissionReport(e));
        }
        return this.send(conn, m.execDetailsEnd(f.reqId));
      }
      case m.OUT.REQ_ACCOUNT_SUMMARY: {
        const reqId = Number(t[2]);
        const tags = new Set((t[4] ?? "").split(","));
        const equity = this.cash + [...this.positions.values()].reduce((s, p) => s + p.quantity * (this.prices.get(p.contract.symbol) ?? p.avgCost) * (Number(p.contract.multiplier) || 1), 0);
        for (const a of this.accounts) {
          if (tags.has("TotalCashValue")) this.send(conn, m.accountSummary(reqId, a, "TotalCashValue", this.cash.toFixed(2), "USD"));
          if (tags.has("NetLiquidation")) this.send(conn, m.accountSummary(reqId, a, "NetLiquidation", equity.toFixed(2), "USD"));
        }
        return this.send(conn, m.accountSummaryEnd(reqId));
      }
      case m.OUT.REQ_HISTORICAL_DATA:
      {
        const req = m.decodeReqHistoricalData(t);
        this.historyRequests.push(req);
        if (this.unknown.has(req.symbol)) return this.send(conn, m.errMsg(req.reqId, 200, "No security definition has been found for the request"));
        return this.send(conn, m.historicalData(req.reqId, "", "", this.bars.get(req.symbol) ?? []));
      }
      default:
        return;
    }
  }

  private startApi(conn: Conn, clientId: number): void {
    for (const c of this.conns) {
      if (c !== conn && c.clientId === clientId) {
        this.send(conn, m.errMsg(-1, 326, `Unable to connect as the client id is already in use. Retry with a unique client id.`));
        conn.socket.destroy();
        return;
      }
    }
    conn.clientId = clientId;
    this.send(conn, m.managedAccounts(this.accounts));
    this.send(conn, m.nextValidId(this.nextOrderId));
    this.send(conn, m.errMsg(-1, 2104, "Market data farm connection is OK:usfarm"));
    this.starts++;
    this.emit("start", clientId);
  }

  private placeOrder(conn: Conn, p: m.PlacedOrder): void {
    const drop = this.faults.dropOnPlaceOrder;
    if (drop === "before") {
      this.faults.dropOnPlaceOrder = null;
      conn.socket.destroy();
      return;
    }
    const clientId = conn.clientId ?? 0;
    const had = this.orders.get(p.orderId);
    if (had !== undefined) return this.modify(conn, had, p);
    if (p.orderId < this.nextOrderId - 1_000_000 || [...this.orders.keys()].some((id) => id > p.orderId && this.orders.get(id)?.clientId === clientId)) {
      return this.send(conn, m.errMsg(p.orderId, 103, "Duplicate order id"));
    }
    this.nextOrderId = Math.max(this.nextOrderId, p.orderId + 1);
    const o: m.FakeOrderState = { orderId: p.orderId, permId: this.nextPermId++, clientId, contract: { ...p.contract, conId: conIdOf(p.contract) }, order: p.order, status: "Submitted", filled: 0, avgFillPrice: 0, lastFillPrice: 0 };
    if (this.unknown.has(p.contract.symbol)) {
      return this.send(conn, m.errMsg(p.orderId, 200, "No security definition has been found for the request"));
    }
    this.orders.set(o.orderId, o);
    if (this.faults.rejectNext !== null) {
      const reason = this.faults.rejectNext;
      this.faults.rejectNext = null;
      o.status = "Inactive";
      this.send(conn, m.errMsg(o.orderId, 201, `Order rejected - reason:${reason}`));
      this.send(conn, m.orderStatus(o));
      return;
    }
    if (drop === "after") {
      this.faults.dropOnPlaceOrder = null;
      conn.socket.destroy();
      this.maybeFill(o);
      return;
    }
    this.send(conn, m.openOrder(o));
    this.send(conn, m.orderStatus(o));
    this.maybeFill(o);
  }

  private modify(conn: Conn, o: m.FakeOrderState, p: m.PlacedOrder): void {
    if (!OPEN.has(o.status)) return this.send(conn, m.errMsg(o.orderId, 104, "Can't modify a filled order"));
    if (p.order.totalQuantity < o.filled) return this.send(conn, m.errMsg(o.orderId, 201, "Order rejected - reason:quantity below the filled quantity"));
    if (this.faults.rejectNext !== null) {
      const reason = this.faults.rejectNext;
      this.faults.rejectNext = null;
      // A refused modify leaves the order as it was.
      this.send(conn, m.errMsg(o.orderId, 201, `Order rejected - reason:${reason}`));
      return this.send(conn, m.orderStatus(o));
    }
    o.order = p.order;
    this.send(conn, m.openOrder(o));
    this.send(conn, m.orderStatus(o));
    this.maybeFill(o);
  }

  private maybeFill(o: m.FakeOrderState): void {
    const price = this.prices.get(o.contract.symbol);
    if (!this.faults.autoFill || price === undefined || !OPEN.has(o.status)) return;
    const buy = o.order.action === "BUY";
    const marketable =
      o.order.orderType === "MKT" || (o.order.orderType === "LMT" && o.order.lmtPrice !== undefined && (buy ? o.order.lmtPrice >= price : o.order.lmtPrice <= price));
    if (marketable) this.fill(o.orderId, o.order.totalQuantity - o.filled, o.order.orderType === "LMT" ? (o.order.lmtPrice as number) : price);
  }

  private cancelOrder(conn: Conn, orderId: number): void {
    const o = this.orders.get(orderId);
    if (o === undefined) return this.send(conn, m.errMsg(orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`));
    if (!OPEN.has(o.status)) return this.send(conn, m.errMsg(orderId, 10148, `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${o.status}.`));
    o.status = "Cancelled";
    this.send(conn, m.errMsg(orderId, 202, "Order Canceled - reason:"));
    this.pushTo(o.clientId, m.orderStatus(o));
  }
}

/** A stable contract id per instrument, as IB assigns one. */
function conIdOf(c: m.FakeContract): number {
  let h = 7;
  for (const ch of `${c.secType}:${c.symbol}:${c.currency}:${c.lastTradeDateOrContractMonth}`) h = (h * 31 + ch.charCodeAt(0)) % 2_000_000_000;
  return h;
}

