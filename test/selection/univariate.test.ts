/**
 * Univariate tests: Benjamini–Yekutieli q-values equal statsmodels' multipletests(method="fdr_by")
 * (reference values computed with statsmodels 0.13.5), Student-t p-values equal scipy's, and on the
 * synthetic market the planted signals pass the false-discovery test while pure noise does not.
 */
import { describe, expect, it } from "vitest";
import { benjaminiYekutieli, studentTTwoSided, univariateMethod, univariateParamsSchema } from "../../src/selection/methods/univariate.js";
import { fixture, NOISE } from "./helpers.js";

describe("benjaminiYekutieli", () => {
  it("matches statsmodels fdr_by on unsorted p-values with ties", () => {
    const p = [0.004, 1e-6, 0.5, 0.001, 0.03, 2e-5, 0.8, 0.002, 3e-4, 0.2, 0.01];
    const ref = [
      0.022145767195767198, 3.321865079365079e-5, 1.0, 0.008304662698412697, 0.12456994047619045, 0.0003321865079365079, 1.0, 0.013287460317460318,
      0.0033218650793650794, 0.7381922398589065, 0.04745521541950113,
    ];
    const q = benjaminiYekutieli(p);
    ref.forEach((r, i) => expect(q[i]).toBeCloseTo(r, 14));
    // statsmodels rejects at alpha 0.05 exactly these
    expect(Array.from(q, (x) => x <= 0.05)).toEqual([true, true, false, true, false, true, false, true, true, false, true]);
  });

  it("matches statsmodels on a second family (25 tests, mostly null)", () => {
    const p = [0.06, 0.001, 0.569, 0.041, 0.942, 0.216, 0.008, 0.34, 0.251, 0.986, 0.205, 0.696, 0.039, 0.269, 0.762, 0.074, 0.341, 0.975, 0.042, 0.222, 0.275, 0.594, 0.212, 0.94, 0.384];
    const q = benjaminiYekutieli(p);
    expect(q[0]).toBeCloseTo(0.9539895444383767, 14);
    expect(q[1]).toBeCloseTo(0.09539895444383767, 14);
    expect(q[3]).toBeCloseTo(0.8013512173282364, 14);
    expect(q[6]).toBeCloseTo(0.3815958177753507, 14);
    expect(q[12]).toBeCloseTo(0.8013512173282364, 14);
    for (const i of [2, 4, 5, 7, 8, 9]) expect(q[i]).toBe(1);
  });

  it("leaves non-finite p-values out of the family", () => {
    const withNaN = benjaminiYekutieli([0.01, NaN, 0.01, 0.02, 0.5, 1e-8]);
    const without = benjaminiYekutieli([0.01, 0.01, 0.02, 0.5, 1e-8]);
    expect(withNaN[1]).toBeNaN();
    expect([withNaN[0], withNaN[2], withNaN[3], withNaN[4], withNaN[5]]).toEqual(Array.from(without));
    // statsmodels: [0.03805555555555556, 0.03805555555555556, 0.05708333333333333, 1.0, 1.1416666666666666e-07]
    expect(without[0]).toBeCloseTo(0.03805555555555556, 14);
    expect(without[2]).toBeCloseTo(0.05708333333333333, 14);
    expect(without[4]).toBeCloseTo(1.1416666666666666e-7, 20);
  });

  it("is monotone in p and never below the BH q-value", () => {
    const p = Array.from({ length: 40 }, (_, i) => ((i * 7919) % 97) / 97 + 1e-4);
    const q = benjaminiYekutieli(p);
    const idx = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
    for (let k = 1; k < idx.length; k++) expect(q[idx[k]]).toBeGreaterThanOrEqual(q[idx[k - 1]]);
    for (let i = 0; i < p.length; i++) expect(q[i]).toBeGreaterThanOrEqual(Math.min(1, p[i]));
  });
});

describe("studentTTwoSided", () => {
  it("matches scipy's 2 * t.sf(|t|, df)", () => {
    const cases: Array<[number, number, number]> = [
      [2.086, 20, 0.04999635445744025],
      [1.0, 5, 0.36321746764912255],
      [3.5, 3, 0.039481037619282774],
      [0.0, 10, 1.0],
      [10.0, 19, 5.26302616233589e-9],
      [-2.5, 1, 0.2422378831816867],
      [1.96, 1000, 0.05027318495574871],
    ];
    for (const [t, df, ref] of cases) expect(studentTTwoSided(t, df) / ref).toBeCloseTo(1, 10);
    expect(studentTTwoSided(Infinity, 5)).toBe(0);
    expect(studentTTwoSided(NaN, 5)).toBeNaN();
    expect(studentTTwoSided(1, 0)).toBeNaN();
  });
});

describe("univariateMethod", () => {
  const params = univariateParamsSchema.parse({});

  it("passes the planted signal and no noise feature for fwd_ret_5", async () => {
    const fx = fixture();
    const r = await univariateMethod({ data: fx.cv("fwd_ret_5"), features: fx.names, grids: fx.grids, seed: 1, threads: 1, params });
    const d = r.details as { q: Record<string, number | null>; passed: string[]; blocks: number; ic: Record<string, number> };
    expect(d.passed).toContain("sig_h5");
    for (const n of NOISE) {
      expect(d.passed).not.toContain(n);
      expect(r.scores.sig_h5).toBeGreaterThan(r.scores[n] + 2);
    }
    expect(d.ic.sig_h5).toBeGreaterThan(0.04);
    expect(d.blocks).toBeGreaterThanOrEqual(4);
    // score is -log10(q)
    expect(r.scores.sig_h5).toBeCloseTo(-Math.log10(d.q.sig_h5!), 10);
  });

  it("finds both signals for fwd_ret_20 (sig_h5 covers its first five days), with blocks of two windows", async () => {
    const fx = fixture();
    const data = fx.cv("fwd_ret_20");
    const r = await univariateMethod({ data, features: fx.names, grids: fx.grids, seed: 1, threads: 1, params });
    const d = r.details as { passed: string[]; blocks: number };
    expect(d.passed).toEqual(expect.arrayContaining(["sig_h20", "sig_h5"]));
    for (const n of NOISE) expect(d.passed).not.toContain(n);
    expect(d.blocks).toBeLessThanOrEqual(Math.floor(600 / 40));
  });

  it("1 - q scores lie in [0, 1] and order features like -log10(q)", async () => {
    const fx = fixture();
    const data = fx.cv("fwd_ret_5");
    const a = await univariateMethod({ data, features: fx.names, grids: fx.grids, seed: 1, threads: 1, params });
    const b = await univariateMethod({ data, features: fx.names, grids: fx.grids, seed: 1, threads: 1, params: univariateParamsSchema.parse({ score: "one_minus_q" }) });
    for (const n of fx.names) {
      expect(b.scores[n]).toBeGreaterThanOrEqual(0);
      expect(b.scores[n]).toBeLessThanOrEqual(1);
      for (const m of fx.names) if (a.scores[n] > a.scores[m]) expect(b.scores[n]).toBeGreaterThan(b.scores[m]);
    }
  });

  it("refuses a history too short for a block t-test, and strict settings", async () => {
    const fx = fixture();
    // ~120 timestamps of a 20-bar target: fewer than four blocks of two windows
    const short = fx.cv("fwd_ret_20", { maxRows: 120 * fx.panel.S });
    await expect(univariateMethod({ data: short, features: fx.names, grids: fx.grids, seed: 1, threads: 1, params })).rejects.toThrow(/blocks of time; the t-test needs at least 4/);
    expect(() => univariateParamsSchema.parse({ blocks: 2 })).toThrow();
    expect(() => univariateParamsSchema.parse({ alpah: 0.1 })).toThrow(/alpah/);
  });
});
