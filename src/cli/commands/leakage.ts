import type { Command } from "commander";
import { collect, type CommandContext } from "../program.js";
import { loadConfig } from "../../config/load.js";
import type { ResolvedConfigValue } from "../../config/schema/resolved.js";
import { nearest } from "../../config/suggest.js";
import { inspectData, requirePanel, type BarInspection } from "../../data/inspect.js";
import { dataOptionsSchema } from "../../data/options.js";
import type { FeatureSet } from "../../features/index.js";
import { withoutFeatures } from "../../leakage/gate.js";
import { scanTarget, type TargetScan } from "../../leakage/scan.js";
import type { LeakageFeatures, LeakageLogger } from "../../leakage/types.js";
import { candidateFeatures } from "../../pipeline/stages/features.js";
import { autoTargetNames } from "../../ranking/auto-targets.js";
import { buildTarget, columnTarget, isTargetName, parseTargetName, TARGET_GRAMMAR, type TargetSpec } from "../../targets/index.js";
import { InputError } from "../../util/errors.js";
import { matchesAny } from "../../util/glob.js";
import { formatTargetScan } from "./leakage-table.js";

interface LeakageFlags {
  data: string;
  target: string;
  features?: string;
  horizon?: string;
  json?: boolean;
  experiment?: string;
  configDir?: string;
  set: string[];
  seed?: string;
  verbose?: boolean;
}

const EXAMPLES = `
The target is a column of the data (by its exact name: a label you computed) or a target name of
the config grammar (fwd_ret_5, fwd_logret_60m, fwd_sign_1, tb_5_2_1, mdd_20, ...), computed from
the prices; a name of the experiment's targets also works.
The candidates are the ones \`foxml run\` would check: the feature library and every extra column
of the file that pipeline.data.extra_columns classes as a feature. The scan is the pipeline's
(rules, pre-scan, quick model, sentinels, auto-fix rounds), with the thresholds in
pipeline.leakage. Exit code 0 when the scan ran, whatever it found; 2 on bad input.

Examples:
  foxml leakage --data bars.csv --target fwd_ret_5
  foxml leakage --data bars.csv --target fwd_ret_1 --features 'alpha_*,mom_*' --json
  foxml leakage --data bars.csv --target my_label --horizon 5
  foxml leakage --data bars.csv --target fwd_ret_1 --set pipeline.leakage.quick_model.enabled=false
`;

// `foxml leakage`: one target's leakage scan of the candidate features, outside a run.
export function registerLeakageCommand(program: Command, ctx: CommandContext): void {
  program
    .command("leakage")
    .description("scan the candidate features (the library's and the data's extra columns) for leakage against one target, and print each feature's verdict and checks")
    .requiredOption("--data <path>", "bar data: a long CSV/Parquet file, or a folder of per-symbol files")
    .requiredOption("--target <name>", "a column of the data, or a target name such as fwd_ret_5 (see --help)")
    .option("--features <patterns>", "comma-separated name patterns (* and ?) restricting the candidates, e.g. 'alpha_*,mom_5'")
    .option("--horizon <bars>", "bars ahead the label of a target column looks (needed when its name is not a target name)")
    .option("--json", 'print one JSON object: {"target", "features": [{"name", "verdict", "checks": [{"name", "value", "threshold", "passed"}]}]}')
    .option("--experiment <path>", "experiment file whose targets can be named (default: <config-dir>/experiments/default.yaml)")
    .option("--config-dir <dir>", "config dir whose pipeline.data and pipeline.leakage settings apply (default: ./config if it exists, else the bundled one)")
    .option("--set <key=value>", "override a setting, e.g. --set pipeline.leakage.thresholds.target_correlation=0.9 (repeatable)", collect, [])
    .option("--seed <n>", "seed of the scan's random choices (default: pipeline.determinism.seed)")
    .option("--verbose", "log the scan's progress and decisions to stderr")
    .addHelpText("after", EXAMPLES)
    .action(async (flags: LeakageFlags) => {
      const started = performance.now();
      const cfg = configFor(flags);
      const horizon = flags.horizon === undefined ? undefined : wholeNumber("--horizon", flags.horizon, 1);
      const inspection = requirePanel(await inspectData(dataOptionsSchema.parse({ ...cfg.pipeline.data, path: flags.data })));
      const target = resolveTarget(flags.target, inspection, cfg, horizon);
      const features = candidates(candidateFeatures(inspection, cfg.pipeline.features, { without: [target.name] }), flags.features);
      const log: LeakageLogger | undefined = flags.verbose ? verboseLog(ctx) : undefined;
      const { scan } = await scanTarget({ panel: inspection.panel, features, target, leakage: cfg.pipeline.leakage, seed: cfg.pipeline.determinism.seed, log });
      if (flags.json) {
        ctx.io.out(`${JSON.stringify(scanJson(scan))}\n`);
        // What the quick model and the sentinels found is about the feature set, not one feature:
        // the JSON has no place for it, the table shows it.
        for (const c of [...scan.model_checks, ...scan.sentinels]) if (!c.passed) ctx.io.err(`warning: ${c.name} ${c.verdict}: ${c.explanation}\n`);
        if (scan.model_skipped !== null) ctx.io.err(`warning: the quick model was not run: ${scan.model_skipped}\n`);
      } else ctx.io.out(formatTargetScan(scan, { seconds: (performance.now() - started) / 1000, quickModel: cfg.pipeline.leakage.quick_model.enabled }));
    });
}

/** The --json document: exactly the fields the command promises. */
export function scanJson(scan: TargetScan): { target: string; features: Array<{ name: string; verdict: string; checks: Array<{ name: string; value: number | string | null; threshold: number | string | null; passed: boolean }> }> } {
  return {
    target: scan.target.name,
    features: scan.features.map((f) => ({
      name: f.name,
      verdict: f.verdict,
      checks: f.checks.map((c) => ({ name: c.name, value: c.value, threshold: c.threshold, passed: c.passed })),
    })),
  };
}

function configFor(flags: LeakageFlags): ResolvedConfigValue {
  const sets = [...flags.set];
  if (flags.seed !== undefined) sets.push(`pipeline.determinism.seed=${wholeNumber("--seed", flags.seed, 0)}`);
  return loadConfig({ configDir: flags.configDir, experimentPath: flags.experiment, sets }).value;
}

function wholeNumber(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new InputError(`${flag} must be a whole number >= ${min}, got '${text}'`);
  return n;
}

const COLUMN_ROLE: Record<string, string> = { timestamp: "time", symbol: "symbol", standard: "price/volume" };

/**
 * The target `name` names, in this order: a column of the data (exact name), a target of the
 * experiment, a name of the target grammar.
 */
export function resolveTarget(name: string, inspection: BarInspection, cfg: ResolvedConfigValue, horizon: number | undefined): TargetSpec {
  const context = { interval: inspection.panel.interval, executionLag: cfg.pipeline.leakage.decision_time.execution_lag_bars };
  const columns = inspection.loaded.columns;
  const labels = columns.filter((c) => c.kind === "extra-target" || c.kind === "extra-feature").map((c) => c.name);
  const col = columns.find((c) => c.name === name);
  const listing = () => targetListing(labels, cfg);
  if (col !== undefined) {
    if (col.kind === "extra-target" || col.kind === "extra-feature") return columnTarget(inspection.panel, name, { horizon, context });
    if (col.kind === "excluded") throw new InputError(`--target ${name}: column "${name}" of the data was not loaded: ${col.note ?? "excluded"}`, listing());
    throw new InputError(`--target ${name}: "${name}" is the data's ${COLUMN_ROLE[col.kind] ?? col.kind} column, not a label`, listing());
  }
  const listed = cfg.targets.find((t) => t.name === name);
  if (listed !== undefined || isTargetName(name)) {
    if (horizon !== undefined) throw new InputError(`--horizon is for target columns of the data; the target "${name}" carries its own horizon`, "drop --horizon");
    return listed !== undefined ? buildTarget({ ...listed.definition, name }, context) : buildTarget(name, context);
  }
  let why = "";
  try {
    parseTargetName(name);
  } catch (e) {
    why = (e as Error).message;
  }
  const near = nearest(name, [...labels, ...cfg.targets.map((t) => t.name), ...autoTargetNames({ ...cfg.pipeline.ranking.auto_targets, enabled: true })]);
  throw new InputError(
    `--target ${name}: not a column of the data, not a target of the experiment, and not a target name (${why.replace(/^target "[^"]*": /, "")})`,
    `${near !== undefined ? `did you mean ${near}? ` : ""}${listing()}`,
  );
}

function targetListing(labels: readonly string[], cfg: ResolvedConfigValue): string {
  const parts = [
    labels.length > 0 ? `columns of the data: ${shortList(labels)}` : "the data has no extra columns to use as a label",
    cfg.targets.length > 0 ? `targets of the experiment: ${shortList(cfg.targets.map((t) => t.name))}` : "",
    `target names: ${TARGET_GRAMMAR.join(", ")} (H = bars like 5, or a duration like 60m)`,
  ];
  return parts.filter((p) => p !== "").join("; ");
}

function shortList(names: readonly string[], max = 12): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")}, ... (${names.length} in all)`;
}

/** The candidates `--features` keeps; every pattern must match at least one. */
export function candidates(set: FeatureSet, patternsFlag: string | undefined): LeakageFeatures {
  const all: LeakageFeatures = { names: set.names, specs: set.specs, grids: set.grids };
  if (all.names.length === 0) throw new InputError("no candidate feature can be computed on this data", `left out: ${set.skipped.slice(0, 5).map((s) => `${s.name} (${s.reason})`).join("; ")}`);
  if (patternsFlag === undefined) return all;
  const patterns = patternsFlag.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (patterns.length === 0) throw new InputError("--features needs at least one name pattern, e.g. --features 'alpha_*,mom_5'");
  for (const p of patterns) {
    if (all.names.some((n) => matchesAny(n, [p]))) continue;
    const skipped = set.skipped.filter((s) => matchesAny(s.name, [p]));
    if (skipped.length > 0) {
      throw new InputError(`--features ${p}: the matching features cannot be computed on this data: ${skipped.slice(0, 3).map((s) => `${s.name} (${s.reason})`).join("; ")}`);
    }
    const near = nearest(p, all.names);
    throw new InputError(`--features ${p}: matches none of the ${all.names.length} candidate features`, `${near !== undefined ? `did you mean ${near}? ` : ""}candidates: ${shortList(all.names, 20)}`);
  }
  return withoutFeatures(all, new Set(all.names.filter((n) => !matchesAny(n, patterns))));
}

function verboseLog(ctx: CommandContext): LeakageLogger {
  const line = (level: string, msg: string) => ctx.io.err(`${level} ${msg}\n`);
  return { info: (msg) => line("info", msg), warn: (msg) => line("warn", msg) };
}
