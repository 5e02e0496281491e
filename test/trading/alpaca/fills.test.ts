/**
 * Fills reach onFill listeners exactly once and in order whatever the trade-updates stream does:
 * duplicate events, reordered events, lost events, a dropped socket (with reconnects refused for a
 * while); what the stream lost is recovered from the FILL account activities. fillsSince pages
 * through the activities.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlpacaBroker } from "../../../src/trading/broker/alpaca/broker.js";
import type { Fill } from "../../../src/trading/orders/types.js";
import type { FakeAlpaca } from "../../support/fake-alpaca/index.js";
import { expectNoSecrets, fileLog, openBroker, startFake, waitFor, type FileLog } from "./helpers.js";

describe("Alpaca fills", () => {
  let fake: FakeAlpaca;
  let broker: AlpacaBroker;
  let log: FileLog;
  let fills: Fill[];
  beforeEach(async () => {
    fake = await startFake();
    fake.book.autoFill = false;
    log = fileLog();
    broker = await openBroker(fake, log);
    fills = [];
    broker.onFill((f) => fills.push(f));
  });
  afterEach(async () => {
    await broker.close();
    await fake.close();
    expectNoSecrets(log.text());
  });

  const limitBuy = (id: string, quantity: number) => broker.submit({ clientOrderId: id, symbol: "AAPL", side: "buy", quantity, type: "limit", timeInForce: "gtc", limitPrice: 100 });
  const summary = () => fills.map((f) => `${f.clientOrderId}:${f.quantity}@${f.price}`);
  const idsOf = (orderId: string, cums: number[]) => cums.map((c) => `alpaca-${orderId}-${c}`);

  it("duplicate fill events are delivered once", async () => {
    fake.stream.faults.duplicateFills = true;
    const o = await limitBuy("dup", 10);
    fake.book.fill(o.brokerOrderId, 2, 99);
    fake.book.fill(o.brokerOrderId, 3, 98);
    fake.book.fill(o.brokerOrderId, 5, 97);
    await waitFor(() => fake.stream.sent.filter((u) => u.event !== "new").length === 6, "six fill frames sent");
    await waitFor(() => fills.length === 3, "three fills");
    await broker.idle();
    expect(summary()).toEqual(["dup:2@99", "dup:3@98", "dup:5@97"]);
    expect(fills.map((f) => f.fillId)).toEqual(idsOf(o.brokerOrderId, [2, 5, 10]));
  });

  it("fill events arriving out of order are delivered in order, once", async () => {
    const o = await limitBuy("ooo", 10);
    fake.stream.faults.holdFills = true;
    fake.book.fill(o.brokerOrderId, 1, 99);
    fake.book.fill(o.brokerOrderId, 4, 98);
    fake.book.fill(o.brokerOrderId, 5, 97);
    fake.stream.releaseHeld({ reverse: true });
    await waitFor(() => fills.length === 3, "three fills");
    await broker.idle();
    expect(summary()).toEqual(["ooo:1@99", "ooo:4@98", "ooo:5@97"]);
    expect(fills.map((f) => f.fillId)).toEqual(idsOf(o.brokerOrderId, [1, 5, 10]));
  });

  it("a lost fill event is recovered from account activities when the next one shows the hole", async () => {
    const o = await limitBuy("lost", 6);
    fake.stream.faults.loseFills = 1;
    fake.book.fill(o.brokerOrderId, 2, 99);
    fake.book.fill(o.brokerOrderId, 4, 98);
    await waitFor(() => fills.length === 2, "two fills");
    await broker.idle();
    expect(summary()).toEqual(["lost:2@99", "lost:4@98"]);
    expect(fake.calls("GET", "/v2/account/activities/FILL").length).toBeGreaterThanOrEqual(1);
  });

  it("fills executed while the stream was down are recovered after it reconnects, once and in order", async () => {
    const a = await limitBuy("down-a", 5);
    const b = await limitBuy("down-b", 3);
    fake.book.fill(a.brokerOrderId, 1, 99);
    await waitFor(() => fills.length === 1, "first fill");
    fake.stream.faults.refuse = true;
    fake.stream.dropAll();
    await waitFor(() => !broker.stream.connected, "the drop noticed");
    fake.book.fill(a.brokerOrderId, 4, 98);
    fake.book.fill(b.brokerOrderId, 3, 97);
    await waitFor(() => log.lines().some((l) => l.msg.startsWith("alpaca: trade-updates stream connect failed")), "a refused reconnect");
    fake.stream.faults.refuse = false;
    await waitFor(() => fills.length === 3, "three fills");
    await broker.idle();
    expect(summary()).toEqual(["down-a:1@99", "down-a:4@98", "down-b:3@97"]);
    expect(broker.stream.connections).toBe(2);
    const msgs = log.lines().map((l) => l.msg);
    expect(msgs).toContain("alpaca: trade-updates stream dropped, reconnecting");
    expect(msgs).toContain("alpaca: trade-updates stream reconnected");
    expect(msgs).toContain("alpaca: fills recovered from account activities");
    // The stream works again after the reconnect.
    const c = await limitBuy("after", 2);
    fake.book.fill(c.brokerOrderId, 2, 96);
    await waitFor(() => fills.length === 4, "fill after reconnect");
    expect(summary()[3]).toBe("after:2@96");
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(4);
  });

  it("a fill whose event was the last one lost is recovered at the next reconnect", async () => {
    const o = await limitBuy("tail", 2);
    fake.stream.faults.loseFills = 1;
    fake.book.fill(o.brokerOrderId, 2, 95);
    await waitFor(() => fake.stream.faults.loseFills === 0, "the event lost");
    expect(fills).toEqual([]);
    fake.stream.dropAll();
    await waitFor(() => fills.length === 1, "the recovered fill");
    await broker.idle();
    expect(summary()).toEqual(["tail:2@95"]);
  });

  it("fillsSince pages through the account activities, oldest first, from `since` inclusive", async () => {
    const o = await limitBuy("many", 230);
    for (let i = 0; i < 230; i++) fake.book.fill(o.brokerOrderId, 1, 100 + (i % 7));
    await waitFor(() => fills.length === 230, "230 fills");
    const all = await broker.fillsSince(0);
    expect(all).toHaveLength(230);
    expect(all.map((f) => f.fillId)).toEqual(fills.map((f) => f.fillId));
    expect(all.every((f) => f.clientOrderId === "many" && f.quantity === 1 && f.commission === 0)).toBe(true);
    expect(fake.calls("GET", "/v2/account/activities/FILL").filter((c) => c.query.after === undefined)).toHaveLength(3);
    const mid = all[150];
    const later = await broker.fillsSince(mid.time);
    expect(later[0].time).toBe(mid.time);
    expect(later.every((f) => f.time >= mid.time)).toBe(true);
    expect(later.map((f) => f.fillId)).toEqual(all.filter((f) => f.time >= mid.time).map((f) => f.fillId));
  });

  it("fills of orders placed before the broker opened get their client order id from the order", async () => {
    const o = await limitBuy("early", 4);
    fake.book.fill(o.brokerOrderId, 4, 90);
    await waitFor(() => fills.length === 1, "fill");
    const log2 = fileLog();
    const { openBroker: open2 } = await import("./helpers.js");
    const second = await open2(fake, log2);
    try {
      const got = await second.fillsSince(0);
      expect(got.map((f) => [f.clientOrderId, f.quantity, f.price])).toEqual([["early", 4, 90]]);
      expect(fake.calls("GET", `/v2/orders/${o.brokerOrderId}`)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
