/**
 * The console face of a log record: `HH:MM:SS LEVEL [stage] message key=value ...`, one line per
 * record, for people watching a run. logs.jsonl keeps the full structured record; this line drops
 * what a person does not need at a glance (run id, error stacks) and keeps the context keys
 * (target, family, symbol) first so they line up from one record to the next. Our own few lines
 * instead of pino-pretty, which is not a dependency and would run in a worker thread.
 */
import { LEVEL_VALUES, levelName, type LogLevel } from "./levels.js";

export interface ConsoleFormatOptions {
  /** ANSI colours (for terminals). Default false. */
  color?: boolean;
  /** Show times in UTC instead of the local time zone. Default false. */
  utc?: boolean;
  /** Longest rendering of one value before it is cut with "…". Default 200. */
  maxValueLength?: number;
}

// Keys shown in fixed places or not at all on the console (they are in logs.jsonl).
const HIDDEN = new Set(["level", "time", "msg", "run_id", "stage", "pid", "hostname"]);
const CONTEXT_FIRST = ["target", "family", "symbol", "fold"];

const ANSI = {
  reset: "\x1b[0m",
  dim: "\x1b[2m",
  bold: "\x1b[1m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  magenta: "\x1b[35m",
  cyan: "\x1b[36m",
  gray: "\x1b[90m",
};
const LEVEL_COLOR: Record<LogLevel, string> = {
  trace: ANSI.gray,
  debug: ANSI.cyan,
  info: ANSI.green,
  warn: ANSI.yellow,
  error: ANSI.red,
  fatal: ANSI.bold + ANSI.magenta,
};

/** Formats one parsed log record as a console line ending in "\n". */
export function formatConsoleLine(record: Record<string, unknown>, opts: ConsoleFormatOptions = {}): string {
  const color = opts.color ?? false;
  const paint = (code: string, text: string) => (color ? `${code}${text}${ANSI.reset}` : text);
  const level = recordLevel(record.level);
  const parts: string[] = [paint(ANSI.dim, clockTime(record.time, opts.utc ?? false)), paint(LEVEL_COLOR[level], level.toUpperCase().padEnd(5))];
  if (record.stage !== undefined && record.stage !== null) parts.push(paint(ANSI.bold, `[${String(record.stage)}]`));
  const msg = typeof record.msg === "string" ? record.msg : record.msg === undefined ? "" : renderValue(record.msg, opts);
  if (msg !== "") parts.push(msg.replace(/\r?\n/g, "\n    "));

  const keys = [...CONTEXT_FIRST.filter((k) => k in record), ...Object.keys(record).filter((k) => !CONTEXT_FIRST.includes(k))];
  for (const key of keys) {
    if (HIDDEN.has(key)) continue;
    const value = record[key];
    if (value === undefined) continue;
    const rendered = key === "err" || key === "error" ? renderError(value, opts) : renderValue(value, opts);
    parts.push(`${paint(ANSI.dim, `${key}=`)}${rendered}`);
  }
  return parts.join(" ") + "\n";
}

function recordLevel(level: unknown): LogLevel {
  if (typeof level === "number") return levelName(level);
  if (typeof level === "string" && level in LEVEL_VALUES && level !== "silent") return level as LogLevel;
  return "info";
}

/** HH:MM:SS of an ISO time string or epoch milliseconds; "--:--:--" when there is no usable time. */
export function clockTime(time: unknown, utc: boolean): string {
  const d = typeof time === "number" || typeof time === "string" ? new Date(time) : undefined;
  if (d === undefined || Number.isNaN(d.getTime())) return "--:--:--";
  const hms = utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] : [d.getHours(), d.getMinutes(), d.getSeconds()];
  return hms.map((n) => String(n).padStart(2, "0")).join(":");
}

const BARE = /^[^\s="'\\]+$/;

function renderValue(value: unknown, opts: ConsoleFormatOptions): string {
  let text: string;
  if (typeof value === "string") text = BARE.test(value) ? value : JSON.stringify(value);
  else if (typeof value === "number" || typeof value === "boolean" || value === null) text = String(value);
  else text = JSON.stringify(value) ?? String(value);
  return truncate(text, opts.maxValueLength ?? 200);
}

/** An error on the console is its type and message; the stack stays in logs.jsonl. */
function renderError(value: unknown, opts: ConsoleFormatOptions): string {
  if (value !== null && typeof value === "object") {
    const e = value as { type?: unknown; name?: unknown; message?: unknown };
    const type = typeof e.type === "string" ? e.type : typeof e.name === "string" ? e.name : "Error";
    if (typeof e.message === "string") return JSON.stringify(truncate(`${type}: ${e.message}`, opts.maxValueLength ?? 200));
  }
  return renderValue(value, opts);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}
