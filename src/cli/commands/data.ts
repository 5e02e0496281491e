import type { Command } from "commander";
import type { CommandContext } from "../program.js";

// Owned by the data layer work: `foxml data inspect | synth`.
export function registerDataCommands(_program: Command, _ctx: CommandContext): void {}
