/**
 * FoxML's logger: pino underneath, with the run's conventions on top.
 *
 * - Every record carries `run_id` (when there is a run) and `stage`, plus `target`, `family`,
 *   `symbol` where the work is about one: `log.forStage("ranking").with({ target, family })`.
 *   Context is kept as one merged object per logger, so a key is never written twice in a record.
 * - Two sinks with their own levels: logs.jsonl in the run folder (never quieter than `info`) and
 *   readable lines on stderr. Commands without a run folder use `createConsoleLogger`.
 * - Secrets are redacted by key at any depth and masked by value (see redact.ts).
 * - Records are written synchronously; `close()` releases the file once the run has ended.
 *
 * A logs.jsonl record: `{"level":"info","time":"2026-11-28T10:15:00.250Z","run_id":"...","stage":"ranking",
 * "target":"fwd_ret_5",...fields,"msg":"..."}` (level as its name, time as ISO 8601 UTC).
 *
 * Call style is message first: `log.info("ranked targets", { n: 12 })`; errors go under `err`
 * (`log.error("fit failed", { err })`) so pino serializes their type, message and stack.
 */
import pino from "pino";
import { fileLevelFor, moreVerbose, type LogLevel, type SinkLevel } from "./levels.js";
import { redactSecrets, SecretMasker } from "./redact.js";
import { ConsoleSink, JsonlFileSink, type LineSink } from "./sinks.js";
import type { ProgressOutput } from "../util/progress.js";

/** Context bound to a logger: written into every record it makes. */
export interface LogContext {
  run_id?: string;
  stage?: string;
  target?: string;
  family?: string;
  symbol?: string;
  fold?: number;
  [key: string]: string | number | boolean | undefined;
}

export type LogFields = Record<string, unknown>;

export interface ConsoleLogOptions {
  /** stderr-like output; pass the command's CliIo so log lines and progress bars share the line. */
  out: ProgressOutput;
  /** Default "info". */
  level?: SinkLevel;
  /** ANSI colours; default: when `out` is a terminal and NO_COLOR is unset. */
  color?: boolean;
  /** Console times in UTC rather than local time. */
  utc?: boolean;
}

export interface LoggerOptions {
  runId?: string;
  /** Stage of the root logger's records. Default "run". */
  stage?: string;
  /** JSON lines file (the run's logs.jsonl). Its level is `fileLevel`, or `fileLevelFor(console level)`. */
  file?: string;
  fileLevel?: LogLevel;
  /** Readable console lines; omit or null for none. */
  console?: ConsoleLogOptions | null;
  /** Shared with the run so manifest and summary mask the same secrets. */
  masker?: SecretMasker;
  /** Milliseconds clock for record times; defaults to Date.now. */
  now?: () => number;
}

// Order in which context keys appear in each record.
const CONTEXT_ORDER = ["run_id", "stage", "target", "family", "symbol", "fold"];
// Keys pino writes itself.
const RESERVED_KEYS = new Set(["level", "time", "msg"]);

interface LoggerCore {
  root: pino.Logger;
  masker: SecretMasker;
  file?: JsonlFileSink;
  fileLevel: SinkLevel;
  consoleLevel: SinkLevel;
}

export class FoxLogger {
  /** The bound context: what every record of this logger carries. */
  readonly context: Readonly<LogContext>;
  private readonly core: LoggerCore;
  private readonly bound: pino.Logger;

  /** @internal use createLogger / createConsoleLogger */
  constructor(core: LoggerCore, context: LogContext) {
    this.core = core;
    this.context = orderContext(context);
    this.bound = core.root.child(this.context);
  }

  trace(msg: string, fields?: LogFields): void {
    this.log("trace", msg, fields);
  }
  debug(msg: string, fields?: LogFields): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log("error", msg, fields);
  }
  fatal(msg: string, fields?: LogFields): void {
    this.log("fatal", msg, fields);
  }

  log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.bound.isLevelEnabled(level)) return;
    if (fields === undefined) {
      this.bound[level](msg);
      return;
    }
    // A field naming a context key (e.g. `symbol` on a logger already bound to one) replaces the
    // bound value for this record, instead of pino writing the key twice.
    let override: LogContext | undefined;
    let rest: LogFields = fields;
    for (const key of Object.keys(fields)) {
      if (RESERVED_KEYS.has(key)) {
        // pino would write a second "level"/"time"/"msg" key; keep the value under another name.
        rest = rest === fields ? { ...fields } : rest;
        rest[`field_${key}`] = fields[key];
        delete rest[key];
      } else if (Object.hasOwn(this.context, key) || CONTEXT_ORDER.includes(key)) {
        override ??= {};
        rest = rest === fields ? { ...fields } : rest;
        override[key] = fields[key] as LogContext[string];
        delete rest[key];
      }
    }
    if (override !== undefined) this.with(override).log(level, msg, rest);
    else this.bound[level](rest, msg);
  }

  /** A logger whose records carry `stage` (and keep the rest of this logger's context). */
  forStage(stage: string): FoxLogger {
    return this.with({ stage });
  }

  /** A logger with more context; an `undefined` value removes a key. */
  with(context: LogContext): FoxLogger {
    const merged: LogContext = { ...this.context };
    for (const [k, v] of Object.entries(context)) {
      if (v === undefined) delete merged[k];
      else merged[k] = v;
    }
    return new FoxLogger(this.core, merged);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.bound.isLevelEnabled(level);
  }

  /** Levels in effect: the file keeps at least `info`, the console shows what was asked. */
  get levels(): { file: SinkLevel; console: SinkLevel } {
    return { file: this.core.fileLevel, console: this.core.consoleLevel };
  }

  get logFile(): string | undefined {
    return this.core.file?.path;
  }

  get masker(): SecretMasker {
    return this.core.masker;
  }

  /** The underlying pino logger (bound to this context), for libraries that take one. */
  get pino(): pino.Logger {
    return this.bound;
  }

  /**
   * Records are written synchronously, so there is nothing in memory to flush; this exists so
   * callers can state the intent at exit points without knowing that.
   */
  flush(): void {
    this.core.root.flush();
  }

  /** Releases logs.jsonl. Later records are still appended (opened per record), never lost. */
  close(): void {
    this.core.file?.close();
  }
}

/** A logger writing to logs.jsonl and/or the console. */
export function createLogger(opts: LoggerOptions): FoxLogger {
  const masker = opts.masker ?? new SecretMasker();
  const now = opts.now ?? Date.now;
  const consoleLevel: SinkLevel = opts.console ? (opts.console.level ?? "info") : "silent";
  const fileLevel: SinkLevel = opts.file === undefined ? "silent" : (opts.fileLevel ?? fileLevelFor(consoleLevel));

  const streams: pino.StreamEntry[] = [];
  let file: JsonlFileSink | undefined;
  if (opts.file !== undefined) {
    file = new JsonlFileSink(opts.file, masker);
    streams.push({ level: fileLevel as pino.Level, stream: file as LineSink });
  }
  if (opts.console && consoleLevel !== "silent") {
    const c = opts.console;
    const color = c.color ?? (c.out.isTTY && !process.env.NO_COLOR);
    streams.push({ level: consoleLevel as pino.Level, stream: new ConsoleSink(c.out, masker, { color, utc: c.utc }) });
  }
  const rootLevel = moreVerbose(fileLevel, consoleLevel);

  const root = pino(
    {
      level: rootLevel,
      base: undefined,
      messageKey: "msg",
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactSecrets(bindings, masker),
        log: (object) => redactSecrets(object, masker),
      },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    pino.multistream(streams),
  );
  const core: LoggerCore = { root, masker, file, fileLevel, consoleLevel };
  const context: LogContext = { stage: opts.stage ?? "run" };
  if (opts.runId !== undefined) context.run_id = opts.runId;
  return new FoxLogger(core, context);
}

/** For commands without a run folder: readable lines on stderr only. `stage` names the command. */
export function createConsoleLogger(out: ProgressOutput, opts: { level?: SinkLevel; stage?: string; color?: boolean; utc?: boolean; now?: () => number } = {}): FoxLogger {
  return createLogger({
    stage: opts.stage ?? "cli",
    console: { out, level: opts.level ?? "info", color: opts.color, utc: opts.utc },
    now: opts.now,
  });
}

/** A logger that drops everything (library code called without one, and tests). */
export function silentLogger(): FoxLogger {
  return createLogger({ console: null });
}

function orderContext(context: LogContext): LogContext {
  const out: LogContext = {};
  for (const k of CONTEXT_ORDER) if (context[k] !== undefined) out[k] = context[k];
  for (const [k, v] of Object.entries(context)) if (v !== undefined && !(k in out)) out[k] = v;
  return out;
}
