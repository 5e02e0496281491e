/**
 * The trade-updates stream: one socket per key however many brokers use it, stream error frames
 * logged with secrets masked, and a client order id reused for another order flagged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Fill } from "../../../src/trading/orders/types.js";
import type { FakeAlpaca } from "../../support/fake-alpaca/index.js";
import { expectNoSecrets, fileLog, KEY_ID, openBroker, SECRET, startFake, waitFor, type FileLog } from "./helpers.js";

describe("Alpaca trade-updates stream", () => {
  let fake: FakeAlpaca;
  let log: FileLog;
  beforeEach(async () => {
    fake = await startFake();
    fake.book.prices.set("SPY", 500);
    log = fileLog();
  });
  afterEach(async () => {
    await fake.close();
    expectNoSecrets(log.text());
  });

  it("brokers of one key share one socket; it closes with the last of them", async () => {
    const a = await openBroker(fake, log);
    const b = await openBroker(fake, log);
    expect(fake.stream.connections).toBe(1);
    const fa: Fill[] = [];
    const fb: Fill[] = [];
    a.onFill((f) => fa.push(f));
    b.onFill((f) => fb.push(f));
    await a.submit({ clientOrderId: "s1", symbol: "SPY", side: "buy", quantity: 2, type: "market", timeInForce: "day" });
    await waitFor(() => fa.length === 1 && fb.length === 1, "both brokers told");
    expect(fa).toEqual(fb);
    await a.close();
    await b.submit({ clientOrderId: "s2", symbol: "SPY", side: "buy", quantity: 1, type: "market", timeInForce: "day" });
    await waitFor(() => fb.length === 2, "the second broker still listening");
    expect(fa).toHaveLength(1);
    expect(fake.stream.listeners).toBe(1);
    await b.close();
    await waitFor(() => fake.stream.listeners === 0, "socket closed");
    const c = await openBroker(fake, log);
    expect(fake.stream.connections).toBe(2);
    await c.close();
  });

  it("stream error frames are logged with the keys masked", async () => {
    const broker = await openBroker(fake, log);
    try {
      fake.stream.sendRaw({ action: "error", data: { error_message: `rejected frame from ${KEY_ID} / ${SECRET}` } });
      await waitFor(() => log.lines().some((l) => l.msg === "alpaca: trade-updates stream error"), "error logged");
      const line = log.lines().find((l) => l.msg === "alpaca: trade-updates stream error");
      expect(line?.error).toBe("rejected frame from [Redacted] / [Redacted]");
    } finally {
      await broker.close();
    }
  });

  it("a client order id already used by a different order returns the held order with a warning", async () => {
    const broker = await openBroker(fake, log);
    try {
      fake.book.autoFill = false;
      await broker.submit({ clientOrderId: "same", symbol: "SPY", side: "buy", quantity: 2, type: "market", timeInForce: "day" });
      const o = await broker.submit({ clientOrderId: "same", symbol: "SPY", side: "sell", quantity: 9, type: "market", timeInForce: "day" });
      expect(o).toMatchObject({ side: "buy", quantity: 2 });
      const warn = log.lines().find((l) => l.msg.startsWith("alpaca: client order id already used by a different order"));
      expect(warn).toMatchObject({ level: "warn", held: "buy 2 SPY", requested: "sell 9 SPY" });
    } finally {
      await broker.close();
    }
  });
});
