/**
 * Known answers across target horizons from 1 to 60 bars. On generated data no feature of the
 * standard library is LEAK at any horizon: each is computed from bars up to t by construction (the
 * causality property test in test/features proves it), so a LEAK would be a false alarm, the kind
 * slow features (a price level, a dollar volume, a 60-bar momentum) used to raise against long
 * horizons. Leaks planted at the target's own horizon (a noisy copy of the forward return, the
 * future close, a centred moving average reaching h bars ahead, the forward return's sign) are all
 * LEAK. The quick model is off (rules and pre-scan decide, as in known-answer.test.ts), except in
 * one full detection against the longest horizon.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import type { GroundTruth } from "../../src/data/synth/index.js";
import type { FeatureSet } from "../../src/features/index.js";
import { detectLeakage, detectRound, type LeakageFeatures, type RoundResult } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { features, leakageConfig, leaksAtHorizon, syntheticPanel } from "./helpers.js";

const HORIZONS = [1, 2, 5, 10, 20, 40, 60];
const scan = leakageConfig({ quick_model: { enabled: false } });

let panel: Panel;
let truth: GroundTruth;
let all: FeatureSet;
let library: string[];
const rounds = new Map<number, RoundResult>();

/** The library and the leaks planted at horizon h. */
function subset(names: readonly string[]): LeakageFeatures {
  return { names, specs: all.specs.filter((s) => names.includes(s.name)), grids: all.grids };
}

function leakNames(h: number): string[] {
  return leaksAtHorizon(h).map((l) => l.name);
}

function leakExplanations(r: RoundResult, names: readonly string[]): string[] {
  return r.features
    .filter((f) => names.includes(f.name) && f.verdict === "LEAK")
    .map((f) => `${f.name}: ${f.checks.filter((c) => c.verdict === "LEAK").map((c) => c.explanation).join(" | ")}`);
}

beforeAll(async () => {
  const synth = syntheticPanel({ signals: { plant: true }, leaks: { plant: true, features: HORIZONS.flatMap(leaksAtHorizon) } });
  panel = synth.panel;
  truth = synth.market.truth;
  all = features(panel);
  const planted = new Set(truth.columns.leaks);
  library = all.names.filter((n) => !planted.has(n));
  for (const h of HORIZONS) {
    rounds.set(h, await detectRound({ panel, features: subset([...library, ...leakNames(h)]), target: buildTarget(`fwd_ret_${h}`), leakage: scan, seed: 1 }));
  }
  // seven rounds of about 100 features: some 30 s on a quiet machine, more under load
}, 300_000);

describe("the standard library and planted leaks against forward returns of 1 to 60 bars", () => {
  it("plants four leaks at each horizon, recorded in the manifest with their look-ahead", () => {
    expect(library.length).toBeGreaterThan(90);
    for (const h of HORIZONS) {
      for (const name of leakNames(h)) {
        const t = truth.leaks.find((l) => l.name === name);
        expect(t, name).toBeDefined();
        expect(t!.lookahead_bars).toBe(h);
      }
    }
  });

  for (const h of HORIZONS) {
    it(`fwd_ret_${h}: no library feature is LEAK`, () => {
      expect(leakExplanations(rounds.get(h)!, library)).toEqual([]);
    });

    it(`fwd_ret_${h}: every leak planted at horizon ${h} is LEAK, by its data`, () => {
      const r = rounds.get(h)!;
      expect(r.leak).toEqual(leakNames(h));
      for (const name of leakNames(h)) {
        const f = r.features.find((x) => x.name === name)!;
        // named neutrally: the data checks, not the name rules, find them
        const data = f.checks.filter((c) => c.verdict === "LEAK" && c.check !== "declared_lag");
        expect(data.length, name).toBeGreaterThan(0);
      }
    });
  }

  it("a leak's tie collapses once the target moves past its window; the persistence checks record it", () => {
    for (const h of [5, 20, 60]) {
      const f = rounds.get(h)!.features.find((x) => x.name === `alpha_a_h${h}`)!;
      const shift = f.checks.find((c) => c.check === "target_shift")!;
      expect(shift.verdict).toBe("OK");
      expect(shift.evidence.value as number).toBeLessThan(0.2);
      expect(shift.evidence.threshold).toBe(0.5);
      expect(f.checks.find((c) => c.check === "feature_persistence")).toBeDefined();
      expect(f.checks.find((c) => c.check === "target_association")!.verdict).toBe("LEAK");
    }
  });

  it("the persistence checks are in every feature's record, with figure, value and threshold", () => {
    for (const f of rounds.get(60)!.features) {
      const cs = f.checks.filter((c) => c.check === "target_shift" || c.check === "feature_persistence");
      expect(cs.map((c) => c.check), f.name).toEqual(["target_shift", "feature_persistence"]);
      for (const c of cs) {
        expect(c.evidence.figure.length).toBeGreaterThan(10);
        expect(c.explanation.length).toBeGreaterThan(10);
      }
    }
  });
});

describe("the whole detection (quick model and sentinels) against the 60-bar forward return", () => {
  it("judges no library feature LEAK and the model-level checks find nothing", async () => {
    const full = leakageConfig({ sentinels: { shuffle_repeats: 5 }, quick_model: { max_train_rows: 8000 } });
    const report = await detectLeakage({ panel, features: subset(library), target: buildTarget("fwd_ret_60"), leakage: full, seed: 2 });
    const leaks = Object.entries(report.features).filter(([, f]) => f.verdict === "LEAK");
    expect(leaks.map(([n, f]) => `${n}: ${f.checks.filter((c) => c.verdict === "LEAK").map((c) => c.explanation).join(" | ")}`)).toEqual([]);
    expect(report.status).toBe("clean");
    expect(report.model_checks.filter((c) => c.verdict === "LEAK")).toEqual([]);
  }, 120_000);
});
