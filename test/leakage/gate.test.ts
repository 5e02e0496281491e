/**
 * The auto-fix loop: leaks found in a round are excluded, the affected stages re-run through the
 * caller's callback, and detection runs again until a round is clean or max_rounds is reached.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import type { FeatureSet } from "../../src/features/index.js";
import { userColumnSpec } from "../../src/features/index.js";
import { detectLeakage, leakageGate, type GateResult, type LeakageFeatures, type RerunContext } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { features, LEAK_NAMES, leakageConfig, memoryLog, NEUTRAL_LEAKS, NOISE, SIGNALS, syntheticPanel } from "./helpers.js";

const target = buildTarget("fwd_ret_5");
const GENUINE = [...SIGNALS, ...NOISE, "ret_1", "mom_20", "vol_cc_20"];

let panel: Panel;
let fs: FeatureSet;
let full: GateResult;
const calls: RerunContext[] = [];
const log = memoryLog();

beforeAll(async () => {
  panel = syntheticPanel({ signals: { plant: true }, leaks: { plant: true, features: NEUTRAL_LEAKS } }).panel;
  fs = features(panel, { include: [...GENUINE, ...LEAK_NAMES] });
  full = await leakageGate({
    panel,
    features: fs,
    target,
    leakage: leakageConfig(),
    seed: 11,
    log,
    rerun: (ctx) => {
      calls.push(ctx);
    },
  });
});

describe("the gate with the quick model on planted leaks", () => {
  it("excludes every planted leak in round 1 and finds round 2 clean", () => {
    const r = full.report;
    expect(r.status).toBe("leaks_excluded");
    expect(r.rounds.map((x) => x.leak)).toEqual([LEAK_NAMES, []]);
    expect(full.excluded).toEqual(LEAK_NAMES);
    expect(r.excluded.map((e) => [e.feature, e.round])).toEqual(LEAK_NAMES.map((n) => [n, 1]));
    expect(full.features.names).toEqual(fs.names.filter((n) => !LEAK_NAMES.includes(n)));
    expect(r.verdict).not.toBe("LEAK");
  });

  it("never judges a planted signal or noise LEAK, in any round", () => {
    for (const name of GENUINE) expect(full.report.features[name].verdict, name).not.toBe("LEAK");
    for (const round of full.report.rounds) for (const name of GENUINE) expect(round.leak).not.toContain(name);
  });

  it("keeps each excluded feature's checks from the round that excluded it", () => {
    for (const name of LEAK_NAMES) {
      const f = full.report.features[name];
      expect(f).toMatchObject({ verdict: "LEAK", round: 1, origin: "user", lag: 0 });
      expect(full.report.excluded.find((e) => e.feature === name)!.checks.length).toBeGreaterThan(0);
    }
    expect(full.report.features.sig_h5.round).toBe(2);
  });

  it("calls the re-run callback once, with the exclusion list", () => {
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ round: 1, excluded: LEAK_NAMES, newlyExcluded: LEAK_NAMES });
    expect(calls[0].target.name).toBe("fwd_ret_5");
  });

  it("logs every decision: each exclusion with its checks and evidence, and why the loop stopped", () => {
    for (const name of LEAK_NAMES) {
      const rec = log.records.find((r) => r.msg.startsWith(`leakage: excluding feature ${name}:`));
      expect(rec, name).toBeDefined();
      expect(rec!.fields).toMatchObject({ target: "fwd_ret_5", round: 1, feature: name, verdict: "LEAK" });
      expect((rec!.fields!.evidence as string[])[0]).toMatch(/threshold/);
    }
    expect(log.records.some((r) => r.msg.startsWith("leakage: re-running the affected stages without 4 feature(s)"))).toBe(true);
    expect(log.records.some((r) => r.msg.startsWith("leakage: round 2 found no leak; 4 feature(s) excluded in all"))).toBe(true);
  });

  it("reports the quick model, whose skill comes from the planted signal", () => {
    const m = full.report.rounds[1].model!;
    expect(m).toMatchObject({ family: "lightgbm", folds: 3, metric: "ic", fit_to: "cross_sectional_rank" });
    expect(m.score!).toBeGreaterThan(0.02);
    expect(m.top_importance[0].feature).toBe("sig_h5");
    expect(full.report.model_checks.map((c) => c.check)).toEqual(["model_ic", "model_r2", "importance_dominance"]);
    expect(full.report.model_checks.every((c) => c.verdict !== "LEAK")).toBe(true);
  });
});

describe("loop mechanics (rules and pre-scan only)", () => {
  const quick = leakageConfig({ quick_model: { enabled: false } });

  it("stops after max_rounds and says the last exclusions were not verified", async () => {
    const cfg = leakageConfig({ quick_model: { enabled: false }, auto_fix: { max_rounds: 1 } });
    let called = 0;
    const g = await leakageGate({ panel, features: fs, target, leakage: cfg, seed: 1, rerun: () => void called++ });
    expect(g.report.status).toBe("unverified");
    expect(g.report.verdict).toBe("LEAK");
    expect(g.excluded).toEqual(LEAK_NAMES);
    expect(g.report.rounds).toHaveLength(1);
    expect(called).toBe(0);
  });

  it("with the auto-fix off, reports the leaks and excludes nothing", async () => {
    const cfg = leakageConfig({ quick_model: { enabled: false }, auto_fix: { enabled: false } });
    const l = memoryLog();
    const g = await leakageGate({ panel, features: fs, target, leakage: cfg, seed: 1, log: l });
    expect(g.report.status).toBe("leaks_found");
    expect(g.report.verdict).toBe("LEAK");
    expect(g.excluded).toEqual([]);
    expect(g.features.names).toEqual(fs.names);
    expect(l.records.filter((r) => r.level === "warn" && /leaks and is kept/.test(r.msg))).toHaveLength(4);
  });

  it("checks what the re-run returns, drops excluded features from it, and catches a leak it brings in", async () => {
    // The re-run (say, feature selection on what is left) brings in a user column that was
    // computed with a shift(-1): it must be caught in round 2, and round 3 must be clean.
    const close = panel.column("close");
    const { T, S } = panel;
    const late = new Float32Array(T * S).fill(NaN);
    for (let t = 0; t + 1 < T; t++) for (let s = 0; s < S; s++) late[t * S + s] = Math.log(close[(t + 1) * S + s] / close[t * S + s]);
    const seen: RerunContext[] = [];
    const rerun = (ctx: RerunContext): LeakageFeatures => {
      seen.push(ctx);
      if (ctx.round > 1) return { names: [...fs.names], specs: fs.specs, grids: fs.grids };
      const grids = new Map(fs.grids);
      grids.set("factor_late", late);
      return { names: [...fs.names, "factor_late"], specs: [...fs.specs, userColumnSpec({ column: "factor_late" })], grids };
    };
    const g = await leakageGate({ panel, features: fs, target, leakage: quick, seed: 1, rerun });
    expect(g.report.rounds.map((r) => r.leak)).toEqual([LEAK_NAMES, ["factor_late"], []]);
    expect(g.report.status).toBe("leaks_excluded");
    expect(g.excluded).toEqual([...LEAK_NAMES, "factor_late"]);
    expect(seen.map((c) => c.newlyExcluded)).toEqual([LEAK_NAMES, ["factor_late"]]);
    // round 2 got the re-run's set minus the exclusions
    expect(g.report.rounds[1].features_checked).toBe(fs.names.length - LEAK_NAMES.length + 1);
    expect(g.report.features.factor_late).toMatchObject({ verdict: "LEAK", round: 2 });
  });

  it("a clean feature set passes in one round with status clean", async () => {
    const clean: LeakageFeatures = { names: GENUINE, specs: fs.specs.filter((s) => GENUINE.includes(s.name)), grids: fs.grids };
    const g = await leakageGate({ panel, features: clean, target, leakage: quick, seed: 1 });
    expect(g.report.status).toBe("clean");
    expect(g.report.rounds).toHaveLength(1);
    expect(g.excluded).toEqual([]);
  });
});

describe("determinism", () => {
  it("same input and seed give the same report, byte for byte", async () => {
    const small = syntheticPanel({ symbols: 20, bars: 300, seed: 5, signals: { plant: true } }).panel;
    const f = features(small, { include: ["sig_h5", "noise_1", "ret_1", "mom_5"] });
    const cfg = leakageConfig({ sentinels: { shuffle_repeats: 5 } });
    const a = await detectLeakage({ panel: small, features: f, target, leakage: cfg, seed: 3 });
    const b = await detectLeakage({ panel: small, features: f, target, leakage: cfg, seed: 3 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.rounds[0].model).not.toBeNull();
    expect(JSON.stringify(a)).not.toMatch(/NaN|Infinity/);
  });
});
