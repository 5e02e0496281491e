/**
 * The IBKR bar feed against the fake TWS, and the `pipeline.trading.ibkr` config: defaults, ports,
 * environment overrides and strictness.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FakeTws } from "../../support/fake-tws/server.js";
import { createIbkrFeed } from "../../../src/trading/broker/ibkr/index.js";
import { IbConnection } from "../../../src/trading/broker/ibkr/connection.js";
import { IbkrBarFeed } from "../../../src/trading/broker/ibkr/feed.js";
import { resolveEndpoint } from "../../../src/trading/broker/ibkr/endpoint.js";
import { contractBook } from "../../../src/trading/broker/ibkr/contracts.js";
import { ibkrSchema } from "../../../src/trading/broker/ibkr/schema.js";
import { parseExecutionTime } from "../../../src/trading/broker/ibkr/ib-time.js";
import { sessionsBetween } from "../../../src/trading/broker/ibkr/session-clock.js";
import { riskSchema } from "../../../src/trading/schema.js";
import type { BarFeed } from "../../../src/trading/feed/types.js";
import { fakeTws, ibkrConfig, testLog } from "./helpers.js";

let tws: FakeTws | undefined;
let feed: BarFeed | undefined;

afterEach(async () => {
  await feed?.close();
  await tws?.close();
  feed = undefined;
  tws = undefined;
});

const DAY = 86_400_000;
const bar = (date: string, close: number) => ({ date, open: close - 1, high: close + 1, low: close - 2, close, volume: 1000, wap: close, count: 10 });

describe("IbkrBarFeed", () => {
  it("returns the closed bars after the given time, oldest first, at most `limit` per symbol; FX asks for MIDPOINT", async () => {
    tws = await fakeTws();
    // Daily bars: four closed, the fifth (today) still forming.
    const t0 = Date.UTC(2026, 11, 1);
    tws.bars.set("AAPL", [0, 1, 2, 3, 4].map((i) => bar(new Date(t0 + i * DAY).toISOString().slice(0, 10).replaceAll("-", ""), 100 + i)));
    tws.bars.set("USD", [{ ...bar("20261203", 0.9), volume: -1 }]);
    const now = t0 + 4 * DAY + 3_600_000;
    const cfg = ibkrConfig(tws.port);
    // The feed's own session: client id + 1, built through the factory's pieces with a fixed clock.
    const log = testLog();
    feed = new IbkrBarFeed(new IbConnection({ host: "127.0.0.1", port: tws.port, clientId: 2, connectTimeoutMs: 5000, reconnect: { baseMs: 5, maxMs: 40, retries: 50 }, log }), contractBook(cfg.ibkr), cfg.ibkr, log, () => now);
    const bars = await feed.barsAfter(["AAPL", "USD.CHF"], t0, 2);
    expect(bars.map((b) => [b.symbol, b.time, b.close])).toEqual([
      ["AAPL", t0 + DAY, 101],
      ["AAPL", t0 + 2 * DAY, 102],
      ["USD.CHF", t0 + 2 * DAY, 0.9],
    ]);
    expect(Number.isNaN(bars[2].volume)).toBe(true);
    expect(tws.historyRequests.map((r) => [r.symbol, r.secType, r.whatToShow, r.barSize, r.duration, r.useRTH, r.formatDate])).toEqual([
      ["AAPL", "STK", "TRADES", "1 day", "1 M", true, 2],
      ["USD", "CASH", "MIDPOINT", "1 day", "1 M", true, 2],
    ]);
    // The forming bar is never returned.
    expect((await feed.barsAfter(["AAPL"], t0 + 2 * DAY, 10)).map((b) => b.time)).toEqual([t0 + 3 * DAY]);
  });

  it("the factory connects with client id + 1; an unknown symbol is an error naming the key", async () => {
    tws = await fakeTws();
    feed = createIbkrFeed(ibkrConfig(tws.port, { client_id: 7 }), {}, testLog());
    await expect(feed.barsAfter(["TSLA"], 0, 1)).rejects.toThrow(/no contract for symbol "TSLA"/);
    expect(await feed.barsAfter(["AAPL"], 0, 1)).toEqual([]);
    expect(tws.received.find((t) => t[0] === "71")?.[2]).toBe("8");
  });
});

describe("pipeline.trading.ibkr", () => {
  it("defaults to IB Gateway's paper port; live only by mode or an explicit port; the environment overrides", () => {
    const d = ibkrSchema.parse({});
    expect(resolveEndpoint(d, {})).toEqual({ host: "127.0.0.1", port: 4002, clientId: 1, account: null });
    expect(resolveEndpoint(ibkrSchema.parse({ mode: "live" }), {}).port).toBe(4001);
    expect(resolveEndpoint(ibkrSchema.parse({ port: 7497 }), {}).port).toBe(7497);
    expect(resolveEndpoint(d, { IBKR_HOST: "gw", IBKR_PORT: "4001", IBKR_CLIENT_ID: "9", IBKR_ACCOUNT: "U1" })).toEqual({ host: "gw", port: 4001, clientId: 9, account: "U1" });
    expect(() => resolveEndpoint(d, { IBKR_PORT: "40o2" })).toThrow(/IBKR_PORT="40o2"/);
  });

  it("is strict, and a CASH contract's key must be its pair", () => {
    expect(ibkrSchema.safeParse({ prot: 4002 }).success).toBe(false);
    expect(ibkrSchema.safeParse({ fx: ["USDCHF"] }).success).toBe(false);
    expect(ibkrSchema.safeParse({ contracts: { SWISSY: { sec_type: "CASH" } } }).success).toBe(false);
    expect(ibkrSchema.safeParse({ contracts: { ES: { sec_type: "FUT", exchange: "CME" } } }).success).toBe(false);
    const c = contractBook(ibkrSchema.parse({ stocks: ["AAPL"], fx: ["EUR.USD"], contracts: { SAP: { sec_type: "STK", exchange: "SMART", primary_exchange: "IBIS", currency: "EUR" } } }));
    expect(c.contract("SAP")).toEqual({ symbol: "SAP", secType: "STK", exchange: "SMART", primaryExch: "IBIS", currency: "EUR" });
    expect(c.contract("EUR.USD")).toEqual({ symbol: "EUR", secType: "CASH", exchange: "IDEALPRO", currency: "USD" });
    // What IB reports comes back under our key, or a readable name when the config does not list it.
    expect(c.symbolOf({ symbol: "EUR", secType: "CASH" as never, currency: "USD", exchange: "IDEALPRO" })).toBe("EUR.USD");
    expect(c.symbolOf({ symbol: "GBP", secType: "CASH" as never, currency: "JPY" })).toBe("GBP.JPY");
    expect(c.symbolOf({ symbol: "SAP", secType: "STK" as never, currency: "EUR", exchange: "IBIS" })).toBe("SAP");
  });
});

describe("IBKR times and sessions", () => {
  it("reads execution times in their zone (daylight saving included) or the configured one", () => {
    expect(parseExecutionTime("20260706 09:30:05 America/New_York", "UTC")).toBe(Date.UTC(2026, 6, 6, 13, 30, 5));
    expect(parseExecutionTime("20261207 09:30:05 America/New_York", "UTC")).toBe(Date.UTC(2026, 11, 7, 14, 30, 5));
    expect(parseExecutionTime("20261207  09:30:05", "Europe/Zurich")).toBe(Date.UTC(2026, 11, 7, 8, 30, 5));
    expect(() => parseExecutionTime("yesterday", "UTC")).toThrow(/unreadable execution time/);
  });

  it("builds weekday sessions from the configured market hours", () => {
    const h = riskSchema.parse({ market_hours: { enabled: true } }).market_hours;
    // Fri 4 Dec 2026 .. Tue 8 Dec 2026 (UTC midnights): Fri, Mon, Tue.
    const s = sessionsBetween(Date.UTC(2026, 11, 4), Date.UTC(2026, 11, 9), h);
    expect(s.map((x) => [x.date, new Date(x.open).toISOString(), new Date(x.close).toISOString()])).toEqual([
      ["2026-12-04", "2026-12-04T14:30:00.000Z", "2026-12-04T21:00:00.000Z"],
      ["2026-12-07", "2026-12-07T14:30:00.000Z", "2026-12-07T21:00:00.000Z"],
      ["2026-12-08", "2026-12-08T14:30:00.000Z", "2026-12-08T21:00:00.000Z"],
    ]);
    expect(sessionsBetween(0, 10 * DAY, riskSchema.parse({}).market_hours)).toEqual([]);
  });
});
