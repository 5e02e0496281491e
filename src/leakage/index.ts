/**
 * Automated leakage detection. One round (detect.ts) checks every feature against one target:
 *
 *  1. rules (rules.ts): exclusion patterns and columns, names containing the target's name, the
 *     spec's lag against the decision time and its allowed horizons;
 *  2. pre-scan (prescan.ts, association.ts, views.ts): near copies of the target, ties to the
 *     target stronger than a genuine feature can have, ties to the future far beyond ties to the
 *     past, ties to the next bar's return, collapse when the feature is a bar older; for user
 *     columns the data-found leak becomes the lag that would fix it (user-lag.ts);
 *  3. quick model (quick-model.ts, model-checks.ts): a small GBDT under purged CV on the features
 *     that survived 1-2; an implausible out-of-sample score, a dominant feature refitted without;
 *  4. sentinels (sentinels.ts): target moved into the future, target shuffled in time within
 *     each symbol, symbols held out, and a planted copy of the target the detectors must catch.
 *
 * The gate (gate.ts) repeats rounds with the LEAK features excluded (auto-fix), calling back into
 * the affected stages; the stage (stage.ts) runs it per target inside a Run and writes
 * leakage/<target>/leakage_report.json and leakage/exclusions.json. Every threshold is in
 * pipeline.leakage (src/config/schema/leakage.ts).
 */
export { detectRound } from "./detect.js";
export { leakageGate, detectLeakage, withoutFeatures, type GateInput, type GateResult, type RerunContext } from "./gate.js";
export { buildReport } from "./report.js";
export { containsTargetName, matchingExclusion } from "./rules.js";
export { shiftWithinSymbols } from "./views.js";
export * from "./types.js";
export { scanTarget, targetScanOf, compareBySeverity, strongestFailure, failureMargin, checkView, type TargetScan, type FeatureView, type CheckView } from "./scan.js";
