/**
 * The per-feature view of a leakage scan: every check of the report, whatever its name, as
 * name/value/threshold/passed; features most severe first.
 */
import { describe, expect, it } from "vitest";
import { buildTarget } from "../../src/targets/index.js";
import { compareBySeverity, failureMargin, scanTarget, strongestFailure, targetScanOf, type FeatureView } from "../../src/leakage/scan.js";
import type { CheckName, CheckResult, LeakageReport, Verdict } from "../../src/leakage/types.js";
import { features, LEAK_NAMES, leakageConfig, NEUTRAL_LEAKS, NOISE, syntheticPanel } from "./helpers.js";

function check(name: string, verdict: Verdict, value: number | string | null, threshold: number | string | null): CheckResult {
  return { check: name as CheckName, verdict, evidence: { figure: `figure of ${name}`, value, threshold }, explanation: `explanation of ${name}` };
}

function feature(name: string, verdict: Verdict, checks: CheckResult[]): FeatureView {
  return targetScanOf(report({ [name]: { verdict, checks } })).features[0];
}

function report(fs: Record<string, { verdict: Verdict; checks: CheckResult[] }>): LeakageReport {
  const features: LeakageReport["features"] = {};
  for (const [n, f] of Object.entries(fs)) features[n] = { verdict: f.verdict, round: 1, origin: "user", lag: 0, checks: f.checks };
  return {
    format: "foxml.leakage-report",
    format_version: 1,
    target: { name: "fwd_ret_1", canonical: "fwd_ret_1", type: "regression", horizon: 1, window: 1, execution_lag: 0 },
    status: "clean",
    verdict: "OK",
    rounds: [{ round: 1, features_checked: Object.keys(fs).length, leak: [], suspicious: [], model: null, model_skipped: null, sentinels: [] }],
    features,
    excluded: [],
    model_checks: [check("model_ic", "OK", 0.01, 0.1)],
    sentinels: [check("planted_copy", "OK", "LEAK", "LEAK")],
  };
}

describe("targetScanOf", () => {
  it("maps every check of the report, including ones it has never heard of", () => {
    const f = feature("x", "SUSPICIOUS", [check("target_copy", "OK", 0.1, 0.95), check("persistence_ratio", "SUSPICIOUS", 4, 2), check("shifted_target", "OK", null, 0.3)]);
    expect(f.checks.map((c) => [c.name, c.value, c.threshold, c.passed, c.verdict])).toEqual([
      ["target_copy", 0.1, 0.95, true, "OK"],
      ["persistence_ratio", 4, 2, false, "SUSPICIOUS"],
      ["shifted_target", null, 0.3, true, "OK"],
    ]);
    expect(f.checks[1].figure).toBe("figure of persistence_ratio");
    expect(f.checks[1].explanation).toBe("explanation of persistence_ratio");
  });

  it("carries the model checks and sentinels apart from the features", () => {
    const s = targetScanOf(report({ a: { verdict: "OK", checks: [check("target_copy", "OK", 0.1, 0.95)] } }));
    expect(s.model_checks.map((c) => c.name)).toEqual(["model_ic"]);
    expect(s.sentinels.map((c) => [c.name, c.passed])).toEqual([["planted_copy", true]]);
    expect(s.target.name).toBe("fwd_ret_1");
  });
});

describe("severity order", () => {
  it("LEAK, then SUSPICIOUS, then OK; within, the check furthest past its threshold first", () => {
    const s = targetScanOf(
      report({
        ok_b: { verdict: "OK", checks: [check("target_copy", "OK", 0.1, 0.95)] },
        sus: { verdict: "SUSPICIOUS", checks: [check("target_association", "SUSPICIOUS", 0.25, 0.2)] },
        leak_mild: { verdict: "LEAK", checks: [check("target_association", "LEAK", 0.42, 0.4)] },
        leak_strong: { verdict: "LEAK", checks: [check("target_copy", "LEAK", 0.999, 0.95), check("future_vs_past", "LEAK", 30, 3)] },
        ok_a: { verdict: "OK", checks: [check("target_copy", "OK", 0.2, 0.95)] },
        rule: { verdict: "LEAK", checks: [check("name_pattern", "LEAK", "fwd_*", "pipeline.leakage.exclusions.patterns")] },
      }),
    );
    expect(s.features.map((f) => f.name)).toEqual(["rule", "leak_strong", "leak_mild", "sus", "ok_a", "ok_b"]);
  });

  it("the margin is relative to the threshold in either direction; a rule hit is certain", () => {
    expect(failureMargin({ value: 30, threshold: 3 })).toBeCloseTo(9);
    expect(failureMargin({ value: 0.1, threshold: 0.5 })).toBeCloseTo(0.8);
    expect(failureMargin({ value: 2, threshold: 0 })).toBe(2);
    expect(failureMargin({ value: "fwd_*", threshold: "patterns" })).toBe(Infinity);
  });

  it("the strongest failure is among the checks that decide the verdict", () => {
    const f = feature("x", "LEAK", [check("lag_sensitivity", "SUSPICIOUS", 0.001, 0.33), check("target_association", "LEAK", 0.5, 0.4), check("future_vs_past", "LEAK", 6, 3)]);
    expect(strongestFailure(f)?.name).toBe("future_vs_past");
    expect(strongestFailure(feature("y", "OK", [check("target_copy", "OK", 0.1, 0.95)]))).toBeNull();
    const a = feature("a", "OK", []);
    expect(compareBySeverity(a, a)).toBe(0);
  });
});

describe("scanTarget", () => {
  it("is the gate's report read per feature: planted leaks LEAK, noise OK", async () => {
    const { panel } = syntheticPanel({ symbols: 20, bars: 400, signals: { plant: true }, leaks: { plant: true, features: NEUTRAL_LEAKS } });
    const fs = features(panel, { include: [...LEAK_NAMES, ...NOISE] });
    const { report: r, scan } = await scanTarget({ panel, features: fs, target: buildTarget("fwd_ret_1"), leakage: leakageConfig({ quick_model: { enabled: false } }), seed: 3 });
    expect(scan.features.map((f) => f.name).sort()).toEqual(Object.keys(r.features).sort());
    for (const n of LEAK_NAMES) expect(scan.features.find((f) => f.name === n)?.verdict, n).toBe("LEAK");
    for (const n of NOISE) expect(scan.features.find((f) => f.name === n)?.verdict, n).toBe("OK");
    expect(scan.features.slice(0, LEAK_NAMES.length).every((f) => f.verdict === "LEAK")).toBe(true);
    // Every check of the report, in its order.
    for (const f of scan.features) expect(f.checks.map((c) => c.name)).toEqual(r.features[f.name].checks.map((c) => c.check));
  }, 60_000);
});
