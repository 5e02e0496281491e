/**
 * One target's leakage scan as a per-feature list of checks: the gate the pipeline runs (rules,
 * pre-scan, quick model, sentinels, auto-fix rounds), read back from its report into one uniform
 * shape, every check as name, measured value, threshold and pass/fail. `foxml leakage` prints it.
 *
 * The checks are taken from the report as they are, never from a list kept here: a check the
 * detectors add shows up without a change to this file.
 */
import { leakageGate, type GateInput } from "./gate.js";
import { VERDICT_RANK, type CheckResult, type LeakageReport, type QuickModelSummary, type Verdict } from "./types.js";

/** One check of one feature (or of the quick model). `passed` is its verdict being OK. */
export interface CheckView {
  name: string;
  value: number | string | null;
  threshold: number | string | null;
  passed: boolean;
  /** The check's own verdict: a failed check is LEAK or SUSPICIOUS. */
  verdict: Verdict;
  /** What `value` measures. */
  figure: string;
  explanation: string;
}

export interface FeatureView {
  name: string;
  verdict: Verdict;
  origin: "builtin" | "user";
  /** The gate's round whose checks these are (a feature excluded in round 1 is not checked again). */
  round: number;
  checks: CheckView[];
}

export interface TargetScan {
  target: LeakageReport["target"];
  status: LeakageReport["status"];
  /** Most severe first; see compareBySeverity. */
  features: FeatureView[];
  /** The quick model of the last round, or null when it was off or could not run. */
  model: QuickModelSummary | null;
  model_skipped: string | null;
  /** Checks of the quick model's score and the sentinels: about the feature set, not one feature. */
  model_checks: CheckView[];
  sentinels: CheckView[];
}

export function checkView(c: CheckResult): CheckView {
  return {
    name: c.check,
    value: c.evidence.value,
    threshold: c.evidence.threshold,
    passed: c.verdict === "OK",
    verdict: c.verdict,
    figure: c.evidence.figure,
    explanation: c.explanation,
  };
}

/**
 * How far a failed check is past its threshold, relative to the threshold: (0.99 - 0.95) / 0.95 for
 * a near copy, (12 - 3) / 3 for a future/past ratio, either direction. A check without two numbers
 * is a rule (a name pattern, a declared lag): certain, so the strongest.
 */
export function failureMargin(c: Pick<CheckView, "value" | "threshold">): number {
  if (typeof c.value !== "number" || typeof c.threshold !== "number") return Infinity;
  const scale = Math.abs(c.threshold);
  return scale > 0 ? Math.abs(c.value - c.threshold) / scale : Math.abs(c.value);
}

/** The failed check that decides a feature's verdict and is furthest past its threshold, or null when none failed. */
export function strongestFailure(f: Pick<FeatureView, "verdict" | "checks">): CheckView | null {
  let best: CheckView | null = null;
  for (const c of f.checks) {
    if (c.passed || c.verdict !== f.verdict) continue;
    if (best === null || failureMargin(c) > failureMargin(best)) best = c;
  }
  return best;
}

/** LEAK before SUSPICIOUS before OK; within a verdict, by the strongest failed check, then by how many failed, then by name. */
export function compareBySeverity(a: FeatureView, b: FeatureView): number {
  const rank = VERDICT_RANK[b.verdict] - VERDICT_RANK[a.verdict];
  if (rank !== 0) return rank;
  const sa = strongestFailure(a);
  const sb = strongestFailure(b);
  const ma = sa === null ? -1 : failureMargin(sa);
  const mb = sb === null ? -1 : failureMargin(sb);
  if (ma !== mb) return ma > mb ? -1 : 1;
  const fa = a.checks.filter((c) => !c.passed).length;
  const fb = b.checks.filter((c) => !c.passed).length;
  if (fa !== fb) return fb - fa;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The per-feature view of a leakage report (a run's leakage_report.json reads the same way). */
export function targetScanOf(report: LeakageReport): TargetScan {
  const features: FeatureView[] = Object.entries(report.features).map(([name, f]) => ({
    name,
    verdict: f.verdict,
    origin: f.origin,
    round: f.round,
    checks: f.checks.map(checkView),
  }));
  features.sort(compareBySeverity);
  const last = report.rounds[report.rounds.length - 1];
  return {
    target: report.target,
    status: report.status,
    features,
    model: last?.model ?? null,
    model_skipped: last?.model_skipped ?? null,
    model_checks: report.model_checks.map(checkView),
    sentinels: report.sentinels.map(checkView),
  };
}

/**
 * The pipeline's leakage scan of one target (the gate with its auto-fix rounds, exclusions dropping
 * features from later rounds) as per-feature checks.
 */
export async function scanTarget(input: GateInput): Promise<{ report: LeakageReport; scan: TargetScan }> {
  const { report } = await leakageGate(input);
  return { report, scan: targetScanOf(report) };
}
