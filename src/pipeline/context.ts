/**
 * What the stages after the leakage scan share: the run, its configuration, the panel, the features
 * left after the scan's exclusions, the built targets, the job store (resume) and the status tracker.
 */
import { availableParallelism } from "node:os";
import type { ResolvedConfigValue } from "../config/schema/resolved.js";
import type { Panel } from "../data/types.js";
import { historyRows } from "../features/spec.js";
import type { LeakageFeatures } from "../leakage/types.js";
import type { Run } from "../runs/run.js";
import type { TargetSpec } from "../targets/spec.js";
import { purgeForTarget, type PurgeSettings, type SplitterConfig } from "../validation/splitters/index.js";
import { makeCvData, type CvData } from "../training/cv-data.js";
import type { JobStore } from "./jobs/job-store.js";
import type { BuiltTarget } from "./stages/targets.js";
import type { StatusTracker } from "./status.js";

export interface PipelineContext {
  run: Run;
  cfg: ResolvedConfigValue;
  panel: Panel;
  /** Features after the leakage scan's exclusions. */
  features: LeakageFeatures;
  targets: BuiltTarget[];
  jobs: JobStore;
  status: StatusTracker;
  threads: number;
  seed: number;
  /** Progress output (stderr of the command), or a silent one. */
  progress: { err(s: string): void; isTTY: boolean };
}

export function threadCount(setting: "auto" | number): number {
  return setting === "auto" ? Math.max(1, availableParallelism()) : setting;
}

/**
 * Purge settings for a target given the features it will be fitted on: the target's label window
 * plus pipeline.leakage's buffer and embargo. Features and sequence windows read only past bars,
 * so neither is purged unless the conservative include_feature_lookback_in_purge is on; then the
 * longest feature lookback is purged, widened by `windowBars` - 1 (the longest window of past bars
 * a sequence model reads, which stretches what its input at t covers).
 */
export function purgeFor(ctx: PipelineContext, target: TargetSpec, featureNames: readonly string[], windowBars = 1): PurgeSettings {
  const leakage = ctx.cfg.pipeline.leakage;
  if (!leakage.include_feature_lookback_in_purge) return purgeForTarget(target, leakage);
  const byName = new Map(ctx.features.specs.map((s) => [s.name, s]));
  let lookback = 0;
  for (const n of featureNames) {
    const spec = byName.get(n);
    if (spec !== undefined) lookback = Math.max(lookback, historyRows(spec));
  }
  return purgeForTarget(target, leakage, lookback + Math.max(0, windowBars - 1));
}

/** The row and fold settings a stage's config block carries (pipeline.ranking, .selection, .training). */
export interface CvSettings {
  splitter: SplitterConfig;
  max_rows: number;
  max_train_rows: number;
}

/**
 * A target cut into purged folds for one stage: the stage's splitter and row caps, purged for the
 * features it will fit on (and the longest sequence window, when there is one). `purpose` starts
 * with the stage's name ("ranking:fwd_ret_5"); a plan the history made smaller than configured is
 * a warning of that stage (unless `warn` is off: folds cut again for a stage loaded on resume).
 */
export function stageCvData(ctx: PipelineContext, built: BuiltTarget, features: readonly string[], settings: CvSettings, purpose: string, windowBars = 1, warn = true): CvData {
  const data = makeCvData({
    T: ctx.panel.T,
    S: ctx.panel.S,
    target: built.target,
    y: built.grid,
    splitter: settings.splitter,
    purge: purgeFor(ctx, built.target, features, windowBars),
    seed: ctx.seed,
    maxRows: settings.max_rows,
    maxTrainRows: settings.max_train_rows,
    purpose,
  });
  if (warn && data.plan.adapted !== null) ctx.run.summary.warn(purpose.split(":")[0], `${data.plan.adapted}: fewer folds than configured`, { target: built.target.name });
  return data;
}

/** Symbol names in panel order. */
export function symbolNames(panel: Panel): string[] {
  return [...panel.symbols];
}
