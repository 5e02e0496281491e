/**
 * Run folders: `createRun` / `openRun`, the manifest, the summary and the stage timer. See run.ts
 * for the layout of a run folder.
 */
export { createRun, openRun, Run, LOG_FILE } from "./run.js";
export type { CreateRunOptions, OpenRunOptions, RunLogOptions } from "./run.js";
export { RunSummary, StageTimer, SUMMARY_FILE, SummarySchema, RUN_STATUSES, STAGE_STATUSES, timingTable } from "./summary.js";
export type { RunStatus, StageStatus, StageResult, StageSummary, RunSummaryData, TimingRow, Instant } from "./summary.js";
export { ManifestSchema, readManifest, MANIFEST_FILE, DataFingerprintSchema } from "./manifest.js";
export type { RunManifest, DataFingerprint } from "./manifest.js";
export { runTimestamp, sanitizeRunName, claimRunDir } from "./id.js";
export { resolveInside, assertStageName } from "./paths.js";
export { softwareVersions, platformInfo, gitInfo, installedVersion, foxmlPackageRoot } from "./environment.js";
export type { SoftwareVersions, PlatformInfo, GitInfo } from "./environment.js";
