import type { Command } from "commander";
import { collect, type CommandContext } from "../program.js";
import { addSynthCommand } from "./data-synth.js";
import { loadConfig } from "../../config/load.js";
import { inspectData, formatInspectReport } from "../../data/inspect.js";
import { dataOptionsSchema, type DataOptions } from "../../data/options.js";
import { InputError } from "../../util/errors.js";

interface InspectFlags {
  json?: boolean;
  interval?: string;
  timeColumn?: string;
  alignment?: string;
  configDir?: string;
  set: string[];
}

// `foxml data inspect | synth`.
export function registerDataCommands(program: Command, ctx: CommandContext): void {
  const data = program.command("data").description("look at bar data, or generate synthetic markets with known answers");

  data
    .command("inspect")
    .description(
      "load and check bar data and describe it: symbols, date range, detected interval (overall and per symbol), rows, gaps, columns, every check's findings, missing standard columns",
    )
    .argument("<path>", "a long CSV/Parquet file, or a folder of per-symbol files")
    .option("--json", "print the report as JSON")
    .option("--interval <size>", "bar size instead of detection: 1m 5m 15m 30m 1h 4h 1d 1w")
    .option("--time-column <name>", "name of the time column (default: found among ts|timestamp|time|datetime|date)")
    .option("--alignment <mode>", "panel time axis: union | intersection")
    .option("--config-dir <dir>", "config dir whose pipeline.data settings (checks, patterns) apply")
    .option("--set <key=value>", "override a pipeline.data setting, e.g. --set pipeline.data.checks.non_numeric=error (repeatable)", collect, [])
    .action(async (path: string, flags: InspectFlags) => {
      const options = inspectOptions(path, flags);
      const { report } = await inspectData(options);
      ctx.io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspectReport(report));
    });

  addSynthCommand(data, ctx);
}

/** The configured `pipeline.data` settings (checks, patterns), with the path and flags given here on top. */
function inspectOptions(path: string, flags: InspectFlags): DataOptions {
  for (const s of flags.set) {
    if (!s.startsWith("pipeline.data.")) throw new InputError(`--set ${s}: data inspect takes only pipeline.data.* settings`);
  }
  const cfg = loadConfig({ configDir: flags.configDir, experimentPath: null, sets: flags.set });
  const overrides: Record<string, unknown> = { ...cfg.value.pipeline.data, path };
  if (flags.interval !== undefined) overrides.interval = flags.interval;
  if (flags.timeColumn !== undefined) overrides.time_column = flags.timeColumn;
  if (flags.alignment !== undefined) overrides.alignment = flags.alignment;
  const parsed = dataOptionsSchema.safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = { interval: "--interval", time_column: "--time-column", alignment: "--alignment" }[String(issue.path[0])] ?? String(issue.path.join("."));
    throw new InputError(`${flag}: ${issue.message}`);
  }
  return parsed.data;
}
