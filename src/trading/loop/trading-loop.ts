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
import { checkOrder, type RiskView, type Verdict } from "../risk/guardrails.js";
import { DEFAULT_BACKOFF } from "../broker/backoff.js";
import { errorText, submitOnce, type SubmitOutcome, type SubmitRetry } from "./submit.js";
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
  /** Retries of a failed submission; default: DEFAULT_BACKOFF with real waits. */
  retry?: SubmitRetry;
}

export interface BarOutcome {
  submitted: number;
  blocked: number;
  /** Blocked orders by guardrail rule. */
  blockedBy: Record<string, number>;
  /** Refused (an error) or rejected (a rejected order) by the broker. */
  rejected: number;
  /** Submissions whose outcome is unknown (the broker unreachable); resolved at the next bar. */
  unknown: number;
  /** New fills recorded. */
  fills: number;
  halted: boolean;
  equity: number;
  /** Milliseconds from the call to the last submission (the decision latency). */
  latencyMs: number;
}

const MINUTE = 60_000;

export class TradingLoop {
  private readonly retry: SubmitRetry;

  constructor(private readonly o: LoopOptions) {
    this.retry = o.retry ?? {
      backoff: DEFAULT_BACKOFF,
      onRetry: (error, attempt, delayMs) => o.log.warn("broker call failed; retrying", { attempt: attempt + 1, delay_ms: delayMs, error: errorText(error) }),
    };
  }

  /** Sets the rebalance schedule (a live loop learns its first bar with a prediction as it runs). */
  schedule(start: number, step: number): void {
    this.o.start = start;
    this.o.step = step;
  }

  /** Bar index of the last bar decided (-1 before the first). */
  lastDone(): number {
    return this.o.journal.meta.get<number>("last_bar") ?? -1;
  }

  /** Reconciles the journal with the broker (after a start or a reconnect). */
  async start(): Promise<void> {
    const { broker, journal, log } = this.o;
    const lastDoneTime = journal.meta.get<number>("last_bar_time") ?? -Infinity;
    for (const p of journal.pending()) {
      const held = await broker.orderByClientId(p.clientOrderId);
      if (held !== undefined) {
        journal.markSubmitted(p.clientOrderId, held);
        log.info("reconciled: order found at the broker", { client_order_id: p.clientOrderId, status: held.status });
      } else if (p.barTime <= lastDoneTime) {
        // A bar already finished: its decision is stale, and the next one is measured without it.
        journal.markFailed(p.clientOrderId, "not at the broker after a failed submission");
        log.warn("reconciled: order of a finished bar never reached the broker; dropped", { client_order_id: p.clientOrderId, symbol: p.symbol });
      } else {
        const { barTime: _b, intent: _i, state: _s, brokerStatus: _bs, createdAt: _c, reason: _r, ...request } = p;
        const r = await submitOnce(broker, request, this.retry);
        this.journalOutcome(p.clientOrderId, r);
        log.warn("reconciled: order journaled but never submitted; submitted now", { client_order_id: p.clientOrderId, symbol: p.symbol, outcome: r.kind });
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

  /** Marks bar `index` (at `time`) decided without deciding it: a stale bar, a closed market, no prediction. */
  skip(index: number, time: number): void {
    this.o.journal.transaction(() => {
      this.o.journal.meta.set("last_bar", index);
      this.o.journal.meta.set("last_bar_time", time);
    });
  }

  /** Pending rows of earlier bars (a submission whose outcome was unknown): found at the broker, or failed. */
  private async resolvePending(barTime: number): Promise<void> {
    const { broker, journal, log } = this.o;
    for (const p of journal.pending()) {
      if (p.barTime >= barTime) continue;
      const held = await broker.orderByClientId(p.clientOrderId);
      if (held !== undefined) journal.markSubmitted(p.clientOrderId, held);
      else journal.markFailed(p.clientOrderId, "not at the broker after a failed submission");
      log.info("resolved an order whose submission had failed", { client_order_id: p.clientOrderId, at_broker: held !== undefined });
    }
  }

  private journalOutcome(id: string, r: SubmitOutcome): void {
    if (r.kind === "placed") this.o.journal.markSubmitted(id, r.order);
    else if (r.kind === "refused") this.o.journal.markFailed(id, r.reason);
    // unknown: stays pending until the broker is asked again.
  }

  private async recordFills(): Promise<number> {
    const { broker, journal } = this.o;
    let n = 0;
    const since = journal.lastFillTime();
    for (const f of await broker.fillsSince(Number.isFinite(since) ? since : 0)) if (journal.recordFill(f)) n++;
    return n;
  }

  /**
   * A halt seen between bars (`foxml trade halt` from another process): cancel every open order
   * and flatten now, at bar t of `panel` (the newest bar), instead of waiting for the next bar.
   */
  async haltNow(panel: Panel, t: number): Promise<BarOutcome> {
    const t0 = performance.now();
    const { broker } = this.o;
    const out = emptyOutcome();
    out.halted = true;
    out.fills = await this.recordFills();
    const clock = await broker.clock();
    const account = await broker.account();
    out.equity = account.equity;
    const open = await broker.openOrders();
    for (const o of open) await broker.cancel(o.clientOrderId);
    const positions = new Map((await broker.positions()).map((p) => [p.symbol, p.quantity]));
    await this.send(panel, t, flattenRows(positions), { now: clock.now, equity: account.equity, positions, pending: new Map(), dailyLossHit: false, halted: true }, out);
    out.latencyMs = performance.now() - t0;
    return out;
  }

  /**
   * Decides bar t of `panel` given the centred predictions of that bar (S values). `index` is the
   * bar's number in the loop's schedule: t itself for a replay, an absolute count for a live loop
   * whose panel is a rolling window of the latest bars.
   */
  async onBar(panel: Panel, t: number, signal: () => ArrayLike<number>, index = t): Promise<BarOutcome> {
    const t0 = performance.now();
    const { broker, journal, cfg, log } = this.o;
    const out = emptyOutcome();
    if (index <= this.lastDone()) return out;
    const barTime = panel.times[t];
    await this.resolvePending(barTime);
    out.fills = await this.recordFills();
    const clock = await broker.clock();
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
    } else if (isRebalanceBar(index, this.o.start, this.o.step)) {
      const pendingBy = pendingBySymbol(open);
      const decided = this.o.decider.decide(panel, t, signal(), { equity: account.equity, held: (s) => positions.get(s) ?? 0, pending: (s) => pendingBy.get(s) ?? 0 });
      rows = decided.map((r) => ({ ...r, intent: "rebalance" as const }));
    }

    await this.send(panel, t, rows, { now: clock.now, equity: account.equity, positions, pending: pendingBySymbol(open), dailyLossHit: reading.dailyLossHit, halted }, out);
    this.skip(index, barTime);
    out.latencyMs = performance.now() - t0;
    return out;
  }

  /**
   * Checks each row against the guardrails, journals it, submits it. Once a submission's outcome
   * is unknown (the broker unreachable), the rest of the bar's orders are held back: the book the
   * guardrails judge would no longer be known.
   */
  private async send(panel: Panel, t: number, rows: ReadonlyArray<OrderIntentRow & { intent: OrderIntent }>, book: Omit<RiskView, "lastClose" | "ordersLastMinute" | "pending"> & { pending: Map<string, number> }, out: BarOutcome): Promise<void> {
    const { broker, journal, cfg, log } = this.o;
    const barTime = panel.times[t];
    const pending = book.pending;
    const lastClose = lastCloses(panel, t);
    let unreachable = false;
    for (const r of rows) {
      const id = clientOrderId(this.o.modelId, barTime, r.symbol, r.intent);
      if (journal.get(id) !== undefined) continue; // decided and sent before a restart
      const view: RiskView = { ...book, pending, lastClose, ordersLastMinute: journal.ordersWithin(book.now, MINUTE) };
      const verdict: Verdict = unreachable
        ? { ok: false, rule: "broker_unreachable", reason: "an earlier submission of this bar has an unknown outcome; nothing more is sent until the broker answers" }
        : checkOrder({ ...r, referencePrice: lastClose.get(r.symbol) ?? NaN }, view, cfg.risk);
      if (!verdict.ok) {
        journal.block({ barTime, symbol: r.symbol, side: r.side, quantity: r.quantity, rule: verdict.rule, reason: verdict.reason });
        // Info, not warn: a binding limit blocks on every rebalance; the summary counts them by rule.
        log.info("order blocked by a guardrail", { symbol: r.symbol, side: r.side, quantity: r.quantity, rule: verdict.rule, reason: verdict.reason });
        out.blocked++;
        out.blockedBy[verdict.rule] = (out.blockedBy[verdict.rule] ?? 0) + 1;
        continue;
      }
      const request: OrderRequest = { clientOrderId: id, symbol: r.symbol, side: r.side, quantity: r.quantity, type: "market", timeInForce: "day" };
      journal.insert({ ...request, barTime, intent: r.intent, createdAt: book.now });
      const result = await submitOnce(broker, request, this.retry);
      this.journalOutcome(id, result);
      if (result.kind === "refused") {
        out.rejected++;
        log.warn("order refused by the broker", { client_order_id: id, symbol: r.symbol, reason: result.reason });
        continue;
      }
      if (result.kind === "unknown") {
        out.unknown++;
        unreachable = true;
        log.warn("order submission failed; its outcome is asked of the broker at the next bar", { client_order_id: id, symbol: r.symbol, reason: result.reason });
        // Counted as on its way: it may be at the broker.
        pending.set(r.symbol, (pending.get(r.symbol) ?? 0) + signedQuantity(r.side, r.quantity));
        continue;
      }
      if (result.order.status === "rejected") {
        out.rejected++;
        log.warn("order rejected by the broker", { client_order_id: id, symbol: r.symbol, reason: result.order.rejectReason });
        continue;
      }
      pending.set(r.symbol, (pending.get(r.symbol) ?? 0) + signedQuantity(r.side, r.quantity));
      out.submitted++;
    }
  }
}

function emptyOutcome(): BarOutcome {
  return { submitted: 0, blocked: 0, blockedBy: {}, rejected: 0, unknown: 0, fills: 0, halted: false, equity: NaN, latencyMs: 0 };
}
