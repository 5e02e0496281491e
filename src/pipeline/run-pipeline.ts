/**
 * `foxml run`: the main job. Resolves the configuration, opens a run folder (or reopens one with
 * --resume), and runs the stages in order, each writing into the run folder:
 *
 *   data -> features -> targets -> leakage scan -> ranking -> selection -> leakage gate on the
 *   selected set -> training -> ensembling -> evaluation -> report
 *
 * Work after the leakage scan is cut into jobs (one target, or one target and family) kept in the
 * run's job store, and every stage that finishes cleanly leaves a record there (stage-store.ts), so
 * `--resume` loads the stages whose inputs are unchanged (stage-chain.ts), reuses finished jobs in
 * the rest, and ends with the numbers an uninterrupted run gives. `foxml rank | select | train` run
 * the same pipeline and stop after their stage.
 *
 * A run with nothing to use (no target configured, every ranking job failed, no target through the
 * gate, no model trained; see outcome.ts) ends as `no_result` with exit code 1, not `succeeded`.
 */
import { isAbsolute, resolve } from "node:path";
import type { ResolvedConfig } from "../config/resolved-config.js";
import { resolvedConfigSchema, type ResolvedConfigValue } from "../config/schema/resolved.js";
import { createRun, openRun, type Run } from "../runs/run.js";
import { readManifest, type RunManifest } from "../runs/manifest.js";
import { softwareVersions } from "../runs/environment.js";
import { BACKEND_ENV } from "../models/nn/runtime/backend.js";
import type { SinkLevel } from "../log/levels.js";
import type { PipelineOutput } from "./output.js";
import { dataStage } from "./stages/data.js";
import { featuresStage } from "./stages/features.js";
import { targetsStage } from "./stages/targets.js";
import { leakageStage, type LeakageStageResult } from "./stages/leakage.js";
import { currentDataFingerprint } from "../data/load.js";
import { StageStore } from "./jobs/stage-store.js";
import { CHAINED_STAGES, stageChain, stagesToLoad, type ChainedStage } from "./stage-chain.js";
import { stageCodecs } from "./stage-codecs.js";
import { withProgress, type ProgressOutput } from "../util/progress.js";
import { tryRegisterRun } from "../registry/registry.js";
import { InputError, NoResultError } from "../util/errors.js";
import { hashJson } from "../util/hash.js";
import { JobStore } from "./jobs/job-store.js";
import { failureTable, StatusTracker } from "./status.js";
import { threadCount, type PipelineContext } from "./context.js";
import { gateOutcome, rankingOutcome, trainingOutcome } from "./outcome.js";
import { rankingStage } from "./stages/ranking.js";
import { selectionStage } from "./stages/selection.js";
import { gateStage, subsetFeatures } from "./stages/gate.js";
import { trainingStage } from "./stages/training.js";
import { ensemblingStage } from "./stages/ensembling.js";
import { evaluationStage } from "./stages/evaluation.js";
import { reportStage } from "./stages/report.js";
import { nestedStage, stageTargets } from "./nested/index.js";

/** Where `foxml rank`, `select` and `train` stop; `run` goes to the end (the report). */
export const STOP_POINTS = ["ranking", "selection", "evaluation", "report"] as const;
export type StopPoint = (typeof STOP_POINTS)[number];

export interface RunPipelineOptions {
  /** The resolved configuration; ignored with `resume` (the run's own configuration is used). */
  config?: ResolvedConfig;
  /** Folder that receives the run folder (default: pipeline.runs.dir). */
  outDir?: string;
  name?: string;
  argv: readonly string[];
  io: PipelineOutput;
  logLevel?: SinkLevel;
  /** Base for relative data paths (default: the working folder). */
  cwd?: string;
  /** Continue this run folder: stages whose inputs are unchanged are loaded, finished jobs reused, the rest runs. */
  resume?: string;
  /** Last stage to run (default: report). */
  until?: StopPoint;
}

export async function runPipeline(opts: RunPipelineOptions): Promise<Run> {
  const cwd = opts.cwd ?? process.cwd();
  const { run, cfg } = openOrCreate(opts, cwd);
  const level = opts.logLevel ?? cfg.pipeline.logging.level;
  const progressOut: ProgressOutput = level !== "silent" ? opts.io : silentOutput;
  const status = new StatusTracker(run);
  // The registry is an index beside the run folders (rebuildable from them): a problem with it
  // warns and never fails the run.
  tryRegisterRun(run.dir, (m) => run.log.warn(m));
  try {
    await run.execute(async () => {
      const code = softwareVersions();
      // What every job depends on besides its own inputs: the data, the code that computes, and
      // the neural backend (a resumed run with another version or backend recomputes).
      const jobsFor = (data: unknown) => new JobStore(run, { data, code, nn_backend: process.env[BACKEND_ENV] ?? "auto" });
      const resumedData = opts.resume !== undefined ? dataAsItIs(cfg, cwd) : null;
      const stages = new StageStore(run, jobsFor(resumedData), status);
      const chain = stageChain(cfg);
      const last = LAST_CHAINED[opts.until ?? "report"];
      const loads = resumedData === null ? new Set<ChainedStage>() : stagesToLoad((s) => stages.has(s, chain[s]), last);
      /** One stage: loaded from its record when `loads` says so, else computed (and recorded). */
      const step = <T>(stage: ChainedStage, compute: () => Promise<T>, encode: (v: T) => unknown, decode: (v: unknown) => T): Promise<T> =>
        loads.has(stage) ? Promise.resolve(decode(stages.load(stage, chain[stage]))) : stages.compute(stage, chain[stage], compute, encode);

      if (loads.has("data")) {
        // Nothing changed since the run finished these stages: every one is loaded, none recomputed.
        for (const stage of CHAINED_STAGES.slice(0, CHAINED_STAGES.indexOf(last) + 1)) stages.load(stage, chain[stage]);
        run.log.info("resumed: every stage loaded from the earlier attempt, its inputs unchanged");
        if (opts.until === undefined || opts.until === "report") await reportStage({ run, cfg, status }, { status: "succeeded" });
        return;
      }

      const inspection = await stages.compute(
        "data",
        chain.data,
        async () => {
          const out = await dataStage(run, cfg.pipeline.data, cwd);
          // Records from here on are saved under the data as it was read.
          stages.useJobs(jobsFor(run.manifest.data_fingerprint));
          return out;
        },
        () => null,
      );
      const features = await stages.compute("features", chain.features, () => featuresStage(run, inspection, cfg.pipeline.features), () => null);
      const built = await stages.compute("targets", chain.targets, () => targetsStage(run, inspection.panel, cfg), () => null);
      // Holdout nesting: the final period is hidden from every stage until the nested one.
      const targets = stageTargets(built, inspection.panel.T, inspection.panel.S, cfg);
      if (targets.length === 0) {
        throw new NoResultError("no targets configured: nothing to rank or train", "add targets to the experiment, or enable pipeline.ranking.auto_targets");
      }
      const threads = threadCount(cfg.pipeline.threading.threads);
      const scan = await step(
        "leakage",
        () =>
          withProgress({ label: "leakage", total: targets.length, out: progressOut }, (progress) =>
            leakageStage(run, {
              panel: inspection.panel,
              features,
              targets,
              leakage: cfg.pipeline.leakage,
              seed: cfg.pipeline.determinism.seed,
              onTargetDone: () => progress.tick(),
            }),
          ),
        (v) => ({ reports: v.reports, excluded: v.excluded, kept: v.features.names }),
        (v) => {
          const r = v as { reports: LeakageStageResult["reports"]; excluded: string[]; kept: string[] };
          return { reports: r.reports, excluded: r.excluded, features: subsetFeatures(features, r.kept) };
        },
      );
      const ctx: PipelineContext = {
        run,
        cfg,
        panel: inspection.panel,
        features: scan.features,
        targets,
        jobs: stages.jobs,
        status,
        threads,
        seed: cfg.pipeline.determinism.seed,
        progress: progressOut,
      };
      const codecs = stageCodecs(ctx);
      const ranked = await step("ranking", () => rankingStage(ctx), codecs.ranking.encode, codecs.ranking.decode);
      await endIfEmpty(ctx, "ranking", opts.until, rankingOutcome(ranked.file, status.file().records, run.dir, cfg.pipeline.leakage.include_feature_lookback_in_purge));
      if (opts.until === "ranking") return;
      const selected = await step("selection", () => selectionStage(ctx, ranked.kept), codecs.selection.encode, codecs.selection.decode);
      if (opts.until === "selection") return;
      const gated = await step("gate", () => gateStage(ctx, ranked.kept, selected, scan.reports), codecs.gate.encode, codecs.gate.decode);
      await endIfEmpty(ctx, "gate", opts.until, gateOutcome(ranked.kept.length, gated.length, status.file().records, run.dir));
      const trained = await step("training", () => trainingStage(ctx, gated), codecs.training.encode, (v) => codecs.training.decode(v, gated));
      const members = trained.reduce((n, t) => n + t.members.length, 0);
      await endIfEmpty(ctx, "training", opts.until, trainingOutcome(trained.length, members, status.file().records, run.dir, cfg.pipeline.leakage.include_feature_lookback_in_purge));
      const ensembles = await step("ensembling", () => ensemblingStage(ctx, trained), codecs.ensembling.encode, codecs.ensembling.decode);
      await step("evaluation", () => evaluationStage(ctx, trained, ensembles, ranked.file, selected), () => null, () => []);
      await step("nested", () => nestedStage(ctx, { targets: built, gated, trained, ensembles, selected }), () => null, () => undefined);
      const { reused, computed } = stages.jobs.counts;
      if (reused > 0) run.log.info("resumed: jobs reused from the interrupted attempt", { reused, computed });
      if (opts.until === "evaluation") return;
      // The last stage: it ends the run, so the page shows the final status and times.
      await reportStage(ctx, { status: "succeeded" });
    });
  } finally {
    const table = failureTable(status.file().records);
    if (table !== "") opts.io.err(table);
    // run.log is closed once the run has finished, so this warning goes to stderr.
    tryRegisterRun(run.dir, (m) => opts.io.err(`warning: ${m}\n`));
  }
  return run;
}

/** The last chained stage each stop point runs (`train` runs the nested stage before it stops). */
const LAST_CHAINED: Record<StopPoint, ChainedStage> = { ranking: "ranking", selection: "selection", evaluation: "nested", report: "nested" };

/**
 * The data's fingerprint as the files are now, for a resumed run to check its stage records
 * against; null when the files cannot be read (the data stage then reports why).
 */
function dataAsItIs(cfg: ResolvedConfigValue, cwd: string): string | null {
  try {
    return currentDataFingerprint(cfg.pipeline.data, cwd);
  } catch {
    return null;
  }
}

/** The stages after the leakage scan, in order, and the last one each stop point runs. */
const LATER_STAGES = ["ranking", "selection", "gate", "training", "ensembling", "evaluation", "report"] as const;
const LAST_STAGE: Record<StopPoint, (typeof LATER_STAGES)[number]> = { ranking: "ranking", selection: "selection", evaluation: "evaluation", report: "report" };

/**
 * Ends a run whose result is empty (see outcome.ts): the stages that would have run on nothing
 * are marked skipped with the reason, the report is still built when the run goes that far (it
 * shows what failed), and the NoResultError ends the run as no_result.
 */
async function endIfEmpty(ctx: Pick<PipelineContext, "run" | "cfg" | "status">, after: (typeof LATER_STAGES)[number], until: StopPoint | undefined, empty: NoResultError | null): Promise<void> {
  if (empty === null) return;
  const last = LATER_STAGES.indexOf(LAST_STAGE[until ?? "report"]);
  for (let i = LATER_STAGES.indexOf(after) + 1; i <= last; i++) {
    const stage = LATER_STAGES[i];
    if (stage === "report") await reportStage(ctx, { status: "no_result", error: empty });
    else ctx.run.summary.stageSkipped(stage, `nothing to work on: ${empty.message.split(" (")[0]}`);
  }
  throw empty;
}

function openOrCreate(opts: RunPipelineOptions, cwd: string): { run: Run; cfg: ResolvedConfigValue } {
  if (opts.resume !== undefined) {
    const dir = isAbsolute(opts.resume) ? opts.resume : resolve(cwd, opts.resume);
    const cfg = configOfRun(readManifest(dir), dir);
    const run = openRun(dir, { console: opts.io, logLevel: opts.logLevel ?? cfg.pipeline.logging.level, color: colorFor(cfg.pipeline.logging.console.color, opts.io) });
    return { run, cfg };
  }
  if (opts.config === undefined) throw new Error("runPipeline: a configuration is needed unless resuming");
  const cfg = opts.config.value;
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
  return { run, cfg };
}

/**
 * The configuration a run was started with: the resolved value its manifest holds, accepted only
 * when it still hashes to the manifest's config hash (so a hand-edited or damaged manifest cannot
 * silently change what the resumed run computes).
 */
function configOfRun(manifest: RunManifest, dir: string): ResolvedConfigValue {
  const value = manifest.config.resolved as ResolvedConfigValue;
  const shape = resolvedConfigSchema.safeParse(value);
  if (hashJson(value) !== manifest.config.hash || value === null || typeof value !== "object" || !("pipeline" in value)) {
    throw new InputError(
      `cannot resume ${dir}: the configuration in its manifest.json does not match the manifest's config hash${shape.success ? "" : " and is not a configuration this version of foxml reads"}`,
      "start a new run instead",
    );
  }
  return value;
}

function colorFor(setting: "auto" | "always" | "never", io: PipelineOutput): boolean {
  if (setting === "always") return true;
  if (setting === "never") return false;
  return io.isTTY && !process.env.NO_COLOR;
}

const silentOutput: ProgressOutput = { err: () => {}, isTTY: false };
