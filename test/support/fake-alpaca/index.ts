/**
 * A protocol-faithful fake of Alpaca for tests: a real node:http server with Alpaca's trading and
 * market-data REST routes and, on the same port, the trade-updates WebSocket (/stream). Responses
 * are shaped as the SDK parses them; both key headers are checked on every request (401
 * otherwise). The connector under test talks to it over HTTP and WebSocket, nothing is mocked.
 *
 * Fault injection (`inject`): 429 with rate-limit headers, 5xx, a request that hangs past the
 * client's timeout (before or after doing its work), a connection reset. Stream faults live on
 * `stream.faults` (duplicate / held / lost fill events, refused connections) and `stream.dropAll()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { FakeBook, HttpRefusal, type Json } from "./book.js";
import { FakeTradeStream } from "./stream.js";

export interface HttpFault {
  method?: string;
  /** Matched against the path without the query (a string must be equal). */
  path: string | RegExp;
  /** echo_headers: a 400 whose message quotes the request headers, as a careless proxy might (the connector must mask them). */
  kind: "rate_limit" | "server_error" | "unavailable" | "hang" | "hang_after" | "reset" | "echo_headers";
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** rate_limit: a Retry-After header of this many seconds. */
  retryAfterSeconds?: number;
  /** Runs when the fault hits, before the answer (a test makes something happen "meanwhile"). */
  before?: () => void;
}

export interface FakeBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeAlpacaOptions {
  keyId: string;
  secret: string;
  symbols: readonly string[];
  cash?: number;
  /** The keys the stream accepts, when not the REST ones (a stream refusing a key REST takes). */
  streamKeys?: { keyId: string; secret: string };
}

export class FakeAlpaca {
  readonly book: FakeBook;
  readonly stream: FakeTradeStream;
  readonly requests: RecordedRequest[] = [];
  readonly bars = new Map<string, FakeBar[]>();
  clock = { timestamp: "2026-12-07T15:00:00-05:00", is_open: true, next_open: "2026-12-08T09:30:00-05:00", next_close: "2026-12-07T16:00:00-05:00" };
  calendarDays: Array<{ date: string; open: string; close: string }> = [];
  private readonly faults: Array<HttpFault & { left: number }> = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly o: FakeAlpacaOptions) {
    this.stream = new FakeTradeStream(o.streamKeys ?? { keyId: o.keyId, secret: o.secret });
    this.book = new FakeBook(o.symbols, o.cash ?? 100_000, (u) => this.stream.publish(u));
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    this.server.on("upgrade", (req, socket, head) => {
      if ((req.url ?? "").split("?")[0] === "/stream") this.stream.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const addr = this.server.address();
    this.port = typeof addr === "object" && addr !== null ? addr.port : 0;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  inject(f: HttpFault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  /** Requests to a path (and method), for assertions. */
  calls(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)));
  }

  async close(): Promise<void> {
    this.stream.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFault(method: string, path: string): HttpFault | undefined {
    const i = this.faults.findIndex((f) => (f.method === undefined || f.method === method) && (typeof f.path === "string" ? f.path === path : f.path.test(path)) && f.left > 0);
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.left === 0) this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const path = url.pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = undefined;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      return this.json(res, 400, { code: 40010000, message: "request body format is invalid" });
    }
    this.requests.push({ method, path, query: Object.fromEntries(url.searchParams), body });
    if (req.headers["apca-api-key-id"] !== this.o.keyId || req.headers["apca-api-secret-key"] !== this.o.secret) {
      return this.json(res, 401, { code: 40110000, message: "request is not authorized" });
    }
    const fault = this.takeFault(method, path);
    fault?.before?.();
    if (fault?.kind === "rate_limit") {
      res.setHeader("X-RateLimit-Limit", "200");
      res.setHeader("X-RateLimit-Remaining", "0");
      res.setHeader("X-RateLimit-Reset", String(Math.floor(Date.now() / 1000)));
      if (fault.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(fault.retryAfterSeconds));
      return this.json(res, 429, { code: 42910000, message: "rate limit exceeded" });
    }
    if (fault?.kind === "server_error") return this.json(res, 500, { code: 50010000, message: "internal server error occurred" });
    if (fault?.kind === "unavailable") return this.json(res, 503, { code: 50310000, message: "service unavailable" });
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "echo_headers") return this.json(res, 400, { code: 40010000, message: `bad request, headers were ${JSON.stringify(req.headers)}` });
    if (fault?.kind === "hang") return; // never answered; close() destroys the socket
    try {
      const [status, payload] = this.route(method, path, url.searchParams, (body ?? {}) as Json);
      if (fault?.kind === "hang_after") return; // the work is done, the answer never comes
      if (status === 204) {
        res.writeHead(204).end();
        return;
      }
      this.json(res, status, payload);
    } catch (e) {
      if (e instanceof HttpRefusal) return this.json(res, e.status, { code: e.code, message: e.message });
      this.json(res, 500, { code: 50010000, message: `fake alpaca: ${(e as Error).message}` });
    }
  }

  private json(res: ServerResponse, status: number, payload: unknown): void {
    const data = JSON.stringify(payload);
    res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", "X-Request-ID": `req-${this.requests.length}` });
    res.end(data);
  }

  private route(method: string, path: string, q: URLSearchParams, body: Json): [number, unknown] {
    const b = this.book;
    const notFound = () => new HttpRefusal(404, 40410000, "order not found");
    if (method === "GET" && path === "/v2/account") return [200, b.accountJson()];
    if (method === "GET" && path === "/v2/positions") return [200, b.positionsJson()];
    if (method === "GET" && path === "/v2/orders") return [200, this.listOrders(q)];
    if (method === "POST" && path === "/v2/orders") return [200, b.orderJson(b.submit(body))];
    if (method === "GET" && path === "/v2/orders:by_client_order_id") {
      const o = b.byClientId(q.get("client_order_id") ?? "");
      if (o === undefined) throw notFound();
      return [200, b.orderJson(o)];
    }
    const m = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (m !== null) {
      const o = b.byId(decodeURIComponent(m[1]));
      if (o === undefined) throw notFound();
      if (method === "GET") return [200, b.orderJson(o)];
      if (method === "DELETE") {
        b.cancel(o);
        return [204, undefined];
      }
      if (method === "PATCH") return [200, b.orderJson(b.replace(o, body))];
    }
    if (method === "GET" && path === "/v2/clock") return [200, this.clock];
    if (method === "GET" && path === "/v2/calendar") {
      const start = (q.get("start") ?? "0000-00-00").slice(0, 10);
      const end = (q.get("end") ?? "9999-99-99").slice(0, 10);
      return [200, this.calendarDays.filter((d) => d.date >= start && d.date <= end).map((d) => ({ ...d, session_open: "0400", session_close: "2000", settlement_date: d.date }))];
    }
    if (method === "GET" && path === "/v2/account/activities/FILL") return [200, this.activities(q)];
    if (method === "GET" && path === "/v2/stocks/bars") return [200, this.stockBars(q)];
    throw new HttpRefusal(404, 40410000, `endpoint not found: ${method} ${path}`);
  }

  private listOrders(q: URLSearchParams): unknown[] {
    const status = q.get("status") ?? "open";
    const limit = Number(q.get("limit") ?? 50);
    const after = q.get("after");
    let rows = this.book.orders.filter((o) => (status === "all" ? true : status === "open" ? this.book.isOpen(o) : !this.book.isOpen(o)));
    if (after !== null) rows = rows.filter((o) => Date.parse(o.submitted_at) > Date.parse(after));
    if ((q.get("direction") ?? "desc") === "desc") rows = [...rows].reverse();
    return rows.slice(0, limit).map((o) => this.book.orderJson(o));
  }

  /** Paged by page_token = the id of the last activity of the previous page, as Alpaca does. */
  private activities(q: URLSearchParams): unknown[] {
    const after = q.get("after");
    const until = q.get("until");
    const size = Math.min(100, Number(q.get("page_size") ?? 100));
    let rows = this.book.activities.filter((a) => (after === null || Date.parse(a.transaction_time) > Date.parse(after)) && (until === null || Date.parse(a.transaction_time) <= Date.parse(until)));
    if ((q.get("direction") ?? "desc") === "desc") rows = [...rows].reverse();
    const token = q.get("page_token");
    if (token !== null) {
      const i = rows.findIndex((a) => a.id === token);
      rows = i < 0 ? [] : rows.slice(i + 1);
    }
    return rows.slice(0, size);
  }

  /** Multi-symbol bars: symbols in alphabetical order, each by time; `limit` caps the page across symbols. */
  private stockBars(q: URLSearchParams): unknown {
    const symbols = (q.get("symbols") ?? "").split(",").filter(Boolean).sort();
    const start = q.get("start") === null ? -Infinity : Date.parse(q.get("start") as string);
    const end = q.get("end") === null ? Infinity : Date.parse(q.get("end") as string);
    const limit = Math.min(10_000, Number(q.get("limit") ?? 1000));
    const all: Array<{ symbol: string; bar: FakeBar }> = [];
    for (const s of symbols) for (const bar of this.bars.get(s) ?? []) if (Date.parse(bar.t) >= start && Date.parse(bar.t) <= end) all.push({ symbol: s, bar });
    const token = q.get("page_token");
    const from = token === null ? 0 : Number(Buffer.from(token, "base64").toString("utf8"));
    const page = all.slice(from, from + limit);
    const bars: Record<string, FakeBar[]> = {};
    for (const { symbol, bar } of page) (bars[symbol] ??= []).push(bar);
    const next = from + limit < all.length ? Buffer.from(String(from + limit)).toString("base64") : null;
    return { bars, next_page_token: next, currency: "USD" };
  }
}
