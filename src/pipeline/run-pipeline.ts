/**
 * `foxml run`: the main job. Resolves the configuration, opens a run folder, and runs the stages
 * in order, each writing into its own folder of the run. Stages are added here as they exist.
 */
import { isAbsolute, resolve } from "node:path";
import type { ResolvedConfig } from "../config/resolved-config.js";
import { createRun, type Run } from "../runs/run.js";
import type { SinkLevel } from "../log/levels.js";
import type { CliIo } from "../cli/io.js";
import { dataStage } from "./stages/data.js";
import { featuresStage } from "./stages/features.js";
import { targetsStage } from "./stages/targets.js";
import { leakageStage } from "../leakage/stage.js";
import { withProgress, type ProgressOutput } from "../util/progress.js";
import { tryRegisterRun } from "../registry/registry.js";

export interface RunPipelineOptions {
  config: ResolvedConfig;
  /** Folder that receives the run folder (default: pipeline.runs.dir). */
  outDir?: string;
  name?: string;
  argv: readonly string[];
  io: CliIo;
  logLevel?: SinkLevel;
  /** Base for relative data paths (default: the working folder). */
  cwd?: string;
}

export async function runPipeline(opts: RunPipelineOptions): Promise<Run> {
  const cfg = opts.config.value;
  const cwd = opts.cwd ?? process.cwd();
  const runsDir = opts.outDir ?? cfg.pipeline.runs.dir;
  const run = createRun({
    runsDir: isAbsolute(runsDir) ? runsDir : resolve(cwd, runsDir),
    name: opts.name ?? cfg.experiment.name,
    config: { resolved: cfg, hash: opts.config.hash() },
    seed: cfg.pipeline.determinism.seed,
    argv: opts.argv,
    cwd,
    console: opts.io,
    logLevel: opts.logLevel ?? cfg.pipeline.logging.level,
    color: colorFor(cfg.pipeline.logging.console.color, opts.io),
  });
  // The registry is an index beside the run folders (rebuildable from them): a problem with it
  // warns and never fails the run.
  tryRegisterRun(run.dir, (m) => run.log.warn(m));
  try {
    await run.execute(async () => {
      const inspection = await dataStage(run, cfg.pipeline.data, cwd);
      const features = await featuresStage(run, inspection);
      const targets = await targetsStage(run, inspection.panel, cfg);
      if (targets.length > 0) {
        const showProgress = (opts.logLevel ?? cfg.pipeline.logging.level) !== "silent";
        await withProgress({ label: "leakage", total: targets.length, out: showProgress ? opts.io : silentOutput }, (progress) =>
          leakageStage(run, {
            panel: inspection.panel,
            features,
            targets,
            leakage: cfg.pipeline.leakage,
            seed: cfg.pipeline.determinism.seed,
            onTargetDone: () => progress.tick(),
          }),
        );
      }
    });
  } finally {
    // run.log is closed once the run has finished, so this warning goes to stderr.
    tryRegisterRun(run.dir, (m) => opts.io.err(`warning: ${m}\n`));
  }
  return run;
}

function colorFor(setting: "auto" | "always" | "never", io: CliIo): boolean {
  if (setting === "always") return true;
  if (setting === "never") return false;
  return io.isTTY && !process.env.NO_COLOR;
}

const silentOutput: ProgressOutput = { err: () => {}, isTTY: false };
