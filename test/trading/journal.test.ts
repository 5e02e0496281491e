/**
 * Recovery from the two windows a crash can hit around a submission: journaled but never sent
 * (sent on start, once), and sent but not marked (found at the broker by client id, not sent
 * again). Fills seen twice are recorded once; a journal of another setup is refused.
 */
import { describe, expect, it } from "vitest";
import { PaperBroker } from "../../src/trading/broker/paper.js";
import { TradingLoop } from "../../src/trading/loop/trading-loop.js";
import { Journal } from "../../src/trading/orders/journal.js";
import type { OrderRequest } from "../../src/trading/orders/types.js";
import { tradingSchema } from "../../src/trading/schema.js";
import { Decider } from "../../src/trading/strategy/decide.js";

const cfg = tradingSchema.parse({ strategy: { kind: "sign" } });
const request = (id: string): OrderRequest => ({ clientOrderId: id, symbol: "X", side: "buy", quantity: 10, type: "market", timeInForce: "day" });

function setup() {
  const journal = Journal.open(":memory:");
  const broker = new PaperBroker({ path: ":memory:", symbols: ["X"], initialCash: 1e5, fill: cfg.fill, lot: 1 });
  const submitted: string[] = [];
  const submit = broker.submit.bind(broker);
  broker.submit = (r) => {
    submitted.push(r.clientOrderId);
    return submit(r);
  };
  const warnings: string[] = [];
  const loop = new TradingLoop({ broker, journal, decider: new Decider(cfg, ["X"], 252), cfg, modelId: "m", start: 0, step: 1, log: { info: (m) => warnings.push(m), warn: (m) => warnings.push(m) } });
  return { journal, broker, loop, submitted, warnings, submit };
}

describe("the order journal", () => {
  it("sends on start an order journaled but never sent, exactly once", async () => {
    const { journal, broker, loop, submitted, warnings } = setup();
    journal.insert({ ...request("a"), barTime: 0, intent: "rebalance", createdAt: 0 });
    await loop.start();
    await loop.start();
    expect(submitted).toEqual(["a"]);
    expect(journal.get("a")).toMatchObject({ state: "submitted", brokerStatus: "new" });
    expect(warnings).toContain("reconciled: order journaled but never submitted; submitted now");
    expect((await broker.openOrders()).map((o) => o.clientOrderId)).toEqual(["a"]);
  });

  it("does not resend an order the broker got before the crash, and marks it", async () => {
    const { journal, broker, loop, submitted, submit } = setup();
    journal.insert({ ...request("b"), barTime: 0, intent: "rebalance", createdAt: 0 });
    await submit(request("b")); // reached the broker; the process died before marking it
    await loop.start();
    expect(submitted).toEqual([]);
    expect(journal.get("b")).toMatchObject({ state: "submitted" });
    expect((await broker.openOrders()).length).toBe(1);
  });

  it("records a fill once however often it is seen, and refuses another setup's journal", () => {
    const journal = Journal.open(":memory:");
    const f = { fillId: "f1", clientOrderId: "a", symbol: "X", side: "buy" as const, quantity: 10, price: 100, commission: 1, time: 5 };
    expect(journal.recordFill(f)).toBe(true);
    expect(journal.recordFill(f)).toBe(false);
    expect(journal.fills()).toEqual([f]);
    expect(journal.lastFillTime()).toBe(5);
    journal.bind("setup-1", "model");
    journal.bind("setup-1", "model");
    expect(() => journal.bind("setup-2", "model, data or trading settings")).toThrow(/journal of another trading setup \(model, data or trading settings differ\)/);
  });
});
