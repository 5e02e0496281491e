/**
 * The IBKR connector when things go wrong, against the fake TWS over TCP: a restarted process
 * resubmitting by client id, the socket dropping mid-order, executions missed while disconnected,
 * TWS losing its link to IB (1100 / 1102) and the nightly reset.
 */
import { describe, expect, it } from "vitest";
import { OUT } from "../../support/fake-tws/messages.js";
import type { FakeTws } from "../../support/fake-tws/server.js";
import { fakeSession, limit, market } from "./helpers.js";

const session = fakeSession();
const open = session.open;
let tws: FakeTws;

/** Orders in the fake's book with this client order id. */
const held = (ref: string) => [...tws.orders.values()].filter((o) => o.order.orderRef === ref);

describe("IBKR connector: restart and resubmit", () => {
  it("a new process finds open and filled orders by client id, and a resubmit of them creates nothing", async () => {
    tws = await session.start();
    const first = await open();
    await first.broker.submit(limit("fxopen", "AAPL", "buy", 10, 90));
    await first.broker.submit(market("fxdone", "MSFT", "sell", 4));
    await first.nextFill(1);
    await first.broker.close();

    const second = await open();
    expect(await second.broker.orderByClientId("fxopen")).toMatchObject({ status: "new", quantity: 10, limitPrice: 90, type: "limit", timeInForce: "gtc", side: "buy" });
    expect(await second.broker.orderByClientId("fxdone")).toMatchObject({ status: "filled", filledQuantity: 4, averagePrice: 200, side: "sell" });
    expect(await second.broker.orderByClientId("fxnever")).toBeUndefined();
    const again = await second.broker.submit(limit("fxopen", "AAPL", "buy", 10, 90));
    expect(again.brokerOrderId).toBe(String(held("fxopen")[0].orderId));
    await second.broker.submit(market("fxdone", "MSFT", "sell", 4));
    expect(tws.placements("fxopen")).toHaveLength(1);
    expect(tws.placements("fxdone")).toHaveLength(1);
    // The executions of the earlier session are fills of this one too (the journal dedupes by fill id).
    expect((await second.broker.fillsSince(0)).map((f) => f.clientOrderId)).toEqual(["fxdone"]);
    // Order ids keep growing across sessions.
    const next = await second.broker.submit(market("fxnew", "AAPL", "buy", 1));
    expect(Number(next.brokerOrderId)).toBeGreaterThan(Number(again.brokerOrderId));
  });

  it("orders that ended without a fill in an earlier process (cancelled, rejected) are found through TWS's completed orders, not sent again", async () => {
    tws = await session.start();
    const first = await open();
    await first.broker.submit(limit("fxcxl", "AAPL", "buy", 10, 90));
    await first.broker.cancel("fxcxl");
    tws.faults.rejectNext = "insufficient buying power";
    expect((await first.broker.submit(market("fxrej", "MSFT", "buy", 1))).status).toBe("rejected");
    await first.broker.close();

    const second = await open();
    expect(await second.broker.orderByClientId("fxcxl")).toMatchObject({ status: "canceled", quantity: 10, filledQuantity: 0, limitPrice: 90, side: "buy" });
    expect(await second.broker.orderByClientId("fxrej")).toMatchObject({ status: "rejected", rejectReason: expect.stringContaining("Inactive") });
    expect(await second.broker.submit(limit("fxcxl", "AAPL", "buy", 10, 90))).toMatchObject({ status: "canceled" });
    expect(await second.broker.submit(market("fxrej", "MSFT", "buy", 1))).toMatchObject({ status: "rejected" });
    expect(tws.placements("fxcxl")).toHaveLength(1);
    expect(tws.placements("fxrej")).toHaveLength(1);
  });

  it("after a dropped socket the same client id submitted again returns the order TWS holds", async () => {
    tws = await session.start();
    const { broker, log } = await open();
    const o = await broker.submit(limit("fxkeep", "AAPL", "buy", 10, 90));
    const mark = log.lines.length;
    tws.dropConnections();
    await log.next("IBKR: synchronised with TWS", mark);
    const again = await broker.submit(limit("fxkeep", "AAPL", "buy", 10, 90));
    expect(again).toMatchObject({ brokerOrderId: o.brokerOrderId, status: "new" });
    expect(tws.placements("fxkeep")).toHaveLength(1);
  });
});

describe("IBKR connector: disconnect mid-order", () => {
  it("an order lost in transit is placed again after the reconnect, once", async () => {
    tws = await session.start();
    const { broker, fills, nextFill, log } = await open();
    tws.faults.dropOnPlaceOrder = "before";
    const o = await broker.submit(market("fxlost", "AAPL", "buy", 7));
    await nextFill(1);
    expect(held("fxlost")).toHaveLength(1);
    expect(tws.placements("fxlost")).toHaveLength(2); // the one the socket swallowed, and the one placed again
    expect(o.brokerOrderId).toBe(String(held("fxlost")[0].orderId));
    expect(fills.map((f) => [f.clientOrderId, f.quantity])).toEqual([["fxlost", 7]]);
    expect(log.lines.some((l) => l.msg.includes("never reached TWS; placing it again"))).toBe(true);
    expect(await broker.positions()).toMatchObject([{ symbol: "AAPL", quantity: 7 }]);
  });

  it("an order TWS took before the socket dropped is adopted, not placed again, and its fill recovered once", async () => {
    tws = await session.start();
    const { broker, fills, nextFill } = await open();
    tws.faults.dropOnPlaceOrder = "after";
    const o = await broker.submit(market("fxtaken", "AAPL", "buy", 3));
    await nextFill(1);
    expect(tws.placements("fxtaken")).toHaveLength(1);
    expect(o).toMatchObject({ status: "filled", filledQuantity: 3 });
    expect(fills.map((f) => f.fillId)).toEqual([tws.executions[0].execId]);
    // A later snapshot of the same executions emits nothing new.
    await broker.fillsSince(0);
    expect(fills).toHaveLength(1);
  });

  it("executions missed while disconnected are recovered by reqExecutions and emitted exactly once, across further reconnects", async () => {
    tws = await session.start();
    const { broker, fills, nextFill, log } = await open();
    const a = await broker.submit(limit("fxa", "AAPL", "buy", 10, 95));
    const b = await broker.submit(limit("fxb", "MSFT", "sell", 5, 210));
    tws.faults.withholdExecutions = true;
    tws.dropConnections();
    // While the connector is cut off, both orders fill (partly, for fxb).
    tws.fill(Number(a.brokerOrderId), 10, 95);
    tws.fill(Number(b.brokerOrderId), 2, 210);
    await nextFill(2);
    expect(fills.map((f) => [f.clientOrderId, f.quantity, f.price, f.commission]).sort()).toEqual([
      ["fxa", 10, 95, 0.1],
      ["fxb", 2, 210, 0.02],
    ]);
    // The nightly reset: every socket cut, the first attempts refused; the same executions come back again.
    const mark = log.lines.length;
    tws.nightlyReset(3);
    await log.next("IBKR: synchronised with TWS", mark);
    await broker.fillsSince(0);
    expect(fills).toHaveLength(2);
    expect(log.lines.filter((l) => l.msg === "IBKR: connection attempt failed; retrying").length).toBeGreaterThanOrEqual(3);
    expect(await broker.orderByClientId("fxa")).toMatchObject({ status: "filled", filledQuantity: 10 });
    expect(await broker.orderByClientId("fxb")).toMatchObject({ status: "partially_filled", filledQuantity: 2 });
    expect(new Set(fills.map((f) => f.fillId)).size).toBe(2);
  });
});

describe("IBKR connector: a socket dead without a close", () => {
  it("an unanswered heartbeat reconnects", async () => {
    tws = await session.start();
    const { broker, log, nextFill } = await open({ heartbeat_ms: 100 });
    await broker.submit(limit("fxhb", "AAPL", "buy", 1, 90));
    const mark = log.lines.length;
    tws.faults.silent = true;
    await log.next("IBKR: no answer to the heartbeat", mark);
    tws.faults.silent = false;
    await log.next("IBKR: synchronised with TWS", mark);
    expect(tws.starts).toBeGreaterThanOrEqual(2);
    expect((await broker.openOrders()).map((o) => o.clientOrderId)).toEqual(["fxhb"]);
    await broker.submit(market("fxhb2", "AAPL", "buy", 1));
    await nextFill(1);
    expect(await broker.orderByClientId("fxhb2")).toMatchObject({ status: "filled" });
  });
});

describe("IBKR connector: TWS's link to IB (1100 / 1102)", () => {
  it("holds orders while the link is down, sends them once it is restored, and recovers fills made meanwhile", async () => {
    tws = await session.start();
    const { broker, fills, nextFill, log } = await open();
    const resting = await broker.submit(limit("fxrest", "AAPL", "buy", 4, 99));
    tws.connectivityLost();
    await log.next("TWS lost its connection to IB");
    const pending = broker.submit(market("fxwait", "MSFT", "buy", 2));
    // The resting order fills while TWS cannot tell anyone.
    tws.fill(Number(resting.brokerOrderId), 4, 99);
    const restoredAt = tws.received.length;
    tws.connectivityRestored(true);
    const o = await pending;
    expect(o.clientOrderId).toBe("fxwait");
    const placed = tws.received.findIndex((t) => Number(t[0]) === OUT.PLACE_ORDER && t[26] === "fxwait");
    expect(placed).toBeGreaterThanOrEqual(restoredAt);
    expect(tws.placements("fxwait")).toHaveLength(1);
    await nextFill(2);
    expect(fills.map((f) => f.clientOrderId).sort()).toEqual(["fxrest", "fxwait"]);
    expect(log.lines.some((l) => l.msg === "IBKR: connection to IB restored" && l.fields?.data_lost === false)).toBe(true);
    // Executions are asked for after the restore: the one made during the outage came from there.
    const execRequests = tws.received.map((t, i) => [Number(t[0]), i]).filter(([id, i]) => id === OUT.REQ_EXECUTIONS && i >= restoredAt);
    expect(execRequests.length).toBeGreaterThanOrEqual(1);
  });

  it("orders that ended while nothing reached the connector are filled or cancelled from TWS's book and executions", async () => {
    tws = await session.start();
    const { broker, fills, nextFill, log } = await open();
    const f = await broker.submit(limit("fxgofill", "AAPL", "buy", 6, 98));
    const c = await broker.submit(limit("fxgocancel", "MSFT", "buy", 6, 150));
    tws.connectivityLost();
    await log.next("TWS lost its connection to IB");
    tws.fill(Number(f.brokerOrderId), 6, 98);
    tws.cancel(Number(c.brokerOrderId));
    tws.connectivityRestored(true);
    await nextFill(1);
    expect(await broker.openOrders()).toEqual([]);
    expect(await broker.orderByClientId("fxgofill")).toMatchObject({ status: "filled", filledQuantity: 6 });
    expect(await broker.orderByClientId("fxgocancel")).toMatchObject({ status: "canceled", filledQuantity: 0 });
    expect(fills.map((x) => x.clientOrderId)).toEqual(["fxgofill"]);
  });

  it("1101 (data lost) is a restore too", async () => {
    tws = await session.start();
    const { broker, log, nextFill } = await open();
    tws.connectivityLost();
    await log.next("TWS lost its connection to IB");
    tws.connectivityRestored(false);
    await log.next("IBKR: connection to IB restored");
    expect(log.lines.find((l) => l.msg === "IBKR: connection to IB restored")?.fields).toMatchObject({ code: 1101, data_lost: true });
    await broker.submit(market("fxafter", "AAPL", "buy", 1));
    await nextFill(1);
    expect(await broker.orderByClientId("fxafter")).toMatchObject({ status: "filled" });
  });
});
