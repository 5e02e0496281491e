/**
 * The Alpaca connector: a Broker over Alpaca's trading REST API and trade-updates stream, through
 * the official SDK (@alpacahq/alpaca-trade-api 4).
 *
 * - Idempotent submit: the client order id is ours (deterministic); Alpaca refuses a second order
 *   with it (422 "client_order_id must be unique"), and that refusal returns the order it holds.
 *   So a POST that timed out is simply retried, and a restarted loop resubmits without doubling.
 * - Submission refusals (400 / 403 / 422: buying power, unknown symbol, bad price) come back as a
 *   rejected order with Alpaca's reason, as the Broker contract wants; 401 and the rest throw.
 * - Fills: the stream's fill / partial_fill events go through the FillSequencer, so each reaches
 *   the listeners once and in order; after a reconnect, and whenever an order's executions have a
 *   hole, the FILL account activities are fetched and the missing ones delivered. `fillsSince`
 *   reads the activities (the broker's record) directly.
 *
 * The SDK's typed activity model cannot be used for fills: its one-of parser tries the non-trade
 * shape first, whose type guard always succeeds, so order_id, cum_qty, price and side are
 * dropped. The activities are read raw (`...Raw(...).raw.json()`) instead.
 */
import type { trading } from "@alpacahq/alpaca-trade-api";
import { localToUtc } from "../../../data/synth/timezone.js";
import { FoxmlError } from "../../../util/errors.js";
import type { Rng } from "../../../util/random.js";
import type { LoopLog } from "../../loop/trading-loop.js";
import { isOpenStatus, type Fill, type Order, type OrderRequest, type Side } from "../../orders/types.js";
import type { Account, Broker, FillListener, MarketClock, OrderChanges, Position, TradingSession } from "../types.js";
import type { AlpacaCredentials } from "./credentials.js";
import { resolveEndpoints } from "./endpoints.js";
import { describeError, isDuplicateClientId, maskedLog, statusOf } from "./errors.js";
import { FillSequencer } from "./fill-sequencer.js";
import { executionOfActivity, executionOfUpdate, fillIdOf, rejectedOrder, toAccount, toFill, toOrder, toPosition, toPostOrder, type Execution, type FillActivityJson } from "./mapping.js";
import { AlpacaRest, NOT_ACCEPTED } from "./rest.js";
import type { AlpacaConfig } from "./schema.js";
import { acquireStream, type StreamLease, type TradeStream } from "./trade-stream.js";

export interface AlpacaBrokerOptions {
  cfg: AlpacaConfig;
  creds: AlpacaCredentials;
  log: LoopLog;
  /** Epoch ms; tests may pin it. */
  now?: () => number;
  /** Waits of the REST retries and stream reconnects (tests shorten them). */
  sleep?: (ms: number) => Promise<void>;
  random?: Rng;
}

interface OrderInfo {
  clientOrderId: string;
  symbol: string;
  side: Side;
  submittedAt: number;
}

/** Largest page of GET /v2/orders and of account activities. */
const ORDERS_PAGE = 500;
const ACTIVITIES_PAGE = 100;
const MARKET_TZ = "America/New_York";

export class AlpacaBroker implements Broker {
  readonly name = "alpaca";
  readonly rest: AlpacaRest;
  private lease: StreamLease | undefined;
  private readonly log: LoopLog;
  private readonly now: () => number;
  private readonly sequencer: FillSequencer;
  private readonly listeners = new Set<FillListener>();
  private readonly orderInfo = new Map<string, OrderInfo>();
  private readonly startedAt: number;
  private recoverySince = Infinity;
  private recovering: Promise<void> | undefined;
  private inRecovery = false;
  private readonly streamUrl: string;

  private constructor(private readonly o: AlpacaBrokerOptions) {
    this.log = maskedLog(o.log, o.creds.masker);
    this.now = o.now ?? Date.now;
    this.startedAt = this.now();
    const endpoints = resolveEndpoints(o.cfg);
    this.streamUrl = endpoints.stream;
    this.rest = new AlpacaRest(endpoints, o.creds, o.cfg, this.log, { sleep: o.sleep, random: o.random });
    this.sequencer = new FillSequencer(
      (e) => this.deliver(e),
      (e) => this.onGap(e),
    );
    if (endpoints.live) this.log.warn("alpaca: LIVE trading endpoint (pipeline.trading.alpaca.paper is false): orders use real money", { url: endpoints.trading });
    else this.log.info("alpaca: paper trading endpoint", { url: endpoints.trading });
  }

  /** Checks the key against the account, then opens the trade-updates stream. */
  static async open(o: AlpacaBrokerOptions): Promise<AlpacaBroker> {
    const broker = new AlpacaBroker(o);
    await broker.account();
    broker.lease = await acquireStream(
      { url: broker.streamUrl, creds: o.creds, cfg: o.cfg.stream, log: broker.log, now: broker.now, sleep: o.sleep, random: o.random?.fork("stream") },
      { onUpdate: (u) => broker.onUpdate(u), onReconnected: (downSince) => broker.scheduleRecovery(downSince - o.cfg.stream.recovery_window_ms) },
    );
    return broker;
  }

  /** The trade-updates stream this broker listens to (shared by brokers of the same key). */
  get stream(): TradeStream {
    if (this.lease === undefined) throw new FoxmlError("alpaca: the broker is not open", { exitCode: 1 });
    return this.lease.stream;
  }

  async account(): Promise<Account> {
    return toAccount(await this.rest.call("GET /v2/account", () => this.rest.account.getAccount()));
  }

  async positions(): Promise<Position[]> {
    const rows = await this.rest.call("GET /v2/positions", () => this.rest.positions.getAllOpenPositions());
    return rows.map(toPosition).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  /**
   * GET /v2/orders?status=open, paged by submission time: each next page starts 1 ms before the
   * last order seen (orders submitted in the same millisecond are not skipped), repeats dropped.
   */
  async openOrders(): Promise<Order[]> {
    const out: Order[] = [];
    const seen = new Set<string>();
    let after: Date | undefined;
    for (;;) {
      const page = await this.rest.call("GET /v2/orders", () =>
        this.rest.orders.getAllOrders({ status: "open", limit: ORDERS_PAGE, direction: "asc", ...(after === undefined ? {} : { after: after.toISOString() }) }),
      );
      let added = 0;
      for (const o of page) {
        if (o.id === undefined || seen.has(o.id)) continue;
        seen.add(o.id);
        out.push(this.remember(o));
        added++;
      }
      const last = page[page.length - 1]?.submittedAt;
      if (page.length < ORDERS_PAGE || added === 0 || !(last instanceof Date)) break;
      after = new Date(last.getTime() - 1);
    }
    return out;
  }

  async orderByClientId(clientOrderId: string): Promise<Order | undefined> {
    const o = await this.rest.call(
      "GET /v2/orders:by_client_order_id",
      () => this.rest.orders.getOrderByClientOrderId({ clientOrderId }) as Promise<trading.Order | undefined>,
      (e) => (statusOf(e) === 404 ? undefined : NOT_ACCEPTED),
    );
    return o === undefined ? undefined : this.remember(o);
  }

  async submit(request: OrderRequest): Promise<Order> {
    const o = await this.rest.call(
      "POST /v2/orders",
      () => this.rest.orders.postOrder({ postOrderRequest: toPostOrder(request) }).then((x) => this.remember(x)),
      async (e) => {
        if (isDuplicateClientId(e)) {
          const held = await this.orderByClientId(request.clientOrderId);
          if (held === undefined) throw new FoxmlError(`alpaca: Alpaca says client_order_id ${request.clientOrderId} is taken but returns no order with it`, { exitCode: 1 });
          if (held.symbol !== request.symbol || held.side !== request.side || held.quantity !== request.quantity) {
            this.log.warn("alpaca: client order id already used by a different order; returning the held one", {
              client_order_id: request.clientOrderId,
              held: `${held.side} ${held.quantity} ${held.symbol}`,
              requested: `${request.side} ${request.quantity} ${request.symbol}`,
            });
          } else this.log.info("alpaca: order already held by the broker; returning it (idempotent resubmission)", { client_order_id: request.clientOrderId, status: held.status });
          return held;
        }
        const status = statusOf(e);
        if (status === 400 || status === 403 || status === 422) {
          const reason = describeError(e, this.o.creds.masker);
          this.log.info("alpaca: order refused at submission", { client_order_id: request.clientOrderId, symbol: request.symbol, reason });
          return rejectedOrder(request, reason, this.now());
        }
        return NOT_ACCEPTED;
      },
    );
    return o;
  }

  async cancel(clientOrderId: string): Promise<void> {
    const o = await this.orderByClientId(clientOrderId);
    if (o === undefined || !isOpenStatus(o.status)) return;
    await this.rest.call(
      "DELETE /v2/orders/{id}",
      () => this.rest.orders.deleteOrderByOrderID({ orderId: o.brokerOrderId }),
      (e) => {
        const status = statusOf(e);
        // 422: no longer cancelable (filled or already canceled meanwhile); 404: gone. Either way nothing is left to cancel.
        if (status === 422 || status === 404) {
          this.log.info("alpaca: order not cancelable any more", { client_order_id: clientOrderId, reason: describeError(e, this.o.creds.masker) });
          return undefined;
        }
        return NOT_ACCEPTED;
      },
    );
  }

  /**
   * PATCH /v2/orders/{id}: Alpaca replaces the order by a new one (the old one ends `replaced`,
   * reported as canceled). As with the paper broker, the replacement is for the requested total
   * less what already filled. A retried PATCH finds the replacement by its client id.
   */
  async replace(clientOrderId: string, newClientOrderId: string, changes: OrderChanges): Promise<Order> {
    const o = await this.orderByClientId(clientOrderId);
    if (o === undefined || !isOpenStatus(o.status)) throw new FoxmlError(`alpaca: no open order ${clientOrderId} to replace`, { exitCode: 1 });
    const qty = (changes.quantity ?? o.quantity) - o.filledQuantity;
    if (!(qty > 0)) throw new FoxmlError(`alpaca: replacing ${clientOrderId} would leave no quantity (requested ${changes.quantity ?? o.quantity}, filled ${o.filledQuantity})`, { exitCode: 1 });
    const patch: trading.PatchOrderRequest = {
      qty: String(qty),
      clientOrderId: newClientOrderId,
      ...(changes.limitPrice !== undefined ? { limitPrice: String(changes.limitPrice) } : {}),
      ...(changes.stopPrice !== undefined ? { stopPrice: String(changes.stopPrice) } : {}),
    };
    return this.rest.call(
      "PATCH /v2/orders/{id}",
      () => this.rest.orders.patchOrderByOrderId({ orderId: o.brokerOrderId, patchOrderRequest: patch }).then((x) => this.remember(x)),
      async (e) => {
        if (statusOf(e) !== 422) return NOT_ACCEPTED;
        // A 422 after a PATCH that did go through: the replacement exists under the new id.
        const done = await this.orderByClientId(newClientOrderId);
        return done !== undefined && done.brokerOrderId !== o.brokerOrderId ? done : NOT_ACCEPTED;
      },
    );
  }

  async fillsSince(since: number): Promise<Fill[]> {
    const fills: Fill[] = [];
    const seen = new Set<string>();
    for (const e of await this.executionsSince(since)) {
      const id = fillIdOf(e.orderId, e.cumQty);
      if (e.time < since || seen.has(id)) continue;
      seen.add(id);
      fills.push(toFill(e, e.clientOrderId ?? ""));
    }
    return fills.sort((a, b) => a.time - b.time);
  }

  onFill(listener: FillListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async clock(): Promise<MarketClock> {
    const c = await this.rest.call("GET /v2/clock", () => this.rest.clock.legacyClock());
    return { now: c.timestamp.getTime(), isOpen: c.isOpen, nextOpen: c.nextOpen.getTime(), nextClose: c.nextClose.getTime() };
  }

  async calendar(from: number, to: number): Promise<TradingSession[]> {
    const DAY = 86_400_000;
    const days = await this.rest.call("GET /v2/calendar", () => this.rest.calendar.legacyCalendar({ start: new Date(from - DAY), end: new Date(to + DAY) }));
    const out: TradingSession[] = [];
    for (const d of days) {
      const date = d.date.toISOString().slice(0, 10);
      const [y, m, day] = date.split("-").map(Number);
      const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(-2));
      const open = localToUtc(MARKET_TZ, y, m, day, minutes(d.open));
      const close = localToUtc(MARKET_TZ, y, m, day, minutes(d.close));
      if (open >= from && open <= to) out.push({ date, open, close });
    }
    return out.sort((a, b) => a.open - b.open);
  }

  /** Waits until no fill recovery or stream reconnect is in progress (tests). */
  async idle(): Promise<void> {
    for (;;) {
      await this.lease?.stream.settled();
      if (this.recovering === undefined) return;
      await this.recovering;
    }
  }

  async close(): Promise<void> {
    this.lease?.release();
    this.lease = undefined;
    await this.recovering;
  }

  // --- fills -------------------------------------------------------------------------------

  private remember(o: trading.Order): Order {
    const order = toOrder(o);
    if (order.brokerOrderId !== "") this.orderInfo.set(order.brokerOrderId, { clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, submittedAt: order.submittedAt });
    return order;
  }

  private onUpdate(u: Parameters<typeof executionOfUpdate>[0]): void {
    this.remember(u.order);
    const e = executionOfUpdate(u, this.now());
    if (e !== undefined) this.sequencer.accept(e);
  }

  private deliver(e: Execution): void {
    const fill = toFill(e, e.clientOrderId ?? this.orderInfo.get(e.orderId)?.clientOrderId ?? "");
    for (const l of this.listeners) {
      try {
        l(fill);
      } catch (error) {
        this.log.warn("alpaca: a fill listener threw", { fill_id: fill.fillId, error: describeError(error, this.o.creds.masker) });
      }
    }
  }

  private onGap(e: Execution): void {
    // A hole found while recovering stays a hole: asking again would loop on the same answer.
    if (this.inRecovery) return;
    const submitted = this.orderInfo.get(e.orderId)?.submittedAt;
    this.scheduleRecovery(Number.isFinite(submitted) ? (submitted as number) : this.startedAt - this.o.cfg.stream.recovery_window_ms);
  }

  /** Fetches executions since `since` into the sequencer; requests arriving meanwhile are merged into one more pass. */
  private scheduleRecovery(since: number): void {
    this.recoverySince = Math.min(this.recoverySince, since);
    if (this.recovering !== undefined) return;
    this.recovering = (async () => {
      while (this.recoverySince < Infinity) {
        const from = this.recoverySince;
        this.recoverySince = Infinity;
        try {
          const executions = await this.executionsSince(from);
          this.inRecovery = true;
          try {
            for (const e of executions) this.sequencer.accept(e);
          } finally {
            this.inRecovery = false;
          }
          const held = this.sequencer.heldCount();
          this.log.info("alpaca: fills recovered from account activities", { since: new Date(from).toISOString(), executions: executions.length, still_missing: held });
        } catch (error) {
          this.log.warn("alpaca: fill recovery from account activities failed; fills stay available through fillsSince", { error: describeError(error, this.o.creds.masker) });
        }
      }
    })().finally(() => {
      this.recovering = undefined;
    });
  }

  /** FILL activities at or after `since`, oldest first, with their client order ids. */
  private async executionsSince(since: number): Promise<Execution[]> {
    const out: Execution[] = [];
    const tokens = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const page = await this.rest.call("GET /v2/account/activities/FILL", async () => {
        const res = await this.rest.activities.getAccountActivitiesByActivityTypeRaw({
          activityType: "FILL",
          // `after` is exclusive; a fill at exactly `since` belongs to the answer. No bound = all.
          ...(since > 0 ? { after: new Date(since - 1) } : {}),
          direction: "asc",
          pageSize: ACTIVITIES_PAGE,
          ...(pageToken === undefined ? {} : { pageToken }),
        });
        return (await res.raw.json()) as FillActivityJson[];
      });
      for (const a of page) if (a.order_id !== undefined && a.cum_qty !== undefined) out.push(executionOfActivity(a));
      const last = page[page.length - 1]?.id;
      if (page.length < ACTIVITIES_PAGE || last === undefined || tokens.has(last)) break;
      tokens.add(last);
      pageToken = last;
    }
    for (const e of out) e.clientOrderId = await this.clientIdOf(e.orderId);
    return out.sort((a, b) => a.time - b.time || (a.orderId === b.orderId ? a.cumQty - b.cumQty : 0));
  }

  private async clientIdOf(orderId: string): Promise<string> {
    const known = this.orderInfo.get(orderId);
    if (known !== undefined) return known.clientOrderId;
    const o = await this.rest.call("GET /v2/orders/{id}", () => this.rest.orders.getOrderByOrderID({ orderId }));
    return this.remember(o).clientOrderId;
  }
}
