/**
 * Prometheus metrics of a live trading loop (prom-client), served on `/metrics` by node:http.
 *
 * One registry per loop, not prom-client's global one, so two loops in one process (tests) do not
 * share counters. Blocked orders are labelled by guardrail rule only (a handful of values), never
 * by symbol or client id, which would make the series count grow without bound.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { FoxmlError } from "../util/errors.js";
import type { BarOutcome } from "./loop/trading-loop.js";

export class TradingMetrics {
  readonly registry = new Registry();
  readonly orders: Counter;
  readonly fills: Counter;
  readonly rejects: Counter;
  readonly blocked: Counter<"reason">;
  readonly unknown: Counter;
  readonly bars: Counter<"outcome">;
  readonly latency: Histogram;
  readonly pnl: Gauge;
  readonly equity: Gauge;
  readonly gross: Gauge;
  readonly net: Gauge;
  readonly halted: Gauge;

  constructor(labels: { broker: string; model: string }) {
    this.registry.setDefaultLabels(labels);
    const registers = [this.registry];
    this.orders = new Counter({ name: "foxml_trade_orders_total", help: "orders accepted by the broker", registers });
    this.fills = new Counter({ name: "foxml_trade_fills_total", help: "fills recorded", registers });
    this.rejects = new Counter({ name: "foxml_trade_rejects_total", help: "orders rejected or refused by the broker", registers });
    this.blocked = new Counter({ name: "foxml_trade_blocked_total", help: "orders blocked by a guardrail, by rule", labelNames: ["reason"], registers });
    this.unknown = new Counter({ name: "foxml_trade_submissions_unknown_total", help: "submissions whose outcome was unknown (broker unreachable) and was asked again at the next bar", registers });
    this.bars = new Counter({ name: "foxml_trade_bars_total", help: "bars processed, by outcome (decided, stale, closed, warmup, no_signal)", labelNames: ["outcome"], registers });
    this.latency = new Histogram({
      name: "foxml_trade_decision_latency_seconds",
      help: "from a bar being complete to the last order of its decision submitted (features, prediction, guardrails, submission)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.pnl = new Gauge({ name: "foxml_trade_pnl", help: "equity minus the loop's first recorded equity, account currency", registers });
    this.equity = new Gauge({ name: "foxml_trade_equity", help: "account equity, account currency", registers });
    this.gross = new Gauge({ name: "foxml_trade_gross_exposure", help: "sum of |position x price|, account currency", registers });
    this.net = new Gauge({ name: "foxml_trade_net_exposure", help: "sum of position x price, account currency", registers });
    this.halted = new Gauge({ name: "foxml_trade_halted", help: "1 while trading is halted (kill switch or foxml trade halt)", registers });
  }

  /** Counts what one bar (or a halt pass) did. */
  record(o: BarOutcome): void {
    this.orders.inc(o.submitted);
    this.fills.inc(o.fills);
    this.rejects.inc(o.rejected);
    this.unknown.inc(o.unknown);
    for (const [reason, n] of Object.entries(o.blockedBy)) this.blocked.inc({ reason }, n);
    this.halted.set(o.halted ? 1 : 0);
  }

  book(b: { equity: number; initialEquity: number; gross: number; net: number; halted: boolean }): void {
    if (Number.isFinite(b.equity)) {
      this.equity.set(b.equity);
      if (Number.isFinite(b.initialEquity)) this.pnl.set(b.equity - b.initialEquity);
    }
    this.gross.set(b.gross);
    this.net.set(b.net);
    this.halted.set(b.halted ? 1 : 0);
  }
}

export interface MetricsServer {
  /** The port listened on (the configured one; an OS-chosen one when asked for port 0 in tests). */
  port: number;
  close(): Promise<void>;
}

/** Serves `registry` on http://host:port/metrics. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: the metrics are at /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new FoxmlError(`cannot serve metrics on ${host}:${port}: ${e.code ?? e.message}`, {
          exitCode: 2,
          hint: e.code === "EADDRINUSE" ? "another process listens there: choose another pipeline.trading.metrics.port, or 0 to turn the endpoint off" : "check pipeline.trading.metrics.host and port",
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
