/**
 * Rule checks: what a feature's name and registered spec say, before any data is read. They are
 * cheap and certain: a column named like a forward quantity, or one that contains the target's own
 * name, or a spec whose newest input is later than the decision bar, is leakage by definition.
 */
import { allowsHorizon, type FeatureSpec } from "../features/spec.js";
import type { TargetSpec } from "../targets/spec.js";
import { globToRegExp } from "../util/glob.js";
import type { CheckResult, LeakageConfig } from "./types.js";
import { evidence, result } from "./verdict.js";

/**
 * The configured exclusion that matches `name`, or null. Matching ignores case: `FWD_RET_5` reads
 * the future as surely as `fwd_ret_5`.
 */
export function matchingExclusion(name: string, exclusions: LeakageConfig["exclusions"]): { kind: "column" | "pattern"; rule: string } | null {
  const lower = name.toLowerCase();
  const column = exclusions.columns.find((c) => c.toLowerCase() === lower);
  if (column !== undefined) return { kind: "column", rule: column };
  const pattern = exclusions.patterns.find((p) => globToRegExp(p.toLowerCase()).test(lower));
  return pattern === undefined ? null : { kind: "pattern", rule: pattern };
}

export function namePatternCheck(name: string, exclusions: LeakageConfig["exclusions"]): CheckResult {
  const hit = matchingExclusion(name, exclusions);
  if (hit === null) {
    return result("name_pattern", "OK", evidence("matching exclusion pattern", null, exclusions.patterns.join(", ")), "The name matches no exclusion pattern or excluded column.");
  }
  const what = hit.kind === "column" ? `is listed in pipeline.leakage.exclusions.columns` : `matches the exclusion pattern "${hit.rule}"`;
  return result(
    "name_pattern",
    "LEAK",
    evidence(hit.kind === "column" ? "excluded column" : "matching exclusion pattern", hit.rule, hit.kind === "column" ? "pipeline.leakage.exclusions.columns" : "pipeline.leakage.exclusions.patterns"),
    `"${name}" ${what}: names like this hold forward-looking values (labels, future prices), so the column is never a feature.`,
  );
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[a-z0-9]/.test(c);
}

/**
 * True when `name` contains `targetName` as a whole token: not preceded or followed by a letter or
 * digit (underscores separate), so fwd_ret_5_rank and z_fwd_ret_5 match fwd_ret_5, fwd_ret_50 does not.
 */
export function containsTargetName(name: string, targetName: string): boolean {
  const n = name.toLowerCase();
  const t = targetName.toLowerCase();
  if (t.length === 0) return false;
  for (let i = n.indexOf(t); i >= 0; i = n.indexOf(t, i + 1)) {
    if (!isWordChar(n[i - 1]) && !isWordChar(n[i + t.length])) return true;
  }
  return false;
}

export function targetDerivedCheck(name: string, target: Pick<TargetSpec, "name" | "canonical">, enabled: boolean): CheckResult {
  const names = [...new Set([target.name, target.canonical])];
  if (!enabled) {
    return result("target_derived_name", "OK", evidence("target name in feature name", null, "off"), "Not checked: pipeline.leakage.exclusions.target_derived is off.");
  }
  const hit = names.find((t) => containsTargetName(name, t));
  if (hit === undefined) {
    return result("target_derived_name", "OK", evidence("target name in feature name", null, names.join(", ")), `The name does not contain the target's name (${names.join(" / ")}).`);
  }
  return result(
    "target_derived_name",
    "LEAK",
    evidence("target name in feature name", hit, names.join(", ")),
    `"${name}" contains the target's name "${hit}": a column named after the target is derived from it (a rank, a lag that was never applied, a copy), so it is excluded.`,
  );
}

/**
 * The spec's lag against the decision time: its newest input is bar t - lag, which must be no later
 * than t - feature_lag_bars; a negative lag reads bars after t and, from t + execution_lag + 1 on,
 * the very bars the target is made of. Horizons the feature's author excluded are flagged.
 */
export function declaredLagCheck(spec: FeatureSpec, target: Pick<TargetSpec, "horizon" | "executionLag">, decision: LeakageConfig["decision_time"]): CheckResult {
  const minLag = decision.feature_lag_bars;
  const ev = evidence("lag in bars (newest input = bar t - lag)", spec.lag, minLag);
  if (spec.kind === "timeseries" && spec.dataFree) {
    return result("declared_lag", "OK", ev, "A calendar feature: it reads no data, only the bar's own timestamp, which is known in advance.");
  }
  if (spec.lag < minLag) {
    const firstTargetBar = target.executionLag + 1;
    const reads = spec.lag < 0 ? `bar t+${-spec.lag}` : `bar t-${spec.lag}`;
    const why =
      spec.lag < 0 && -spec.lag >= firstTargetBar
        ? `${reads}, which lies inside the target's window (bars t+${firstTargetBar}..t+${target.executionLag + target.horizon})`
        : minLag > 0
          ? `${reads}, but pipeline.leakage.decision_time.feature_lag_bars = ${minLag} says only bars up to t-${minLag} are known when deciding`
          : `${reads}, after the decision at the close of bar t`;
    return result("declared_lag", "LEAK", ev, `Its spec says its newest input is ${why}.`);
  }
  if (!allowsHorizon(spec, target.horizon)) {
    const r = spec.allowedHorizons ?? {};
    const range = `${r.min ?? 1}..${r.max ?? "any"}`;
    return result(
      "declared_lag",
      "SUSPICIOUS",
      evidence("target horizon (bars) vs the feature's allowed horizons", target.horizon, range),
      `The feature is registered for target horizons ${range} bars; pairing it with a ${target.horizon}-bar target is outside what its definition allows.`,
    );
  }
  if (spec.origin === "user") {
    return result(
      "declared_lag",
      "OK",
      ev,
      spec.lag === 0
        ? "A user column taken as known at the close of its own bar (lag 0); the rule cannot verify that, the data checks below do."
        : `A user column delayed by its declared lag of ${spec.lag} bar(s); the data checks below verify the declaration.`,
    );
  }
  return result("declared_lag", "OK", ev, `Its newest input is bar t-${spec.lag}, no later than the decision bar allows (t-${minLag}).`);
}
