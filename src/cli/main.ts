import { Command, CommanderError } from "commander";
import { messageLine, processIo, type CliIo } from "./io.js";
import type { CommandContext, RegisterCommand } from "./program.js";
import { isFoxmlError } from "../util/errors.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerInitCommand } from "./commands/init.js";
import { registerDataCommands } from "./commands/data.js";
import { registerRunCommand } from "./commands/run.js";
import { registerRunsCommands } from "./commands/runs.js";
import { registerReportCommand } from "./commands/report.js";
import { registerLeakageCommand } from "./commands/leakage.js";
import { registerTradeCommand } from "./commands/trade.js";
import { registerDocsCommand } from "./commands/docs.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerLicenseCommand } from "./commands/license.js";

const registrations: RegisterCommand[] = [registerRunCommand, registerReportCommand, registerRunsCommands, registerLeakageCommand, registerDataCommands, registerConfigCommands, registerInitCommand, registerTradeCommand, registerServeCommand, registerLicenseCommand, registerDocsCommand];

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command("foxml");
  program
    .description("FoxML: leakage-safe research and training engine for quantitative trading")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput(output(ctx));
  for (const register of registrations) register(program, ctx);
  // Every sub-command (at any depth) inherits the root's output handling and exit behaviour.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride();
      sub.configureOutput(output(ctx));
      sub.showHelpAfterError("(run with --help for usage)");
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Where commander writes; its error messages (usage mistakes) end with a newline like ours. */
function output(ctx: CommandContext) {
  return {
    writeOut: (s: string) => ctx.io.out(s),
    writeErr: (s: string) => ctx.io.err(s),
    outputError: (s: string, write: (s: string) => void) => write(messageLine(s)),
  };
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code; never throws. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      // commander has already printed what was wrong with the usage.
      return 2;
    }
    if (isFoxmlError(e)) {
      io.err(messageLine(`error: ${e.message}`));
      if (e.hint) io.err(messageLine(`hint: ${e.hint}`));
      return e.exitCode;
    }
    const err = e as Error;
    io.err(messageLine(`error: ${err?.message ?? String(e)}`));
    if (process.env.FOXML_DEBUG) io.err(messageLine(err?.stack ?? ""));
    else io.err("hint: this is an internal error; set FOXML_DEBUG=1 to see the stack trace and report it.\n");
    return 1;
  }
}

function packageVersion(): string {
  return PACKAGE_VERSION;
}

// Kept in step with package.json by a test (test/cli/version.test.ts).
export const PACKAGE_VERSION = "0.1.0";
