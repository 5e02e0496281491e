/**
 * The fake Alpaca's account: orders, positions, cash and FILL activities, shaped as Alpaca's REST
 * API returns them (snake_case, amounts as decimal strings). It validates orders the way Alpaca
 * does (unknown symbol, quantity, prices, buying power, a client_order_id already used) and tells
 * its listener every trade update (new, partial_fill, fill, canceled, replaced, rejected).
 */

export type Json = Record<string, unknown>;

export interface BookOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  side: "buy" | "sell";
  type: string;
  time_in_force: string;
  qty: number;
  filled_qty: number;
  filled_avg_price: number | null;
  limit_price: number | null;
  stop_price: number | null;
  status: string;
  created_at: string;
  submitted_at: string;
  updated_at: string;
  filled_at: string | null;
  canceled_at: string | null;
  replaced_at: string | null;
  replaced_by: string | null;
  replaces: string | null;
}

export interface FillActivity {
  id: string;
  activity_type: "FILL";
  transaction_time: string;
  type: "fill" | "partial_fill";
  price: string;
  qty: string;
  side: string;
  symbol: string;
  leaves_qty: string;
  order_id: string;
  cum_qty: string;
  order_status: string;
}

export interface TradeUpdateData {
  event: string;
  order: Json;
  timestamp: string;
  execution_id?: string;
  price?: string;
  qty?: string;
  position_qty?: string;
}

export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const OPEN = new Set(["new", "partially_filled", "accepted", "pending_new"]);
const uuid = (prefix: number, n: number) => `${prefix.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const dec = (v: number | null) => (v === null ? null : String(v));

export class FakeBook {
  cash: number;
  readonly orders: BookOrder[] = [];
  readonly positions = new Map<string, { qty: number; avg: number }>();
  readonly activities: FillActivity[] = [];
  /** Last trade price by symbol: market orders fill at it (when `autoFill`), positions are marked at it. */
  readonly prices = new Map<string, number>();
  readonly symbols: Set<string>;
  /** Market orders fill in full at the symbol's price right after they are accepted. */
  autoFill = true;
  /** The next submission is refused over HTTP (`http`) or accepted then rejected on the stream (`async`). */
  rejectNext: { reason: string; mode: "http" | "async" } | null = null;
  private seq = 0;
  private execSeq = 0;

  constructor(
    symbols: readonly string[],
    cash: number,
    private readonly emit: (u: TradeUpdateData) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.symbols = new Set(symbols);
    this.cash = cash;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  orderJson(o: BookOrder): Json {
    return {
      id: o.id,
      client_order_id: o.client_order_id,
      created_at: o.created_at,
      updated_at: o.updated_at,
      submitted_at: o.submitted_at,
      filled_at: o.filled_at,
      expired_at: null,
      canceled_at: o.canceled_at,
      failed_at: null,
      replaced_at: o.replaced_at,
      replaced_by: o.replaced_by,
      replaces: o.replaces,
      asset_id: uuid(0xa55e7, [...this.symbols].indexOf(o.symbol) + 1),
      symbol: o.symbol,
      asset_class: "us_equity",
      notional: null,
      qty: String(o.qty),
      filled_qty: String(o.filled_qty),
      filled_avg_price: dec(o.filled_avg_price),
      order_class: "",
      order_type: o.type,
      type: o.type,
      side: o.side,
      position_intent: o.side === "buy" ? "buy_to_open" : "sell_to_close",
      time_in_force: o.time_in_force,
      limit_price: dec(o.limit_price),
      stop_price: dec(o.stop_price),
      status: o.status,
      extended_hours: false,
      legs: null,
      trail_percent: null,
      trail_price: null,
      hwm: null,
    };
  }

  byId(id: string): BookOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  byClientId(id: string): BookOrder | undefined {
    return this.orders.find((o) => o.client_order_id === id);
  }

  isOpen(o: BookOrder): boolean {
    return OPEN.has(o.status);
  }

  private update(event: string, o: BookOrder, extra: Partial<TradeUpdateData> = {}): void {
    this.emit({ event, order: this.orderJson(o), timestamp: this.iso(), ...extra });
  }

  /** POST /v2/orders. */
  submit(body: Json): BookOrder {
    const clientId = typeof body.client_order_id === "string" && body.client_order_id !== "" ? body.client_order_id : uuid(0xc1, ++this.seq);
    if (this.byClientId(clientId) !== undefined) throw new HttpRefusal(422, 40010001, "client_order_id must be unique");
    const symbol = String(body.symbol ?? "");
    if (!this.symbols.has(symbol)) throw new HttpRefusal(422, 40010001, `asset "${symbol}" not found`);
    const qty = Number(body.qty);
    if (!(qty > 0) || !Number.isInteger(qty)) throw new HttpRefusal(422, 40010001, "qty must be a positive whole number");
    const side = body.side;
    if (side !== "buy" && side !== "sell") throw new HttpRefusal(422, 40010001, "invalid side");
    const type = String(body.type ?? "");
    if (!["market", "limit", "stop", "stop_limit"].includes(type)) throw new HttpRefusal(422, 40010001, "invalid order type");
    const tif = String(body.time_in_force ?? "");
    if (!["day", "gtc", "ioc", "fok", "opg", "cls"].includes(tif)) throw new HttpRefusal(422, 40010001, "invalid time_in_force");
    const limit = body.limit_price == null ? null : Number(body.limit_price);
    const stop = body.stop_price == null ? null : Number(body.stop_price);
    if ((type === "limit" || type === "stop_limit") && !(limit !== null && limit > 0)) throw new HttpRefusal(422, 40010001, "limit_price is required");
    if ((type === "stop" || type === "stop_limit") && !(stop !== null && stop > 0)) throw new HttpRefusal(422, 40010001, "stop_price is required");
    const reject = this.rejectNext;
    this.rejectNext = null;
    if (reject?.mode === "http") throw new HttpRefusal(403, 40310000, reject.reason);
    const px = limit ?? this.prices.get(symbol);
    if (side === "buy" && px !== undefined && qty * px > this.cash) throw new HttpRefusal(403, 40310000, "insufficient buying power");
    const t = this.iso();
    const o: BookOrder = {
      id: uuid(0x0de5, ++this.seq),
      client_order_id: clientId,
      symbol,
      side,
      type,
      time_in_force: tif,
      qty,
      filled_qty: 0,
      filled_avg_price: null,
      limit_price: limit,
      stop_price: stop,
      status: "new",
      created_at: t,
      submitted_at: t,
      updated_at: t,
      filled_at: null,
      canceled_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
    };
    this.orders.push(o);
    // After the HTTP answer, as Alpaca's events follow the acceptance.
    setImmediate(() => {
      this.update("new", o);
      if (reject?.mode === "async") {
        o.status = "rejected";
        o.updated_at = this.iso();
        this.update("rejected", o);
      } else if (type === "market" && this.autoFill && this.prices.has(symbol)) this.fill(o.id, o.qty);
    });
    return o;
  }

  /** Executes `qty` shares of an open order at `price` (default: the symbol's price). */
  fill(orderId: string, qty: number, price?: number): void {
    const o = this.byId(orderId);
    if (o === undefined || !this.isOpen(o)) throw new Error(`fake alpaca: order ${orderId} is not open`);
    const px = price ?? o.limit_price ?? this.prices.get(o.symbol);
    if (px === undefined) throw new Error(`fake alpaca: no price for ${o.symbol}`);
    const q = Math.min(qty, o.qty - o.filled_qty);
    const before = o.filled_qty;
    o.filled_qty += q;
    o.filled_avg_price = ((o.filled_avg_price ?? 0) * before + px * q) / o.filled_qty;
    o.status = o.filled_qty >= o.qty ? "filled" : "partially_filled";
    const t = this.iso();
    o.updated_at = t;
    if (o.status === "filled") o.filled_at = t;
    const signed = o.side === "buy" ? q : -q;
    this.cash -= signed * px;
    const p = this.positions.get(o.symbol) ?? { qty: 0, avg: 0 };
    const next = p.qty + signed;
    const avg = next === 0 ? 0 : Math.sign(p.qty) === Math.sign(signed) || p.qty === 0 ? (p.avg * Math.abs(p.qty) + px * q) / Math.abs(next) : Math.sign(next) === Math.sign(p.qty) ? p.avg : px;
    if (next === 0) this.positions.delete(o.symbol);
    else this.positions.set(o.symbol, { qty: next, avg });
    this.prices.set(o.symbol, this.prices.get(o.symbol) ?? px);
    const ms = this.now();
    const stamp = new Date(ms).toISOString().replace(/[-:TZ.]/g, "");
    const execution = uuid(0xe8ec, ++this.execSeq);
    const type = o.status === "filled" ? "fill" : "partial_fill";
    this.activities.push({
      id: `${stamp}::${execution}`,
      activity_type: "FILL",
      transaction_time: t,
      type,
      price: String(px),
      qty: String(q),
      side: o.side,
      symbol: o.symbol,
      leaves_qty: String(o.qty - o.filled_qty),
      order_id: o.id,
      cum_qty: String(o.filled_qty),
      order_status: o.status,
    });
    this.update(type, o, { execution_id: execution, price: String(px), qty: String(q), position_qty: String(next) });
  }

  cancel(o: BookOrder): void {
    if (!this.isOpen(o)) throw new HttpRefusal(422, 42210000, "order is not cancelable");
    o.status = "canceled";
    o.canceled_at = o.updated_at = this.iso();
    setImmediate(() => this.update("canceled", o));
  }

  /** PATCH /v2/orders/{id}: a new order replaces the old one. */
  replace(o: BookOrder, body: Json): BookOrder {
    if (!this.isOpen(o)) throw new HttpRefusal(422, 42210000, "order is not replaceable");
    const clientId = typeof body.client_order_id === "string" && body.client_order_id !== "" ? body.client_order_id : uuid(0xc1, ++this.seq);
    if (this.byClientId(clientId) !== undefined) throw new HttpRefusal(422, 40010001, "client_order_id must be unique");
    const t = this.iso();
    const n: BookOrder = {
      ...o,
      id: uuid(0x0de5, ++this.seq),
      client_order_id: clientId,
      qty: body.qty == null ? o.qty - o.filled_qty : Number(body.qty),
      filled_qty: 0,
      filled_avg_price: null,
      limit_price: body.limit_price == null ? o.limit_price : Number(body.limit_price),
      stop_price: body.stop_price == null ? o.stop_price : Number(body.stop_price),
      status: "new",
      created_at: t,
      submitted_at: t,
      updated_at: t,
      replaces: o.id,
      replaced_by: null,
      replaced_at: null,
    };
    o.status = "replaced";
    o.replaced_at = o.updated_at = t;
    o.replaced_by = n.id;
    this.orders.push(n);
    setImmediate(() => {
      this.update("replaced", o);
      this.update("new", n);
    });
    return n;
  }

  accountJson(): Json {
    let long = 0;
    let short = 0;
    for (const [s, p] of this.positions) {
      const v = p.qty * (this.prices.get(s) ?? p.avg);
      if (v > 0) long += v;
      else short += v;
    }
    const equity = this.cash + long + short;
    return {
      id: "f0000000-0000-4000-8000-00000000acc7",
      account_number: "PA0FAKE0001",
      status: "ACTIVE",
      crypto_status: "ACTIVE",
      currency: "USD",
      cash: String(this.cash),
      portfolio_value: String(equity),
      equity: String(equity),
      last_equity: String(equity),
      buying_power: String(Math.max(0, this.cash) * 2),
      long_market_value: String(long),
      short_market_value: String(short),
      multiplier: "2",
      pattern_day_trader: false,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      shorting_enabled: true,
      created_at: "2024-01-02T14:30:00Z",
    };
  }

  positionsJson(): Json[] {
    return [...this.positions].map(([symbol, p]) => {
      const price = this.prices.get(symbol) ?? p.avg;
      return {
        asset_id: uuid(0xa55e7, [...this.symbols].indexOf(symbol) + 1),
        symbol,
        exchange: "NASDAQ",
        asset_class: "us_equity",
        asset_marginable: true,
        avg_entry_price: String(p.avg),
        qty: String(p.qty),
        qty_available: String(p.qty),
        side: p.qty > 0 ? "long" : "short",
        market_value: String(p.qty * price),
        cost_basis: String(p.qty * p.avg),
        unrealized_pl: String(p.qty * (price - p.avg)),
        unrealized_plpc: "0",
        unrealized_intraday_pl: "0",
        unrealized_intraday_plpc: "0",
        current_price: String(price),
        lastday_price: String(price),
        change_today: "0",
      };
    });
  }
}
