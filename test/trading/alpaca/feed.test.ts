/**
 * AlpacaBarFeed against the fake's /v2/stocks/bars: pages followed across symbols, at most `limit`
 * bars per symbol, oldest first, only bars after `after` and closed by now, on the configured feed,
 * timeframe and adjustment.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCredentials } from "../../../src/trading/broker/alpaca/credentials.js";
import { resolveEndpoints } from "../../../src/trading/broker/alpaca/endpoints.js";
import { AlpacaBarFeed } from "../../../src/trading/broker/alpaca/feed.js";
import { AlpacaRest } from "../../../src/trading/broker/alpaca/rest.js";
import { createAlpacaFeed } from "../../../src/trading/broker/alpaca/index.js";
import type { FakeAlpaca, FakeBar } from "../../support/fake-alpaca/index.js";
import { configFor, ENV, expectNoSecrets, fileLog, startFake, type FileLog } from "./helpers.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-02T05:00:00Z");

function dailyBars(n: number, base: number, t0 = T0): FakeBar[] {
  return Array.from({ length: n }, (_, i) => ({ t: new Date(t0 + i * DAY).toISOString(), o: base + i, h: base + i + 1, l: base + i - 1, c: base + i + 0.5, v: 1000 + i }));
}

describe("AlpacaBarFeed", () => {
  let fake: FakeAlpaca;
  let log: FileLog;
  beforeEach(async () => {
    fake = await startFake();
    fake.bars.set("AAPL", dailyBars(30, 100));
    fake.bars.set("MSFT", dailyBars(30, 400));
    log = fileLog();
  });
  afterEach(async () => {
    await fake.close();
    expectNoSecrets(log.text());
  });

  const feedAt = (now: number, alpaca: Record<string, unknown> = {}) => {
    const cfg = configFor(fake, alpaca).alpaca;
    return new AlpacaBarFeed(new AlpacaRest(resolveEndpoints(cfg), readCredentials(ENV), cfg, log), cfg, () => now);
  };

  it("follows pages across symbols and returns at most `limit` bars per symbol after `after`, oldest first", async () => {
    const feed = feedAt(T0 + 100 * DAY);
    const after = T0 + 4 * DAY;
    const bars = await feed.barsAfter(["MSFT", "AAPL"], after, 10);
    expect(bars).toHaveLength(20);
    const aapl = bars.filter((b) => b.symbol === "AAPL");
    expect(aapl.map((b) => b.time)).toEqual(Array.from({ length: 10 }, (_, i) => T0 + (5 + i) * DAY));
    expect(aapl[0]).toEqual({ symbol: "AAPL", time: T0 + 5 * DAY, open: 105, high: 106, low: 104, close: 105.5, volume: 1005 });
    expect(bars.map((b) => `${b.time}:${b.symbol}`)).toEqual([...bars].sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol)).map((b) => `${b.time}:${b.symbol}`));
    const calls = fake.calls("GET", "/v2/stocks/bars");
    // A page of 20 holds AAPL's bars first (Alpaca orders by symbol), so MSFT needs more pages.
    expect(calls.length).toBeGreaterThan(1);
    expect(calls[0].query).toMatchObject({ symbols: "MSFT,AAPL", timeframe: "1Day", feed: "iex", adjustment: "raw", sort: "asc", limit: "20", start: new Date(after + 1).toISOString() });
    expect(calls[1].query.page_token).toBeDefined();
  });

  it("leaves out the bar still forming", async () => {
    const last = T0 + 29 * DAY;
    const open = await feedAt(last + DAY / 2).barsAfter(["AAPL"], last - 2 * DAY, 100);
    expect(open.map((b) => b.time)).toEqual([last - DAY]);
    const closed = await feedAt(last + DAY).barsAfter(["AAPL"], last - 2 * DAY, 100);
    expect(closed.map((b) => b.time)).toEqual([last - DAY, last]);
  });

  it("asks for the configured feed, timeframe and adjustment, retries a 429, and answers nothing for no symbols", async () => {
    fake.inject({ path: "/v2/stocks/bars", kind: "rate_limit" });
    const feed = feedAt(T0 + 100 * DAY, { feed: "sip", timeframe: "1h", adjustment: "all" });
    expect(await feed.barsAfter(["AAPL"], T0 + 100 * DAY, 5)).toEqual([]);
    const q = fake.calls("GET", "/v2/stocks/bars").map((c) => c.query);
    expect(q).toHaveLength(2);
    expect(q[1]).toMatchObject({ feed: "sip", timeframe: "1Hour", adjustment: "all" });
    expect(log.lines().map((l) => [l.msg, l.status])).toEqual([["alpaca: GET /v2/stocks/bars failed, retrying", 429]]);
    expect(await feed.barsAfter([], 0, 5)).toEqual([]);
    expect(fake.calls("GET", "/v2/stocks/bars")).toHaveLength(2);
  });

  it("createAlpacaFeed builds the same feed from the trading config and the environment", async () => {
    // Bars of 2020: closed whatever the machine's clock says (this feed reads the real one).
    const t0 = Date.parse("2020-03-02T05:00:00Z");
    fake.bars.set("AAPL", dailyBars(30, 100, t0));
    const feed = createAlpacaFeed(configFor(fake), ENV, log);
    expect(feed.name).toBe("alpaca");
    const bars = await feed.barsAfter(["AAPL"], t0 + 27 * DAY, 5);
    expect(bars.map((b) => b.time)).toEqual([t0 + 28 * DAY, t0 + 29 * DAY]);
    await feed.close();
  });
});
