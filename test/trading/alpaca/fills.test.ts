/**
 * Fills reach onFill listeners exactly once and in order whatever the trade-updates stream does:
 * duplicate events, reordered events, lost events, a dropped socket (with reconnects refused for a
 * while); what the stream lost is recovered from the FILL account activities. fillsSince pages
 * through the activities.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Fill } from "../../../src/trading/orders/types.js";
import { fileLog, openBroker, useBroker, waitFor } from "./helpers.js";

describe("Alpaca fills", () => {
  const fx = useBroker((fake) => {
    fake.book.autoFill = false;
  });
  let fills: Fill[];
  beforeEach(() => {
    fills = [];
    fx.broker.onFill((f) => fills.push(f));
  });

  const limitBuy = (id: string, quantity: number) => fx.broker.submit({ clientOrderId: id, symbol: "AAPL", side: "buy", quantity, type: "limit", timeInForce: "gtc", limitPrice: 100 });
  const summary = () => fills.map((f) => `${f.clientOrderId}:${f.quantity}@${f.price}`);
  const idsOf = (orderId: string, cums: number[]) => cums.map((c) => `alpaca-${orderId}-${c}`);

  it("duplicate fill events are delivered once", async () => {
    fx.fake.stream.faults.duplicateFills = true;
    const o = await limitBuy("dup", 10);
    fx.fake.book.fill(o.brokerOrderId, 2, 99);
    fx.fake.book.fill(o.brokerOrderId, 3, 98);
    fx.fake.book.fill(o.brokerOrderId, 5, 97);
    await waitFor(() => fx.fake.stream.sent.filter((u) => u.event !== "new").length === 6, "six fill frames sent");
    await waitFor(() => fills.length === 3, "three fills");
    await fx.broker.idle();
    expect(summary()).toEqual(["dup:2@99", "dup:3@98", "dup:5@97"]);
    expect(fills.map((f) => f.fillId)).toEqual(idsOf(o.brokerOrderId, [2, 5, 10]));
  });

  it("fill events arriving out of order are delivered in order, once", async () => {
    const o = await limitBuy("ooo", 10);
    fx.fake.stream.faults.holdFills = true;
    fx.fake.book.fill(o.brokerOrderId, 1, 99);
    fx.fake.book.fill(o.brokerOrderId, 4, 98);
    fx.fake.book.fill(o.brokerOrderId, 5, 97);
    fx.fake.stream.releaseHeld({ reverse: true });
    await waitFor(() => fills.length === 3, "three fills");
    await fx.broker.idle();
    expect(summary()).toEqual(["ooo:1@99", "ooo:4@98", "ooo:5@97"]);
    expect(fills.map((f) => f.fillId)).toEqual(idsOf(o.brokerOrderId, [1, 5, 10]));
  });

  it("a lost fill event is recovered from account activities when the next one shows the hole", async () => {
    const o = await limitBuy("lost", 6);
    fx.fake.stream.faults.loseFills = 1;
    fx.fake.book.fill(o.brokerOrderId, 2, 99);
    fx.fake.book.fill(o.brokerOrderId, 4, 98);
    await waitFor(() => fills.length === 2, "two fills");
    await fx.broker.idle();
    expect(summary()).toEqual(["lost:2@99", "lost:4@98"]);
    expect(fx.fake.calls("GET", "/v2/account/activities/FILL").length).toBeGreaterThanOrEqual(1);
  });

  it("fills executed while the stream was down are recovered after it reconnects, once and in order", async () => {
    const a = await limitBuy("down-a", 5);
    const b = await limitBuy("down-b", 3);
    fx.fake.book.fill(a.brokerOrderId, 1, 99);
    await waitFor(() => fills.length === 1, "first fill");
    fx.fake.stream.faults.refuse = true;
    fx.fake.stream.dropAll();
    await waitFor(() => !fx.broker.stream.connected, "the drop noticed");
    fx.fake.book.fill(a.brokerOrderId, 4, 98);
    fx.fake.book.fill(b.brokerOrderId, 3, 97);
    await waitFor(() => fx.log.lines().some((l) => l.msg.startsWith("alpaca: trade-updates stream connect failed")), "a refused reconnect");
    fx.fake.stream.faults.refuse = false;
    await waitFor(() => fills.length === 3, "three fills");
    await fx.broker.idle();
    expect(summary()).toEqual(["down-a:1@99", "down-a:4@98", "down-b:3@97"]);
    expect(fx.broker.stream.connections).toBe(2);
    const msgs = fx.log.lines().map((l) => l.msg);
    expect(msgs).toContain("alpaca: trade-updates stream dropped, reconnecting");
    expect(msgs).toContain("alpaca: trade-updates stream reconnected");
    expect(msgs).toContain("alpaca: fills recovered from account activities");
    // The stream works again after the reconnect.
    const c = await limitBuy("after", 2);
    fx.fake.book.fill(c.brokerOrderId, 2, 96);
    await waitFor(() => fills.length === 4, "fill after reconnect");
    expect(summary()[3]).toBe("after:2@96");
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(4);
  });

  it("a fill whose event was the last one lost is recovered at the next reconnect", async () => {
    const o = await limitBuy("tail", 2);
    fx.fake.stream.faults.loseFills = 1;
    fx.fake.book.fill(o.brokerOrderId, 2, 95);
    await waitFor(() => fx.fake.stream.faults.loseFills === 0, "the event lost");
    expect(fills).toEqual([]);
    fx.fake.stream.dropAll();
    await waitFor(() => fills.length === 1, "the recovered fill");
    await fx.broker.idle();
    expect(summary()).toEqual(["tail:2@95"]);
  });

  it("fillsSince pages through the account activities, oldest first, from `since` inclusive", async () => {
    const o = await limitBuy("many", 230);
    for (let i = 0; i < 230; i++) fx.fake.book.fill(o.brokerOrderId, 1, 100 + (i % 7));
    await waitFor(() => fills.length === 230, "230 fills");
    const all = await fx.broker.fillsSince(0);
    expect(all).toHaveLength(230);
    expect(all.map((f) => f.fillId)).toEqual(fills.map((f) => f.fillId));
    expect(all.every((f) => f.clientOrderId === "many" && f.quantity === 1 && f.commission === 0)).toBe(true);
    expect(fx.fake.calls("GET", "/v2/account/activities/FILL").filter((c) => c.query.after === undefined)).toHaveLength(3);
    const mid = all[150];
    const later = await fx.broker.fillsSince(mid.time);
    expect(later[0].time).toBe(mid.time);
    expect(later.every((f) => f.time >= mid.time)).toBe(true);
    expect(later.map((f) => f.fillId)).toEqual(all.filter((f) => f.time >= mid.time).map((f) => f.fillId));
  });

  it("fills of orders placed before the fx.broker opened get their client order id from the order", async () => {
    const o = await limitBuy("early", 4);
    fx.fake.book.fill(o.brokerOrderId, 4, 90);
    await waitFor(() => fills.length === 1, "fill");
    const log2 = fileLog();
    const second = await openBroker(fx.fake, log2);
    try {
      const got = await second.fillsSince(0);
      expect(got.map((f) => [f.clientOrderId, f.quantity, f.price])).toEqual([["early", 4, 90]]);
      expect(fx.fake.calls("GET", `/v2/orders/${o.brokerOrderId}`)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
