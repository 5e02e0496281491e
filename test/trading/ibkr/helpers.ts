/** A fake TWS, a config pointing at it and a log that tests can wait on. */
import { afterEach, expect } from "vitest";
import { FakeTws, type FakeTwsOptions } from "../../support/fake-tws/server.js";
import { tradingSchema, type TradingConfig } from "../../../src/trading/schema.js";
import type { LoopLog } from "../../../src/trading/loop/trading-loop.js";
import type { Broker } from "../../../src/trading/broker/types.js";
import type { Fill, OrderRequest } from "../../../src/trading/orders/types.js";
import { createIbkrBroker } from "../../../src/trading/broker/ibkr/index.js";

export async function fakeTws(o: FakeTwsOptions = {}): Promise<FakeTws> {
  const tws = new FakeTws({ prices: { AAPL: 100, MSFT: 200, USD: 0.9, ES: 5000 }, commissionPerShare: 0.01, ...o });
  await tws.listen();
  return tws;
}

export function ibkrConfig(port: number, ibkr: Record<string, unknown> = {}): TradingConfig {
  return tradingSchema.parse({
    ibkr: {
      port,
      stocks: ["AAPL", "MSFT", "ZZZZ"],
      fx: ["USD.CHF"],
      contracts: { ES: { sec_type: "FUT", exchange: "CME", expiry: "202603", multiplier: 50 } },
      // Fast retries: the fake restarts at once. No assertion depends on these times.
      reconnect: { base_ms: 5, max_ms: 40, retries: 200 },
      connect_timeout_ms: 5_000,
      request_timeout_ms: 20_000,
      ...ibkr,
    },
  });
}

export interface TestLog extends LoopLog {
  lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }>;
  /** Resolves at the first line (already logged or to come) whose message contains `text`, counting from line `from`. */
  next(text: string, from?: number): Promise<void>;
}

export function testLog(): TestLog {
  const waiters: Array<{ text: string; from: number; resolve: () => void }> = [];
  const lines: TestLog["lines"] = [];
  const add = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, fields });
    for (const w of [...waiters]) {
      if (msg.includes(w.text) && lines.length - 1 >= w.from) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    lines,
    info: add("info"),
    warn: add("warn"),
    next(text, from = 0) {
      if (lines.slice(from).some((l) => l.msg.includes(text))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ text, from, resolve }));
    },
  };
}

export async function connect(tws: FakeTws, ibkr: Record<string, unknown> = {}, log: TestLog = testLog()): Promise<{ broker: Broker; log: TestLog; fills: Fill[]; nextFill: (n: number) => Promise<void> }> {
  const broker = await createIbkrBroker(ibkrConfig(tws.port, ibkr), {}, log);
  const fills: Fill[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  broker.onFill((f) => {
    fills.push(f);
    for (const w of [...waiters]) if (fills.length >= w.n) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  });
  const nextFill = (n: number) => (fills.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { broker, log, fills, nextFill };
}

export const market = (clientOrderId: string, symbol: string, side: "buy" | "sell", quantity: number): OrderRequest => ({ clientOrderId, symbol, side, quantity, type: "market", timeInForce: "day" });
export const limit = (clientOrderId: string, symbol: string, side: "buy" | "sell", quantity: number, limitPrice: number): OrderRequest => ({ clientOrderId, symbol, side, quantity, type: "limit", timeInForce: "gtc", limitPrice });

/**
 * One fake TWS per test and the brokers connected to it, closed after the test; every message
 * the fake sent must have decoded exactly (the decoder reports leftovers and underruns as errors).
 */
export function fakeSession(): { start(o?: FakeTwsOptions): Promise<FakeTws>; open(ibkr?: Record<string, unknown>): ReturnType<typeof connect> } {
  let tws: FakeTws | undefined;
  let brokers: Broker[] = [];
  let logs: TestLog[] = [];
  afterEach(async () => {
    for (const b of brokers) await b.close();
    await tws?.close();
    for (const l of logs) expect(l.lines.filter((x) => x.msg === "IBKR: TWS error")).toEqual([]);
    brokers = [];
    logs = [];
    tws = undefined;
  });
  return {
    async start(o) {
      tws = await fakeTws(o);
      return tws;
    },
    async open(ibkr = {}) {
      if (tws === undefined) throw new Error("start the fake TWS first");
      const c = await connect(tws, ibkr);
      brokers.push(c.broker);
      logs.push(c.log);
      return c;
    },
  };
}
