/** Shared set-up of the Alpaca connector tests: a fake Alpaca, a config pointing at it, a log to a file. */
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect } from "vitest";
import { AlpacaBroker } from "../../../src/trading/broker/alpaca/broker.js";
import { readCredentials } from "../../../src/trading/broker/alpaca/credentials.js";
import { tradingSchema, type TradingConfig } from "../../../src/trading/schema.js";
import type { LoopLog } from "../../../src/trading/loop/trading-loop.js";
import { FakeAlpaca } from "../../support/fake-alpaca/index.js";

/** Planted keys: no log line, error message or file may ever contain them. */
export const KEY_ID = "PK_PLANTED_SECRET_123";
export const SECRET = "SK_PLANTED_SECRET_456_xyz";
export const ENV = { APCA_API_KEY_ID: KEY_ID, APCA_API_SECRET_KEY: SECRET };

export async function startFake(symbols: readonly string[] = ["AAPL", "MSFT", "SPY"], cash = 100_000): Promise<FakeAlpaca> {
  return new FakeAlpaca({ keyId: KEY_ID, secret: SECRET, symbols, cash }).start();
}

/**
 * Short waits: retries and reconnects take milliseconds. The client and stream timeouts are
 * generous so a loaded machine never turns a slow answer into a counted retry; the hang tests
 * shorten the client's.
 */
export function configFor(fake: FakeAlpaca, alpaca: Record<string, unknown> = {}): TradingConfig {
  return tradingSchema.parse({
    alpaca: {
      base_url: fake.url,
      data_url: fake.url,
      timeout_ms: 15_000,
      rate_limit_per_minute: null,
      retry: { base_ms: 1, max_ms: 4, retries: 3 },
      stream: { reconnect_base_ms: 1, reconnect_max_ms: 10, reconnect_retries: 5, connect_timeout_ms: 30_000, ping_interval_ms: 0, recovery_window_ms: 60_000 },
      ...alpaca,
    },
  });
}

export interface FileLog extends LoopLog {
  path: string;
  lines(): Array<{ level: string; msg: string; [k: string]: unknown }>;
  text(): string;
}

/** A LoopLog writing JSON lines to a temp file, as the CLI's logger would. */
export function fileLog(): FileLog {
  const path = join(mkdtempSync(join(tmpdir(), "foxml-alpaca-")), "log.jsonl");
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => appendFileSync(path, `${JSON.stringify({ level, msg, ...fields })}\n`);
  const text = () => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return "";
    }
  };
  return {
    path,
    info: write("info"),
    warn: write("warn"),
    text,
    lines: () =>
      text()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

export async function openBroker(fake: FakeAlpaca, log: LoopLog, alpaca: Record<string, unknown> = {}): Promise<AlpacaBroker> {
  return AlpacaBroker.open({ cfg: configFor(fake, alpaca).alpaca, creds: readCredentials(ENV), log });
}

/** Polls until `cond` holds; the cap only guards against a hang, no assertion is about time. */
export async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 4000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function expectNoSecrets(...texts: string[]): void {
  for (const t of texts) {
    expect(t).not.toContain(KEY_ID);
    expect(t).not.toContain(SECRET);
  }
}

export async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

export interface BrokerFixture {
  fake: FakeAlpaca;
  broker: AlpacaBroker;
  log: FileLog;
}

/**
 * A fresh fake and broker for every test of the describe block; after each test the broker and
 * the fake are closed and the log file is checked for the planted keys.
 */
export function useBroker(setup: (fake: FakeAlpaca) => void = () => {}, alpaca: Record<string, unknown> = {}): BrokerFixture {
  const fx = {} as BrokerFixture;
  beforeEach(async () => {
    fx.fake = await startFake();
    setup(fx.fake);
    fx.log = fileLog();
    fx.broker = await openBroker(fx.fake, fx.log, alpaca);
  });
  afterEach(async () => {
    await fx.broker.close();
    await fx.fake.close();
    expectNoSecrets(fx.log.text());
  });
  return fx;
}
