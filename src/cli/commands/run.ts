import type { Command } from "commander";
import { collect, type CommandContext } from "../program.js";
import { loadConfig } from "../../config/load.js";
import { parseLogLevel } from "../../log/levels.js";
import { runPipeline, type StopPoint } from "../../pipeline/run-pipeline.js";
import { InputError } from "../../util/errors.js";

interface RunFlags {
  experiment?: string;
  configDir?: string;
  data?: string;
  out?: string;
  name?: string;
  set: string[];
  logLevel?: string;
  resume?: string;
}

/** `foxml run` and the commands that run the same pipeline up to one stage. */
const COMMANDS: Array<{ name: string; until: StopPoint; description: string }> = [
  {
    name: "run",
    until: "report",
    description:
      "run the whole pipeline on the experiment's data: data checks, features, targets, leakage scan, target ranking, feature selection, leakage gate, training, ensembling, evaluation, report.html",
  },
  { name: "rank", until: "ranking", description: "run the pipeline up to target ranking (writes target_rankings.csv/.json); continue it later with `foxml run --resume RUN_DIR`" },
  { name: "select", until: "selection", description: "run the pipeline up to feature selection (selection/<target>/selection.json); continue it later with --resume" },
  { name: "train", until: "evaluation", description: "run the pipeline up to training, ensembling and evaluation (no report; build it with `foxml report RUN_DIR`)" },
];

export function registerRunCommand(program: Command, ctx: CommandContext): void {
  for (const c of COMMANDS) {
    program
      .command(c.name)
      .description(c.description)
      .option("--experiment <path>", "experiment file (default: <config-dir>/experiments/default.yaml)")
      .option("--config-dir <dir>", "config dir (default: ./config if it exists, else the bundled one)")
      .option("--data <path>", "bar data to use instead of the configured pipeline.data.path")
      .option("--out <dir>", "folder that receives the run folder (default: pipeline.runs.dir)")
      .option("--name <name>", "run name (default: the experiment's name)")
      .option("--set <key=value>", "override a setting, e.g. --set pipeline.determinism.seed=7 (repeatable)", collect, [])
      .option("--log-level <level>", "console log level: trace, debug, info, warn, error, fatal, silent")
      .option("--resume <run-dir>", "continue this run folder with its own configuration: stages whose inputs are unchanged are loaded, finished jobs reused, the rest runs")
      .action(async (flags: RunFlags) => {
        const logLevel = flags.logLevel === undefined ? undefined : parseLogLevel(flags.logLevel);
        if (flags.resume !== undefined) {
          const conflicting = (["experiment", "configDir", "data", "out", "name"] as const).filter((k) => flags[k] !== undefined);
          if (conflicting.length > 0 || flags.set.length > 0) {
            const names = [...conflicting.map((k) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`), ...(flags.set.length > 0 ? ["--set"] : [])];
            throw new InputError(`--resume continues a run with the configuration it started with; ${names.join(", ")} cannot change it`, "drop those options, or start a new run");
          }
          const run = await runPipeline({ resume: flags.resume, argv: process.argv.slice(2), io: ctx.io, logLevel, until: c.until });
          ctx.io.out(`run folder: ${run.dir}\n`);
          return;
        }
        const sets = flags.data === undefined ? flags.set : [`pipeline.data.path=${flags.data}`, ...flags.set];
        const config = loadConfig({ configDir: flags.configDir, experimentPath: flags.experiment, sets });
        const run = await runPipeline({ config, outDir: flags.out, name: flags.name, argv: process.argv.slice(2), io: ctx.io, logLevel, until: c.until });
        ctx.io.out(`run folder: ${run.dir}\n`);
      });
  }
}
