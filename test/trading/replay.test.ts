/**
 * A model from a small run on the bundled Dow data, traded: the order-level backtest and the paper
 * replay give the same trades; a replay SIGKILLed mid-loop and restarted doubles no order and ends
 * with the uninterrupted run's trades and positions; a dry run prints orders; a model that cannot
 * trade (missing features, stale bar) is a clear error.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { loadTradingModel } from "../../src/trading/model/load.js";
import { tradingData } from "../../src/trading/model/data.js";
import { prepareHistory } from "../../src/trading/loop/replay.js";
import { orderBacktest } from "../../src/trading/loop/order-backtest.js";
import { tradesCsv } from "../../src/trading/loop/results.js";
import { DEFAULT_TRADING, tradingSchema } from "../../src/trading/schema.js";
import { trainTradeModel } from "./trade-model.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-trade-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const DATA = "datasets/dowjones30/dowjones30_daily_close_1990-2001.csv";
let run = "";

beforeAll(async () => {
  run = await trainTradeModel(tmp);
}, 600_000);

async function replayCli(out: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const code = await main(["trade", "--broker", "paper", "--model", run, "--replay", "--data", DATA, "--out", out, "--log-level", "silent", ...extra], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const withoutPerformance = (path: string) => {
  const s = JSON.parse(readFileSync(path, "utf8"));
  delete s.performance;
  return s;
};

describe("trading a trained model on the bundled Dow data", () => {
  let trades = "";

  it("the paper replay and the order-level backtest make the same trades", async () => {
    const out = join(tmp, "replay");
    const r = await replayCli(out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    trades = readFileSync(join(out, "trades.csv"), "utf8");
    const lines = trades.trim().split("\n");
    expect(lines[0]).toBe("timestamp,symbol,side,quantity,price,commission");
    expect(lines.length).toBeGreaterThan(1000);

    const model = loadTradingModel(run);
    const inspection = await tradingData(model, DATA, process.cwd());
    const prep = prepareHistory(model, inspection, DEFAULT_TRADING, DATA);
    const bt = orderBacktest({ panel: inspection.panel, signal: prep.signal, cfg: DEFAULT_TRADING, decider: prep.decider, start: prep.start, step: prep.step });
    expect(tradesCsv(bt.fills)).toBe(trades);

    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.fills).toBe(lines.length - 1);
    expect(summary.final_equity).toBeCloseTo(bt.equity[bt.equity.length - 1], 6);
    expect(summary.performance.bars_per_second).toBeGreaterThan(0);
  }, 300_000);

  it("guardrails and costs from the config change the trades the same way in both", async () => {
    const out = join(tmp, "replay-limits");
    const sets = ["pipeline.trading.risk.max_position_notional=40000", "pipeline.trading.risk.max_orders_per_minute=8", "pipeline.trading.fill.commission_bps=2", "pipeline.trading.fill.slippage_bps=5"];
    const r = await replayCli(out, sets.flatMap((s) => ["--set", s]));
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.blocked.max_orders_per_minute).toBeGreaterThan(0);
    expect(summary.commission).toBeGreaterThan(0);
    const cfg = tradingSchema.parse({ risk: { max_position_notional: 40000, max_orders_per_minute: 8 }, fill: { commission_bps: 2, slippage_bps: 5 } });
    const model = loadTradingModel(run);
    const inspection = await tradingData(model, DATA, process.cwd());
    const prep = prepareHistory(model, inspection, cfg, DATA);
    const bt = orderBacktest({ panel: inspection.panel, signal: prep.signal, cfg, decider: prep.decider, start: prep.start, step: prep.step });
    expect(tradesCsv(bt.fills)).toBe(readFileSync(join(out, "trades.csv"), "utf8"));
    expect(bt.blocked).toEqual(summary.blocked);
    // Positions (from the fills) never pass 40000 at the closes they were sized at; at fill prices (next close + 5 bps) a little more.
    const held = new Map<string, number>();
    for (const f of bt.fills) {
      held.set(f.symbol, (held.get(f.symbol) ?? 0) + (f.side === "buy" ? f.quantity : -f.quantity));
      expect(Math.abs(held.get(f.symbol)!) * f.price).toBeLessThan(40000 * 1.3);
    }
    const dates = new Map<number, number>();
    for (const f of bt.fills) dates.set(f.time, (dates.get(f.time) ?? 0) + 1);
    expect(Math.max(...dates.values())).toBeLessThanOrEqual(8);
  }, 300_000);

  it("a replay killed with SIGKILL mid-loop and restarted doubles no order and ends with the same trades", async () => {
    expect(trades).not.toBe("");
    const out = join(tmp, "crash");
    const args = ["bin/foxml.js", "trade", "--broker", "paper", "--model", run, "--replay", "--data", DATA, "--out", out, "--log-level", "silent"];
    // Kill at a few points of the loop (after k decided bars), restarting each time.
    let killed = 0;
    for (const k of [150, 900, 1700]) {
      const child = spawn(process.execPath, args, { stdio: "ignore" });
      const exited = new Promise<number | null>((res) => child.on("exit", (code, signal) => res(signal === "SIGKILL" ? (killed++, null) : code)));
      await new Promise<void>((res) => {
        const timer = setInterval(() => {
          const path = join(out, "journal.sqlite");
          if (!existsSync(path)) return;
          try {
            const db = new Database(path, { readonly: true, fileMustExist: true });
            const row = db.prepare("SELECT value FROM meta WHERE key = 'last_bar'").get() as { value: string } | undefined;
            db.close();
            if (row !== undefined && Number(row.value) >= k) {
              clearInterval(timer);
              child.kill("SIGKILL");
              res();
            }
          } catch {
            // the child is creating the file
          }
        }, 5);
        child.on("exit", () => {
          clearInterval(timer);
          res();
        });
      });
      await exited;
    }
    expect(killed).toBe(3);
    const last = spawn(process.execPath, args, { stdio: "ignore" });
    const code = await new Promise<number | null>((res) => last.on("exit", (c) => res(c)));
    expect(code).toBe(0);
    expect(readFileSync(join(out, "trades.csv"), "utf8")).toBe(trades);
    const db = new Database(join(out, "paper-broker.sqlite"), { readonly: true });
    const n = (db.prepare("SELECT COUNT(*) AS n FROM orders").get() as { n: number }).n;
    db.close();
    const j = new Database(join(out, "journal.sqlite"), { readonly: true });
    const journaled = (j.prepare("SELECT COUNT(*) AS n FROM orders").get() as { n: number }).n;
    const pending = (j.prepare("SELECT COUNT(*) AS n FROM orders WHERE state = 'pending'").get() as { n: number }).n;
    j.close();
    expect(n).toBe(journaled);
    expect(pending).toBe(0);
    expect(withoutPerformance(join(out, "summary.json"))).toEqual(withoutPerformance(join(tmp, "replay", "summary.json")));
  }, 600_000);

  it("time-series strategies (sign, vol-scaled) trade every instrument on its own prediction, the same in replay and backtest", async () => {
    for (const strategy of [{ kind: "sign" }, { kind: "vol_scaled", target_vol: 0.15, vol_window: 40 }]) {
      const exp = join(tmp, `${strategy.kind}.yaml`);
      writeFileSync(exp, `name: ts\npipeline:\n  trading:\n    strategy: ${JSON.stringify(strategy)}\n    fill:\n      commission_per_share: 0.005\n`);
      const out = join(tmp, `replay-${strategy.kind}`);
      const r = await replayCli(out, ["--experiment", exp]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
      expect(summary.strategy).toContain(strategy.kind === "sign" ? "sign of the prediction" : "forecast volatility");
      expect(summary.fills).toBeGreaterThan(100);
      expect(summary.sharpe).not.toBeNull();
      const cfg = tradingSchema.parse({ strategy, fill: { commission_per_share: 0.005 } });
      const model = loadTradingModel(run);
      const inspection = await tradingData(model, DATA, process.cwd());
      const prep = prepareHistory(model, inspection, cfg, DATA);
      const bt = orderBacktest({ panel: inspection.panel, signal: prep.signal, cfg, decider: prep.decider, start: prep.start, step: prep.step });
      expect(tradesCsv(bt.fills)).toBe(readFileSync(join(out, "trades.csv"), "utf8"));
    }
  }, 300_000);

  it("status, halt and resume read and write the journal of a loop", async () => {
    const state = join(tmp, "replay");
    let io = captureIo();
    expect(await main(["trade", "status", state], io)).toBe(0);
    const st = JSON.parse(io.stdout);
    expect(st.halted).toBe(false);
    expect(st.fills).toBeGreaterThan(1000);
    io = captureIo();
    expect(await main(["trade", "halt", state, "--reason", "test"], io)).toBe(0);
    io = captureIo();
    await main(["trade", "status", state], io);
    expect(JSON.parse(io.stdout)).toMatchObject({ halted: true, halt_reason: "test" });
    io = captureIo();
    expect(await main(["trade", "resume", state], io)).toBe(0);
    expect(io.stdout).toContain("resumed");
  });

  it("a dry run prints the orders of the newest bar as JSON lines, computed from the bars its features need", async () => {
    const io = captureIo();
    const code = await main(["trade", "--broker", "paper", "--model", run, "--data", DATA, "--dry-run", "--as-of", "last"], io);
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    const rows = io.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r.bar_time).toBe("2001-01-02T00:00:00.000Z");
      expect(r.client_order_id).toMatch(/^fx[0-9a-f]{30}$/);
      expect(["buy", "sell"]).toContain(r.side);
    }
    expect(new Set(rows.map((r) => r.client_order_id)).size).toBe(rows.length);
  });

  it("a stale bar is an error, not orders", async () => {
    const io = captureIo();
    const code = await main(["trade", "--broker", "paper", "--model", run, "--data", DATA, "--dry-run"], io);
    expect(code).toBe(2);
    expect(io.stdout).toBe("");
    expect(io.stderr).toMatch(/stale bar: the newest bar of .* is 2001-01-02/);
    expect(io.stderr).toContain("--as-of");
  });

  it("data that lacks the model's features is an error naming them", async () => {
    // Only 40 bars: the model's long-lookback features cannot be computed.
    const lines = readFileSync(DATA, "utf8").trim().split("\n");
    const short = join(tmp, "short.csv");
    writeFileSync(short, [lines[0], ...lines.slice(-40 * 30)].join("\n") + "\n");
    const io = captureIo();
    const code = await main(["trade", "--broker", "paper", "--model", run, "--replay", "--data", short, "--out", join(tmp, "short-out")], io);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/cannot trade on .*short\.csv: \d+ of its \d+ features cannot be computed: .*needs \d+ rows of history/);
    expect(existsSync(join(tmp, "short-out", "trades.csv"))).toBe(false);
  });

  it("unknown brokers, and live brokers with --replay / --dry-run, are clear errors", async () => {
    let io = captureIo();
    expect(await main(["trade", "--broker", "ibkr", "--model", run, "--data", DATA, "--dry-run"], io)).toBe(2);
    expect(io.stderr).toContain("replays and dry runs use the paper broker");
    io = captureIo();
    expect(await main(["trade", "--broker", "nasdaq", "--model", run], io)).toBe(2);
    expect(io.stderr).toContain("not known");
  });
});
