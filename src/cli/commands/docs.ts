import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext, RegisterCommand } from "../program.js";
import { FoxmlError } from "../../util/errors.js";

// `foxml docs reference [--out DIR] [--check]`: the reference pages generated from the config
// schemas, the commands' own definitions and the run-folder schemas.
export const registerDocsCommand: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const docs = program.command("docs").description("documentation generated from the code itself");
  docs
    .command("reference")
    .description("write the reference pages (config.md: every config key; cli.md: every command and option; run-folder.md: every file of a run folder) generated from the schemas and the command definitions")
    .option("--out <dir>", "folder to write the pages to", "docs/reference")
    .option("--check", "write nothing; exit 1 naming each page that differs from what the code generates")
    .action(async (flags: { out: string; check?: boolean }) => {
      // Loaded on demand: the generator reads every schema and the whole command tree.
      const { staleReference, writeReference } = await import("../../docs/generate.js");
      const dir = resolve(flags.out);
      if (flags.check) {
        const stale = staleReference(dir);
        if (stale.length) throw new FoxmlError(`out of date with the code: ${stale.join(", ")}`, { exitCode: 1, hint: "regenerate them with `npm run docs` and commit the result" });
        ctx.io.out(`${dir}: up to date\n`);
        return;
      }
      for (const path of writeReference(dir)) ctx.io.out(`${path}\n`);
    });
};
