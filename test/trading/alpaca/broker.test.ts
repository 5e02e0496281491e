/**
 * The Alpaca connector against the fake Alpaca over HTTP and WebSocket: account, positions and
 * orders round trip, idempotent resubmission by client order id, refusals as rejected orders,
 * replace and cancel, clock and calendar.
 */
import { describe, expect, it } from "vitest";
import type { Fill, OrderRequest } from "../../../src/trading/orders/types.js";
import { useBroker, waitFor } from "./helpers.js";

const market = (id: string, symbol: string, side: "buy" | "sell", quantity: number): OrderRequest => ({ clientOrderId: id, symbol, side, quantity, type: "market", timeInForce: "day" });

describe("Alpaca broker round trip", () => {
  const fx = useBroker();

  it("submits market orders that fill, and reads back account, positions and fills", async () => {
    fx.fake.book.prices.set("AAPL", 200);
    fx.fake.book.prices.set("MSFT", 400);
    const fills: Fill[] = [];
    fx.broker.onFill((f) => fills.push(f));
    const a = await fx.broker.submit(market("m1-aapl", "AAPL", "buy", 10));
    expect(a).toMatchObject({ clientOrderId: "m1-aapl", symbol: "AAPL", side: "buy", quantity: 10, status: "new", filledQuantity: 0 });
    expect(a.brokerOrderId).not.toBe("");
    await fx.broker.submit(market("m1-msft", "MSFT", "sell", 5));
    await waitFor(() => fills.length === 2, "two fills");
    expect(fills.map((f) => [f.clientOrderId, f.symbol, f.side, f.quantity, f.price])).toEqual([
      ["m1-aapl", "AAPL", "buy", 10, 200],
      ["m1-msft", "MSFT", "sell", 5, 400],
    ]);
    const positions = await fx.broker.positions();
    expect(positions.map((p) => [p.symbol, p.quantity, p.averagePrice, p.marketPrice])).toEqual([
      ["AAPL", 10, 200, 200],
      ["MSFT", -5, 400, 400],
    ]);
    const acct = await fx.broker.account();
    expect(acct.cash).toBe(100_000 - 2000 + 2000);
    expect(acct.equity).toBe(100_000);
    expect(acct.currency).toBe("USD");
    const held = await fx.broker.orderByClientId("m1-aapl");
    expect(held).toMatchObject({ status: "filled", filledQuantity: 10, averagePrice: 200, brokerOrderId: a.brokerOrderId });
    expect(await fx.broker.orderByClientId("never-sent")).toBeUndefined();
    const since = await fx.broker.fillsSince(0);
    expect(since.map((f) => f.fillId)).toEqual(fills.map((f) => f.fillId));
    expect(since).toEqual(fills);
  });

  it("resubmitting a client order id returns the order Alpaca holds and creates nothing", async () => {
    const r: OrderRequest = { clientOrderId: "rebal-1", symbol: "SPY", side: "buy", quantity: 3, type: "limit", timeInForce: "gtc", limitPrice: 500 };
    const first = await fx.broker.submit(r);
    const again = await fx.broker.submit(r);
    expect(again.brokerOrderId).toBe(first.brokerOrderId);
    expect(again).toMatchObject({ status: "new", limitPrice: 500, timeInForce: "gtc", type: "limit" });
    expect(fx.fake.book.orders).toHaveLength(1);
    expect(fx.fake.calls("POST", "/v2/orders")).toHaveLength(2);
    expect(fx.log.lines().some((l) => l.msg.includes("idempotent resubmission"))).toBe(true);
    const open = await fx.broker.openOrders();
    expect(open.map((o) => o.clientOrderId)).toEqual(["rebal-1"]);
  });

  it("sends every order type and time in force in Alpaca's wire form", async () => {
    fx.fake.book.autoFill = false;
    await fx.broker.submit({ clientOrderId: "t-stop", symbol: "AAPL", side: "sell", quantity: 2, type: "stop", timeInForce: "day", stopPrice: 190.5 });
    await fx.broker.submit({ clientOrderId: "t-sl", symbol: "AAPL", side: "sell", quantity: 2, type: "stop_limit", timeInForce: "gtc", stopPrice: 190, limitPrice: 189.5 });
    await fx.broker.submit({ clientOrderId: "t-ioc", symbol: "AAPL", side: "buy", quantity: 1, type: "market", timeInForce: "ioc" });
    expect(fx.fake.calls("POST", "/v2/orders").map((c) => c.body)).toEqual([
      { client_order_id: "t-stop", qty: "2", side: "sell", stop_price: "190.5", symbol: "AAPL", time_in_force: "day", type: "stop" },
      { client_order_id: "t-sl", limit_price: "189.5", qty: "2", side: "sell", stop_price: "190", symbol: "AAPL", time_in_force: "gtc", type: "stop_limit" },
      { client_order_id: "t-ioc", qty: "1", side: "buy", symbol: "AAPL", time_in_force: "ioc", type: "market" },
    ]);
    const open = await fx.broker.openOrders();
    expect(open.map((o) => [o.clientOrderId, o.type, o.timeInForce, o.stopPrice ?? null, o.limitPrice ?? null])).toEqual([
      ["t-stop", "stop", "day", 190.5, null],
      ["t-sl", "stop_limit", "gtc", 190, 189.5],
      ["t-ioc", "market", "ioc", null, null],
    ]);
  });

  it("lists more open orders than one page holds, each once", async () => {
    fx.fake.book.autoFill = false;
    for (let i = 0; i < 1203; i++) fx.fake.book.submit({ client_order_id: `bulk-${i}`, symbol: "SPY", qty: "1", side: "buy", type: "limit", time_in_force: "gtc", limit_price: "1" });
    const open = await fx.broker.openOrders();
    expect(open).toHaveLength(1203);
    expect(new Set(open.map((o) => o.clientOrderId)).size).toBe(1203);
    expect(fx.fake.calls("GET", "/v2/orders").length).toBeGreaterThanOrEqual(3);
  });

  it("a refusal at submission is a rejected order with Alpaca's reason; an asynchronous reject shows on the order", async () => {
    fx.fake.book.rejectNext = { reason: "insufficient buying power", mode: "http" };
    const r1 = await fx.broker.submit(market("rej-1", "AAPL", "buy", 1));
    expect(r1.status).toBe("rejected");
    expect(r1.rejectReason).toMatch(/HTTP 403: insufficient buying power/);
    const r2 = await fx.broker.submit(market("rej-2", "NOPE", "buy", 1));
    expect(r2.status).toBe("rejected");
    expect(r2.rejectReason).toMatch(/HTTP 422: asset "NOPE" not found/);
    expect(fx.fake.book.orders).toHaveLength(0);
    fx.fake.book.rejectNext = { reason: "", mode: "async" };
    const r3 = await fx.broker.submit(market("rej-3", "AAPL", "buy", 1));
    expect(r3.status).toBe("new");
    await waitFor(() => fx.fake.book.byClientId("rej-3")?.status === "rejected", "async reject");
    expect((await fx.broker.orderByClientId("rej-3"))?.status).toBe("rejected");
  });

  it("replaces (PATCH) an open order for the rest of its quantity, and cancels", async () => {
    fx.fake.book.autoFill = false;
    const o = await fx.broker.submit({ clientOrderId: "lim-1", symbol: "MSFT", side: "buy", quantity: 10, type: "limit", timeInForce: "day", limitPrice: 390 });
    fx.fake.book.fill(o.brokerOrderId, 4, 390);
    const fills: Fill[] = [];
    fx.broker.onFill((f) => fills.push(f));
    const n = await fx.broker.replace("lim-1", "lim-1b", { limitPrice: 395 });
    expect(n).toMatchObject({ clientOrderId: "lim-1b", quantity: 6, limitPrice: 395, status: "new" });
    expect(fx.fake.calls("PATCH", /^\/v2\/orders\//)[0].body).toEqual({ client_order_id: "lim-1b", limit_price: "395", qty: "6" });
    expect((await fx.broker.orderByClientId("lim-1"))?.status).toBe("canceled");
    expect((await fx.broker.openOrders()).map((x) => x.clientOrderId)).toEqual(["lim-1b"]);
    await expect(fx.broker.replace("lim-1", "lim-1c", { limitPrice: 1 })).rejects.toThrow(/no open order lim-1 to replace/);
    await fx.broker.cancel("lim-1b");
    expect((await fx.broker.orderByClientId("lim-1b"))?.status).toBe("canceled");
    expect(await fx.broker.openOrders()).toEqual([]);
    // Cancelling again, or an unknown id, is a no-op (as with the paper fx.broker).
    await fx.broker.cancel("lim-1b");
    await fx.broker.cancel("never-sent");
    expect(fx.fake.calls("DELETE", /^\/v2\/orders\//)).toHaveLength(1);
  });

  it("cancelling an order that filled meanwhile (422 not cancelable) is a no-op", async () => {
    fx.fake.book.autoFill = false;
    const o = await fx.broker.submit(market("race-1", "AAPL", "buy", 1));
    fx.fake.book.prices.set("AAPL", 10);
    // The first DELETE fails (500) and the order fills meanwhile; the retried DELETE gets 422.
    fx.fake.inject({ method: "DELETE", path: `/v2/orders/${o.brokerOrderId}`, kind: "server_error", before: () => fx.fake.book.fill(o.brokerOrderId, 1) });
    await fx.broker.cancel("race-1");
    expect(fx.fake.calls("DELETE", `/v2/orders/${o.brokerOrderId}`)).toHaveLength(2);
    expect(fx.fake.book.byId(o.brokerOrderId)?.status).toBe("filled");
    expect(fx.log.lines().some((l) => l.msg === "alpaca: order not cancelable any more")).toBe(true);
  });

  it("reads the clock and the calendar (sessions in New York time)", async () => {
    const c = await fx.broker.clock();
    expect(c).toEqual({ now: Date.parse("2026-12-07T20:00:00Z"), isOpen: true, nextOpen: Date.parse("2026-12-08T14:30:00Z"), nextClose: Date.parse("2026-12-07T21:00:00Z") });
    fx.fake.calendarDays = [
      { date: "2026-07-02", open: "09:30", close: "16:00" },
      { date: "2026-07-03", open: "09:30", close: "13:00" },
      { date: "2026-12-07", open: "09:30", close: "16:00" },
    ];
    const s = await fx.broker.calendar(Date.parse("2026-07-01T00:00:00Z"), Date.parse("2026-07-31T00:00:00Z"));
    // Summer: New York is UTC-4; the early close of July 3rd is kept.
    expect(s).toEqual([
      { date: "2026-07-02", open: Date.parse("2026-07-02T13:30:00Z"), close: Date.parse("2026-07-02T20:00:00Z") },
      { date: "2026-07-03", open: Date.parse("2026-07-03T13:30:00Z"), close: Date.parse("2026-07-03T17:00:00Z") },
    ]);
  });
});
