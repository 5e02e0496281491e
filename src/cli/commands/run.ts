import type { Command } from "commander";
import { collect, type CommandContext } from "../program.js";
import { loadConfig } from "../../config/load.js";
import { parseLogLevel } from "../../log/levels.js";
import { runPipeline } from "../../pipeline/run-pipeline.js";

interface RunFlags {
  experiment?: string;
  configDir?: string;
  data?: string;
  out?: string;
  name?: string;
  set: string[];
  logLevel?: string;
}

// `foxml run`: the main job.
export function registerRunCommand(program: Command, ctx: CommandContext): void {
  program
    .command("run")
    .description("run the pipeline on the experiment's data and write a run folder (manifest, logs, summary, one folder per stage)")
    .option("--experiment <path>", "experiment file (default: <config-dir>/experiments/default.yaml)")
    .option("--config-dir <dir>", "config dir (default: ./config if it exists, else the bundled one)")
    .option("--data <path>", "bar data to use instead of the configured pipeline.data.path")
    .option("--out <dir>", "folder that receives the run folder (default: pipeline.runs.dir)")
    .option("--name <name>", "run name (default: the experiment's name)")
    .option("--set <key=value>", "override a setting, e.g. --set pipeline.determinism.seed=7 (repeatable)", collect, [])
    .option("--log-level <level>", "console log level: trace, debug, info, warn, error, fatal, silent")
    .action(async (flags: RunFlags) => {
      const logLevel = flags.logLevel === undefined ? undefined : parseLogLevel(flags.logLevel);
      const sets = flags.data === undefined ? flags.set : [`pipeline.data.path=${flags.data}`, ...flags.set];
      const config = loadConfig({ configDir: flags.configDir, experimentPath: flags.experiment, sets });
      const run = await runPipeline({ config, outDir: flags.out, name: flags.name, argv: process.argv.slice(2), io: ctx.io, logLevel });
      ctx.io.out(`run folder: ${run.dir}\n`);
    });
}
