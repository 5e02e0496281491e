/**
 * Under random signals, prices and limits: no guardrail limit is ever exceeded by the book an
 * accepted sequence of orders leads to, and a loop restarted at random bars never submits a client
 * order id twice and ends with the positions of an uninterrupted loop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { panelFromGrids } from "../../src/data/panel.js";
import { PaperBroker } from "../../src/trading/broker/paper.js";
import type { Broker } from "../../src/trading/broker/types.js";
import { panelSlice } from "../../src/trading/fills/quote.js";
import { orderBacktest } from "../../src/trading/loop/order-backtest.js";
import { TradingLoop } from "../../src/trading/loop/trading-loop.js";
import { Journal } from "../../src/trading/orders/journal.js";
import type { OrderRequest } from "../../src/trading/orders/types.js";
import { checkOrder, exposureAfter, type RiskView } from "../../src/trading/risk/guardrails.js";
import { riskSchema, tradingSchema } from "../../src/trading/schema.js";
import { Decider } from "../../src/trading/strategy/decide.js";
import { lcg, gaussian } from "../support/test-random.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-guard-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SYMBOLS = ["AAA", "BBB", "CCC", "DDD"];
const limit = (lo: number, hi: number) => fc.option(fc.double({ min: lo, max: hi, noNaN: true }), { nil: null });

const riskArb = fc.record({
  max_position_shares: limit(10, 5000),
  max_position_notional: limit(1000, 200_000),
  max_gross_exposure: limit(0.1, 3),
  max_net_exposure: limit(0.1, 2),
  max_order_notional: limit(500, 100_000),
  max_orders_per_minute: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
});

describe("guardrails", () => {
  it("no accepted sequence of orders takes the book past a limit", () => {
    fc.assert(
      fc.property(
        riskArb,
        fc.array(fc.double({ min: 1, max: 500, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: 10_000, max: 1_000_000, noNaN: true }),
        fc.array(fc.record({ s: fc.integer({ min: 0, max: 3 }), buy: fc.boolean(), q: fc.integer({ min: 1, max: 20_000 }), dt: fc.integer({ min: 0, max: 30_000 }) }), { maxLength: 60 }),
        (r, prices, equity, orders) => {
          const risk = riskSchema.parse({ ...r, price_band: null });
          const lastClose = new Map(SYMBOLS.map((s, i) => [s, prices[i]]));
          const positions = new Map<string, number>();
          const pending = new Map<string, number>();
          const accepted: number[] = [];
          let now = 1_000_000;
          for (const o of orders) {
            now += o.dt;
            const recent = accepted.filter((t) => t > now - 60_000 && t <= now).length;
            const view: RiskView = { now, equity, positions, pending, lastClose, ordersLastMinute: recent, dailyLossHit: false, halted: false };
            const symbol = SYMBOLS[o.s];
            const v = checkOrder({ symbol, side: o.buy ? "buy" : "sell", quantity: o.q, intent: "rebalance", referencePrice: prices[o.s] }, view, risk);
            if (!v.ok) continue;
            accepted.push(now);
            pending.set(symbol, (pending.get(symbol) ?? 0) + (o.buy ? o.q : -o.q));
            // The book after every accepted order (all open orders filled) is inside every limit.
            if (risk.max_order_notional !== null) expect(o.q * prices[o.s]).toBeLessThanOrEqual(risk.max_order_notional);
            if (risk.max_orders_per_minute !== null) expect(recent + 1).toBeLessThanOrEqual(risk.max_orders_per_minute);
            for (const [s, q] of pending) {
              if (risk.max_position_shares !== null) expect(Math.abs(q)).toBeLessThanOrEqual(risk.max_position_shares);
              if (risk.max_position_notional !== null) expect(Math.abs(q) * lastClose.get(s)!).toBeLessThanOrEqual(risk.max_position_notional * (1 + 1e-12));
            }
            const { gross, net } = exposureAfter({ positions, pending, lastClose }, symbol, pending.get(symbol)!);
            if (risk.max_gross_exposure !== null) expect(gross).toBeLessThanOrEqual(risk.max_gross_exposure * equity * (1 + 1e-12));
            if (risk.max_net_exposure !== null) expect(Math.abs(net)).toBeLessThanOrEqual(risk.max_net_exposure * equity * (1 + 1e-12));
          }
        },
      ),
      { numRuns: 300, seed: 13 },
    );
  });

  it("blocks by rule with a reason, and lets the kill switch's flattening through", () => {
    const risk = riskSchema.parse({ max_order_notional: 1000, price_band: 0.05 });
    const view: RiskView = { now: 0, equity: 1e6, positions: new Map([["AAA", 100]]), pending: new Map(), lastClose: new Map([["AAA", 100]]), ordersLastMinute: 0, dailyLossHit: false, halted: true };
    expect(checkOrder({ symbol: "AAA", side: "buy", quantity: 1, intent: "rebalance", referencePrice: 100 }, view, risk)).toMatchObject({ ok: false, rule: "halted" });
    expect(checkOrder({ symbol: "AAA", side: "sell", quantity: 100, intent: "flatten", referencePrice: 100 }, view, risk)).toEqual({ ok: true });
    const live = { ...view, halted: false };
    expect(checkOrder({ symbol: "AAA", side: "buy", quantity: 20, intent: "rebalance", referencePrice: 100 }, live, risk)).toMatchObject({ ok: false, rule: "max_order_notional" });
    expect(checkOrder({ symbol: "AAA", side: "buy", quantity: 1, intent: "rebalance", referencePrice: 110 }, live, risk)).toMatchObject({ ok: false, rule: "price_band" });
    expect(checkOrder({ symbol: "AAA", side: "buy", quantity: 1, intent: "rebalance", referencePrice: 100 }, { ...live, dailyLossHit: true }, risk)).toMatchObject({ ok: false, rule: "daily_loss_limit" });
    expect(checkOrder({ symbol: "AAA", side: "sell", quantity: 5, intent: "rebalance", referencePrice: 100 }, { ...live, dailyLossHit: true }, risk)).toEqual({ ok: true });
    const hours = riskSchema.parse({ market_hours: { enabled: true } });
    // 2024-07-01 is a Monday; 13:00 UTC is 09:00 in New York (EDT), 14:00 UTC is 10:00.
    expect(checkOrder({ symbol: "AAA", side: "buy", quantity: 1, intent: "rebalance", referencePrice: 100 }, { ...live, now: Date.parse("2024-07-01T13:00:00Z") }, hours)).toMatchObject({ ok: false, rule: "market_hours" });
    expect(checkOrder({ symbol: "AAA", side: "buy", quantity: 1, intent: "rebalance", referencePrice: 100 }, { ...live, now: Date.parse("2024-07-01T14:00:00Z") }, hours)).toEqual({ ok: true });
  });
});

/** A random-walk market with random predictions (a signal that is noise). */
function market(seed: number, T: number) {
  const rnd = lcg(seed);
  const S = SYMBOLS.length;
  const close = new Float64Array(T * S);
  const open = new Float64Array(T * S);
  const volume = new Float64Array(T * S);
  const signal = new Float64Array(T * S);
  for (let s = 0; s < S; s++) {
    let p = 20 + 80 * rnd();
    for (let t = 0; t < T; t++) {
      open[t * S + s] = p * (1 + 0.003 * gaussian(rnd));
      p *= 1 + 0.02 * gaussian(rnd);
      close[t * S + s] = p;
      volume[t * S + s] = 1000 + 20_000 * rnd();
      signal[t * S + s] = gaussian(rnd);
    }
  }
  const times = new Float64Array(T).map((_, t) => Date.UTC(2020, 0, 1) + t * 86_400_000);
  const panel = panelFromGrids({ times, symbols: SYMBOLS, columns: { open, close, volume }, interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: true } });
  return { panel, signal };
}

/** A Broker that counts submissions per client id (a decorator of the real paper broker). */
function counting(b: PaperBroker, counts: Map<string, number>): Broker {
  return new Proxy(b, {
    get(target, prop, recv) {
      if (prop === "submit") {
        return (r: OrderRequest) => {
          counts.set(r.clientOrderId, (counts.get(r.clientOrderId) ?? 0) + 1);
          return target.submit(r);
        };
      }
      const v = Reflect.get(target, prop, recv);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

describe("the loop under random signals and restarts", () => {
  it("never submits a client order id twice, keeps position limits, and matches the backtest", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.uniqueArray(fc.integer({ min: 1, max: 58 }), { maxLength: 4 }), fc.constantFrom("sign", "long_short"), async (seed, restarts, kind) => {
        const T = 60;
        const { panel, signal } = market(seed, T);
        const cfg = tradingSchema.parse({
          strategy: kind === "sign" ? { kind: "sign" } : { kind: "long_short", quantile: 0.25 },
          step: 1 + (seed % 3),
          min_symbols: 2,
          initial_cash: 100_000,
          fill: { max_volume_share: 0.1, commission_per_share: 0.005 },
          risk: { max_position_shares: 800, max_orders_per_minute: 3, max_drawdown: 0.3 },
        });
        const decider = new Decider(cfg, SYMBOLS, 252);
        const bt = orderBacktest({ panel, signal, cfg, decider, start: 0, step: cfg.step! });
        const dir = mkdtempSync(join(tmp, "loop-"));
        const counts = new Map<string, number>();
        const stops = new Set(restarts);
        let t = 0;
        let held: Array<{ symbol: string; quantity: number }> = [];
        while (t < T) {
          // A fresh process: journal and book reopened from their files.
          const journal = Journal.open(join(dir, "journal.sqlite"));
          const paper = new PaperBroker({ path: join(dir, "paper.sqlite"), symbols: SYMBOLS, initialCash: cfg.initial_cash, fill: cfg.fill, lot: 1 });
          const loop = new TradingLoop({ broker: counting(paper, counts), journal, decider: new Decider(cfg, SYMBOLS, 252), cfg, modelId: "m", start: 0, step: cfg.step!, log: { info() {}, warn() {} } });
          await loop.start();
          for (; t < T; t++) {
            paper.advance(panelSlice(panel, t));
            for (const p of await paper.positions()) expect(Math.abs(p.quantity)).toBeLessThanOrEqual(800);
            await loop.onBar(panel, t, () => signal.subarray(t * 4, t * 4 + 4));
            if (stops.has(t)) {
              stops.delete(t);
              t++;
              break;
            }
          }
          held = (await paper.positions()).map((p) => ({ symbol: p.symbol, quantity: p.quantity }));
          journal.close();
          await paper.close();
        }
        for (const n of counts.values()) expect(n).toBe(1);
        const btHeld = new Map<string, number>();
        for (const f of bt.fills) btHeld.set(f.symbol, (btHeld.get(f.symbol) ?? 0) + (f.side === "buy" ? f.quantity : -f.quantity));
        expect(held).toEqual([...btHeld].filter(([, q]) => q !== 0).sort().map(([symbol, quantity]) => ({ symbol, quantity })));
      }),
      { numRuns: 25, seed: 7 },
    );
  }, 120_000);
});

describe("the kill switch", () => {
  it("halts at the max drawdown, cancels and flattens, sends nothing else until resumed", async () => {
    // One symbol that halves over the test: a long position bleeds into the drawdown limit.
    const T = 40;
    const close = new Float64Array(T).map((_, t) => 100 * Math.pow(0.98, t));
    const times = new Float64Array(T).map((_, t) => Date.UTC(2020, 0, 1) + t * 86_400_000);
    const panel = panelFromGrids({ times, symbols: ["AAA"], columns: { close }, interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: true } });
    const signal = new Float64Array(T).fill(1);
    const cfg = tradingSchema.parse({ strategy: { kind: "sign" }, step: 1, risk: { max_drawdown: 0.1 }, initial_cash: 10_000 });
    const journal = Journal.open(":memory:");
    const paper = new PaperBroker({ path: ":memory:", symbols: ["AAA"], initialCash: cfg.initial_cash, fill: cfg.fill, lot: 1 });
    const warnings: string[] = [];
    const loop = new TradingLoop({ broker: paper, journal, decider: new Decider(cfg, ["AAA"], 252), cfg, modelId: "m", start: 0, step: 1, log: { info() {}, warn: (m) => warnings.push(m) } });
    await loop.start();
    let haltedAt = -1;
    for (let t = 0; t < 30; t++) {
      paper.advance(panelSlice(panel, t));
      const r = await loop.onBar(panel, t, () => signal.subarray(t, t + 1));
      if (r.halted && haltedAt < 0) haltedAt = t;
    }
    expect(haltedAt).toBeGreaterThan(0);
    expect(journal.halt()).toMatchObject({ halted: true });
    expect(journal.halt().reason).toMatch(/drawdown .* reached the max_drawdown limit of 10\.00%/);
    expect(warnings).toContain("kill switch: halted, cancelling and flattening");
    expect(await paper.positions()).toEqual([]);
    const after = journal.orders().filter((o) => o.barTime > times[haltedAt]);
    expect(after.every((o) => o.intent === "flatten")).toBe(true);
    expect(journal.blockedByRule()).toEqual({});
    // Resumed: the peak restarts at the current equity and the strategy trades again.
    journal.clearHalt();
    paper.advance(panelSlice(panel, 30));
    const r = await loop.onBar(panel, 30, () => signal.subarray(30, 31));
    expect(r.halted).toBe(false);
    expect(r.submitted).toBe(1);
    expect(journal.orders().at(-1)).toMatchObject({ intent: "rebalance", side: "buy" });
  });
});
