/**
 * The trading loop's restart recovery with the Alpaca broker: an order journaled but never sent is
 * sent once, one that reached Alpaca before the crash is found by client id and not sent again,
 * and the fills land in the journal once. Neither the journal file nor the log holds a key.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TradingLoop } from "../../../src/trading/loop/trading-loop.js";
import { Journal } from "../../../src/trading/orders/journal.js";
import type { OrderRequest } from "../../../src/trading/orders/types.js";
import { Decider } from "../../../src/trading/strategy/decide.js";
import { configFor, expectNoSecrets, useBroker, waitFor } from "./helpers.js";

const request = (id: string, quantity: number): OrderRequest => ({ clientOrderId: id, symbol: "AAPL", side: "buy", quantity, type: "market", timeInForce: "day" });

describe("TradingLoop with the Alpaca broker", () => {
  const fx = useBroker((fake) => fake.book.prices.set("AAPL", 150));

  it("reconciles a journal after a crash: sends the unsent order once, finds the sent one, records fills once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "foxml-alpaca-loop-"));
    const journal = Journal.open(join(dir, "journal.sqlite"));
    const cfg = configFor(fx.fake);
    const warnings: string[] = [];
    const log = {
      info: (m: string, f?: Record<string, unknown>) => fx.log.info(m, f),
      warn: (m: string, f?: Record<string, unknown>) => {
        warnings.push(m);
        fx.log.warn(m, f);
      },
    };
    const loop = new TradingLoop({ broker: fx.broker, journal, decider: new Decider(cfg, ["AAPL"], 252), cfg, modelId: "m", start: 0, step: 1, log });
    journal.insert({ ...request("never-sent", 3), barTime: 0, intent: "rebalance", createdAt: 0 });
    journal.insert({ ...request("sent-before-crash", 2), barTime: 0, intent: "rebalance", createdAt: 0 });
    await fx.broker.submit(request("sent-before-crash", 2));
    await waitFor(() => fx.fake.book.byClientId("sent-before-crash")?.status === "filled", "first order filled");
    await loop.start();
    expect(journal.get("never-sent")).toMatchObject({ state: "submitted" });
    expect(journal.get("sent-before-crash")).toMatchObject({ state: "submitted", brokerStatus: "filled" });
    expect(fx.fake.calls("POST", "/v2/orders").map((c) => (c.body as { client_order_id: string }).client_order_id)).toEqual(["sent-before-crash", "never-sent"]);
    await waitFor(() => fx.fake.book.byClientId("never-sent")?.status === "filled", "second order filled");
    // A second start (another restart) sends nothing and records each fill once.
    await loop.start();
    await loop.start();
    expect(fx.fake.calls("POST", "/v2/orders")).toHaveLength(2);
    expect(journal.fills().map((f) => [f.clientOrderId, f.quantity, f.price])).toEqual([
      ["sent-before-crash", 2, 150],
      ["never-sent", 3, 150],
    ]);
    expect(warnings.filter((w) => w.startsWith("reconcile: position differs"))).toEqual([]);
    journal.close();
    for (const f of readdirSync(dir)) expectNoSecrets(readFileSync(join(dir, f)).toString("latin1"));
  });
});
