import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { collect, type CommandContext } from "../program.js";
import { configJsonSchema, type JsonSchemaKind } from "../../config/json-schema.js";
import { defaultConfigDir } from "../../config/config-dir.js";
import { formatIssue } from "../../config/issues.js";
import { loadConfig } from "../../config/load.js";
import { displayPath } from "../../config/sources.js";
import { validateConfigDir, validateConfigFiles } from "../../config/validate.js";
import { familyNames } from "../../models/registry.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { InputError } from "../../util/errors.js";

// `foxml config validate | show | schema`.
export function registerConfigCommands(program: Command, ctx: CommandContext): void {
  const config = program.command("config").description("check, show and describe the configuration (YAML files under config/)");

  config
    .command("validate")
    .description(
      "validate config files, each by its kind (pipeline/, experiments/, families/, or its top-level keys); with no files, the whole config dir. Prints every error as file:line:col key.path: message; exit code 2 on any error",
    )
    .argument("[files...]", "YAML files to check")
    .option("--config-dir <dir>", "config dir (default: ./config if it has pipeline/, experiments/ or families/, else the bundled one)")
    .action((files: string[], opts: { configDir?: string }) => {
      const cwd = process.cwd();
      const report = files.length
        ? validateConfigFiles(files, { configDir: opts.configDir, cwd })
        : validateConfigDir(opts.configDir ?? defaultConfigDir(cwd), { cwd });
      const n = report.files.length;
      if (report.issues.length === 0) {
        ctx.io.out(`ok (${n} file${n === 1 ? "" : "s"} checked)\n`);
        return;
      }
      for (const issue of report.issues) ctx.io.out(`${formatIssue(issue)}\n`);
      const e = report.issues.length;
      ctx.io.err(`${e} error${e === 1 ? "" : "s"} in the configuration (${n} file${n === 1 ? "" : "s"} checked)\n`);
      ctx.setExitCode(2);
    });

  config
    .command("show")
    .description("print the resolved configuration as YAML, each setting with a comment saying where it came from")
    .option("--resolved", "every setting (default: only what differs from the built-in defaults)")
    .option("--experiment <path>", "experiment file (default: <config-dir>/experiments/default.yaml)")
    .option("--config-dir <dir>", "config dir (default: ./config if it has pipeline/, experiments/ or families/, else the bundled one)")
    .option("--set <key=value>", "override a setting, e.g. --set pipeline.leakage.purge_buffer_bars=10 (repeatable)", collect, [])
    .option("--no-sources", "omit the where-from comments")
    .addOption(new Option("--format <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .action((opts: { resolved?: boolean; experiment?: string; configDir?: string; set: string[]; sources: boolean; format: "yaml" | "json" }) => {
      const cfg = loadConfig({ configDir: opts.configDir, experimentPath: opts.experiment, sets: opts.set });
      if (opts.format === "json") {
        ctx.io.out(`${JSON.stringify(cfg.value, null, 2)}\n`);
        return;
      }
      const cwd = process.cwd();
      const header = [
        `# foxml configuration (${opts.resolved ? "every setting" : "settings that differ from the built-in defaults; --resolved shows all"})`,
        `# config dir: ${displayPath(cfg.configDir, cwd)}`,
        `# experiment: ${cfg.experimentPath ? displayPath(cfg.experimentPath, cwd) : "(none)"}`,
        `# hash: sha256:${cfg.hash()}`,
      ];
      ctx.io.out(`${header.join("\n")}\n${cfg.toYaml({ withSources: opts.sources, onlyOverrides: !opts.resolved })}`);
    });

  config
    .command("schema")
    .description("print (or write) the JSON Schema of config files, for editor completion and checks")
    .addOption(new Option("--kind <kind>", "which files: experiment (also accepts pipeline files), pipeline, family").choices(["experiment", "pipeline", "family"]).default("experiment"))
    .option("--family <name>", "the model family, with --kind family")
    .option("--out <file>", "write to this file (atomically) instead of printing")
    .action((opts: { kind: JsonSchemaKind; family?: string; out?: string }) => {
      if (opts.kind === "family") {
        const known = familyNames();
        if (!opts.family) throw new InputError("--kind family needs --family <name>", `known families: ${known.join(", ") || "(none registered)"}`);
        if (!known.includes(opts.family)) throw new InputError(`unknown model family "${opts.family}"`, `known families: ${known.join(", ") || "(none registered)"}`);
      }
      const text = `${JSON.stringify(configJsonSchema(opts.kind, opts.family), null, 2)}\n`;
      if (opts.out) {
        const out = resolve(opts.out);
        writeFileAtomic(out, text);
        ctx.io.err(`wrote ${displayPath(out, process.cwd())}\n`);
      } else ctx.io.out(text);
    });
}
