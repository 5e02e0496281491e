import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { elasticNetFamily, lassoFamily, type LinearModel } from "../../../src/models/linear/index.js";
import { ctx, linearData, maxRelDiff } from "./helpers.js";

const lasso = (p: object) => lassoFamily.paramsSchema.parse({ missing_indicator: false, ...p });
const enet = (p: object) => elasticNetFamily.paramsSchema.parse({ missing_indicator: false, ...p });

/** Max violation of the elastic-net optimality (KKT) conditions at every lambda of the path. */
function kktViolation(m: LinearModel, d: TabularData, l1Ratio: number): number {
  const p = m.pre.nCols;
  const n = d.nRows;
  const Z = m.pre.rowMajor(d.X, 0, n);
  const path = m.path();
  let worst = 0;
  path.lambdas.forEach((lambda, l) => {
    const beta = path.coef[l];
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      let r = d.y[i] - path.intercept[l][0];
      for (let j = 0; j < p; j++) r -= beta[j] * Z[i * p + j];
      for (let j = 0; j < p; j++) g[j] += (Z[i * p + j] * r) / n;
    }
    for (let j = 0; j < p; j++) {
      const gj = g[j] - lambda * (1 - l1Ratio) * beta[j];
      const v = beta[j] === 0 ? Math.max(0, Math.abs(gj) - lambda * l1Ratio) : Math.abs(gj - lambda * l1Ratio * Math.sign(beta[j]));
      worst = Math.max(worst, v / lambda);
    }
  });
  return worst;
}

describe("lasso", () => {
  it("recovers planted sparse coefficients exactly: right support, values within the lambda shrinkage", async () => {
    const truth = [0, 2.5, 0, 0, -1.5, 0, 0, 0, 0.8, 0, 0, 0];
    const { data } = linearData(400, truth, { seed: 21, noise: 0, intercept: 0.7 });
    const m = await lassoFamily.fit(data, lasso({ lambda: 1e-4, tol: 1e-12 }), ctx);
    const c = m.coefficients();
    expect(Array.from(c.raw[0], (x) => x !== 0)).toEqual(truth.map((t) => t !== 0));
    expect(maxRelDiff(c.raw[0], truth)).toBeLessThan(1e-3);
    expect(c.intercept[0]).toBeCloseTo(0.7, 3);
  });

  it("with noise, lambda auto (time-ordered holdout) keeps the planted support", async () => {
    const truth = [0, 1, 0, 0, -0.8, 0, 0, 0, 0.6, 0];
    const { data } = linearData(600, truth, { seed: 22, noise: 1 });
    const m = await lassoFamily.fit(data, lasso({ lambda_selection: "one_se" }), ctx);
    expect(m.selection.source).toBe("holdout");
    const c = m.coefficients().raw[0];
    for (const f of [1, 4, 8]) expect(c[f]).not.toBe(0);
    expect(Math.sign(c[1])).toBe(1);
    expect(Math.sign(c[4])).toBe(-1);
  });

  it("the strongest feature enters the path first; entry order follows |coefficient| x sd", async () => {
    // Feature scales differ, so the order is by effect per standard deviation, not raw coefficient.
    const truth = [0.2, 0, 3, 0, -0.05, 0, 0.9];
    const scales = [10, 1, 0.1, 1, 100, 1, 1]; // effects per sd: 2, 0, 0.3, 0, -5, 0, 0.9
    const { data } = linearData(500, truth, { seed: 23, noise: 0.2, scales });
    const m = await lassoFamily.fit(data, lasso({ lambda: 0.01 }), ctx);
    const order = m.entryOrder();
    expect(order.slice(0, 4).map((e) => e.feature)).toEqual(["f4", "f0", "f6", "f2"]);
    expect(order[0].lambdaIndex).toBe(1); // index 0 is lambda_max: nothing is in yet
    const path = m.path();
    expect(Array.from(path.coef[0]).every((x) => x === 0)).toBe(true);
    for (let k = 1; k < 4; k++) expect(order[k].lambdaIndex).toBeGreaterThanOrEqual(order[k - 1].lambdaIndex);
    const imp = m.importance("path_entry");
    expect(imp.f4).toBeGreaterThan(imp.f0);
    expect(imp.f0).toBeGreaterThan(imp.f6);
  });

  it("every point of the path satisfies the optimality (KKT) conditions; lambda_max is the first lambda with all zeros", async () => {
    const { data } = linearData(300, [1, -0.5, 0, 0.25, 0, 0], { seed: 24, noise: 0.5, weights: false });
    const m = await lassoFamily.fit(data, lasso({ lambda: 0.001, n_lambda: 30, tol: 1e-12 }), ctx);
    expect(kktViolation(m, data, 1)).toBeLessThan(1e-5);
    const e = await elasticNetFamily.fit(data, enet({ lambda: 0.001, n_lambda: 30, l1_ratio: 0.4, tol: 1e-12 }), ctx);
    expect(kktViolation(e, data, 0.4)).toBeLessThan(1e-5);
    // Just below lambda_max exactly one coefficient is nonzero.
    const lmax = m.path().lambdas[0];
    const below = await lassoFamily.fit(data, lasso({ lambda: lmax * 0.999, n_lambda: 2 }), ctx);
    expect(Array.from(below.coefficients().raw[0]).filter((x) => x !== 0)).toHaveLength(1);
  });

  it("covariance and naive updates give the same path", async () => {
    const { data } = linearData(250, [1, 0, -2, 0, 0.5, 0, 0, 0.1], { seed: 25, noise: 0.5, weights: true });
    const a = await lassoFamily.fit(data, lasso({ lambda: 0.005, solver: "covariance", tol: 1e-13 }), ctx);
    const b = await lassoFamily.fit(data, lasso({ lambda: 0.005, solver: "naive", tol: 1e-13 }), ctx);
    expect(a.info.fit.solver).toBe("cd_covariance");
    expect(b.info.fit.solver).toBe("cd_naive");
    const pa = a.path();
    const pb = b.path();
    expect(maxRelDiff(pb.lambdas, pa.lambdas)).toBeLessThan(1e-14);
    for (let l = 0; l < pa.lambdas.length; l++) expect(maxRelDiff(pb.coef[l], pa.coef[l])).toBeLessThan(1e-7);
  });

  it("elastic net with l1_ratio 1 is the lasso", async () => {
    const { data } = linearData(200, [1, 0, -1, 0.3], { seed: 26, noise: 0.5 });
    const a = await lassoFamily.fit(data, lasso({ lambda: 0.02 }), ctx);
    const b = await elasticNetFamily.fit(data, enet({ lambda: 0.02, l1_ratio: 1 }), ctx);
    expect(Array.from(b.coefficients().raw[0])).toEqual(Array.from(a.coefficients().raw[0]));
  });

  it("elastic net keeps correlated twins together where the lasso picks one", async () => {
    const { data } = linearData(300, [1, 0, 0], { seed: 27, noise: 0.3 });
    // Feature 1 = feature 0 plus a little noise: near-perfect twins.
    for (let i = 0; i < data.nRows; i++) data.X[i * 3 + 1] = data.X[i * 3] + 0.01 * data.X[i * 3 + 2];
    const l = (await lassoFamily.fit(data, lasso({ lambda: 0.05 }), ctx)).coefficients().standardized[0];
    const e = (await elasticNetFamily.fit(data, enet({ lambda: 0.05, l1_ratio: 0.1 }), ctx)).coefficients().standardized[0];
    expect(Math.min(Math.abs(l[0]), Math.abs(l[1]))).toBeLessThan(0.1 * Math.max(Math.abs(l[0]), Math.abs(l[1])));
    expect(Math.abs(e[0] - e[1])).toBeLessThan(0.1 * Math.abs(e[0]));
  });

  it("max_active stops the path once too many coefficients are nonzero", async () => {
    const { data } = linearData(200, [3, 2, 1, 0.5, 0.25, 0.1], { seed: 28, noise: 0.1 });
    const m = await lassoFamily.fit(data, lasso({ lambda: 1e-4, max_active: 3 }), ctx);
    const path = m.path();
    for (const c of path.coef) expect(Array.from(c).filter((x) => x !== 0).length).toBeLessThanOrEqual(3);
    expect(path.lambdas.length).toBeLessThan(100);
  });

  it("holdout scores are fits on the rows before the purge gap, scored on the last rows (nothing else)", async () => {
    const { data } = linearData(400, [1, -1, 0, 0, 0.5], { seed: 29, noise: 1 });
    const a = await lassoFamily.fit(data, lasso({ holdout_fraction: 0.25, holdout_gap_rows: 20, n_lambda: 20, tol: 1e-13 }), ctx);
    const sel = a.selection;
    expect([sel.source, sel.innerRows, sel.gapRows, sel.holdoutRows]).toEqual(["holdout", 280, 20, 100]);
    const path = a.path();
    const inner: TabularData = { ...data, nRows: 280, X: data.X.subarray(0, 280 * 5), y: data.y.subarray(0, 280) };
    const hold = data.X.subarray(300 * 5);
    for (const l of [3, 8, 12]) {
      // An independent fit on the inner rows only (its own preprocessing), at the same lambda.
      const m = await lassoFamily.fit(inner, lasso({ lambda: path.lambdas[l], tol: 1e-13 }), ctx);
      const pred = m.predict(hold, 100);
      let mse = 0;
      for (let i = 0; i < 100; i++) mse += (data.y[300 + i] - pred[i]) ** 2 / 100;
      expect(sel.scores![l]).toBeCloseTo(mse, 9);
    }
  });

  it("a validation set chooses lambda by its score; one_se picks a larger lambda than min", async () => {
    const truth = [1, -0.7, 0, 0, 0.4, 0, 0, 0];
    const { data } = linearData(300, truth, { seed: 30, noise: 1.5 });
    const { data: valid } = linearData(300, truth, { seed: 31, noise: 1.5 });
    const min = await lassoFamily.fit(data, lasso({}), ctx, valid);
    const se = await lassoFamily.fit(data, lasso({ lambda_selection: "one_se" }), ctx, valid);
    expect(min.selection.source).toBe("validation");
    const scores = min.selection.scores!;
    expect(scores[min.path().selected]).toBe(Math.min(...scores));
    expect(se.info.lambda).toBeGreaterThanOrEqual(min.info.lambda);
    const ic = await lassoFamily.fit(data, lasso({ selection_metric: "rank_ic" }), ctx, valid);
    expect(ic.selection.metric).toBe("rank_ic");
    expect(ic.selection.scores![0]).toBe(Infinity); // lambda_max predicts a constant: no correlation
  });

  it("lambda auto stops the path once the fit explains 99.9% of the variance (glmnet's rule); a fixed lambda is always reached", async () => {
    const { data } = linearData(200, [2, -1, 0, 0.5], { seed: 33, noise: 0.01 });
    const auto = await lassoFamily.fit(data, lasso({}), ctx);
    expect(auto.path().lambdas.length).toBeLessThan(100);
    const fixed = await lassoFamily.fit(data, lasso({ lambda: 1e-6 }), ctx);
    expect(fixed.path().lambdas.at(-1)).toBe(1e-6);
    expect(fixed.path().lambdas).toHaveLength(100);
  });

  it("too few rows for a holdout is an error that says what to do", async () => {
    const { data } = linearData(30, [1, 0], { seed: 32 });
    await expect(lassoFamily.fit(data, lasso({}), ctx)).rejects.toThrow(/too few to choose lambda on a holdout/);
    await expect(lassoFamily.fit(data, lasso({ lambda: 0.1 }), ctx)).resolves.toBeTruthy();
  });

  it("a purge gap that swallows a short fold is named as the reason, never as a negative inner size", async () => {
    const { data } = linearData(300, [1, 0], { seed: 34 });
    const err = await lassoFamily.fit(data, lasso({ holdout_gap_rows: 1000 }), ctx).catch((e: Error) => e);
    expect(String(err)).toMatch(/purge gap of 1000 rows .* leaves 0 inner rows/);
    expect(String(err)).not.toMatch(/inner -/);
  });
});
