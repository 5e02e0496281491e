import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { createConsoleLogger, createLogger, silentLogger } from "../../src/log/logger.js";
import { SecretMasker } from "../../src/log/redact.js";
import { createProgress } from "../../src/util/progress.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "foxml-log-"));
  file = join(dir, "logs.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function records(): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const T0 = Date.UTC(2026, 10, 28, 10, 15, 0, 250);

describe("logs.jsonl records", () => {
  it("carry run_id and stage, and target/family/symbol where bound; readable right after the call", () => {
    const log = createLogger({ runId: "20261128T101500Z-default", file, now: () => T0 });
    log.info("run started");
    const ranking = log.forStage("ranking");
    ranking.info("ranking targets", { n_targets: 12 });
    const job = ranking.with({ target: "fwd_ret_5", family: "gbdt" });
    job.info("fitted", { ic: 0.031 });
    job.with({ symbol: "AAPL" }).warn("short history", { bars: 40 });
    // No close(): records must already be on disk.
    const recs = records();
    expect(recs).toHaveLength(4);
    expect(recs[0]).toEqual({ level: "info", time: "2026-11-28T10:15:00.250Z", run_id: "20261128T101500Z-default", stage: "run", msg: "run started" });
    expect(recs[1]).toMatchObject({ run_id: "20261128T101500Z-default", stage: "ranking", n_targets: 12, msg: "ranking targets" });
    expect(recs[1]).not.toHaveProperty("target");
    expect(recs[2]).toMatchObject({ stage: "ranking", target: "fwd_ret_5", family: "gbdt", ic: 0.031 });
    expect(recs[3]).toMatchObject({ level: "warn", stage: "ranking", target: "fwd_ret_5", family: "gbdt", symbol: "AAPL", bars: 40 });
    log.close();
  });

  it("writes context keys once, in a fixed order, even when a field repeats one", () => {
    const log = createLogger({ runId: "r", file }).with({ symbol: "AAPL", family: "linear", target: "t1" }).forStage("training");
    log.info("override", { symbol: "MSFT", extra: 1 });
    log.with({ family: undefined }).info("family removed");
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines[0].match(/"symbol"/g)).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(["level", "time", "run_id", "stage", "target", "family", "symbol", "extra", "msg"]);
    expect(JSON.parse(lines[0]).symbol).toBe("MSFT");
    expect(JSON.parse(lines[1])).not.toHaveProperty("family");
    expect(log.context).toEqual({ run_id: "r", stage: "training", target: "t1", family: "linear", symbol: "AAPL" });
  });

  it("keeps fields named like pino's own keys under another name instead of duplicating keys", () => {
    const log = createLogger({ runId: "r", file, now: () => T0 });
    log.info("m", { level: 5, time: "x", msg: "other" });
    const line = readFileSync(file, "utf8").trim();
    expect(line.match(/"level"/g)).toHaveLength(1);
    expect(line.match(/"msg"/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ level: "info", msg: "m", field_level: 5, field_time: "x", field_msg: "other" });
  });

  it("serializes errors under err with type, message and stack", () => {
    const log = createLogger({ runId: "r", file });
    const e = new TypeError("bad shape");
    log.error("fit failed", { err: e });
    const rec = records()[0] as { err: { type: string; message: string; stack: string } };
    expect(rec.err.type).toBe("TypeError");
    expect(rec.err.message).toBe("bad shape");
    expect(rec.err.stack).toContain("bad shape");
  });

  it("keeps records logged after close()", () => {
    const log = createLogger({ runId: "r", file });
    log.info("before");
    log.close();
    log.close(); // idempotent
    log.info("late");
    expect(records().map((r) => r.msg)).toEqual(["before", "late"]);
  });
});

describe("levels", () => {
  it("file keeps info while the console shows only warnings", () => {
    const io = captureIo();
    const log = createLogger({ runId: "r", file, console: { out: io, level: "warn" } });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(records().map((r) => r.msg)).toEqual(["i", "w", "e"]);
    expect(io.stderr).not.toContain(" i");
    expect(io.stderr.trim().split("\n")).toHaveLength(2);
    expect(log.levels).toEqual({ file: "info", console: "warn" });
  });

  it("a more verbose console makes the file as verbose", () => {
    const io = captureIo();
    const log = createLogger({ runId: "r", file, console: { out: io, level: "trace" } });
    log.trace("t");
    log.debug("d");
    expect(records().map((r) => r.level)).toEqual(["trace", "debug"]);
    expect(io.stderr).toContain("TRACE");
    expect(log.isLevelEnabled("trace")).toBe(true);
  });

  it("an explicit file level and a silent console", () => {
    const io = captureIo();
    const log = createLogger({ runId: "r", file, fileLevel: "error", console: { out: io, level: "silent" } });
    log.warn("w");
    log.fatal("f");
    expect(records().map((r) => r.msg)).toEqual(["f"]);
    expect(io.stderr).toBe("");
    expect(log.isLevelEnabled("warn")).toBe(false);
  });

  it("a silent logger writes nothing and enables nothing", () => {
    const log = silentLogger();
    expect(log.isLevelEnabled("fatal")).toBe(false);
    log.fatal("nothing");
  });
});

describe("console output", () => {
  it("formats HH:MM:SS LEVEL [stage] message key=value", () => {
    const io = captureIo();
    const log = createLogger({ runId: "r", file, console: { out: io, level: "info", utc: true }, now: () => T0 });
    log.forStage("ranking").with({ target: "fwd_ret_5" }).info("ranked", { n: 3, note: "two words" });
    expect(io.stderr).toBe('10:15:00 INFO  [ranking] ranked target=fwd_ret_5 n=3 note="two words"\n');
  });

  it("a console-only logger writes no file and names its stage", () => {
    const io = captureIo();
    const log = createConsoleLogger(io, { stage: "data", utc: true, now: () => T0 });
    log.warn("3 duplicate rows", { file: "a.csv" });
    expect(io.stderr).toBe("10:15:00 WARN  [data] 3 duplicate rows file=a.csv\n");
    expect(log.logFile).toBeUndefined();
  });

  it("colours levels on a terminal unless NO_COLOR is set", () => {
    const io = { ...captureIo(), isTTY: true };
    let text = "";
    io.err = (t: string) => void (text += t);
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      createConsoleLogger(io).error("red");
      expect(text).toContain("\x1b[31mERROR");
      text = "";
      process.env.NO_COLOR = "1";
      createConsoleLogger(io).error("plain");
      expect(text).not.toContain("\x1b[");
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it("prints log lines above a progress bar instead of through it", () => {
    let text = "";
    const out = { isTTY: true, err: (t: string) => void (text += t) };
    const clock = { t: 0 };
    const bar = createProgress({ label: "ranking", total: 10, out, now: () => clock.t });
    bar.update(5);
    text = "";
    createConsoleLogger(out, { color: false, utc: true, now: () => T0 }).info("hello");
    // erase the bar, write the line, draw the bar again
    expect(text).toBe("\r\x1b[K10:15:00 INFO  [cli] hello\n\r\x1b[K[##########..........] 50% 5/10 ranking");
    bar.finish();
  });
});

describe("secrets", () => {
  const SECRET = "sk-live-9f8e7d6c5b4a";

  it("never appear in logs.jsonl or on the console, however they are nested or spelled", () => {
    const io = captureIo();
    const log = createLogger({ runId: "r", file, console: { out: io, level: "trace" } });
    log.info("config loaded", {
      api_key: SECRET,
      broker: { alpaca: { credentials: { apiKey: SECRET, ALPACA_SECRET_KEY: SECRET } } },
      headers: { authorization: `Bearer ${SECRET}` },
      accounts: [{ password: SECRET }],
      redis_url: `redis://default:${SECRET}@localhost:6379`,
    });
    log.with({ token: SECRET }).warn("bound secret");
    // Once seen under a secret key, the value is masked even when interpolated into text.
    log.error(`connect failed with key ${SECRET}`, { err: new Error(`401 for ${SECRET}`) });
    const fileText = readFileSync(file, "utf8");
    expect(fileText).not.toContain(SECRET);
    expect(io.stderr).not.toContain(SECRET);
    expect(fileText).toContain("[Redacted]");
    const first = records()[0] as { broker: { alpaca: { credentials: unknown } }; headers: { authorization: string } };
    expect(first.broker.alpaca.credentials).toBe("[Redacted]");
    expect(first.headers.authorization).toBe("[Redacted]");
    expect(records()[0].redis_url).toBe("redis://default:[Redacted]@localhost:6379");
    expect(records()[1].token).toBe("[Redacted]");
  });

  it("masks values registered up front (e.g. from the resolved config) and does not mutate the logged object", () => {
    const masker = new SecretMasker();
    masker.add('p"ss\\word-42');
    const io = captureIo();
    const log = createLogger({ runId: "r", file, masker, console: { out: io } });
    const fields = { conn: { password: "hunter2-long" } };
    log.info('using p"ss\\word-42 for the broker', fields);
    expect(fields.conn.password).toBe("hunter2-long");
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("hunter2-long");
    expect(text).not.toContain('p\\"ss\\\\word-42'); // the JSON-escaped form
    expect(io.stderr).not.toContain('p"ss\\word-42');
    expect(io.stderr).toContain("using [Redacted] for the broker");
  });
});
