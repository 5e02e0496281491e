/**
 * The quick model's checks on fixtures whose answers are known: a target-derived feature the
 * pre-scan is configured to let through (so only the model can catch it), a leak split across two
 * features that are each harmless alone, a binary target scored by AUC, and a persistent target
 * whose genuine predictability must not be mistaken for leakage.
 */
import { describe, expect, it } from "vitest";
import { detectRound, type RoundResult } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { Rng } from "../../src/util/random.js";
import { features, gridFeatures, gridPanel, gridTarget, leakageConfig, syntheticPanel } from "./helpers.js";

const T = 400;
const S = 25;
/** Pre-scan thresholds opened so the leaky fixtures reach the quick model. */
const OPEN = { thresholds: { feature_association: { suspicious: 0.9, implausible: 0.95 }, future_past_ratio: 1000, target_agreement: 0.99 } };

function normals(rng: Rng, n = T * S): Float64Array {
  const out = new Float64Array(n);
  rng.fillNormal(out);
  return out;
}

function modelCheck(r: RoundResult, name: string) {
  const c = r.model_checks.find((x) => x.check === name);
  if (!c) throw new Error(`no model check ${name}`);
  return c;
}

describe("quick-model score and importance checks", () => {
  it("a feature tied 0.6 to the target: implausible IC, dominant, and the refit without it falls to nothing", async () => {
    const rng = new Rng(5);
    const y = normals(rng);
    const noise = normals(rng);
    const leak = y.map((v, i) => 0.6 * v + 0.8 * noise[i]);
    const panel = gridPanel(T, S, { close: new Float64Array(T * S).fill(100) });
    const fs = gridFeatures(T, S, { leak, other_1: normals(rng), other_2: normals(rng) });
    const r = await detectRound({ panel, features: fs, target: gridTarget("y_next", y), leakage: leakageConfig(OPEN), seed: 1 });
    expect(r.model!.score!).toBeGreaterThan(0.5);
    const ic = modelCheck(r, "model_ic");
    expect(ic.verdict).toBe("LEAK");
    expect(ic.evidence.threshold).toBe(0.3);
    expect(modelCheck(r, "model_r2").verdict).toBe("LEAK");
    const dom = modelCheck(r, "importance_dominance");
    expect(dom.verdict).toBe("LEAK");
    expect(dom.evidence.figure).toContain("(leak)");
    expect(dom.evidence.value as number).toBeGreaterThan(0.9);
    expect(dom.explanation).toMatch(/refitted without it, the score falls from 0\.\d+ to -?0\.0\d/);
    // the verdict lands on the feature, so the auto-fix excludes it
    expect(r.leak).toEqual(["leak"]);
    expect(r.features.find((f) => f.name === "leak")!.checks.map((c) => c.check)).toContain("importance_dominance");
  });

  it("a leak split across two features: the model score is implausible, no single feature is to blame", async () => {
    const rng = new Rng(6);
    const y = normals(rng);
    const n = normals(rng);
    // each alone is weakly tied to y (0.32 and 0); together they are y exactly
    const fs = gridFeatures(T, S, { part_a: y.map((v, i) => v + 3 * n[i]), part_b: n });
    const panel = gridPanel(T, S, { close: new Float64Array(T * S).fill(100) });
    const r = await detectRound({ panel, features: fs, target: gridTarget("y_next", y), leakage: leakageConfig(OPEN), seed: 1 });
    expect(modelCheck(r, "model_ic").verdict).toBe("LEAK");
    expect(modelCheck(r, "importance_dominance").verdict).toBe("OK");
    expect(r.leak).toEqual([]);
  });

  it("scores a binary target by AUC: a feature agreeing with the sign 85% of the time is implausible", async () => {
    const rng = new Rng(7);
    const ret = normals(rng);
    const y = ret.map((v) => (v > 0 ? 1 : 0));
    const sign = y.map((v) => (rng.uniform() < 0.85 ? v : 1 - v));
    const target = { ...gridTarget("up_next", y), type: "binary" as const, tasks: ["binary" as const], rankingCompatible: false, classes: ["not_up", "up"] };
    const panel = gridPanel(T, S, { close: new Float64Array(T * S).fill(100) });
    const r = await detectRound({ panel, features: gridFeatures(T, S, { sign, other: normals(rng) }), target, leakage: leakageConfig(OPEN), seed: 1 });
    expect(r.model!.metric).toBe("auc");
    const auc = modelCheck(r, "model_auc");
    expect(auc.verdict).toBe("LEAK");
    expect(auc.evidence.value as number).toBeGreaterThan(0.82);
    expect(auc.evidence.value as number).toBeLessThan(0.88);
    expect(auc.evidence.threshold).toBe(0.75);
  });

  it("with fewer than 5 symbols (no cross-section for an IC) scores by the pooled rank correlation", async () => {
    const S4 = 4;
    const rng = new Rng(8);
    const y = normals(rng, T * S4);
    const noise = normals(rng, T * S4);
    const leak = y.map((v, i) => 0.6 * v + 0.8 * noise[i]);
    const panel = gridPanel(T, S4, { close: new Float64Array(T * S4).fill(100) });
    const fs = gridFeatures(T, S4, { leak, other: normals(rng, T * S4) });
    const r = await detectRound({ panel, features: fs, target: gridTarget("y_next", y), leakage: leakageConfig(OPEN), seed: 1 });
    expect(r.model).toMatchObject({ metric: "rank_correlation", fit_to: "target" });
    expect(modelCheck(r, "model_rank_correlation").verdict).toBe("LEAK");
    expect(r.sentinels.find((c) => c.check === "symbol_holdout")!.explanation).toMatch(/^Not applicable: 4 symbols are too few/);
  });

  it("a persistent target (20-bar drawdown): volatility features predict it and nothing is flagged", async () => {
    // Future drawdowns follow past volatility; the lagged target achieves about as much, and the
    // thresholds are raised by that baseline.
    const { panel } = syntheticPanel({ seed: 13, symbols: 30, bars: 500 });
    const fs = features(panel, { include: ["vol_cc_20", "vol_cc_60", "natr_14", "range_hl_avg_20", "dd_60", "ret_1"] });
    const target = buildTarget({ kind: "excursion", measure: "mdd", horizon: 20 });
    const r = await detectRound({ panel, features: fs, target, leakage: leakageConfig({ sentinels: { shuffle_repeats: 5 } }), seed: 1 });
    expect(r.model!.score!).toBeGreaterThan(0.15);
    expect(r.model!.baseline!).toBeGreaterThan(0.15);
    expect(r.leak).toEqual([]);
    expect(r.model_checks.filter((c) => c.verdict === "LEAK")).toEqual([]);
  });
});
