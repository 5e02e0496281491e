import type { Command } from "commander";
import type { CommandContext } from "../program.js";

// `foxml run`: the main job.
export function registerRunCommand(_program: Command, _ctx: CommandContext): void {}
