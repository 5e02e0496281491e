/** Automated leakage detection: rules, pre-scan, quick model, sentinels, and the auto-fix gate. */
export { detectRound } from "./detect.js";
export { leakageGate, detectLeakage, withoutFeatures, type GateInput, type GateResult, type RerunContext } from "./gate.js";
export { buildReport } from "./report.js";
export { containsTargetName, matchingExclusion } from "./rules.js";
export { shiftWithinSymbols } from "./views.js";
export * from "./types.js";
export { leakageStage, reportPath, LEAKAGE_STAGE, REPORT_FILE, EXCLUSIONS_FILE, type LeakageStageInput, type LeakageStageResult } from "./stage.js";
