import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext, RegisterCommand } from "../program.js";
import { InputError } from "../../util/errors.js";

// `foxml report RUN_DIR [--out FILE]`: (re)builds the run's self-contained HTML report.
export const registerReportCommand: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command("report")
    .description("build the run's self-contained HTML report (report.html) from a finished, failed or partial run folder")
    .argument("<run-dir>", "the run folder (as printed by `foxml run`, e.g. runs/20261128T101500Z-default)")
    .option("--out <file>", "write the report here instead of <run-dir>/report.html")
    .addHelpText(
      "after",
      "\nThe report reads only the files in the run folder and works offline: charts are inline SVG, with no\n" +
        "scripts or external resources. Missing files (a run that failed or is still running) are noted in\n" +
        "the report; a damaged file is an error naming it.\n",
    )
    .action(async (runDir: string, flags: { out?: string }) => {
      const dir = resolve(runDir);
      if (flags.out !== undefined) {
        const out = resolve(flags.out);
        if (existsSync(out) && statSync(out).isDirectory()) throw new InputError(`--out ${flags.out} is a folder`, "give a file name, e.g. --out report.html");
      }
      // Loaded on demand: vega is only needed by this command.
      const { writeReport } = await import("../../report/index.js");
      const path = flags.out === undefined ? await writeReport(dir) : await writeReport(dir, resolve(flags.out));
      ctx.io.out(`${path}\n`);
    });
};
