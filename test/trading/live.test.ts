/**
 * The live loop as a user runs it: `node bin/foxml.js trade --broker paper --model RUN --data
 * FEED --state DIR` in its own process, on a bar file another process appends the bundled Dow
 * bars to. SIGKILLed at random bars and restarted, it ends with the book of a loop never killed
 * and submits no client order id twice; its metrics endpoint counts what the journal holds;
 * `trade status|halt|resume` steer it while it runs; stale bars and missing columns are refused;
 * planted broker keys appear in no output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { lcg } from "../support/test-random.js";
import { trainTradeModel } from "./trade-model.js";

// Connectors pointed at a closed local port, without retries: they fail at once, with their message.
const UNREACHABLE_ALPACA = ["--set", "pipeline.trading.alpaca.base_url=http://127.0.0.1:9", "--set", "pipeline.trading.alpaca.data_url=http://127.0.0.1:9", "--set", "pipeline.trading.alpaca.retry.retries=0", "--set", "pipeline.trading.alpaca.stream.reconnect_retries=0"];
const UNREACHABLE_IBKR = ["--set", "pipeline.trading.ibkr.port=9", "--set", "pipeline.trading.ibkr.reconnect.retries=0"];

const tmp = mkdtempSync(join(tmpdir(), "foxml-live-"));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});
const DATA = "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv";
const LINES = readFileSync(DATA, "utf8").trim().split("\n");
const HEADER = LINES[0];
/** The Dow's bars grouped by date, in time order. */
const DATES: string[][] = [];
for (const line of LINES.slice(1)) {
  const d = line.slice(0, line.indexOf(","));
  if (DATES.length === 0 || !DATES[DATES.length - 1][0].startsWith(`${d},`)) DATES.push([line]);
  else DATES[DATES.length - 1].push(line);
}
const dateMs = (i: number) => Date.parse(`${DATES[i][0].slice(0, 10)}T00:00:00Z`);
let run = "";

beforeAll(async () => {
  run = await trainTradeModel(tmp);
}, 600_000);

/** A feed file holding the first `n` dates. */
function feedFile(path: string, n: number): void {
  writeFileSync(path, [HEADER, ...DATES.slice(0, n).flat()].join("\n") + "\n");
}

/** Appends dates [from, to) a few at a time, as a feed process would; resolves when all are written. */
function appendDates(path: string, from: number, to: number, perTick = 9): Promise<void> {
  return new Promise((resolve) => {
    let i = from;
    const timer = setInterval(() => {
      const end = Math.min(to, i + perTick);
      appendFileSync(path, DATES.slice(i, end).flat().join("\n") + "\n");
      i = end;
      if (i >= to) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
}

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startLoop(state: string, feed: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Child {
  const args = ["bin/foxml.js", "trade", "--broker", "paper", "--model", run, "--data", feed, "--state", state, "--set", "pipeline.trading.live.poll_ms=20", "--log-level", "warn", ...extra];
  return spawnCli(args, env);
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  children.add(proc);
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.on("exit", (code, signal) => {
      children.delete(proc);
      res({ code, signal });
    }),
  );
  return { proc, stdout: () => out, stderr: () => err, exit };
}

const FRESH = ["--set", "pipeline.trading.max_bar_age_bars=1e9"];

/** A value from the journal's meta table, read the way another process would (undefined while the file is being made). */
function meta<T>(state: string, key: string): T | undefined {
  const path = join(state, "journal.sqlite");
  if (!existsSync(path)) return undefined;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.value) as T);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

function query<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Waits until `cond` holds or the child exits (which fails the test with its stderr). */
async function until(child: Child | null, cond: () => boolean): Promise<void> {
  let exited: { code: number | null } | null = null;
  void child?.exit.then((e) => (exited = e));
  while (!cond()) {
    if (exited !== null) throw new Error(`the loop exited (${JSON.stringify(exited)}) before the condition held: ${child!.stderr()}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

const lastBarAtLeast = (state: string, ms: number) => () => (meta<number>(state, "last_bar_time") ?? -Infinity) >= ms;

async function stopLoop(c: Child): Promise<void> {
  c.proc.kill("SIGTERM");
  const e = await c.exit;
  expect(e.code, c.stderr()).toBe(0);
}

function book(state: string) {
  const paper = join(state, "paper-broker.sqlite");
  const p = query<{ value: string }>(paper, "SELECT value FROM meta WHERE key = 'positions'")[0];
  const held = Object.fromEntries(Object.entries(JSON.parse(p.value) as Record<string, { quantity: number }>).map(([s, x]) => [s, x.quantity]));
  const journal = join(state, "journal.sqlite");
  return {
    held,
    fills: query<Record<string, unknown>>(journal, "SELECT fill_id, client_id, symbol, side, quantity, price, commission, time FROM fills ORDER BY time, fill_id"),
    journalIds: query<{ client_id: string; state: string }>(journal, "SELECT client_id, state FROM orders ORDER BY client_id"),
    paperIds: query<{ client_id: string }>(paper, "SELECT client_id FROM orders ORDER BY client_id").map((r) => r.client_id),
  };
}

const FIRST = 300;
const LAST = 700;

describe("the live loop on a file feed and the paper broker", () => {
  it("SIGKILLed at random bars and restarted: the book of an uninterrupted loop, no client order id twice", async () => {
    // Uninterrupted.
    const a = join(tmp, "a");
    mkdirSync(a);
    const feedA = join(a, "feed.csv");
    feedFile(feedA, FIRST);
    const childA = startLoop(join(a, "state"), feedA, FRESH);
    await until(childA, lastBarAtLeast(join(a, "state"), dateMs(FIRST - 1)));
    await appendDates(feedA, FIRST, LAST);
    await until(childA, lastBarAtLeast(join(a, "state"), dateMs(LAST - 1)));
    await stopLoop(childA);
    const want = book(join(a, "state"));
    expect(want.fills.length).toBeGreaterThan(500);

    // Killed with SIGKILL after a random number of bars, restarted, four times over.
    const b = join(tmp, "b");
    mkdirSync(b);
    const feedB = join(b, "feed.csv");
    const stateB = join(b, "state");
    feedFile(feedB, FIRST);
    const rnd = lcg(20261207);
    const kills = [0, 1, 2, 3].map(() => FIRST + Math.floor(rnd() * (LAST - FIRST - 20))).sort((x, y) => x - y);
    let child = startLoop(stateB, feedB, FRESH);
    await until(child, lastBarAtLeast(stateB, dateMs(FIRST - 1)));
    const writing = appendDates(feedB, FIRST, LAST, 3);
    let killed = 0;
    for (const k of kills) {
      await until(child, lastBarAtLeast(stateB, dateMs(k)));
      child.proc.kill("SIGKILL");
      const e = await child.exit;
      if (e.signal === "SIGKILL") killed++;
      child = startLoop(stateB, feedB, FRESH);
    }
    await writing;
    await until(child, lastBarAtLeast(stateB, dateMs(LAST - 1)));
    await stopLoop(child);
    expect(killed).toBe(4);
    const got = book(stateB);
    expect(got.held).toEqual(want.held);
    expect(got.fills).toEqual(want.fills);
    expect(got.journalIds).toEqual(want.journalIds);
    // Every client id the broker ever accepted is journaled once, and the journal sent nothing the broker lacks.
    expect(got.paperIds).toEqual(got.journalIds.map((r) => r.client_id));
    expect(got.journalIds.every((r) => r.state === "submitted")).toBe(true);
  }, 600_000);

  it("serves its counters on /metrics and is steered by status, halt and resume while it runs", async () => {
    const dir = join(tmp, "steer");
    mkdirSync(dir);
    const feed = join(dir, "feed.csv");
    const state = join(dir, "state");
    feedFile(feed, FIRST);
    const port = await freePort();
    const child = startLoop(state, feed, [...FRESH, "--set", `pipeline.trading.metrics.port=${port}`]);
    await until(child, lastBarAtLeast(state, dateMs(FIRST - 1)));
    await appendDates(feed, FIRST, FIRST + 60);
    await until(child, lastBarAtLeast(state, dateMs(FIRST + 59)));

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const journal = join(state, "journal.sqlite");
    const submitted = query<{ n: number }>(journal, "SELECT COUNT(*) AS n FROM orders WHERE state = 'submitted'")[0].n;
    const fills = query<{ n: number }>(journal, "SELECT COUNT(*) AS n FROM fills")[0].n;
    expect(submitted).toBeGreaterThan(50);
    expect(metric(text, "foxml_trade_orders_total")).toBe(submitted);
    expect(metric(text, "foxml_trade_fills_total")).toBe(fills);
    expect(metric(text, "foxml_trade_bars_total", 'outcome="decided"')).toBe(61);
    expect(metric(text, "foxml_trade_decision_latency_seconds_count")).toBe(61);
    expect(metric(text, "foxml_trade_halted")).toBe(0);
    expect(metric(text, "foxml_trade_equity")).toBeGreaterThan(0);
    expect(metric(text, "foxml_trade_gross_exposure")).toBeGreaterThan(0);
    expect(text).toContain("foxml_trade_pnl");
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    // One loop per state folder.
    const second = startLoop(state, feed, FRESH);
    expect((await second.exit).code).toBe(2);
    expect(second.stderr()).toMatch(/another live loop \(process \d+\) is running on/);

    let io = captureIo();
    expect(await main(["trade", "status", state], io)).toBe(0);
    const st = JSON.parse(io.stdout);
    expect(st).toMatchObject({ halted: false, last_bar_time: new Date(dateMs(FIRST + 59)).toISOString(), loop: { running: true, broker: "paper", feed: "file", decided: 61 } });
    expect(Object.keys(st.positions).length).toBeGreaterThan(3);

    // Halted from this process: the running loop cancels, flattens at once, then sends no rebalance.
    io = captureIo();
    expect(await main(["trade", "halt", state, "--reason", "news"], io)).toBe(0);
    const flattenCount = () => query<{ n: number }>(journal, "SELECT COUNT(*) AS n FROM orders WHERE intent = 'flatten'")[0].n;
    await until(child, () => flattenCount() > 0);
    await appendDates(feed, FIRST + 60, FIRST + 70);
    await until(child, lastBarAtLeast(state, dateMs(FIRST + 69)));
    const haltBar = dateMs(FIRST + 59);
    expect(query<{ n: number }>(journal, `SELECT COUNT(*) AS n FROM orders WHERE intent = 'rebalance' AND bar_time > ${haltBar}`)[0].n).toBe(0);
    io = captureIo();
    await main(["trade", "status", state], io);
    expect(JSON.parse(io.stdout)).toMatchObject({ halted: true, halt_reason: "news", positions: {} });
    expect(metric(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), "foxml_trade_halted")).toBe(1);

    io = captureIo();
    expect(await main(["trade", "resume", state], io)).toBe(0);
    expect(io.stdout).toContain("resumed (was halted: news)");
    await appendDates(feed, FIRST + 70, FIRST + 90);
    await until(child, lastBarAtLeast(state, dateMs(FIRST + 89)));
    expect(query<{ n: number }>(journal, `SELECT COUNT(*) AS n FROM orders WHERE intent = 'rebalance' AND bar_time > ${dateMs(FIRST + 69)}`)[0].n).toBeGreaterThan(0);

    await stopLoop(child);
    const summary = JSON.parse(child.stdout());
    expect(summary.decided).toBe(91);
    expect(summary.decision_ms.n).toBe(91);
    expect(summary.decision_ms.p99).toBeGreaterThanOrEqual(summary.decision_ms.p50);
    io = captureIo();
    await main(["trade", "status", state], io);
    expect(JSON.parse(io.stdout).loop.running).toBe(false);
  }, 600_000);

  it("a stale bar is a logged skip, never an order", async () => {
    const dir = join(tmp, "stale");
    mkdirSync(dir);
    const feed = join(dir, "feed.csv");
    const state = join(dir, "state");
    feedFile(feed, FIRST);
    const child = startLoop(state, feed);
    await until(child, () => (meta<{ bars: number }>(state, "live")?.bars ?? 0) >= 1);
    await stopLoop(child);
    expect(JSON.parse(child.stdout())).toMatchObject({ bars: 1, decided: 0, skipped: { stale: 1 } });
    expect(child.stderr()).toMatch(/stale bar: nothing is traded on it .*bar=1992-03-06/);
    expect(query<{ n: number }>(join(state, "journal.sqlite"), "SELECT COUNT(*) AS n FROM orders")[0].n).toBe(0);
  }, 120_000);

  it("live bars without the column the model's features need are an error naming them", async () => {
    const dir = join(tmp, "nocol");
    mkdirSync(dir);
    const feed = join(dir, "feed.csv");
    // The closes blanked: the model's return features cannot be computed.
    writeFileSync(feed, [HEADER, ...DATES.slice(0, FIRST).flat().map((l) => l.replace(/,[^,]*,$/, ",,"))].join("\n") + "\n");
    const child = startLoop(join(dir, "state"), feed, FRESH);
    const e = await child.exit;
    expect(e.code).toBe(2);
    expect(child.stderr()).toMatch(/cannot trade on the live bars from the file feed: \d+ of its \d+ features cannot be computed: .*needs column "close"/);
    expect(query<{ n: number }>(join(dir, "state", "journal.sqlite"), "SELECT COUNT(*) AS n FROM orders")[0].n).toBe(0);
  }, 120_000);

  it("a live broker that cannot be reached, and a missing --state, are clear errors", async () => {
    let io = captureIo();
    const saved = { id: process.env.APCA_API_KEY_ID, secret: process.env.APCA_API_SECRET_KEY };
    process.env.APCA_API_KEY_ID = "PK_TEST_UNREACHABLE";
    process.env.APCA_API_SECRET_KEY = "SK_TEST_UNREACHABLE";
    try {
      expect(await main(["trade", "--broker", "alpaca", "--model", run, "--state", join(tmp, "alp"), ...UNREACHABLE_ALPACA], io)).toBe(1);
    } finally {
      if (saved.id === undefined) delete process.env.APCA_API_KEY_ID;
      else process.env.APCA_API_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.APCA_API_SECRET_KEY;
      else process.env.APCA_API_SECRET_KEY = saved.secret;
    }
    expect(io.stderr).toContain("alpaca: GET /v2/account failed");
    expect(io.stderr).not.toContain("PK_TEST_UNREACHABLE");
    io = captureIo();
    expect(await main(["trade", "--broker", "ibkr", "--model", run, "--state", join(tmp, "ib"), ...UNREACHABLE_IBKR], io)).toBe(1);
    expect(io.stderr).toContain("IBKR: could not connect to 127.0.0.1:9");
    io = captureIo();
    expect(await main(["trade", "--broker", "paper", "--model", run, "--data", DATA], io)).toBe(2);
    expect(io.stderr).toContain("the live loop needs --state DIR");
  });

  it("planted broker keys appear in no output: stdout, stderr, logs, state and replay folders, error messages", async () => {
    const KEY = "PK_PLANTED_KEY_ID_7f3a91";
    const SECRET = "SK_PLANTED_SECRET_9c2e4d8b";
    const IBKR = "DU_PLANTED_ACCT_552107";
    const env = { ...process.env, APCA_API_KEY_ID: KEY, APCA_API_SECRET_KEY: SECRET, IBKR_ACCOUNT: IBKR, IBKR_PASSWORD: `${IBKR}pw` };
    const dir = join(tmp, "keys");
    mkdirSync(dir);
    const feed = join(dir, "feed.csv");
    const state = join(dir, "state");
    feedFile(feed, FIRST);
    const outputs: string[] = [];
    const done = async (c: Child) => {
      await c.exit;
      outputs.push(c.stdout(), c.stderr());
    };
    const live = startLoop(state, feed, [...FRESH, "--log-level", "debug"], env);
    await until(live, lastBarAtLeast(state, dateMs(FIRST - 1)));
    live.proc.kill("SIGTERM");
    await done(live);
    const base = ["bin/foxml.js", "trade"];
    for (const args of [
      ["status", state],
      ["halt", state],
      ["resume", state],
      ["--broker", "paper", "--model", run, "--replay", "--data", DATA, "--out", join(dir, "replay"), "--log-level", "debug"],
      ["--broker", "paper", "--model", run, "--data", DATA, "--dry-run", "--as-of", "last"],
      ["--broker", "alpaca", "--model", run, "--state", join(dir, "alpaca"), ...UNREACHABLE_ALPACA],
      ["--broker", "ibkr", "--model", run, "--state", join(dir, "ibkr"), ...UNREACHABLE_IBKR],
      // A key inside a path that ends up in an error message is masked there too.
      ["--broker", "paper", "--model", run, "--data", join(dir, `${KEY}.csv`), "--state", join(dir, "masked"), "--log-level", "debug"],
    ]) {
      await done(spawnCli([...base, ...args], env));
    }
    expect(outputs.at(-1)).toContain("bar feed");
    expect(outputs.at(-1)).toContain("[Redacted]");
    for (const f of walk(dir)) outputs.push(readFileSync(f, "latin1"));
    expect(outputs.join("").length).toBeGreaterThan(100_000);
    for (const text of outputs) for (const secret of [KEY, SECRET, IBKR]) expect(text.includes(secret)).toBe(false);
  }, 600_000);
});

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** The value of a metric line (the first one whose labels contain `labels`). */
function metric(text: string, name: string, labels = ""): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  throw new Error(`no metric ${name}{${labels}} in:\n${text}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
