/**
 * A local HTTP server shaped like the parts of Stripe's API the site uses: Checkout Sessions
 * (create, retrieve) with Stripe's form-encoded requests, bearer-key auth and error bodies, and a
 * hosted "checkout page" at the session's url. The stripe SDK is pointed at it (host, port, http).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeSession {
  id: string;
  object: "checkout.session";
  mode: string;
  url: string;
  status: "open" | "complete";
  payment_status: "unpaid" | "paid";
  customer: string | null;
  customer_email: string | null;
  customer_details: { email: string | null } | null;
  subscription: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string;
  line_items_price: string;
}

export class FakeStripe {
  readonly sessions = new Map<string, FakeSession>();
  readonly requests: { method: string; path: string; body: string }[] = [];
  private server!: Server;
  private n = 0;
  port = 0;

  constructor(private readonly secretKey: string) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", this.origin);
        this.requests.push({ method: req.method ?? "", path: url.pathname, body });
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { "content-type": "application/json", "request-id": `req_${++this.n}` });
          res.end(JSON.stringify(value));
        };
        if (url.pathname === "/favicon.ico") {
          res.writeHead(204);
          return res.end();
        }
        if (url.pathname.startsWith("/pay/")) {
          res.writeHead(200, { "content-type": "text/html" });
          return res.end(`<!DOCTYPE html><html lang="en"><head><title>Stripe Checkout (local test)</title></head><body><h1>Pay FoxML</h1><p id="session">${url.pathname.slice(5)}</p></body></html>`);
        }
        if (req.headers.authorization !== `Bearer ${this.secretKey}`) return json(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
        if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
          const p = new URLSearchParams(body);
          const price = p.get("line_items[0][price]");
          if (!price || p.get("line_items[0][quantity]") !== "1") return json(400, { error: { type: "invalid_request_error", message: "line_items is required", param: "line_items" } });
          const id = `cs_test_${String(++this.n).padStart(8, "0")}`;
          const s: FakeSession = {
            id,
            object: "checkout.session",
            mode: p.get("mode") ?? "payment",
            url: `${this.origin}/pay/${id}`,
            status: "open",
            payment_status: "unpaid",
            customer: null,
            customer_email: p.get("customer_email"),
            customer_details: null,
            subscription: null,
            metadata: { tier: p.get("metadata[tier]") ?? "" },
            success_url: p.get("success_url") ?? "",
            cancel_url: p.get("cancel_url") ?? "",
            line_items_price: price,
          };
          this.sessions.set(id, s);
          return json(200, s);
        }
        const m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(url.pathname);
        if (req.method === "GET" && m) {
          const s = this.sessions.get(m[1]!);
          return s ? json(200, s) : json(404, { error: { type: "invalid_request_error", message: `No such checkout.session: '${m[1]}'` } });
        }
        return json(404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname})` } });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The customer paid: the session completes (as Stripe does before sending the webhook). */
  complete(id: string): FakeSession {
    const s = this.sessions.get(id)!;
    s.status = "complete";
    s.payment_status = "paid";
    s.customer = "cus_test_1";
    s.customer_details = { email: s.customer_email };
    s.subscription = s.mode === "subscription" ? `sub_test_${id.slice(-4)}` : null;
    return s;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
