/**
 * Where log lines end up. pino hands each sink one serialized JSON line; the sinks are synchronous
 * so nothing is ever buffered in memory: when a log call returns, its record is in logs.jsonl (or
 * on stderr), which is what "flushed before exit" needs, and a killed run keeps every line it
 * logged. (pino's worker-thread transports would need an explicit async flush on every exit path.)
 */
import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { formatConsoleLine, type ConsoleFormatOptions } from "./format.js";
import type { SecretMasker } from "./redact.js";
import { writeAbove, type ProgressOutput } from "../util/progress.js";

export interface LineSink {
  write(line: string): void;
}

/** Appends JSON lines to a file (logs.jsonl), masking known secret values inside their strings. */
export class JsonlFileSink implements LineSink {
  readonly path: string;
  private fd: number | undefined;

  constructor(path: string, private readonly masker: SecretMasker) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a");
  }

  write(line: string): void {
    const data = Buffer.from(this.masker.maskJson(line), "utf8");
    if (this.fd === undefined) {
      // A record logged after close (e.g. by a late callback) is still kept rather than lost.
      appendFileSync(this.path, data);
      return;
    }
    let offset = 0;
    while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}

/** Formats each record as a readable line on stderr (see format.ts), above any progress bar. */
export class ConsoleSink implements LineSink {
  constructor(
    private readonly out: ProgressOutput,
    private readonly masker: SecretMasker,
    private readonly format: ConsoleFormatOptions,
  ) {}

  write(line: string): void {
    let text: string;
    try {
      text = formatConsoleLine(JSON.parse(line) as Record<string, unknown>, this.format);
    } catch {
      text = line.endsWith("\n") ? line : `${line}\n`;
    }
    writeAbove(this.out, this.masker.mask(text));
  }
}
