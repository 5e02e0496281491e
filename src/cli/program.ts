import { Command } from "commander";
import type { CliIo } from "./io.js";

/** What every command receives: where to write, and a way to report a non-zero exit code. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** Collects a repeatable option (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
