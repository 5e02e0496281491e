import type { Command } from "commander";
import type { CommandContext } from "../program.js";

// Owned by the configuration work: `foxml config validate | show | schema`.
export function registerConfigCommands(_program: Command, _ctx: CommandContext): void {}
