/**
 * Log levels as the CLI names them (`--log-level trace|debug|info|warn|error|fatal|silent`) and
 * pino numbers them, plus the rule that the run's file log keeps at least `info` whatever the
 * console shows: a quiet console must never make a run folder lose the record of what happened.
 */
import { InputError } from "../util/errors.js";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** A sink may also be switched off entirely. */
export type SinkLevel = LogLevel | "silent";

export const LEVEL_VALUES: Readonly<Record<SinkLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** Level name for a pino level number (records from other sources may carry custom numbers). */
export function levelName(value: number): LogLevel {
  let name: LogLevel = "trace";
  for (const l of LOG_LEVELS) if (LEVEL_VALUES[l] <= value) name = l;
  return name;
}

export function isSinkLevel(value: string): value is SinkLevel {
  return value === "silent" || (LOG_LEVELS as readonly string[]).includes(value);
}

/** Parses a `--log-level` value; case-insensitive. Bad values are an InputError listing the choices. */
export function parseLogLevel(value: string, source = "--log-level"): SinkLevel {
  const v = value.trim().toLowerCase();
  if (isSinkLevel(v)) return v;
  throw new InputError(`${source}: unknown log level "${value}"`, `use one of ${[...LOG_LEVELS, "silent"].join(", ")}`);
}

/** The more verbose of two levels. */
export function moreVerbose(a: SinkLevel, b: SinkLevel): SinkLevel {
  return LEVEL_VALUES[a] <= LEVEL_VALUES[b] ? a : b;
}

/** The file log keeps `info` and above even when the console is set quieter; it follows a more verbose console. */
export function fileLevelFor(consoleLevel: SinkLevel): LogLevel {
  return moreVerbose(consoleLevel, "info") as LogLevel;
}
