/**
 * Structured logging for FoxML: JSON lines in the run folder, readable lines on stderr, run/stage
 * context on every record, secrets redacted. Start with `createLogger` (a run) or
 * `createConsoleLogger` (a command without a run folder).
 */
export { createLogger, createConsoleLogger, silentLogger, FoxLogger } from "./logger.js";
export type { LogContext, LogFields, LoggerOptions, ConsoleLogOptions } from "./logger.js";
export { LOG_LEVELS, LEVEL_VALUES, parseLogLevel, fileLevelFor, moreVerbose, isSinkLevel, levelName } from "./levels.js";
export type { LogLevel, SinkLevel } from "./levels.js";
export { formatConsoleLine, clockTime } from "./format.js";
export type { ConsoleFormatOptions } from "./format.js";
export { REDACTED, isSecretKey, redactSecrets, redactArgv, SecretMasker } from "./redact.js";
