import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { collect, type CommandContext, type RegisterCommand } from "../program.js";
import { loadConfig } from "../../config/load.js";
import { createLogger, parseLogLevel } from "../../log/index.js";
import { FoxmlError, InputError, isFoxmlError } from "../../util/errors.js";
import type { SecretMasker } from "../../log/redact.js";
import type { BrokerName } from "../../trading/broker/factory.js";
import type { TradingModel } from "../../trading/model/load.js";
import type { TradingConfig } from "../../trading/schema.js";

interface TradeFlags {
  broker: string;
  model?: string;
  target?: string;
  family?: string;
  replay?: boolean;
  data?: string;
  out?: string;
  state?: string;
  dryRun?: boolean;
  asOf?: string;
  experiment?: string;
  configDir?: string;
  set: string[];
  logLevel?: string;
}

// `foxml trade`: a trained model to orders (replay, dry run), and `trade status|halt|resume`.
export const registerTradeCommand: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const trade = program
    .command("trade")
    .description("trade a trained model live (paper, Alpaca, IBKR), replay history through the paper broker (--replay), or print the orders of the newest bar (--dry-run)")
    .option("--broker <name>", `paper | alpaca | ibkr`, "paper")
    .option("--model <run-dir>", "run folder holding the trained model (models/<target>/<family>.json)")
    .option("--target <name>", "target whose model to trade (needed when the run saved models for several)")
    .option("--family <member>", "model to trade, e.g. ridge or lightgbm@conservative (default: the best-scoring saved one)")
    .option("--replay", "replay --data bar by bar through the loop and the paper broker; writes --out/trades.csv and summary.json")
    .option("--data <path>", "replay / dry run: bars to trade on (a file or folder, read with the run's data settings); live: the CSV or Parquet file your own feed appends bars to")
    .option("--out <dir>", "replay: folder of trades.csv, summary.json, the journal and the paper book (a replay killed and restarted with the same --out continues)")
    .option("--state <dir>", "live: folder of the loop's journal, paper book and logs (restart with it to continue); dry run: folder of the paper book whose positions the orders start from")
    .option("--dry-run", "print the orders the newest bar would send, as JSON lines, and send nothing")
    .option("--as-of <time>", "dry run: decide at the last bar at or before this time (ISO) instead of now; 'last' = the newest bar")
    .option("--experiment <path>", "experiment whose pipeline.trading settings to use")
    .option("--config-dir <dir>", "config dir (default: ./config if it exists, else the bundled one)")
    .option("--set <key=value>", "override a setting, e.g. --set pipeline.trading.risk.max_order_notional=50000 (repeatable)", collect, [])
    .option("--log-level <level>", "console log level: trace, debug, info, warn, error, fatal, silent", "warn")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  foxml trade --broker paper --model runs/RUN --replay --data datasets/dowjones30 --out trade-out\n" +
        "  foxml trade --broker paper --model runs/RUN --data bars.csv --dry-run --as-of last\n" +
        "  foxml trade --broker paper --model runs/RUN --data live-bars.csv --state trade-live   (live until SIGTERM / Ctrl-C)\n" +
        "  foxml trade status trade-out    foxml trade halt trade-out --reason 'news'    foxml trade resume trade-out\n",
    )
    .action(async (flags: TradeFlags) => {
      // Broker keys live in the environment only; none may reach a log line or an error message.
      const { envSecretMasker } = await import("../../trading/secrets.js");
      const masker = envSecretMasker(process.env);
      try {
        await tradeAction(flags, ctx, masker);
      } catch (e) {
        throw masked(e, masker);
      }
    });

  const stateArgument = (c: Command) => c.argument("<dir>", "the trading folder (a live loop's --state, a replay's --out) whose journal.sqlite to use");
  const journalAt = async (dir: string) => {
    const path = join(resolve(dir), "journal.sqlite");
    if (!existsSync(path)) throw new InputError(`${path} does not exist`, "give the folder a `foxml trade` loop writes its journal in (--out of a replay)");
    const { Journal } = await import("../../trading/orders/journal.js");
    return Journal.open(path);
  };
  stateArgument(trade.command("status").description("the loop's state from its journal: halt, last bar, orders, fills, blocked orders by guardrail")).action(async (dir: string) => {
    const j = await journalAt(dir);
    try {
      const { journalStatus } = await import("../../trading/loop/status.js");
      ctx.io.out(`${JSON.stringify(journalStatus(j), null, 2)}\n`);
    } finally {
      j.close();
    }
  });
  stateArgument(trade.command("halt").description("halt the loop: it cancels its orders, flattens and sends nothing else until `foxml trade resume`"))
    .option("--reason <text>", "why (kept in the journal)", "halted by hand")
    .action(async (dir: string, flags: { reason: string }) => {
      const j = await journalAt(dir);
      try {
        j.setHalt(flags.reason, Date.now());
        ctx.io.out(`halted: ${flags.reason}\n`);
      } finally {
        j.close();
      }
    });
  stateArgument(trade.command("resume").description("clear a halt (by hand or by the kill switch); the drawdown peak restarts at the next equity")).action(async (dir: string) => {
    const j = await journalAt(dir);
    try {
      const was = j.halt();
      j.clearHalt();
      ctx.io.out(was.halted ? `resumed (was halted: ${was.reason})\n` : "not halted; nothing to resume\n");
    } finally {
      j.close();
    }
  });
};

function masked(e: unknown, masker: SecretMasker): unknown {
  if (masker.size === 0) return e;
  if (isFoxmlError(e)) return new FoxmlError(masker.mask(e.message), { exitCode: e.exitCode, hint: e.hint === undefined ? undefined : masker.mask(e.hint) });
  return new FoxmlError(masker.mask(e instanceof Error ? e.message : String(e)), { exitCode: 1, hint: "this is an internal error; set FOXML_DEBUG=1 to see the stack trace and report it" });
}

async function tradeAction(flags: TradeFlags, ctx: CommandContext, masker: SecretMasker): Promise<void> {
  const { isBrokerName, BROKER_NAMES } = await import("../../trading/broker/factory.js");
  if (!isBrokerName(flags.broker)) throw new InputError(`--broker ${flags.broker} is not known`, `use one of: ${BROKER_NAMES.join(", ")}`);
  if (flags.model === undefined) throw new InputError("--model RUN_DIR is required", "give the run folder printed by `foxml run`");
  if (flags.replay && flags.dryRun) throw new InputError("--replay and --dry-run cannot be combined", "a replay sends orders to the paper broker; --dry-run prints one bar's orders");
  if ((flags.replay || flags.dryRun) && flags.broker !== "paper") {
    throw new InputError(`--broker ${flags.broker} with ${flags.replay ? "--replay" : "--dry-run"}: replays and dry runs use the paper broker`, "use --broker paper, or drop the flag to trade live");
  }
  const level = parseLogLevel(flags.logLevel ?? "warn");
  const config = loadConfig({ configDir: flags.configDir, experimentPath: flags.experiment, sets: flags.set });
  const cfg = config.value.pipeline.trading;
  const { loadTradingModel } = await import("../../trading/model/load.js");
  const model = loadTradingModel(resolve(flags.model), { target: flags.target, member: flags.family });
  if (!flags.replay && !flags.dryRun) return live(flags, ctx, masker, level, model, cfg);
  if (flags.data === undefined) throw new InputError("--data PATH is required", "the bars to trade on, e.g. --data datasets/dowjones30");
  const { tradingData } = await import("../../trading/model/data.js");
  const inspection = await tradingData(model, resolve(flags.data), process.cwd());
  if (flags.replay) {
    if (flags.out === undefined) throw new InputError("--replay needs --out DIR", "the folder that receives trades.csv and summary.json");
    const out = resolve(flags.out);
    mkdirSync(out, { recursive: true });
    const log = createLogger({ stage: "trade", file: join(out, "logs.jsonl"), console: { out: ctx.io, level }, masker });
    const { replay } = await import("../../trading/loop/replay.js");
    const { writeReplayFiles } = await import("../../trading/loop/results.js");
    const r = await replay({ model, inspection, cfg, stateDir: out, log, dataLabel: flags.data });
    try {
      writeReplayFiles(out, r.journal.fills(), r.summary);
    } finally {
      r.journal.close();
      await r.broker.close();
      log.close();
    }
    const s = r.summary;
    const blocked = Object.entries(s.blocked).map(([rule, n]) => `${n} ${rule}`).join(", ");
    ctx.io.out(
      `${s.bars} bars, ${s.orders} orders, ${s.fills} fills, final equity ${s.final_equity?.toFixed(2) ?? "n/a"}${blocked ? `; blocked: ${blocked}` : ""}${s.halted ? `; HALTED: ${s.halted.reason}` : ""}\n` +
        `${join(out, "trades.csv")}\n${join(out, "summary.json")}\n`,
    );
    return;
  }
  const { dryRun } = await import("../../trading/loop/dry-run.js");
  const rows = await dryRun({ model, inspection, cfg, asOf: flags.asOf, stateDir: flags.state === undefined ? null : resolve(flags.state), dataLabel: flags.data });
  for (const r of rows) ctx.io.out(`${JSON.stringify(r)}\n`);
}

/** The live loop in the foreground until SIGTERM / SIGINT; prints its summary as JSON when it stops. */
async function live(flags: TradeFlags, ctx: CommandContext, masker: SecretMasker, level: ReturnType<typeof parseLogLevel>, model: TradingModel, cfg: TradingConfig): Promise<void> {
  if (flags.state === undefined) throw new InputError("the live loop needs --state DIR", "the folder of its journal, paper book and logs; restart with the same folder to continue where it stopped");
  if (flags.asOf !== undefined || flags.out !== undefined) throw new InputError(`${flags.asOf !== undefined ? "--as-of" : "--out"} is for ${flags.asOf !== undefined ? "--dry-run" : "--replay"}; the live loop keeps its state in --state`);
  const state = resolve(flags.state);
  mkdirSync(state, { recursive: true });
  const log = createLogger({ stage: "trade", file: join(state, "logs.jsonl"), console: { out: ctx.io, level }, masker });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    log.warn("stopping: finishing the current bar", { signal });
    stop.abort();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  try {
    const { runLive } = await import("../../trading/loop/live-run.js");
    const summary = await runLive({ broker: flags.broker as BrokerName, model, cfg, stateDir: state, feedFile: flags.data === undefined ? undefined : resolve(flags.data), env: process.env, log, stop: stop.signal });
    ctx.io.out(`${JSON.stringify(summary)}\n`);
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    log.close();
  }
}
