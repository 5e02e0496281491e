/**
 * Lasso / elastic-net path scores: on an orthogonal design the lasso path is soft-thresholding,
 * beta_j(lambda) = max(z_j - lambda, 0), so the area under it along log(lambda) has a closed form;
 * on the synthetic market the planted signal leads the path.
 */
import { describe, expect, it } from "vitest";
import type { TabularData } from "../../src/models/family.js";
import { lassoFamily } from "../../src/models/linear/index.js";
import { lassoPathMethod, lassoPathParamsSchema, pathScores } from "../../src/selection/methods/lasso-path.js";
import { fixture, NOISE } from "./helpers.js";

/** Walsh column k of n rows: (-1)^popcount(i & k); distinct k give orthogonal, zero-mean columns. */
function walsh(n: number, k: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    let b = i & k;
    let c = 0;
    while (b) {
      c += b & 1;
      b >>= 1;
    }
    return c % 2 === 0 ? 1 : -1;
  });
}

/** Integral of (z - lambda)+ d(log lambda) from lambdaMin to lambdaMax, over ln(lambdaMax / lambdaMin). */
function softThresholdArea(z: number, lambdaMin: number, lambdaMax: number): number {
  const top = Math.min(z, lambdaMax);
  if (top <= lambdaMin) return 0;
  return (z * Math.log(top / lambdaMin) - (top - lambdaMin)) / Math.log(lambdaMax / lambdaMin);
}

describe("pathScores", () => {
  it("matches the soft-thresholding area and entry order on an orthogonal design", async () => {
    const n = 512;
    const [h1, h2, h4, h8] = [1, 2, 4, 8].map((k) => walsh(n, k));
    const X = new Float32Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i * 3] = h1[i];
      X[i * 3 + 1] = h2[i];
      X[i * 3 + 2] = h4[i];
      y[i] = 2 * h1[i] + 0.5 * h2[i] + h8[i]; // h8: signal-free variation orthogonal to every feature
    }
    const data: TabularData = { nRows: n, nFeatures: 3, featureNames: ["x1", "x2", "x3"], X, y };
    const nLambda = 200;
    // A fixed lambda makes the family fit the whole grid from lambdaMax down to it (with "auto" the
    // path stops early once it explains nothing more).
    const lambdaMin = 0.02;
    const params = lassoFamily.paramsSchema.parse({ lambda: lambdaMin, n_lambda: nLambda, missing_indicator: false, tol: 1e-10 });
    const model = await lassoFamily.fit(data, params, { seed: 1, threads: 1 });
    const path = model.path();
    expect(path.lambdas.length).toBe(nLambda);
    const lambdaMax = path.lambdas[0];
    // standardized with the training sd, z_j = cov(x_j, y) / sd(x_j): 2 and 0.5 up to the sd convention
    expect(lambdaMax).toBeCloseTo(2, 2);
    const logRange = Math.log(lambdaMax / lambdaMin);
    const r = pathScores(model, 3, nLambda, logRange);
    const z1 = lambdaMax;
    const z2 = z1 / 4;
    // the path's left Riemann sum against the integral: within 1%
    expect(r.area[0] / softThresholdArea(z1, lambdaMin, lambdaMax)).toBeCloseTo(1, 2);
    expect(r.area[1] / softThresholdArea(z2, lambdaMin, lambdaMax)).toBeCloseTo(1, 1);
    expect(r.area[2]).toBe(0);
    // x1 enters just below lambdaMax, x2 once lambda falls below z2 = lambdaMax / 4
    expect(r.entry[0]).toBeCloseTo(1 - 1 / nLambda, 12);
    const firstX2 = Math.ceil(Math.log(4) / (logRange / (nLambda - 1)));
    expect(r.entry[1]).toBeCloseTo(1 - firstX2 / nLambda, 2);
    expect(r.entry[2]).toBe(0);
    expect(r.active).toBe(2);
  });
});

describe("lassoPathMethod", () => {
  const params = lassoPathParamsSchema.parse({});

  it("ranks the planted signal first for fwd_ret_5, far above the noise", async () => {
    const fx = fixture();
    const r = await lassoPathMethod({ data: fx.cv("fwd_ret_5"), features: fx.names, grids: fx.grids, seed: 1, threads: 1, params });
    const order = Object.entries(r.scores).sort((a, b) => b[1] - a[1]).map(([k]) => k);
    expect(order[0]).toBe("sig_h5");
    for (const n of NOISE) expect(r.scores.sig_h5).toBeGreaterThan(3 * r.scores[n]);
    const d = r.details as { family: string; folds: unknown[]; entry: Record<string, number> };
    expect(d.family).toBe("elastic_net");
    expect(d.folds).toHaveLength(3);
    for (const v of Object.values(d.entry)) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("scores by entry order with the pure lasso, deterministically", async () => {
    const fx = fixture();
    const data = fx.cv("fwd_ret_5");
    const p = lassoPathParamsSchema.parse({ l1_ratio: 1, score: "entry" });
    const a = await lassoPathMethod({ data, features: fx.names, grids: fx.grids, seed: 4, threads: 1, params: p });
    const b = await lassoPathMethod({ data, features: fx.names, grids: fx.grids, seed: 4, threads: 1, params: p });
    expect(a.scores).toEqual(b.scores);
    expect((a.details as { family: string }).family).toBe("lasso");
    expect(a.scores.sig_h5).toBeGreaterThan(0.9);
    for (const n of NOISE) expect(a.scores.sig_h5).toBeGreaterThan(a.scores[n]);
  });

  it("fits binary targets by least squares on the label, or by the logistic path when asked", async () => {
    const fx = fixture();
    const data = fx.cv("fwd_sign_5");
    const ls = await lassoPathMethod({ data, features: fx.names, grids: fx.grids, seed: 1, threads: 1, params });
    expect((ls.details as { family: string }).family).toBe("elastic_net");
    for (const n of NOISE) expect(ls.scores.sig_h5).toBeGreaterThan(2 * ls.scores[n]);
    const lg = await lassoPathMethod({ data, features: ["sig_h5", ...NOISE], grids: fx.grids, seed: 1, threads: 1, params: lassoPathParamsSchema.parse({ binary: "logistic", max_rows: 3000, n_lambda: 20 }) });
    expect((lg.details as { family: string }).family).toBe("logistic");
    for (const n of NOISE) expect(lg.scores.sig_h5).toBeGreaterThan(lg.scores[n]);
  });
});
