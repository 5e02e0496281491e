import { describe, expect, it } from "vitest";
import { userColumnSpec } from "../../src/features/index.js";
import type { FeatureSpec } from "../../src/features/spec.js";
import { containsTargetName, declaredLagCheck, matchingExclusion, namePatternCheck, targetDerivedCheck } from "../../src/leakage/rules.js";
import { buildTarget } from "../../src/targets/index.js";
import { leakageConfig } from "./helpers.js";

const cfg = leakageConfig();
const fwd5 = buildTarget("fwd_ret_5");

function spec(over: Partial<FeatureSpec> & { name: string }): FeatureSpec {
  return { ...userColumnSpec({ column: over.name }), origin: "builtin", lookbackKnown: true, ...over } as FeatureSpec;
}

describe("name-pattern rule", () => {
  it("catches fwd_* and y_* (and the other default patterns), ignoring case", () => {
    for (const name of ["fwd_ret_1", "y_next", "FWD_RET_5", "Y_label", "target_up", "next_close", "px_fwd_3", "close_future", "ret_lead1"]) {
      const c = namePatternCheck(name, cfg.exclusions);
      expect(c.verdict, name).toBe("LEAK");
      expect(c.evidence.threshold).toBe("pipeline.leakage.exclusions.patterns");
    }
    expect(namePatternCheck("fwd_ret_1", cfg.exclusions).evidence.value).toBe("fwd_*");
  });

  it("leaves ordinary names alone, including ones that merely contain the letters", () => {
    for (const name of ["ret_1", "mom_20", "forward_guidance", "money_flow", "yield_spread", "sig_h5", "leak_centered_ma"]) {
      expect(namePatternCheck(name, cfg.exclusions).verdict, name).toBe("OK");
    }
  });

  it("excludes listed columns exactly and names the setting", () => {
    const ex = leakageConfig({ exclusions: { columns: ["analyst_target"] } }).exclusions;
    expect(matchingExclusion("ANALYST_TARGET", ex)).toEqual({ kind: "column", rule: "analyst_target" });
    const c = namePatternCheck("analyst_target", ex);
    expect(c.verdict).toBe("LEAK");
    expect(c.evidence.threshold).toBe("pipeline.leakage.exclusions.columns");
    expect(namePatternCheck("analyst_targets", ex).verdict).toBe("OK");
  });

  it("uses the configured patterns, not built-in ones", () => {
    const ex = leakageConfig({ exclusions: { patterns: ["label_?"] } }).exclusions;
    expect(namePatternCheck("label_1", ex).verdict).toBe("LEAK");
    expect(namePatternCheck("label_10", ex).verdict).toBe("OK");
    expect(namePatternCheck("fwd_ret_1", ex).verdict).toBe("OK");
  });
});

describe("target-derived name rule", () => {
  it("matches the target's name as a whole token", () => {
    expect(containsTargetName("fwd_ret_5_rank", "fwd_ret_5")).toBe(true);
    expect(containsTargetName("z_fwd_ret_5", "fwd_ret_5")).toBe(true);
    expect(containsTargetName("fwd_ret_5", "fwd_ret_5")).toBe(true);
    expect(containsTargetName("FWD_RET_5_Z", "fwd_ret_5")).toBe(true);
    expect(containsTargetName("fwd_ret_50", "fwd_ret_5")).toBe(false);
    expect(containsTargetName("xfwd_ret_5", "fwd_ret_5")).toBe(false);
    expect(containsTargetName("ret_5", "fwd_ret_5")).toBe(false);
  });

  it("catches a column named after a target whose name no exclusion pattern covers", () => {
    const target = buildTarget({ kind: "excursion", name: "drawdown_20", measure: "mdd", horizon: 20 });
    expect(namePatternCheck("drawdown_20_smooth", cfg.exclusions).verdict).toBe("OK");
    const c = targetDerivedCheck("drawdown_20_smooth", target, true);
    expect(c.verdict).toBe("LEAK");
    expect(c.evidence.value).toBe("drawdown_20");
    expect(c.explanation).toContain('contains the target\'s name "drawdown_20"');
    expect(targetDerivedCheck("drawdown_60", target, true).verdict).toBe("OK");
    expect(targetDerivedCheck("drawdown_20_smooth", target, false).verdict).toBe("OK");
  });

  it("also matches the canonical name of a target given its own name", () => {
    const target = buildTarget({ kind: "forward_return", name: "alpha", horizon: 5 });
    expect(target.canonical).not.toBe("alpha");
    expect(targetDerivedCheck(`${target.canonical}_rank`, target, true).verdict).toBe("LEAK");
    expect(targetDerivedCheck("alpha_rank", target, true).verdict).toBe("LEAK");
    expect(targetDerivedCheck("alphabet", target, true).verdict).toBe("OK");
  });
});

describe("declared-lag rule", () => {
  const decision = cfg.decision_time;

  it("accepts a lag at or above the decision-time lag", () => {
    expect(declaredLagCheck(spec({ name: "mom_5", lag: 0 }), fwd5, decision).verdict).toBe("OK");
    expect(declaredLagCheck(spec({ name: "mom_5", lag: 2 }), fwd5, decision).verdict).toBe("OK");
  });

  it("flags a spec reading after the decision bar, naming the target window when it reads into it", () => {
    const c = declaredLagCheck(spec({ name: "bad", lag: -2 }), fwd5, decision);
    expect(c.verdict).toBe("LEAK");
    expect(c.evidence).toEqual({ figure: "lag in bars (newest input = bar t - lag)", value: -2, threshold: 0 });
    expect(c.explanation).toContain("bar t+2, which lies inside the target's window (bars t+1..t+5)");
  });

  it("flags lag 0 when bar t's close is not known at decision time (feature_lag_bars = 1)", () => {
    const late = leakageConfig({ decision_time: { feature_lag_bars: 1 } }).decision_time;
    const c = declaredLagCheck(spec({ name: "ret_1", lag: 0 }), fwd5, late);
    expect(c.verdict).toBe("LEAK");
    expect(c.explanation).toContain("feature_lag_bars = 1");
    expect(declaredLagCheck(spec({ name: "ret_1", lag: 1 }), fwd5, late).verdict).toBe("OK");
  });

  it("never flags calendar features, which read no data", () => {
    const cal = { ...spec({ name: "cal_dow", lag: 0 }), dataFree: true } as FeatureSpec;
    const late = leakageConfig({ decision_time: { feature_lag_bars: 1 } }).decision_time;
    expect(declaredLagCheck(cal, fwd5, late).verdict).toBe("OK");
  });

  it("flags a horizon outside the feature's allowed horizons as suspicious", () => {
    const c = declaredLagCheck(spec({ name: "intraday_x", lag: 0, allowedHorizons: { max: 3 } }), fwd5, decision);
    expect(c.verdict).toBe("SUSPICIOUS");
    expect(c.evidence).toEqual({ figure: "target horizon (bars) vs the feature's allowed horizons", value: 5, threshold: "1..3" });
  });

  it("says that a user column's lag 0 is only verified by the data checks", () => {
    const c = declaredLagCheck(userColumnSpec({ column: "my_factor" }), fwd5, decision);
    expect(c.verdict).toBe("OK");
    expect(c.explanation).toMatch(/user column .*\(lag 0\).*data checks/);
  });
});
