/**
 * The order journal: our own record of every decision, written before the broker hears of it.
 *
 * An order is inserted as `pending` before submission and marked `submitted` (with the broker's
 * status) after; a process killed in between leaves a `pending` row, which recovery resolves by
 * asking the broker for that client id (and submitting it if the broker never got it: the id is
 * the same, so this cannot double it). Fills are keyed by the broker's execution id, so a fill
 * seen twice (event and query, or after a reconnect) is recorded once. Blocked orders are kept
 * with the guardrail that blocked them. The loop's durable state (last bar decided, equity peak,
 * day start, halt) lives in `meta`, which `foxml trade status|halt|resume` read and write from
 * another process.
 */
import type { SqliteDb } from "../store.js";
import { metaTable, openStore } from "../store.js";
import { InputError } from "../../util/errors.js";
import type { Fill, Order, OrderIntent, OrderRequest } from "./types.js";

/** failed: the broker never got it (refused with an error, or not found there after a failed submission). */
export type JournalState = "pending" | "submitted" | "rejected" | "failed";

export interface JournalOrder extends OrderRequest {
  barTime: number;
  intent: OrderIntent;
  state: JournalState;
  brokerStatus: string | null;
  createdAt: number;
  reason: string | null;
}

export interface BlockedOrder {
  barTime: number;
  symbol: string;
  side: string;
  quantity: number;
  rule: string;
  reason: string;
}

export interface HaltState {
  halted: boolean;
  reason: string | null;
  since: number | null;
}

export class Journal {
  readonly meta: ReturnType<typeof metaTable>;
  private readonly q;

  private constructor(readonly db: SqliteDb, readonly path: string) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS orders (
        client_id TEXT PRIMARY KEY, bar_time REAL NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, type TEXT NOT NULL, tif TEXT NOT NULL, limit_price REAL, stop_price REAL,
        intent TEXT NOT NULL, state TEXT NOT NULL, broker_status TEXT, created_at REAL NOT NULL, reason TEXT);
      CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at);
      CREATE TABLE IF NOT EXISTS fills (
        fill_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, price REAL NOT NULL, commission REAL NOT NULL, time REAL NOT NULL);
      CREATE INDEX IF NOT EXISTS fills_time ON fills (time);
      CREATE TABLE IF NOT EXISTS blocked (
        id INTEGER PRIMARY KEY AUTOINCREMENT, bar_time REAL NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, rule TEXT NOT NULL, reason TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS equity (time REAL PRIMARY KEY, equity REAL NOT NULL);`);
    this.meta = metaTable(db, "meta");
    this.q = {
      insert: db.prepare(
        `INSERT INTO orders (client_id, bar_time, symbol, side, quantity, type, tif, limit_price, stop_price, intent, state, broker_status, created_at, reason)
         VALUES (@clientOrderId, @barTime, @symbol, @side, @quantity, @type, @timeInForce, @limitPrice, @stopPrice, @intent, 'pending', NULL, @createdAt, NULL)`,
      ),
      mark: db.prepare(`UPDATE orders SET state = ?, broker_status = ?, reason = ? WHERE client_id = ?`),
      get: db.prepare(`SELECT * FROM orders WHERE client_id = ?`),
      pending: db.prepare(`SELECT * FROM orders WHERE state = 'pending' ORDER BY rowid`),
      all: db.prepare(`SELECT * FROM orders ORDER BY rowid`),
      since: db.prepare(`SELECT COUNT(*) AS n FROM orders WHERE created_at > ? AND created_at <= ? AND state != 'rejected'`),
      fill: db.prepare(
        `INSERT OR IGNORE INTO fills (fill_id, client_id, symbol, side, quantity, price, commission, time)
         VALUES (@fillId, @clientOrderId, @symbol, @side, @quantity, @price, @commission, @time)`,
      ),
      fills: db.prepare(`SELECT * FROM fills ORDER BY rowid`),
      lastFill: db.prepare(`SELECT MAX(time) AS t FROM fills`),
      block: db.prepare(`INSERT INTO blocked (bar_time, symbol, side, quantity, rule, reason) VALUES (@barTime, @symbol, @side, @quantity, @rule, @reason)`),
      blocked: db.prepare(`SELECT * FROM blocked ORDER BY id`),
      equity: db.prepare(`INSERT INTO equity (time, equity) VALUES (?, ?) ON CONFLICT(time) DO UPDATE SET equity = excluded.equity`),
      equitySeries: db.prepare(`SELECT time, equity FROM equity ORDER BY time`),
      blockedByRule: db.prepare(`SELECT rule, COUNT(*) AS n FROM blocked GROUP BY rule ORDER BY rule`),
    };
  }

  static open(path: string, synchronous: "normal" | "full" = "normal"): Journal {
    return new Journal(openStore(path, synchronous), path);
  }

  /**
   * Binds the journal to one trading setup (model, data, configuration): a journal written for
   * another one is refused rather than mixed into.
   */
  bind(fingerprint: string, what: string): void {
    const had = this.meta.get<string>("fingerprint");
    if (had === undefined) this.meta.set("fingerprint", fingerprint);
    else if (had !== fingerprint) {
      throw new InputError(`${this.path} is the journal of another trading setup (${what} differ)`, "use another --out / --state folder, or delete that journal to start afresh");
    }
  }

  /** Records the order before submission. */
  insert(o: OrderRequest & { barTime: number; intent: OrderIntent; createdAt: number }): void {
    this.q.insert.run({ limitPrice: null, stopPrice: null, ...o });
  }

  markSubmitted(clientOrderId: string, order: Order): void {
    this.q.mark.run(order.status === "rejected" ? "rejected" : "submitted", order.status, order.rejectReason ?? null, clientOrderId);
  }

  /** The order never reached the broker (it refused the request, or does not hold the id after a failed submission). */
  markFailed(clientOrderId: string, reason: string): void {
    this.q.mark.run("failed", null, reason, clientOrderId);
  }

  get(clientOrderId: string): JournalOrder | undefined {
    const r = this.q.get.get(clientOrderId) as Row | undefined;
    return r === undefined ? undefined : rowOrder(r);
  }

  pending(): JournalOrder[] {
    return (this.q.pending.all() as Row[]).map(rowOrder);
  }

  orders(): JournalOrder[] {
    return (this.q.all.all() as Row[]).map(rowOrder);
  }

  /** Orders created in (now - windowMs, now], not counting broker rejects. */
  ordersWithin(now: number, windowMs: number): number {
    return (this.q.since.get(now - windowMs, now) as { n: number }).n;
  }

  /** Records a fill; true when it was new. */
  recordFill(f: Fill): boolean {
    return this.q.fill.run(f).changes > 0;
  }

  fills(): Fill[] {
    return (this.q.fills.all() as Array<Record<string, unknown>>).map((r) => ({
      fillId: r.fill_id as string,
      clientOrderId: r.client_id as string,
      symbol: r.symbol as string,
      side: r.side as Fill["side"],
      quantity: r.quantity as number,
      price: r.price as number,
      commission: r.commission as number,
      time: r.time as number,
    }));
  }

  /** Time of the newest recorded fill, or -Infinity. */
  lastFillTime(): number {
    const t = (this.q.lastFill.get() as { t: number | null }).t;
    return t === null ? -Infinity : t;
  }

  block(b: BlockedOrder): void {
    this.q.block.run(b);
  }

  blocked(): BlockedOrder[] {
    return (this.q.blocked.all() as Array<Record<string, unknown>>).map((r) => ({ barTime: r.bar_time as number, symbol: r.symbol as string, side: r.side as string, quantity: r.quantity as number, rule: r.rule as string, reason: r.reason as string }));
  }

  blockedByRule(): Record<string, number> {
    return Object.fromEntries((this.q.blockedByRule.all() as Array<{ rule: string; n: number }>).map((r) => [r.rule, r.n]));
  }

  /** Equity at the close of a bar (before its decision). */
  recordEquity(time: number, equity: number): void {
    this.q.equity.run(time, equity);
  }

  equitySeries(): Array<{ time: number; equity: number }> {
    return this.q.equitySeries.all() as Array<{ time: number; equity: number }>;
  }

  halt(): HaltState {
    return this.meta.get<HaltState>("halt") ?? { halted: false, reason: null, since: null };
  }

  setHalt(reason: string, since: number): void {
    this.meta.set("halt", { halted: true, reason, since } satisfies HaltState);
  }

  /** Clears a halt; the loop re-bases its drawdown peak at the equity it next sees. */
  clearHalt(): void {
    this.meta.set("halt", { halted: false, reason: null, since: null } satisfies HaltState);
    this.meta.set("rebase_peak", true);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

interface Row {
  client_id: string;
  bar_time: number;
  symbol: string;
  side: string;
  quantity: number;
  type: string;
  tif: string;
  limit_price: number | null;
  stop_price: number | null;
  intent: string;
  state: string;
  broker_status: string | null;
  created_at: number;
  reason: string | null;
}

function rowOrder(r: Row): JournalOrder {
  return {
    clientOrderId: r.client_id,
    barTime: r.bar_time,
    symbol: r.symbol,
    side: r.side as JournalOrder["side"],
    quantity: r.quantity,
    type: r.type as JournalOrder["type"],
    timeInForce: r.tif as JournalOrder["timeInForce"],
    ...(r.limit_price === null ? {} : { limitPrice: r.limit_price }),
    ...(r.stop_price === null ? {} : { stopPrice: r.stop_price }),
    intent: r.intent as OrderIntent,
    state: r.state as JournalState,
    brokerStatus: r.broker_status,
    createdAt: r.created_at,
    reason: r.reason,
  };
}
