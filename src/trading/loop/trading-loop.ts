/**
 * The trading loop: one call per new bar, the same for a replay and a live broker.
 *
 *   fills since last time -> journal;  equity -> risk monitor (daily loss, drawdown kill switch);
 *   halted: cancel, flatten;  rebalance bar: decide -> guardrails -> journal (pending) -> submit
 *   -> journal (submitted);  the bar is marked done in the journal.
 *
 * Restart safety: `start()` reconciles first (journal rows still `pending` are looked up at the
 * broker by client id, and submitted only if the broker never got them; positions and open orders
 * are compared with what the journal implies and differences logged). A bar the journal marks
 * done is never decided again; a bar the process died in is decided again, and since client ids
 * are deterministic and orders are measured from held + open, what was already sent is not sent twice.
 */
import type { Panel } from "../../data/types.js";
import type { Broker } from "../broker/types.js";
import { clientOrderId } from "../orders/client-id.js";
import type { Journal } from "../orders/journal.js";
import { flattenRows, pendingBySymbol, signedQuantity, type OrderIntent, type OrderRequest } from "../orders/types.js";
import { lastCloses } from "../fills/quote.js";
import { checkOrder, type RiskView } from "../risk/guardrails.js";
import { readRisk, type RiskState } from "../risk/monitor.js";
import type { TradingConfig } from "../schema.js";
import { isRebalanceBar, type Decider } from "../strategy/decide.js";
import type { OrderIntentRow } from "../strategy/sizing.js";

export interface LoopLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoopOptions {
  broker: Broker;
  journal: Journal;
  decider: Decider;
  cfg: TradingConfig;
  modelId: string;
  /** Rebalance schedule: first bar and step. */
  start: number;
  step: number;
  log: LoopLog;
}

export interface BarOutcome {
  submitted: number;
  blocked: number;
  rejected: number;
  halted: boolean;
  equity: number;
  /** Milliseconds from the call to the last submission (the decision latency). */
  latencyMs: number;
}

const MINUTE = 60_000;

export class TradingLoop {
  constructor(private readonly o: LoopOptions) {}

  /** Bar index of the last bar decided (-1 before the first). */
  lastDone(): number {
    return this.o.journal.meta.get<number>("last_bar") ?? -1;
  }

  /** Reconciles the journal with the broker (after a start or a reconnect). */
  async start(): Promise<void> {
    const { broker, journal, log } = this.o;
    for (const p of journal.pending()) {
      const held = await broker.orderByClientId(p.clientOrderId);
      if (held !== undefined) {
        journal.markSubmitted(p.clientOrderId, held);
        log.info("reconciled: order found at the broker", { client_order_id: p.clientOrderId, status: held.status });
      } else {
        const { barTime: _b, intent: _i, state: _s, brokerStatus: _bs, createdAt: _c, reason: _r, ...request } = p;
        const order = await broker.submit(request);
        journal.markSubmitted(p.clientOrderId, order);
        log.warn("reconciled: order journaled but never submitted; submitted now", { client_order_id: p.clientOrderId, symbol: p.symbol, status: order.status });
      }
    }
    await this.recordFills();
    const fromJournal = new Map<string, number>();
    for (const f of journal.fills()) fromJournal.set(f.symbol, (fromJournal.get(f.symbol) ?? 0) + signedQuantity(f.side, f.quantity));
    const atBroker = new Map((await broker.positions()).map((p) => [p.symbol, p.quantity]));
    for (const s of new Set([...fromJournal.keys(), ...atBroker.keys()])) {
      const a = fromJournal.get(s) ?? 0;
      const b = atBroker.get(s) ?? 0;
      if (a !== b) log.warn("reconcile: position differs from the journal's fills", { symbol: s, journal: a, broker: b });
    }
  }

  private async recordFills(): Promise<number> {
    const { broker, journal } = this.o;
    let n = 0;
    const since = journal.lastFillTime();
    for (const f of await broker.fillsSince(Number.isFinite(since) ? since : 0)) if (journal.recordFill(f)) n++;
    return n;
  }

  /** Decides bar t of `panel` given the centred predictions of that bar (S values). */
  async onBar(panel: Panel, t: number, signal: () => ArrayLike<number>): Promise<BarOutcome> {
    const t0 = performance.now();
    const { broker, journal, cfg, log } = this.o;
    const out: BarOutcome = { submitted: 0, blocked: 0, rejected: 0, halted: false, equity: NaN, latencyMs: 0 };
    if (t <= this.lastDone()) return out;
    await this.recordFills();
    const clock = await broker.clock();
    const barTime = panel.times[t];
    const account = await broker.account();
    out.equity = account.equity;
    journal.recordEquity(barTime, account.equity);
    const rebase = journal.meta.get<boolean>("rebase_peak") === true;
    const reading = readRisk(journal.meta.get<RiskState>("risk"), account.equity, clock.now, cfg.risk, rebase);
    journal.meta.set("risk", reading.state);
    if (rebase) journal.meta.delete("rebase_peak");
    if (reading.kill !== null && !journal.halt().halted) {
      journal.setHalt(reading.kill, clock.now);
      log.warn("kill switch: halted, cancelling and flattening", { reason: reading.kill, equity: account.equity });
    }
    const positions = new Map((await broker.positions()).map((p) => [p.symbol, p.quantity]));
    const open = await broker.openOrders();
    const halted = journal.halt().halted;
    out.halted = halted;

    let rows: Array<OrderIntentRow & { intent: OrderIntent }> = [];
    if (halted) {
      for (const o of open) await broker.cancel(o.clientOrderId);
      open.length = 0;
      rows = flattenRows(positions);
    } else if (isRebalanceBar(t, this.o.start, this.o.step)) {
      const pendingBy = pendingBySymbol(open);
      const decided = this.o.decider.decide(panel, t, signal(), { equity: account.equity, held: (s) => positions.get(s) ?? 0, pending: (s) => pendingBy.get(s) ?? 0 });
      rows = decided.map((r) => ({ ...r, intent: "rebalance" as const }));
    }

    const pending = pendingBySymbol(open);
    const lastClose = lastCloses(panel, t);
    for (const r of rows) {
      const id = clientOrderId(this.o.modelId, barTime, r.symbol, r.intent);
      if (journal.get(id) !== undefined) continue; // decided and sent before a restart
      const view: RiskView = {
        now: clock.now,
        equity: account.equity,
        positions,
        pending,
        lastClose,
        ordersLastMinute: journal.ordersWithin(clock.now, MINUTE),
        dailyLossHit: reading.dailyLossHit,
        halted,
      };
      const verdict = checkOrder({ ...r, referencePrice: lastClose.get(r.symbol) ?? NaN }, view, cfg.risk);
      if (!verdict.ok) {
        journal.block({ barTime, symbol: r.symbol, side: r.side, quantity: r.quantity, rule: verdict.rule, reason: verdict.reason });
        // Info, not warn: a binding limit blocks on every rebalance; the summary counts them by rule.
        log.info("order blocked by a guardrail", { symbol: r.symbol, side: r.side, quantity: r.quantity, rule: verdict.rule, reason: verdict.reason });
        out.blocked++;
        continue;
      }
      const request: OrderRequest = { clientOrderId: id, symbol: r.symbol, side: r.side, quantity: r.quantity, type: "market", timeInForce: "day" };
      journal.insert({ ...request, barTime, intent: r.intent, createdAt: clock.now });
      const order = await broker.submit(request);
      journal.markSubmitted(id, order);
      if (order.status === "rejected") {
        out.rejected++;
        log.warn("order rejected by the broker", { client_order_id: id, symbol: r.symbol, reason: order.rejectReason });
        continue;
      }
      pending.set(r.symbol, (pending.get(r.symbol) ?? 0) + signedQuantity(r.side, r.quantity));
      out.submitted++;
    }
    journal.meta.set("last_bar", t);
    out.latencyMs = performance.now() - t0;
    return out;
  }
}
