/**
 * The IBKR connector against the fake TWS over TCP: connection, contracts, orders and fills.
 */
import { describe, expect, it } from "vitest";
import { OUT } from "../../support/fake-tws/messages.js";
import type { FakeTws } from "../../support/fake-tws/server.js";
import { connect, fakeSession, limit, market } from "./helpers.js";

const session = fakeSession();
const open = session.open;
let tws: FakeTws;

describe("IBKR connector: connection", () => {
  it("connects, takes the account from managedAccounts and reads cash and net liquidation", async () => {
    tws = await session.start({ cash: 50_000 });
    const { broker, log } = await open();
    expect(tws.received.find((t) => Number(t[0]) === OUT.START_API)?.[2]).toBe("1");
    expect(log.lines.find((l) => l.msg === "IBKR: connected")?.fields).toMatchObject({ accounts: ["DU1234567"], server_version: 176 });
    expect(await broker.account()).toEqual({ cash: 50_000, equity: 50_000, currency: "USD" });
    expect(await broker.positions()).toEqual([]);
    expect(await broker.openOrders()).toEqual([]);
  });

  it("a paper configuration pointed at a live login is refused; mode live trades it", async () => {
    tws = await session.start({ accounts: ["U7654321"] });
    await expect(connect(tws)).rejects.toThrow(/mode is paper but account U7654321 is a live account/);
    const { log } = await open({ mode: "live", port: tws.port });
    expect(log.lines.find((l) => l.msg === "IBKR: trading a LIVE account")?.fields).toEqual({ account: "U7654321" });
  });

  it("an account this login does not manage is an error naming the key", async () => {
    tws = await session.start();
    await expect(connect(tws, { account: "U999" })).rejects.toThrow(/account U999 \(pipeline\.trading\.ibkr\.account/);
  });
});

describe("IBKR connector: contracts", () => {
  it("sends stocks as SMART/USD, FX pairs as CASH on IDEALPRO and futures from the map", async () => {
    tws = await session.start();
    const { broker } = await open();
    await broker.submit(market("fxa", "AAPL", "buy", 5));
    await broker.submit(market("fxb", "USD.CHF", "sell", 20_000));
    await broker.submit(limit("fxc", "ES", "buy", 1, 4000));
    const [a] = tws.placements("fxa");
    expect([a[3], a[4], a[9], a[11]]).toEqual(["AAPL", "STK", "SMART", "USD"]);
    const [b] = tws.placements("fxb");
    expect([b[3], b[4], b[9], b[11], b[16], b[17]]).toEqual(["USD", "CASH", "IDEALPRO", "CHF", "SELL", "20000"]);
    const [c] = tws.placements("fxc");
    expect([c[3], c[4], c[5], c[8], c[9]]).toEqual(["ES", "FUT", "202603", "50", "CME"]);
    // Positions come back under our keys, a future's average cost per unit of price.
    const pos = await broker.positions();
    expect(pos.map((p) => [p.symbol, p.quantity, p.averagePrice])).toEqual([
      ["AAPL", 5, 100],
      ["USD.CHF", -20_000, 0.9],
    ]);
  });

  it("an unknown symbol is an error naming the key to add, and nothing is sent", async () => {
    tws = await session.start();
    const { broker } = await open();
    await expect(broker.submit(market("fxd", "TSLA", "buy", 1))).rejects.toThrow(/no contract for symbol "TSLA"/);
    await expect(broker.submit(market("fxd", "TSLA", "buy", 1))).rejects.toMatchObject({ hint: expect.stringContaining("pipeline.trading.ibkr") });
    expect(tws.received.filter((t) => Number(t[0]) === OUT.PLACE_ORDER)).toHaveLength(0);
  });
});

describe("IBKR connector: orders and fills", () => {
  it("a market order round trip: acknowledged, filled, one fill with its commission, the position", async () => {
    tws = await session.start();
    const { broker, fills, nextFill } = await open();
    const o = await broker.submit(market("fx1", "AAPL", "buy", 10));
    expect(o).toMatchObject({ clientOrderId: "fx1", symbol: "AAPL", side: "buy", quantity: 10 });
    const [p] = tws.placements("fx1");
    expect([p[16], p[17], p[18], p[21], p[23], p[27]]).toEqual(["BUY", "10", "MKT", "DAY", "DU1234567", "1"]);
    await nextFill(1);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ clientOrderId: "fx1", symbol: "AAPL", side: "buy", quantity: 10, price: 100, commission: 0.1 });
    expect(fills[0].time).toBe(tws.executions[0].ms - (tws.executions[0].ms % 1000));
    expect(await broker.orderByClientId("fx1")).toMatchObject({ status: "filled", filledQuantity: 10, averagePrice: 100 });
    expect((await broker.fillsSince(0)).map((f) => f.fillId)).toEqual([tws.executions[0].execId]);
    expect(fills).toHaveLength(1);
    expect(await broker.positions()).toEqual([{ symbol: "AAPL", quantity: 10, averagePrice: 100, marketPrice: NaN }]);
  });

  it("limit and stop orders carry their prices and time in force; a resting order is open, replaced in place and cancelled", async () => {
    tws = await session.start();
    const { broker, fills, nextFill } = await open();
    await broker.submit({ clientOrderId: "fxs", symbol: "MSFT", side: "sell", quantity: 3, type: "stop", timeInForce: "gtc", stopPrice: 190 });
    const [s] = tws.placements("fxs");
    expect([s[18], s[19], s[20], s[21]]).toEqual(["STP", "", "190", "GTC"]);
    await broker.submit({ clientOrderId: "fxsl", symbol: "MSFT", side: "buy", quantity: 1, type: "stop_limit", timeInForce: "ioc", stopPrice: 250, limitPrice: 251 });
    const [sl] = tws.placements("fxsl");
    expect([sl[18], sl[19], sl[20], sl[21]]).toEqual(["STP LMT", "251", "250", "IOC"]);
    await broker.cancel("fxsl");
    const lim = await broker.submit(limit("fxl", "AAPL", "buy", 10, 95));
    expect(lim.status).toBe("new");
    expect((await broker.openOrders()).map((o) => o.clientOrderId).sort()).toEqual(["fxl", "fxs"]);
    // Five fill, then the rest is replaced at a new price under a new client id: the same TWS order.
    tws.fill(Number(lim.brokerOrderId), 5, 95);
    await nextFill(1);
    const rep = await broker.replace("fxl", "fxl2", { limitPrice: 96 });
    expect(rep).toMatchObject({ clientOrderId: "fxl2", quantity: 5, limitPrice: 96, filledQuantity: 0, brokerOrderId: lim.brokerOrderId });
    const modify = tws.placements("fxl2");
    expect(modify).toHaveLength(1);
    expect([modify[0][1], modify[0][17], modify[0][19]]).toEqual([lim.brokerOrderId, "10", "96"]);
    expect(await broker.orderByClientId("fxl")).toMatchObject({ status: "canceled", filledQuantity: 5 });
    tws.fill(Number(lim.brokerOrderId), 2, 96);
    await nextFill(2);
    expect(fills[1]).toMatchObject({ clientOrderId: "fxl2", quantity: 2, price: 96 });
    expect(await broker.orderByClientId("fxl2")).toMatchObject({ status: "partially_filled", filledQuantity: 2 });
    await broker.cancel("fxl2");
    expect(await broker.orderByClientId("fxl2")).toMatchObject({ status: "canceled", filledQuantity: 2 });
    expect(tws.orders.get(Number(lim.brokerOrderId))?.status).toBe("Cancelled");
    expect((await broker.openOrders()).map((o) => o.clientOrderId)).toEqual(["fxs"]);
  });

  it("a reject is a rejected order with TWS's reason; an instrument TWS does not know is rejected too", async () => {
    tws = await session.start({ unknownSymbols: ["ZZZZ"] });
    const { broker } = await open();
    tws.faults.rejectNext = "YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE MUST EXCEED THE INITIAL MARGIN";
    const r = await broker.submit(market("fxr", "AAPL", "buy", 100_000));
    expect(r.status).toBe("rejected");
    expect(r.rejectReason).toMatch(/INITIAL MARGIN.*\(IB error 201\)/);
    const z = await broker.submit(market("fxz", "ZZZZ", "buy", 1));
    expect(z).toMatchObject({ status: "rejected", rejectReason: expect.stringMatching(/No security definition.*\(IB error 200\)/) });
    // Rejected orders are not open, and the same id submitted again returns the rejection.
    expect(await broker.openOrders()).toEqual([]);
    expect(await broker.submit(market("fxr", "AAPL", "buy", 100_000))).toMatchObject({ status: "rejected" });
    expect(tws.placements("fxr")).toHaveLength(1);
  });

  it("a refused replace is an error with TWS's reason and leaves the order working as it was", async () => {
    tws = await session.start();
    const { broker } = await open();
    const o = await broker.submit(limit("fxm", "AAPL", "buy", 10, 90));
    tws.faults.rejectNext = "price too far from the market";
    await expect(broker.replace("fxm", "fxm2", { limitPrice: 10 })).rejects.toThrow(/replace of fxm refused: .*price too far from the market \(IB error 201\)/);
    expect(await broker.orderByClientId("fxm")).toMatchObject({ status: "new", limitPrice: 90, brokerOrderId: o.brokerOrderId });
    expect(await broker.orderByClientId("fxm2")).toBeUndefined();
    expect(tws.orders.get(Number(o.brokerOrderId))).toMatchObject({ status: "Submitted", order: { lmtPrice: 90, orderRef: "fxm" } });
  });

  it("a quantity that is not a whole lot, or a limit order without a price, is rejected without being sent", async () => {
    tws = await session.start();
    const { broker } = await open();
    expect(await broker.submit(market("fxq", "AAPL", "buy", 2.5))).toMatchObject({ status: "rejected", rejectReason: expect.stringContaining("lot") });
    expect(await broker.submit({ clientOrderId: "fxp", symbol: "AAPL", side: "buy", quantity: 1, type: "limit", timeInForce: "day" })).toMatchObject({ status: "rejected" });
    expect(tws.received.filter((t) => Number(t[0]) === OUT.PLACE_ORDER)).toHaveLength(0);
  });
});
