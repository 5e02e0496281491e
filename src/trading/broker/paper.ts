/**
 * The paper broker: a Broker whose fills are simulated from bars by the shared SimBook (the same
 * code the order-level backtest runs), with its book kept in its own SQLite file, the way a real
 * broker keeps its side of the story apart from our journal. That separation is what makes crash
 * recovery testable: after a SIGKILL the loop reconciles its journal against this book exactly as
 * it would against Alpaca or IBKR.
 *
 * Bars drive it: `advance(slice)` fills the open orders in that bar and marks positions; advancing
 * to a bar it has already processed is a no-op, so a restarted replay can feed bars again.
 * Orders are rejected (status `rejected`, with a reason) for an unknown symbol, a quantity that is
 * not a positive multiple of the lot, or a missing or non-positive limit / stop price.
 */
import type { FillConfig } from "../schema.js";
import { rejectionReason, SimBook } from "../fills/sim-book.js";
import type { BarSlice } from "../fills/quote.js";
import { isOpenStatus, type Fill, type Order, type OrderRequest } from "../orders/types.js";
import { metaTable, openStore, type SqliteDb } from "../store.js";
import { FoxmlError } from "../../util/errors.js";
import { clockAt } from "./calendar.js";
import type { Account, Broker, FillListener, MarketClock, OrderChanges, Position, TradingSession } from "./types.js";

export interface PaperBrokerOptions {
  /** SQLite file of the book, or ":memory:". */
  path: string;
  symbols: readonly string[];
  initialCash: number;
  fill: FillConfig;
  lot: number;
  synchronous?: "normal" | "full";
  /** The market calendar (e.g. sessionsFromBars of the replayed data); without it the market is always open. */
  sessions?: readonly TradingSession[];
}

export class PaperBroker implements Broker {
  readonly name = "paper";
  private readonly book: SimBook;
  private readonly orders = new Map<string, Order>();
  private readonly fills: Fill[] = [];
  private readonly listeners = new Set<FillListener>();
  private readonly symbols: Set<string>;
  private readonly seqs = new Map<string, number>();
  private readonly db: SqliteDb;
  private readonly meta: ReturnType<typeof metaTable>;
  private readonly q;
  private now: number;
  private seq: number;

  constructor(private readonly o: PaperBrokerOptions) {
    this.symbols = new Set(o.symbols);
    this.book = new SimBook(o.initialCash, o.fill, o.lot);
    this.db = openStore(o.path, o.synchronous);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS orders (client_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS fills (fill_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);`);
    this.meta = metaTable(this.db, "meta");
    this.q = {
      upsert: this.db.prepare(`INSERT INTO orders (client_id, seq, json) VALUES (?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET json = excluded.json`),
      fill: this.db.prepare(`INSERT INTO fills (fill_id, seq, json) VALUES (?, ?, ?)`),
    };
    this.now = this.meta.get<number>("now") ?? -Infinity;
    this.seq = 0;
    this.load();
  }

  private load(): void {
    const cash = this.meta.get<number>("cash");
    if (cash !== undefined) this.book.cash = cash;
    for (const [sym, p] of Object.entries(this.meta.get<Record<string, Position>>("positions") ?? {})) {
      this.book.positions.set(sym, { quantity: p.quantity, averagePrice: p.averagePrice, marketPrice: p.marketPrice });
    }
    const rows = this.db.prepare(`SELECT seq, json FROM orders ORDER BY seq`).all() as Array<{ seq: number; json: string }>;
    for (const r of rows) {
      const order = JSON.parse(r.json, revive) as Order;
      this.orders.set(order.clientOrderId, order);
      this.seqs.set(order.clientOrderId, r.seq);
      if (isOpenStatus(order.status)) this.book.open.push(order);
      this.seq = r.seq + 1;
    }
    for (const r of this.db.prepare(`SELECT json FROM fills ORDER BY seq`).all() as Array<{ json: string }>) this.fills.push(JSON.parse(r.json) as Fill);
  }

  /** Time of the newest bar processed (-Infinity before the first). */
  get lastBarTime(): number {
    return this.now;
  }

  /** Fills the open orders in this bar; a bar at or before the last one processed is ignored. */
  advance(slice: BarSlice): Fill[] {
    if (slice.time <= this.now) return [];
    const { fills, changed } = this.book.fillBar(slice, (order, n) => `${order.clientOrderId}-${slice.time}-${n}`);
    this.now = slice.time;
    this.db.transaction(() => {
      for (const o of changed) this.q.upsert.run(o.clientOrderId, this.seqOf(o), JSON.stringify(o, replace));
      fills.forEach((f, i) => this.q.fill.run(f.fillId, this.fills.length + i, JSON.stringify(f)));
      this.saveBook();
    })();
    this.fills.push(...fills);
    for (const f of fills) for (const l of this.listeners) l(f);
    return fills;
  }

  private seqOf(o: Order): number {
    return this.seqs.get(o.clientOrderId) ?? 0;
  }

  private saveBook(): void {
    this.meta.set("now", this.now);
    this.meta.set("cash", this.book.cash);
    this.meta.set("positions", Object.fromEntries([...this.book.positions].map(([s, p]) => [s, { symbol: s, ...p }])));
  }

  async account(): Promise<Account> {
    return { cash: this.book.cash, equity: this.book.equity(), currency: "USD" };
  }

  async positions(): Promise<Position[]> {
    return [...this.book.positions].map(([symbol, p]) => ({ symbol, ...p })).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  async openOrders(): Promise<Order[]> {
    return this.book.open.map((o) => ({ ...o }));
  }

  async orderByClientId(id: string): Promise<Order | undefined> {
    const o = this.orders.get(id);
    return o === undefined ? undefined : { ...o };
  }

  async submit(r: OrderRequest): Promise<Order> {
    const had = this.orders.get(r.clientOrderId);
    if (had !== undefined) return { ...had };
    const reason = rejectionReason(r, this.symbols, this.o.lot);
    const order: Order = { ...r, brokerOrderId: `paper-${this.seq}`, status: reason === null ? "new" : "rejected", filledQuantity: 0, averagePrice: NaN, submittedAt: this.now, ...(reason === null ? {} : { rejectReason: reason }) };
    this.seqs.set(order.clientOrderId, this.seq);
    this.q.upsert.run(order.clientOrderId, this.seq, JSON.stringify(order, replace));
    this.seq++;
    this.orders.set(order.clientOrderId, order);
    if (reason === null) this.book.open.push(order);
    return { ...order };
  }

  async cancel(id: string): Promise<void> {
    const i = this.book.open.findIndex((o) => o.clientOrderId === id);
    if (i < 0) return;
    const [o] = this.book.open.splice(i, 1);
    o.status = "canceled";
    this.q.upsert.run(o.clientOrderId, this.seqOf(o), JSON.stringify(o, replace));
  }

  async replace(id: string, newId: string, changes: OrderChanges): Promise<Order> {
    const o = this.orders.get(id);
    if (o === undefined || !isOpenStatus(o.status)) throw new FoxmlError(`paper broker: no open order ${id} to replace`, { exitCode: 1 });
    await this.cancel(id);
    const { brokerOrderId: _b, status: _s, filledQuantity, averagePrice: _a, submittedAt: _t, rejectReason: _r, ...request } = o;
    return this.submit({ ...request, ...changes, quantity: (changes.quantity ?? o.quantity) - filledQuantity, clientOrderId: newId });
  }

  async fillsSince(since: number): Promise<Fill[]> {
    // Fills are in time order: the recent ones are at the end.
    let i = this.fills.length;
    while (i > 0 && this.fills[i - 1].time >= since) i--;
    return this.fills.slice(i);
  }

  onFill(listener: FillListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async clock(): Promise<MarketClock> {
    return this.o.sessions === undefined ? { now: this.now, isOpen: true } : clockAt(this.now, this.o.sessions);
  }

  async calendar(from: number, to: number): Promise<TradingSession[]> {
    return (this.o.sessions ?? []).filter((s) => s.open >= from && s.open <= to);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

// NaN average prices survive JSON as null; these keep them numbers.
const replace = (_k: string, v: unknown) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v);
const revive = (_k: string, v: unknown) => (v === "NaN" ? NaN : v);
