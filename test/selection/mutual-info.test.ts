/**
 * Mutual information: the binned estimator against known values (identical and independent
 * variables, a bivariate normal's closed form), its invariance to monotone transforms, and on the
 * synthetic market the planted signal above the noise.
 */
import { describe, expect, it } from "vitest";
import { autoBins, mutualInfoMethod, mutualInfoParamsSchema, mutualInformation, quantileCodes } from "../../src/selection/methods/mutual-info.js";
import { Rng } from "../../src/util/random.js";
import { fixture, NOISE } from "./helpers.js";

describe("quantileCodes", () => {
  it("cuts at quantiles, keeps ties in one bin and gives missing values their own bin", () => {
    const out = new Int32Array(10);
    expect(quantileCodes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5, out)).toBe(5);
    expect(Array.from(out)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    const tied = new Int32Array(8);
    const used = quantileCodes([1, 1, 1, 1, 1, 1, 2, NaN], 4, tied);
    expect(tied[0]).toBe(tied[5]);
    expect(tied[6]).not.toBe(tied[0]);
    expect(tied[7]).toBe(used - 1);
    expect(used).toBe(3); // two value bins and the missing bin
    expect(quantileCodes([3, 3, 3], 4, new Int32Array(3))).toBe(1);
  });
});

describe("mutualInformation", () => {
  it("is ln(B) for a variable with itself (B equally filled bins), less the Miller–Madow term", () => {
    const n = 1000;
    const x = Int32Array.from({ length: n }, (_, i) => i % 4);
    // plug-in ln 4; occupied joint 4, x 4, y 4 => correction (4 - 4 - 4 + 1) / 2n = -3 / 2n
    expect(mutualInformation(x, 4, x, 4, n)).toBeCloseTo(Math.log(4) + 3 / (2 * n), 12);
  });

  it("is about zero for independent variables (bias removed)", () => {
    const rng = new Rng(3);
    const n = 20_000;
    const vals: number[] = [];
    for (let rep = 0; rep < 20; rep++) {
      const x = Int32Array.from({ length: n }, () => rng.int(0, 10));
      const y = Int32Array.from({ length: n }, () => rng.int(0, 2));
      vals.push(mutualInformation(x, 10, y, 2, n));
    }
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    // plug-in bias would be (10 - 1)(2 - 1) / 2n = 2.25e-4; corrected mean is near zero
    expect(Math.abs(mean)).toBeLessThan(5e-5);
  });

  it("approaches the bivariate-normal value -0.5 ln(1 - rho^2) with fine bins", () => {
    const rng = new Rng(11);
    const n = 200_000;
    const rho = 0.6;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const z1 = rng.normal();
      const z2 = rng.normal();
      a[i] = z1;
      b[i] = rho * z1 + Math.sqrt(1 - rho * rho) * z2;
    }
    const xa = new Int32Array(n);
    const xb = new Int32Array(n);
    const na = quantileCodes(a, 30, xa);
    const nb = quantileCodes(b, 30, xb);
    const mi = mutualInformation(xa, na, xb, nb, n);
    const truth = -0.5 * Math.log(1 - rho * rho);
    // binning loses a little information: within 5% below the truth
    expect(mi).toBeLessThan(truth);
    expect(mi).toBeGreaterThan(0.95 * truth);
  });

  it("auto bins stay between 3 and 10", () => {
    expect(autoBins(100)).toBe(3);
    expect(autoBins(5000)).toBe(10);
    expect(autoBins(1e7)).toBe(10);
  });
});

describe("mutualInfoMethod", () => {
  const params = mutualInfoParamsSchema.parse({});

  it("ranks the planted signal first for fwd_ret_5, well above every noise feature", async () => {
    const fx = fixture();
    const r = await mutualInfoMethod({ data: fx.cv("fwd_ret_5"), features: fx.names, grids: fx.grids, seed: 1, threads: 1, params });
    const best = Object.entries(r.scores).sort((a, b) => b[1] - a[1])[0][0];
    expect(best).toBe("sig_h5");
    for (const n of NOISE) expect(r.scores.sig_h5).toBeGreaterThan(3 * r.scores[n]);
    for (const v of Object.values(r.scores)) expect(v).toBeGreaterThanOrEqual(0);
    expect((r.details as { feature_transform: string }).feature_transform).toBe("cross_sectional_rank");
  });

  it("does not move under a monotone transform of a feature, and is deterministic", async () => {
    const fx = fixture();
    const data = fx.cv("fwd_ret_5");
    const g = fx.grids.get("sig_h5")!;
    const grids = new Map(fx.grids);
    grids.set("sig_cubed", g.map((x) => Math.exp(x) + x * x * x));
    const features = [...fx.names, "sig_cubed"];
    const p = mutualInfoParamsSchema.parse({ feature_transform: "raw" });
    const a = await mutualInfoMethod({ data, features, grids, seed: 1, threads: 1, params: p });
    expect(a.scores.sig_cubed).toBeCloseTo(a.scores.sig_h5, 12);
    const b = await mutualInfoMethod({ data, features, grids, seed: 1, threads: 1, params: p });
    expect(b.scores).toEqual(a.scores);
  });

  it("scores a binary target (two classes) and subsamples with the seed", async () => {
    const fx = fixture();
    const data = fx.cv("fwd_sign_5");
    const p = mutualInfoParamsSchema.parse({ max_rows: 3000 });
    const a = await mutualInfoMethod({ data, features: fx.names, grids: fx.grids, seed: 1, threads: 1, params: p });
    const d = a.details as { folds: Array<{ rows: number; target_bins: number }> };
    expect(d.folds.every((f) => f.rows === 3000 && f.target_bins === 2)).toBe(true);
    expect(a.scores.sig_h5).toBeGreaterThan(Math.max(...NOISE.map((n) => a.scores[n])));
    const other = await mutualInfoMethod({ data, features: fx.names, grids: fx.grids, seed: 2, threads: 1, params: p });
    expect(other.scores).not.toEqual(a.scores);
  });
});
