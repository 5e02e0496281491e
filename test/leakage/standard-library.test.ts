/**
 * The standard feature library on clean data (planted signals and noise, no leaks): every feature
 * is computed from bars up to t by construction (the causality property test proves it), so any
 * LEAK here would be a false alarm.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import type { FeatureSet } from "../../src/features/index.js";
import { detectLeakage, type LeakageReport } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { features, leakageConfig, syntheticPanel } from "./helpers.js";

let panel: Panel;
let fs: FeatureSet;
const reports: Record<string, LeakageReport> = {};

beforeAll(async () => {
  panel = syntheticPanel({ seed: 19, symbols: 30, bars: 500, signals: { plant: true } }).panel;
  fs = features(panel);
  // The whole detection (quick model and sentinels included) against the 5-bar target, which the
  // planted signal predicts; the 1-bar target through the rules and the pre-scan only (speed).
  const full = leakageConfig({ sentinels: { shuffle_repeats: 5 }, quick_model: { max_train_rows: 8000 } });
  reports.fwd_ret_5 = await detectLeakage({ panel, features: fs, target: buildTarget("fwd_ret_5"), leakage: full, seed: 2 });
  const scan = leakageConfig({ quick_model: { enabled: false } });
  reports.fwd_ret_1 = await detectLeakage({ panel, features: fs, target: buildTarget("fwd_ret_1"), leakage: scan, seed: 2 });
});

describe("the standard feature library on clean data", () => {
  it("computes the whole library (time-series, cross-sectional, calendar) and the planted columns", () => {
    expect(fs.names.length).toBeGreaterThan(90);
    for (const n of ["ret_1", "mom_252_21", "rsi_14", "vol_cc_20__cs_rank", "cal_dow", "sig_h5", "noise_3"]) expect(fs.names).toContain(n);
  });

  for (const name of ["fwd_ret_1", "fwd_ret_5"]) {
    it(`judges no feature LEAK against ${name}`, () => {
      const r = reports[name];
      const leaks = Object.entries(r.features).filter(([, f]) => f.verdict === "LEAK");
      expect(leaks.map(([n, f]) => `${n}: ${f.checks.filter((c) => c.verdict === "LEAK").map((c) => c.explanation).join(" | ")}`)).toEqual([]);
      expect(r.status).toBe("clean");
      expect(Object.keys(r.features)).toHaveLength(fs.names.length);
    });

    it(`raises no model-level or sentinel LEAK against ${name}, and at most a handful of suspicious features`, () => {
      const r = reports[name];
      expect(r.model_checks.filter((c) => c.verdict === "LEAK")).toEqual([]);
      expect(r.sentinels.filter((c) => c.verdict !== "OK")).toEqual([]);
      expect(r.sentinels.length).toBe(name === "fwd_ret_5" ? 4 : 1);
      const suspicious = Object.entries(r.features).filter(([, f]) => f.verdict === "SUSPICIOUS");
      expect(suspicious.length).toBeLessThanOrEqual(3);
    });
  }
});
