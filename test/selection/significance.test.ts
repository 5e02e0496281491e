/**
 * The significance gate, known answers: on a market with two planted signals for the 5-bar return
 * and six noise columns (white to AR(1) 0.99, the slow ones that fit overlapping labels by chance),
 * the default selection keeps both signals and at most one noise column although top_m would allow
 * eight; on pure noise it keeps at most one and, with none, says the target has no usable features.
 * The gate applies whatever methods are configured (gain importance alone still stops at noise),
 * records its figures per feature, and is deterministic.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SelectionFile } from "../../src/artifacts/run-files.js";
import { selectFeatures } from "../../src/selection/select.js";
import { selectionSchema } from "../../src/selection/schema.js";
import { significanceGate } from "../../src/selection/significance.js";
import { univariateTests } from "../../src/selection/methods/univariate.js";
import { buildTarget } from "../../src/targets/index.js";
import { historyRows } from "../../src/features/index.js";
import { makeCvData, type CvData } from "../../src/training/cv-data.js";
import { purgeForTarget } from "../../src/validation/splitters/index.js";
import { features, leakageConfig, memoryLog, syntheticPanel } from "../leakage/helpers.js";
import { fixture, NOISE } from "./helpers.js";

const NOISE6 = ["noise_1", "noise_2", "noise_3", "noise_4", "noise_5", "noise_6"];
const PERSISTENCE = [0, 0.5, 0.9, 0.95, 0.98, 0.99];

interface Market {
  data: CvData;
  names: string[];
  grids: Map<string, Float32Array>;
  symbols: string[];
}

/** 40 symbols x 700 bars; `signals` planted for the 5-bar return (spread over bars 1..5), plus noise. */
function market(seed: number, signals: Array<{ name: string; ic: number }>, noise: number): Market {
  const { panel } = syntheticPanel({
    seed,
    bars: 700,
    signals: { plant: true, features: signals.map((s) => ({ ...s, horizon: 5, onset: 1 })), noise_count: noise, noise_persistence: PERSISTENCE },
  });
  const include = [...signals.map((s) => s.name), ...NOISE6.slice(0, noise)];
  const fs = features(panel, { include });
  const target = buildTarget("fwd_ret_5");
  const data = makeCvData({
    T: panel.T,
    S: panel.S,
    target,
    y: target.compute(panel),
    splitter: { kind: "purged_kfold", n_splits: 3 },
    purge: purgeForTarget(target, leakageConfig(), Math.max(...fs.specs.map(historyRows))),
    seed: 5,
    purpose: "selection",
  });
  return { data, names: [...fs.names], grids: new Map(fs.grids), symbols: [...panel.symbols] };
}

const select = (m: Market, config: Record<string, unknown> = {}, seed = 1) =>
  selectFeatures({ data: m.data, features: m.names, grids: m.grids, symbols: m.symbols, config: selectionSchema.parse(config), seed, threads: 1, log: memoryLog() });

const SIGNALS2 = [
  { name: "sig_a", ic: 0.08 },
  { name: "sig_b", ic: 0.05 },
];

let planted: Market;
let noiseOnly: Market;
let base: SelectionFile;

beforeAll(async () => {
  planted = market(11, SIGNALS2, 6);
  noiseOnly = market(12, [], 6);
  base = await select(planted);
}, 240_000);

describe("significance gate: known answers", () => {
  it("keeps both planted signals and at most one of six noise columns with the default configuration", () => {
    expect(base.candidates).toBe(8);
    expect(base.selected).toEqual(expect.arrayContaining(["sig_a", "sig_b"]));
    const noise = base.selected.filter((n) => NOISE6.includes(n));
    expect(noise.length, `noise selected: ${noise.join(", ")}`).toBeLessThanOrEqual(1);
    // top_m (20) is a maximum: the rest are dropped with the gate's figures as the reason
    for (const r of base.consensus) {
      expect(r.gate).toBeDefined();
      if (!r.selected && !r.gate!.passed) expect(r.reason).toMatch(/does not beat noise/);
    }
    expect(base.significance?.enabled).toBe(true);
    expect(base.significance?.tests?.map((t) => [t.test, t.status])).toEqual([
      ["shadow", "ok"],
      ["univariate", "ok"],
    ]);
    expect(base.no_usable_features).toBeUndefined();
  });

  it("records per feature the tests' statistics, the combined p and its corrected q", () => {
    const a = base.consensus.find((r) => r.feature === "sig_a")!.gate!;
    expect(a.passed).toBe(true);
    expect(a.q!).toBeLessThanOrEqual(0.05);
    expect(a.p!).toBeCloseTo(Math.min(1, 2 * Math.min(a.p_shadow!, a.p_univariate!)), 12);
    expect(a.t!).toBeGreaterThan(3);
    for (const r of base.consensus) {
      const g = r.gate!;
      expect(g.q!).toBeGreaterThanOrEqual(g.p! - 1e-15);
      expect(g.passed).toBe(g.q! <= 0.05);
    }
  });

  it("selects at most one feature on pure noise, and with none says the target has no usable features", async () => {
    const f = await select(noiseOnly);
    expect(f.selected.length).toBeLessThanOrEqual(1);
    if (f.selected.length === 0) expect(f.no_usable_features).toMatch(/no usable features: none of the 6 candidates beats noise/);
    // the consensus still ranks every candidate: a ranking is not evidence
    expect(f.consensus).toHaveLength(6);
    // a strict gate (Holm, alpha 0.001) selects nothing, whatever the ranking
    const strict = await select(noiseOnly, { significance: { correction: "holm", alpha: 0.001 } });
    expect(strict.selected).toEqual([]);
    expect(strict.no_usable_features).toMatch(/no usable features/);
  }, 240_000);

  it("stops at noise with gain importance as the only method", async () => {
    const off = { enabled: false };
    const methods = { tree_shap: off, permutation: off, mutual_info: off, lasso_path: off, univariate: off, boruta: off, stability: off };
    const f = await select(planted, { min_methods: 1, methods });
    expect(f.methods.map((m) => m.method)).toEqual(["tree_gain"]);
    // gain gives every feature some score, so without the gate all eight would be selected
    expect(f.consensus.filter((r) => r.score > 0).length).toBe(8);
    expect(f.selected).toEqual(expect.arrayContaining(["sig_a", "sig_b"]));
    expect(f.selected.filter((n) => NOISE6.includes(n)).length).toBeLessThanOrEqual(1);
    const ungated = await select(planted, { min_methods: 1, methods, significance: { enabled: false } });
    expect(ungated.selected).toHaveLength(8);
    expect(ungated.significance).toEqual({ enabled: false });
  }, 240_000);

  it("is deterministic for a seed", async () => {
    const again = await select(planted);
    const timeless = (f: SelectionFile) => ({ ...f, methods: f.methods.map((m) => ({ ...m, seconds: 0 })), significance: { ...f.significance, seconds: 0 } });
    expect(timeless(again)).toEqual(timeless(base));
  }, 240_000);
});

describe("significance gate: tests", () => {
  it("with one test, the combined p is that test's p", async () => {
    const ctx = { data: planted.data, features: planted.names, grids: planted.grids, seed: 1, threads: 1 };
    const cfg = selectionSchema.parse({}).significance;
    const uni = await significanceGate(ctx, { ...cfg, tests: ["univariate"] });
    for (const r of uni.rows) expect(r.p).toBe(r.p_univariate);
    expect(uni.rows.every((r) => r.hits === null)).toBe(true);
    const shadow = await significanceGate(ctx, { ...cfg, tests: ["shadow"] });
    for (const r of shadow.rows) expect(r.p).toBe(r.p_shadow);
    expect(shadow.summary.tests).toEqual([{ test: "shadow", status: "ok", rounds: 14, shadow: cfg.shadow.shadow }]);
  }, 240_000);

  it("reuses the Boruta and univariate methods' tests when their settings agree (the defaults)", () => {
    const boruta = base.methods.find((m) => m.method === "boruta") as { details?: { hits: Record<string, number>; shadow: string } };
    const uni = base.methods.find((m) => m.method === "univariate") as { details?: { t: Record<string, number | null> } };
    expect(boruta.details?.shadow).toBe("rotate");
    for (const r of base.consensus) {
      expect(r.gate!.hits).toBe(boruta.details!.hits[r.feature]);
      expect(r.gate!.t).toBe(uni.details!.t[r.feature]);
    }
    const ctx = { data: planted.data, features: planted.names, grids: planted.grids };
    expect(univariateTests(ctx, "auto")).toBe(univariateTests(ctx, "auto"));
    expect(univariateTests(ctx, 10)).not.toBe(univariateTests(ctx, "auto"));
  });

  it("rotated shadows keep slow noise from beating them by persistence alone", async () => {
    // AR(1) 0.98 and 0.99 columns fit overlapping labels by chance; an i.i.d. shuffle of them is the
    // easier yardstick. Summed over four markets (one market alone can go either way).
    const cfg = selectionSchema.parse({}).significance;
    const total = { rotate: 0, permute: 0 };
    let maxRotate = 0;
    for (const seed of [21, 22, 23, 24]) {
      const m = market(seed, SIGNALS2, 6);
      const ctx = { data: m.data, features: m.names, grids: m.grids, seed: 1, threads: 1 };
      for (const shadow of ["rotate", "permute"] as const) {
        const g = await significanceGate(ctx, { ...cfg, tests: ["shadow"], shadow: { ...cfg.shadow, shadow } });
        for (const n of ["noise_5", "noise_6"]) {
          const h = g.rows[m.names.indexOf(n)].hits!;
          total[shadow] += h;
          if (shadow === "rotate") maxRotate = Math.max(maxRotate, h);
        }
      }
    }
    expect(total.rotate).toBeLessThan(0.75 * total.permute);
    // P(X >= 10) for X ~ Binomial(14, 1/2) is 0.09: never a discovery
    expect(maxRotate).toBeLessThan(10);
  }, 240_000);

  it("judges a binary target too (the shadow test fits classifiers)", async () => {
    const fx = fixture();
    const off = { enabled: false };
    const config = selectionSchema.parse({ methods: { tree_shap: off, permutation: off, stability: off, lasso_path: off } });
    const f = await selectFeatures({ data: fx.cv("fwd_sign_5"), features: fx.names, grids: fx.grids, symbols: fx.symbols, config, seed: 1, threads: 1 });
    expect(f.significance?.tests?.every((t) => t.status === "ok")).toBe(true);
    expect(f.selected).toContain("sig_h5");
    for (const n of NOISE) expect(f.selected).not.toContain(n);
  }, 240_000);

  it("refuses bad settings, naming the key", () => {
    expect(() => selectionSchema.parse({ significance: { alpha: 2 } })).toThrow(/alpha/);
    expect(() => selectionSchema.parse({ significance: { tests: [] } })).toThrow();
    expect(() => selectionSchema.parse({ significance: { correction: "fdr_xx" } })).toThrow();
    expect(() => selectionSchema.parse({ significance: { shadows: 3 } })).toThrow(/shadows/);
  });
});
