/**
 * Every fault kind of the fake, recovered or reported clearly: 429 with rate-limit headers, 5xx,
 * a reset connection and a hung request are retried through withRetry with a logged line; a POST
 * whose answer never came is retried and resolves to the one order Alpaca created; retries that
 * run out, refused keys and missing keys are clear errors. No message or line holds a key.
 */
import { describe, expect, it } from "vitest";
import { createAlpacaBroker, createAlpacaFeed } from "../../../src/trading/broker/alpaca/index.js";
import { AlpacaBroker as Broker } from "../../../src/trading/broker/alpaca/broker.js";
import { readCredentials } from "../../../src/trading/broker/alpaca/credentials.js";
import { FoxmlError, InputError } from "../../../src/util/errors.js";
import { FakeAlpaca } from "../../support/fake-alpaca/index.js";
import { configFor, ENV, errorOf, expectNoSecrets, fileLog, startFake, useBroker } from "./helpers.js";

describe("Alpaca REST faults", () => {
  const fx = useBroker();

  const retryLines = () => fx.log.lines().filter((l) => l.msg.endsWith("failed, retrying"));

  it("429 (with X-RateLimit headers), 500, 503 and a reset connection are retried with a logged line", async () => {
    fx.fake.inject({ path: "/v2/account", kind: "rate_limit", times: 2 });
    expect((await fx.broker.account()).equity).toBe(100_000);
    expect(fx.fake.calls("GET", "/v2/account")).toHaveLength(1 + 3); // open() + 2 refused + 1 answered
    fx.fake.inject({ path: "/v2/positions", kind: "server_error" });
    fx.fake.inject({ path: "/v2/positions", kind: "unavailable" });
    expect(await fx.broker.positions()).toEqual([]);
    fx.fake.inject({ path: "/v2/clock", kind: "reset" });
    expect((await fx.broker.clock()).isOpen).toBe(true);
    const lines = retryLines();
    expect(lines.map((l) => [l.msg, l.status])).toEqual([
      ["alpaca: GET /v2/account failed, retrying", 429],
      ["alpaca: GET /v2/account failed, retrying", 429],
      ["alpaca: GET /v2/positions failed, retrying", 500],
      ["alpaca: GET /v2/positions failed, retrying", 503],
      ["alpaca: GET /v2/clock failed, retrying", null],
    ]);
    expect(lines[0].error).toMatch(/HTTP 429: rate limit exceeded/);
    expect(lines[4].error).toMatch(/connection failed/);
    expect(lines.every((l) => l.level === "warn" && typeof l.delay_ms === "number")).toBe(true);
  });

  it("a 429 with Retry-After is waited out (within max_ms) before the jittered backoff", async () => {
    const waits: number[] = [];
    const cfg = configFor(fx.fake, { retry: { base_ms: 1, max_ms: 60_000, retries: 2 } }).alpaca;
    const b = await Broker.open({ cfg, creds: readCredentials(ENV), log: fx.log, sleep: async (ms) => void waits.push(ms) });
    try {
      fx.fake.inject({ path: "/v2/positions", kind: "rate_limit", retryAfterSeconds: 7 });
      expect(await b.positions()).toEqual([]);
      expect(waits[0]).toBe(7000);
      expect(waits[1]).toBeLessThanOrEqual(1);
      expect(waits).toHaveLength(2);
    } finally {
      await b.close();
    }
  });

  it("retries that run out are a FoxmlError naming the request and the last status", async () => {
    fx.fake.inject({ path: "/v2/account", kind: "server_error", times: 10 });
    const e = await errorOf(fx.broker.account());
    expect(e).toBeInstanceOf(FoxmlError);
    expect(e.message).toBe("alpaca: GET /v2/account failed: HTTP 500: internal server error occurred (request id req-5)");
    expect((e as FoxmlError).hint).toMatch(/retried/);
    expect(retryLines()).toHaveLength(3);
  });

  it("other 4xx are not retried", async () => {
    expect(await fx.broker.orderByClientId("unknown")).toBeUndefined();
    expect(fx.fake.calls("GET", "/v2/orders:by_client_order_id")).toHaveLength(1);
    fx.fake.book.autoFill = false;
    const o = await fx.broker.submit({ clientOrderId: "x1", symbol: "AAPL", side: "buy", quantity: 1, type: "market", timeInForce: "day" });
    const e = await errorOf(fx.broker.replace("x1", "x1", { quantity: 2 }));
    expect(e.message).toMatch(/^alpaca: PATCH \/v2\/orders\/\{id\} failed: HTTP 422: client_order_id must be unique/);
    expect(fx.fake.calls("PATCH", `/v2/orders/${o.brokerOrderId}`)).toHaveLength(1);
    expect(retryLines()).toEqual([]);
  });

  it("an error message quoting the request headers is masked", async () => {
    fx.fake.inject({ path: "/v2/account", kind: "echo_headers" });
    const e = await errorOf(fx.broker.account());
    expect(fx.fake.requests.length).toBeGreaterThan(0);
    expect(e.message).toMatch(/^alpaca: GET \/v2\/account failed: HTTP 400: bad request, headers were/);
    expect(e.message).toContain("[Redacted]");
    expectNoSecrets(e.message, String(e.stack), JSON.stringify(e));
  });
});

describe("Alpaca requests that hang", () => {
  // Hung requests are abandoned after 2 s (long enough that a loaded machine's slow answer is not one).
  const fx = useBroker(() => {}, { timeout_ms: 2000 });
  const retryLines = () => fx.log.lines().filter((l) => l.msg.endsWith("failed, retrying"));

  it("a request that hangs past timeout_ms is abandoned and retried", async () => {
    fx.fake.inject({ path: "/v2/positions", kind: "hang" });
    expect(await fx.broker.positions()).toEqual([]);
    expect(retryLines().map((l) => l.error)).toEqual(["timed out (no answer within timeout_ms)"]);
  });

  it("an order POST whose answer never came is retried and returns the one order Alpaca created", async () => {
    fx.fake.book.prices.set("AAPL", 100);
    fx.fake.inject({ method: "POST", path: "/v2/orders", kind: "hang_after" });
    const o = await fx.broker.submit({ clientOrderId: "amb-1", symbol: "AAPL", side: "buy", quantity: 7, type: "market", timeInForce: "day" });
    expect(fx.fake.book.orders).toHaveLength(1);
    expect(o.brokerOrderId).toBe(fx.fake.book.orders[0].id);
    expect(o.quantity).toBe(7);
    expect(fx.fake.calls("POST", "/v2/orders")).toHaveLength(2);
  });

  it("a PATCH whose answer never came is retried and returns the replacement Alpaca made", async () => {
    fx.fake.book.autoFill = false;
    const o = await fx.broker.submit({ clientOrderId: "p1", symbol: "SPY", side: "buy", quantity: 5, type: "limit", timeInForce: "day", limitPrice: 400 });
    fx.fake.inject({ method: "PATCH", path: `/v2/orders/${o.brokerOrderId}`, kind: "hang_after" });
    const n = await fx.broker.replace("p1", "p1b", { limitPrice: 401 });
    expect(n).toMatchObject({ clientOrderId: "p1b", limitPrice: 401, quantity: 5, status: "new" });
    expect(fx.fake.book.orders.map((x) => [x.client_order_id, x.status])).toEqual([
      ["p1", "replaced"],
      ["p1b", "new"],
    ]);
  });
});

describe("Alpaca keys", () => {
  it("a missing key is an InputError naming the variable; keys are never taken from anywhere else", async () => {
    const fake = await startFake();
    try {
      const cfg = configFor(fake);
      const log = fileLog();
      const e1 = await errorOf(createAlpacaBroker(cfg, { APCA_API_SECRET_KEY: "x".repeat(20) }, log));
      expect(e1).toBeInstanceOf(InputError);
      expect(e1.message).toBe("--broker alpaca needs the environment variable APCA_API_KEY_ID, which is not set");
      const e2 = await errorOf(createAlpacaBroker(cfg, {}, log));
      expect(e2.message).toBe("--broker alpaca needs the environment variables APCA_API_KEY_ID and APCA_API_SECRET_KEY, which are not set");
      expect(() => createAlpacaFeed(cfg, { APCA_API_KEY_ID: "PKX", APCA_API_SECRET_KEY: "  " }, log)).toThrow(/APCA_API_SECRET_KEY, which is not set/);
      expect(fake.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("a refused key is a clear error with a hint, on REST and on the stream", async () => {
    const fake = await startFake();
    const log = fileLog();
    try {
      const wrong = { APCA_API_KEY_ID: "PK_WRONG_KEY_ID_000", APCA_API_SECRET_KEY: "SK_WRONG_SECRET_000" };
      const e = await errorOf(createAlpacaBroker(configFor(fake), wrong, log));
      expect(e.message).toBe("alpaca: GET /v2/account failed: HTTP 401: request is not authorized (request id req-1)");
      expect((e as FoxmlError).hint).toMatch(/APCA_API_KEY_ID/);
      expect(e.message + JSON.stringify(e)).not.toContain("SK_WRONG_SECRET_000");
      // REST accepts the key but the stream refuses it: an InputError, not retried.
      const streamOnly = await new FakeAlpaca({ keyId: ENV.APCA_API_KEY_ID, secret: ENV.APCA_API_SECRET_KEY, symbols: ["AAPL"], streamKeys: { keyId: ENV.APCA_API_KEY_ID, secret: "another" } }).start();
      const e2 = await errorOf(Broker.open({ cfg: configFor(streamOnly).alpaca, creds: readCredentials(ENV), log }));
      expect(e2).toBeInstanceOf(InputError);
      expect(e2.message).toMatch(/^alpaca: the trade-updates stream refused the API key/);
      expect(streamOnly.stream.connections).toBe(1);
      await streamOnly.close();
    } finally {
      await fake.close();
      expectNoSecrets(log.text());
    }
  });
});
