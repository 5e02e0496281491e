/**
 * The run registry: an SQLite index (`<runsDir>/registry.sqlite`) of the run folders, for listing,
 * looking up and comparing runs. See registry.ts.
 */
export { RunRegistry, openRegistry, registerRun, tryRegisterRun, syncRegistry } from "./registry.js";
export type { OpenRegistryOptions, SyncReport, SyncProblem } from "./registry.js";
export { REGISTRY_FILE } from "./database.js";
export { SCHEMA_VERSION, MIGRATIONS } from "./schema.js";
export { DISPLAY_STATUSES } from "./queries.js";
export type { DisplayStatus, ListFilter, RunList, RunListEntry, RunDetails } from "./queries.js";
export type { RunComparison, ComparedRun, FigureComparison, Sameness } from "./compare.js";
export { diffConfigs } from "./config-diff.js";
export type { ConfigDifference } from "./config-diff.js";
export { readRunFolder } from "./run-folder.js";
export type { RunRecord, StageRecord, FigureValue, MetricRecord, FamilyRecord, WarningRecord, ErrorRecord } from "./run-folder.js";
