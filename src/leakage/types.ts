/**
 * The shapes of leakage detection: verdicts, the evidence behind each, per-feature and model-level
 * results of one round, and the report the gate writes.
 */
import type { LeakageConfig } from "../config/schema/leakage.js";
import type { Panel } from "../data/types.js";
import type { FeatureSpec } from "../features/spec.js";
import type { TargetSpec } from "../targets/spec.js";
import type { SplitterConfig } from "../validation/splitters/schema.js";

export type { LeakageConfig };

/** OK: nothing found. SUSPICIOUS: flagged for a person to review, kept. LEAK: excluded by the auto-fix. */
export type Verdict = "OK" | "SUSPICIOUS" | "LEAK";

export const VERDICT_RANK: Record<Verdict, number> = { OK: 0, SUSPICIOUS: 1, LEAK: 2 };

/** The figure a check compared, its value and the threshold it was compared with (null: not measured). */
export interface Evidence {
  figure: string;
  value: number | string | null;
  threshold: number | string | null;
}

/** One check's outcome. */
export interface CheckResult {
  check: CheckName;
  verdict: Verdict;
  evidence: Evidence;
  /** One or two sentences a person can act on, naming the numbers. */
  explanation: string;
}

/** Per-feature checks, in the order they run. */
export const FEATURE_CHECKS = [
  "name_pattern",
  "target_derived_name",
  "declared_lag",
  "target_copy",
  "target_association",
  "future_vs_past",
  "target_shift",
  "feature_persistence",
  "next_bar_return",
  "lag_sensitivity",
  "importance_dominance",
] as const;
/** Model-level checks and sentinels. */
export const MODEL_CHECKS = ["model_ic", "model_r2", "model_auc", "model_rank_correlation"] as const;
export const SENTINELS = ["future_shift", "time_shuffle", "symbol_holdout", "planted_copy"] as const;
export type FeatureCheckName = (typeof FEATURE_CHECKS)[number];
export type ModelCheckName = (typeof MODEL_CHECKS)[number];
export type SentinelName = (typeof SENTINELS)[number];
export type CheckName = FeatureCheckName | ModelCheckName | SentinelName;

/** What detection needs of the features: their grids (Float32, time-major like the panel) and specs. */
export interface LeakageFeatures {
  readonly names: readonly string[];
  readonly specs: readonly FeatureSpec[];
  readonly grids: ReadonlyMap<string, Float32Array>;
}

/** Structured logger: the FoxLogger call shape (message first). */
export interface LeakageLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface DetectInput {
  panel: Panel;
  features: LeakageFeatures;
  target: TargetSpec;
  /** The target's label grid (T x S); computed from the panel when absent. */
  targetGrid?: Float64Array;
  leakage: LeakageConfig;
  seed: number;
  /** Splitter of the quick model; default purged k-fold with quick_model.folds splits. */
  splitter?: SplitterConfig;
  /** Worker threads for the quick model (results never depend on it); default 1. */
  threads?: number;
  log?: LeakageLogger;
  /** Round number, for the log and the report; default 1. */
  round?: number;
}

/** The per-feature outcome of one round. */
export interface FeatureResult {
  name: string;
  origin: "builtin" | "user";
  /** Effective lag of the spec (bars between its newest input and the decision row). */
  lag: number;
  verdict: Verdict;
  checks: CheckResult[];
}

/** Out-of-sample scores of the quick model. */
export interface QuickModelSummary {
  family: string;
  features: number;
  folds: number;
  train_rows: number;
  test_rows: number;
  /** What the model was fitted to: the target's cross-sectional rank (IC-scored targets) or the target. */
  fit_to: "cross_sectional_rank" | "target";
  /** The primary metric for the target type and its value. */
  metric: "ic" | "auc" | "rank_correlation";
  score: number | null;
  /** The same metric for the lagged target used as a prediction: what the target's own past achieves. */
  baseline: number | null;
  /** Out-of-sample R^2 against what the model was fitted to (regression targets). */
  r2: number | null;
  /** Gain importance share by feature, largest first (top 10). */
  top_importance: Array<{ feature: string; share: number }>;
}

/** Everything one round of detection found. */
export interface RoundResult {
  round: number;
  features: FeatureResult[];
  model: QuickModelSummary | null;
  /** Why the quick model did not run although enabled (too little data for purged folds), or null. */
  model_skipped: string | null;
  model_checks: CheckResult[];
  sentinels: CheckResult[];
  /** Feature names judged LEAK and SUSPICIOUS, in feature order. */
  leak: string[];
  suspicious: string[];
  seconds: number;
}

/** Why and when a feature went onto the run's exclusion list. */
export interface ExclusionRecord {
  feature: string;
  round: number;
  checks: CheckName[];
  reason: string;
}

export type GateStatus = "clean" | "leaks_excluded" | "unverified" | "leaks_found";

/**
 * The report written as leakage_report.json (one per target). It holds no timings, so the same
 * input and seed give the same file byte for byte; durations go to the log and the run summary.
 */
export interface LeakageReport {
  format: "foxml.leakage-report";
  format_version: 1;
  target: {
    name: string;
    canonical: string;
    type: TargetSpec["type"];
    horizon: number;
    window: number;
    execution_lag: number;
  };
  /**
   * clean: no leak found; leaks_excluded: leaks found, excluded, and the last round was clean;
   * unverified: leaks were still found in the last allowed round (excluded, not re-checked);
   * leaks_found: leaks found and not excluded (auto-fix off, or a single detection round).
   */
  status: GateStatus;
  verdict: Verdict;
  rounds: Array<{
    round: number;
    features_checked: number;
    leak: string[];
    suspicious: string[];
    model: QuickModelSummary | null;
    model_skipped: string | null;
    sentinels: Array<{ check: CheckName; verdict: Verdict }>;
  }>;
  /** Every feature checked, with the checks of the last round it took part in. */
  features: Record<string, { verdict: Verdict; round: number; origin: "builtin" | "user"; lag: number; checks: CheckResult[] }>;
  excluded: ExclusionRecord[];
  model_checks: CheckResult[];
  sentinels: CheckResult[];
}
