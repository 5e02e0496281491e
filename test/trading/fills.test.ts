/**
 * Known answers for the shared fill model and the paper broker: fill prices by rule, slippage and
 * commission, limit and stop triggers, partial fills by the volume cap with the rest expiring,
 * rejects, idempotent submission, and a book that survives reopening. Time-series strategies size
 * one instrument by the sign of its prediction, or by target volatility.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clockAt, sessionsFromBars } from "../../src/trading/broker/calendar.js";
import { PaperBroker } from "../../src/trading/broker/paper.js";
import { simulateFill } from "../../src/trading/fills/fill-model.js";
import type { BarQuote, BarSlice } from "../../src/trading/fills/quote.js";
import { clientOrderId } from "../../src/trading/orders/client-id.js";
import { fillSchema, tradingSchema } from "../../src/trading/schema.js";
import { makeWeighter } from "../../src/trading/strategy/weights.js";
import { trailingVolatilityFromClose as volForecast } from "../../src/backtest/time-series.js";
import { ordersToTarget, targetShares } from "../../src/trading/strategy/sizing.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-fills-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const bar = (o: Partial<BarQuote>): BarQuote => ({ time: 0, open: 100, high: 105, low: 95, close: 102, volume: 10_000, ...o });
const slice = (time: number, q: Partial<BarQuote>): BarSlice => ({ index: 0, time, symbols: ["X"], quotes: [bar({ time, ...q })] });

describe("the fill model", () => {
  const base = fillSchema.parse({});
  it("fills market orders at the rule's price, with slippage against the trader and commission", () => {
    expect(simulateFill({ side: "buy", type: "market", remaining: 10 }, bar({}), base, 1)).toEqual({ quantity: 10, price: 100, commission: 0 });
    expect(simulateFill({ side: "buy", type: "market", remaining: 10 }, bar({}), { ...base, price: "next_vwap" }, 1)!.price).toBeCloseTo((105 + 95 + 102) / 3, 12);
    expect(simulateFill({ side: "buy", type: "market", remaining: 10 }, bar({ open: NaN }), base, 1)!.price).toBe(102);
    const cost = { ...base, slippage_bps: 10, commission_per_share: 0.01, commission_min: 1 };
    expect(simulateFill({ side: "buy", type: "market", remaining: 10 }, bar({}), cost, 1)).toEqual({ quantity: 10, price: 100 * 1.001, commission: 1 });
    expect(simulateFill({ side: "sell", type: "market", remaining: 1000 }, bar({}), cost, 1)).toEqual({ quantity: 1000, price: 100 * 0.999, commission: 10 });
    expect(simulateFill({ side: "buy", type: "market", remaining: 10 }, bar({ close: NaN }), base, 1)).toBeNull();
  });

  it("fills limits only when reachable, never through the limit; stops only once triggered", () => {
    expect(simulateFill({ side: "buy", type: "limit", remaining: 5, limitPrice: 94 }, bar({}), base, 1)).toBeNull();
    expect(simulateFill({ side: "buy", type: "limit", remaining: 5, limitPrice: 97 }, bar({}), { ...base, slippage_bps: 50 }, 1)!.price).toBe(97);
    expect(simulateFill({ side: "sell", type: "limit", remaining: 5, limitPrice: 90 }, bar({}), base, 1)!.price).toBe(100);
    expect(simulateFill({ side: "buy", type: "stop", remaining: 5, stopPrice: 106 }, bar({}), base, 1)).toBeNull();
    expect(simulateFill({ side: "buy", type: "stop", remaining: 5, stopPrice: 103 }, bar({}), base, 1)!.price).toBe(103);
    expect(simulateFill({ side: "sell", type: "stop", remaining: 5, stopPrice: 101 }, bar({}), base, 1)!.price).toBe(100);
  });

  it("caps a fill at a share of the bar's volume, in whole lots", () => {
    const capped = { ...base, max_volume_share: 0.05 };
    expect(simulateFill({ side: "buy", type: "market", remaining: 2000 }, bar({}), capped, 1)!.quantity).toBe(500);
    expect(simulateFill({ side: "buy", type: "market", remaining: 2000 }, bar({}), capped, 100)!.quantity).toBe(500);
    expect(simulateFill({ side: "buy", type: "market", remaining: 2000 }, bar({ volume: 3000 }), capped, 100)!.quantity).toBe(100);
    expect(simulateFill({ side: "buy", type: "market", remaining: 2000 }, bar({ volume: NaN }), capped, 1)!.quantity).toBe(2000);
  });
});

describe("the paper broker", () => {
  const fill = fillSchema.parse({ max_volume_share: 0.1 });
  const open = (path: string) => new PaperBroker({ path, symbols: ["X"], initialCash: 100_000, fill, lot: 1 });

  it("fills in the next bar, partially under the volume cap, expires the rest of a day order, and keeps GTC orders", async () => {
    const b = open(":memory:");
    b.advance(slice(1, {}));
    const seen: number[] = [];
    b.onFill((f) => seen.push(f.quantity));
    await b.submit({ clientOrderId: "a", symbol: "X", side: "buy", quantity: 1500, type: "market", timeInForce: "day" });
    await b.submit({ clientOrderId: "g", symbol: "X", side: "buy", quantity: 10, type: "limit", limitPrice: 80, timeInForce: "gtc" });
    expect((await b.positions()).length).toBe(0);
    b.advance(slice(2, {}));
    expect(seen).toEqual([1000]);
    expect((await b.orderByClientId("a"))!).toMatchObject({ status: "expired", filledQuantity: 1000, averagePrice: 100 });
    expect((await b.openOrders()).map((o) => o.clientOrderId)).toEqual(["g"]);
    const acct = await b.account();
    expect(acct.cash).toBe(100_000 - 100_000);
    expect(acct.equity).toBe(1000 * 102);
    b.advance(slice(3, { low: 79 }));
    expect((await b.orderByClientId("g"))!.status).toBe("filled");
    expect((await b.positions())[0].quantity).toBe(1010);
  });

  it("rejects bad orders with a reason, and a second submission of an id returns the first order", async () => {
    const b = open(":memory:");
    expect(await b.submit({ clientOrderId: "u", symbol: "NOPE", side: "buy", quantity: 1, type: "market", timeInForce: "day" })).toMatchObject({ status: "rejected", rejectReason: "unknown symbol NOPE" });
    expect((await b.submit({ clientOrderId: "f", symbol: "X", side: "buy", quantity: 1.5, type: "market", timeInForce: "day" })).rejectReason).toMatch(/not a positive multiple/);
    expect((await b.submit({ clientOrderId: "l", symbol: "X", side: "buy", quantity: 1, type: "limit", timeInForce: "day" })).rejectReason).toMatch(/needs a positive limit price/);
    const first = await b.submit({ clientOrderId: "d", symbol: "X", side: "buy", quantity: 5, type: "market", timeInForce: "day" });
    const again = await b.submit({ clientOrderId: "d", symbol: "X", side: "sell", quantity: 99, type: "market", timeInForce: "day" });
    expect(again).toEqual(first);
    expect((await b.openOrders()).length).toBe(1);
  });

  it("keeps its book across a reopen, and ignores a bar it has already processed", async () => {
    const path = join(tmp, "book.sqlite");
    let b = open(path);
    b.advance(slice(1, {}));
    await b.submit({ clientOrderId: "a", symbol: "X", side: "buy", quantity: 100, type: "market", timeInForce: "day" });
    await b.close();
    b = open(path);
    expect((await b.openOrders()).length).toBe(1);
    b.advance(slice(2, {}));
    b.advance(slice(2, {}));
    await b.close();
    b = open(path);
    expect(await b.positions()).toEqual([{ symbol: "X", quantity: 100, averagePrice: 100, marketPrice: 102 }]);
    expect((await b.fillsSince(0)).length).toBe(1);
    await b.close();
  });

  it("derives the same client order id from the same decision, and another from any other", () => {
    const id = clientOrderId("run/t/ridge", 1000, "X", "rebalance");
    expect(id).toBe(clientOrderId("run/t/ridge", 1000, "X", "rebalance"));
    expect(new Set([id, clientOrderId("run/t/ridge", 1001, "X", "rebalance"), clientOrderId("run/t/ridge", 1000, "Y", "rebalance"), clientOrderId("run/t/ridge", 1000, "X", "flatten"), clientOrderId("run/t/lasso", 1000, "X", "rebalance")]).size).toBe(5);
  });
});

describe("the market calendar of the bars", () => {
  it("makes one session per date (intraday) or per bar (daily), and a clock that knows open from closed", () => {
    const h = 3_600_000;
    const d0 = Date.UTC(2024, 6, 1);
    const intraday = [d0 + 14 * h, d0 + 15 * h, d0 + 16 * h, d0 + 24 * h + 14 * h, d0 + 24 * h + 15 * h];
    const sessions = sessionsFromBars(intraday, { interval: "1h", medianSpacingMs: h, explicit: true });
    expect(sessions).toEqual([
      { date: "2024-07-01", open: d0 + 14 * h, close: d0 + 17 * h },
      { date: "2024-07-02", open: d0 + 38 * h, close: d0 + 40 * h },
    ]);
    expect(clockAt(d0 + 15.5 * h, sessions)).toEqual({ now: d0 + 15.5 * h, isOpen: true, nextOpen: d0 + 38 * h, nextClose: d0 + 17 * h });
    expect(clockAt(d0 + 20 * h, sessions)).toEqual({ now: d0 + 20 * h, isOpen: false, nextOpen: d0 + 38 * h, nextClose: d0 + 40 * h });
    expect(clockAt(d0 + 50 * h, sessions).isOpen).toBe(false);
    const daily = sessionsFromBars([d0, d0 + 24 * h], { interval: "1d", medianSpacingMs: 24 * h, explicit: true });
    expect(daily.map((s) => s.date)).toEqual(["2024-07-01", "2024-07-02"]);
  });

  it("is what the paper broker's clock and calendar answer", async () => {
    const sessions = [{ date: "1970-01-01", open: 1, close: 2 }, { date: "1970-01-02", open: 86_400_001, close: 86_400_002 }];
    const b = new PaperBroker({ path: ":memory:", symbols: ["X"], initialCash: 1, fill: fillSchema.parse({}), lot: 1, sessions });
    b.advance(slice(1, {}));
    expect(await b.clock()).toMatchObject({ now: 1, isOpen: true, nextOpen: 86_400_001 });
    expect(await b.calendar(0, 10)).toEqual([sessions[0]]);
  });
});

describe("time-series strategies", () => {
  const one = { tradable: new Uint8Array([1]), book: new Float64Array([0]) };
  it("sign: long or short the whole capped weight of one instrument, flat within the threshold", () => {
    const w = makeWeighter(tradingSchema.parse({ strategy: { kind: "sign", threshold: 0.001, max_weight: 0.8 } }), 1);
    const out = new Float64Array(1);
    w.weights({ ...one, signal: new Float64Array([0.01]) }, out);
    expect(out[0]).toBe(0.8);
    w.weights({ ...one, signal: new Float64Array([-0.01]) }, out);
    expect(out[0]).toBe(-0.8);
    w.weights({ ...one, signal: new Float64Array([0.0005]) }, out);
    expect(out[0]).toBe(0);
  });

  it("vol_scaled: target volatility over the forecast, capped", () => {
    const w = makeWeighter(tradingSchema.parse({ strategy: { kind: "vol_scaled", target_vol: 0.1, max_weight: 2 } }), 2);
    const out = new Float64Array(2);
    w.weights({ tradable: new Uint8Array([1, 1]), book: new Float64Array(2), signal: new Float64Array([1, -1]), vol: new Float64Array([0.2, 0.01]) }, out);
    expect(Array.from(out)).toEqual([0.5 / 2, -2 / 2]);
    // Alternating +1% / -1% returns: sample std 0.01 * sqrt(n / (n - 1)), annualized.
    const close = [100];
    for (let k = 1; k <= 20; k++) close.push(close[k - 1] * (k % 2 ? 1.01 : 0.99));
    expect(volForecast(close, 1, 20, 0, 20, 252)).toBeCloseTo(0.01 * Math.sqrt(20 / 19) * Math.sqrt(252), 10);
    expect(volForecast(close, 1, 10, 0, 20, 252)).toBeNaN();
  });

  it("sizing rounds toward zero in lots, caps positions, scales to the exposure limits, and lists reductions first", () => {
    const risk = tradingSchema.parse({ risk: { max_position_shares: 300, max_gross_exposure: 0.5 } }).risk;
    const q = targetShares({ symbols: ["A", "B", "C"], weights: new Float64Array([0.5, -0.5, 0.2]), equity: 100_000, prices: new Float64Array([100, 50, NaN]), lot: 10, risk });
    // A: 500 -> 300 (cap); B: -1000 -> -300; gross 300*100 + 300*50 = 45000 <= 50000.
    expect(Array.from(q)).toEqual([300, -300, NaN]);
    expect(ordersToTarget(["A", "B"], new Float64Array([300, -300]), (s) => (s === "A" ? 500 : 0))).toEqual([
      { symbol: "A", side: "sell", quantity: 200 },
      { symbol: "B", side: "sell", quantity: 300 },
    ]);
  });
});
