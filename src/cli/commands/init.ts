import type { Command } from "commander";
import type { CommandContext } from "../program.js";

// Owned by the configuration work: `foxml init DIR`.
export function registerInitCommand(_program: Command, _ctx: CommandContext): void {}
