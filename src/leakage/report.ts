/**
 * The leakage report: the rounds of detection folded into one JSON document with a stable key
 * order (keys are written in the order of the interface, features in the order they were first
 * checked) and rounded figures, so two runs with the same input and seed give identical files.
 */
import type { TargetSpec } from "../targets/spec.js";
import type { CheckResult, ExclusionRecord, GateStatus, LeakageReport, RoundResult } from "./types.js";
import { worst } from "./verdict.js";

/** The exclusion record of a feature judged LEAK in `round`. */
export function exclusionRecord(round: RoundResult, feature: string): ExclusionRecord {
  const f = round.features.find((x) => x.name === feature);
  const leaks = (f?.checks ?? []).filter((c) => c.verdict === "LEAK");
  return { feature, round: round.round, checks: leaks.map((c) => c.check), reason: leaks[0]?.explanation ?? "judged LEAK" };
}

function targetInfo(t: TargetSpec): LeakageReport["target"] {
  return { name: t.name, canonical: t.canonical, type: t.type, horizon: t.horizon, window: t.window, execution_lag: t.executionLag };
}

export function buildReport(target: TargetSpec, rounds: readonly RoundResult[], excluded: readonly ExclusionRecord[], status: GateStatus): LeakageReport {
  if (rounds.length === 0) throw new Error("buildReport: no rounds");
  const last = rounds[rounds.length - 1];
  const features: LeakageReport["features"] = {};
  const order: string[] = [];
  const latest = new Map<string, { round: number; f: RoundResult["features"][number] }>();
  for (const r of rounds) {
    for (const f of r.features) {
      if (!latest.has(f.name)) order.push(f.name);
      latest.set(f.name, { round: r.round, f });
    }
  }
  for (const name of order) {
    const { round, f } = latest.get(name)!;
    features[name] = { verdict: f.verdict, round, origin: f.origin, lag: f.lag, checks: f.checks.map(copyCheck) };
  }
  const finalVerdict =
    status === "unverified" || status === "leaks_found"
      ? "LEAK"
      : worst([...last.features.map((f) => f.verdict), ...last.model_checks.map((c) => c.verdict), ...last.sentinels.map((c) => c.verdict)]);
  return {
    format: "foxml.leakage-report",
    format_version: 1,
    target: targetInfo(target),
    status,
    verdict: finalVerdict,
    rounds: rounds.map((r) => ({
      round: r.round,
      features_checked: r.features.length,
      leak: [...r.leak],
      suspicious: [...r.suspicious],
      model: r.model,
      model_skipped: r.model_skipped,
      sentinels: r.sentinels.map((c) => ({ check: c.check, verdict: c.verdict })),
    })),
    features,
    excluded: excluded.map((e) => ({ feature: e.feature, round: e.round, checks: [...e.checks], reason: e.reason })),
    model_checks: last.model_checks.map(copyCheck),
    sentinels: last.sentinels.map(copyCheck),
  };
}

function copyCheck(c: CheckResult): CheckResult {
  return { check: c.check, verdict: c.verdict, evidence: { figure: c.evidence.figure, value: c.evidence.value, threshold: c.evidence.threshold }, explanation: c.explanation };
}
