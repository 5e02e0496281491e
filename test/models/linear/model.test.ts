import { describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { elasticNetFamily, lassoFamily, logisticFamily, ridgeFamily, LinearModel, type LinearFamily } from "../../../src/models/linear/index.js";
import { classData, ctx, lcg, linearData, maxRelDiff } from "./helpers.js";

/** Knocks out ~15% of feature 0 and 5% of feature 2 (NaN). */
function withNaN(d: TabularData, seed: number): TabularData {
  const rnd = lcg(seed);
  const X = Float32Array.from(d.X);
  for (let i = 0; i < d.nRows; i++) {
    if (rnd() < 0.15) X[i * d.nFeatures] = NaN;
    if (rnd() < 0.05) X[i * d.nFeatures + 2] = NaN;
  }
  return { ...d, X };
}

const reg = withNaN(linearData(300, [1, -0.5, 0.3, 0, 0.8], { seed: 51, noise: 0.5, scales: [1, 20, 1, 1, 0.05] }).data, 1);
const bin = withNaN(classData(300, [1, -0.5, 0.3, 0, 0.8], { seed: 52 }), 2);
const multi = withNaN(classData(300, [1, -0.5, 0.3, 0, 0.8], { seed: 53, classes: 3 }), 3);

const CASES: [string, LinearFamily<any>, TabularData, object][] = [
  ["ridge", ridgeFamily, reg, { winsorize: 0.02 }],
  ["lasso (holdout-selected)", lassoFamily, reg, { winsorize: 0.02 }],
  ["elastic_net", elasticNetFamily, reg, { lambda: 0.01, standardize: false }],
  ["logistic binary", logisticFamily, bin, { penalty: "l1", n_lambda: 10 }],
  ["logistic multinomial", logisticFamily, multi, { lambda: 0.01, fit_intercept: true }],
];

describe("save and load", () => {
  for (const [name, fam, data, params] of CASES) {
    it(`${name}: JSON round trip gives identical predictions, path and importances`, async () => {
      const m = await fam.fit(data, fam.paramsSchema.parse(params), ctx);
      const json = JSON.parse(JSON.stringify(m.toJSON()));
      expect(json.format).toBe("foxml-linear");
      expect(json.version).toBe(1);
      const back = fam.load(json);
      expect(Array.from(back.predict(data.X, data.nRows))).toEqual(Array.from(m.predict(data.X, data.nRows)));
      expect(back.path()).toEqual(m.path());
      expect(back.importance()).toEqual(m.importance());
      expect(back.entryOrder()).toEqual(m.entryOrder());
      expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(m.toJSON()));
    });
  }

  it("load rejects another family's model, another format and a corrupt layout with clear messages", async () => {
    const m = await ridgeFamily.fit(reg, ridgeFamily.paramsSchema.parse({ lambda: 0.1 }), ctx);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(() => lassoFamily.load(json)).toThrow(/"ridge" model, not "lasso"/);
    expect(() => ridgeFamily.load({ ...json, version: 99 })).toThrow(/not a valid foxml-linear model: version/);
    expect(() => ridgeFamily.load({ ...json, coef: [1, 2] })).toThrow(/coef has 2 values, expected 1 x 7/);
    expect(() => LinearModel.fromJSON({ ...json, path: { ...json.path, selected: 5 } })).toThrow(/path.selected 5/);
  });
});

describe("determinism", () => {
  it("the same data and parameters give byte-identical models (seed and threads do not matter)", async () => {
    for (const [, fam, data, params] of CASES) {
      const a = await fam.fit(data, fam.paramsSchema.parse(params), ctx);
      const b = await fam.fit(data, fam.paramsSchema.parse(params), { seed: 999, threads: 2 });
      expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    }
  });
});

describe("missing values", () => {
  it("a NaN row predicts as the training median plus the missing indicator's coefficient", async () => {
    const m = await ridgeFamily.fit(reg, ridgeFamily.paramsSchema.parse({ lambda: 0.01 }), ctx);
    const c = m.coefficients();
    expect(c.names).toEqual(["f0", "f1", "f2", "f3", "f4", "f0__missing", "f2__missing"]);
    const row = Float32Array.of(NaN, 1, 2, 3, 4);
    const med = m.pre.median[0];
    const expected = c.intercept[0] + c.raw[0][0] * med + c.raw[0][1] + 2 * c.raw[0][2] + 3 * c.raw[0][3] + 4 * c.raw[0][4] + c.raw[0][5];
    expect(m.predict(row, 1)[0]).toBeCloseTo(expected, 10);
    // Without indicators, NaN is exactly the median.
    const plain = await ridgeFamily.fit(reg, ridgeFamily.paramsSchema.parse({ lambda: 0.01, missing_indicator: false }), ctx);
    expect(plain.predict(row, 1)[0]).toBeCloseTo(plain.predict(Float32Array.of(med, 1, 2, 3, 4), 1)[0], 8); // med rounded to float32 in the input
    // A feature with no NaN in training still accepts NaN at prediction time (median, no indicator).
    expect(Number.isFinite(m.predict(Float32Array.of(1, NaN, 2, 3, 4), 1)[0])).toBe(true);
  });

  it("informative missingness is learned by the indicator (planted effect 2)", async () => {
    const { data } = linearData(400, [1, 0.5], { seed: 54, noise: 0.05 });
    const rnd = lcg(5);
    for (let i = 0; i < data.nRows; i++) {
      if (rnd() < 0.3) {
        data.X[i * 2] = NaN;
        data.y[i] = 0.5 * data.X[i * 2 + 1] + 2; // f0 unknown, a fixed +2 instead
      }
    }
    const m = await lassoFamily.fit(data, lassoFamily.paramsSchema.parse({ lambda: 1e-4 }), ctx);
    const c = m.coefficients();
    // y = 1*f0 + 0.5*f1 when seen; when missing, 2 = 1*median + b_missing.
    expect(c.raw[0][1]).toBeCloseTo(0.5, 2);
    expect(c.raw[0][0]).toBeCloseTo(1, 2);
    expect(c.raw[0][2] + c.raw[0][0] * m.pre.median[0]).toBeCloseTo(2, 1);
  });
});

describe("sample weights", () => {
  it("integer weights equal duplicated rows; zero weights equal dropped rows", async () => {
    const { data } = linearData(120, [1, -2, 0, 0.5], { seed: 55, noise: 0.5 });
    const w = Float64Array.from({ length: 120 }, (_, i) => i % 4);
    const rows: number[] = [];
    w.forEach((k, i) => {
      for (let r = 0; r < k; r++) rows.push(i);
    });
    const dup: TabularData = {
      ...data,
      nRows: rows.length,
      X: Float32Array.from(rows.flatMap((i) => Array.from(data.X.subarray(i * 4, i * 4 + 4)))),
      y: Float64Array.from(rows, (i) => data.y[i]),
    };
    for (const fam of [lassoFamily, ridgeFamily] as LinearFamily<any>[]) {
      const params = fam.paramsSchema.parse({ lambda: 0.03, tol: 1e-13 });
      const a = await fam.fit({ ...data, weight: w }, params, ctx);
      const b = await fam.fit(dup, params, ctx);
      expect(maxRelDiff(a.coefficients().raw[0], b.coefficients().raw[0])).toBeLessThan(1e-10);
      expect(a.coefficients().intercept[0]).toBeCloseTo(b.coefficients().intercept[0], 10);
    }
    const lb = classData(120, [1, -1, 0.5], { seed: 56 });
    const bw = Float64Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const kept = Array.from({ length: 120 }, (_, i) => i).filter((i) => bw[i] > 0);
    const dropped: TabularData = { ...lb, nRows: kept.length, X: Float32Array.from(kept.flatMap((i) => Array.from(lb.X.subarray(i * 3, i * 3 + 3)))), y: Float64Array.from(kept, (i) => lb.y[i]) };
    const p = logisticFamily.paramsSchema.parse({ lambda: 0.01, penalty: "elasticnet", l1_ratio: 0.5, tol: 1e-12 });
    const a = await logisticFamily.fit({ ...lb, weight: bw }, p, ctx);
    const b = await logisticFamily.fit(dropped, p, ctx);
    expect(maxRelDiff(a.coefficients().raw[0], b.coefficients().raw[0])).toBeLessThan(1e-8);
  });
});

describe("importance and coefficients", () => {
  it("coef importance is |coefficient x training sd| (indicator added); raw and standardized coefficients agree with predict", async () => {
    const m = await elasticNetFamily.fit(reg, elasticNetFamily.paramsSchema.parse({ lambda: 0.01, standardize: false }), ctx);
    const c = m.coefficients();
    const imp = m.importance();
    expect(imp.f1).toBeCloseTo(Math.abs(c.raw[0][1]) * m.pre.std[1], 12);
    expect(imp.f0).toBeCloseTo(Math.abs(c.standardized[0][0]) + Math.abs(c.standardized[0][5]), 12);
    // The sd-scaled effect of f1 (scale 20, coef -0.5) dwarfs f3 (no effect).
    expect(imp.f1).toBeGreaterThan(imp.f3);
    const x = Float32Array.of(0.3, -2, 1, 0.5, 0.01);
    const manual = c.intercept[0] + c.raw[0].slice(0, 5).reduce((s, b, j) => s + b * x[j], 0);
    expect(m.predict(x, 1)[0]).toBeCloseTo(manual, 10);
    expect(() => m.importance("gain")).toThrow(/unknown importance kind "gain"/);
  });
});

describe("input errors name the row, column and fix", () => {
  const { data } = linearData(50, [1, 2], { seed: 57 });
  const params = lassoFamily.paramsSchema.parse({ lambda: 0.1 });

  it("infinite features, missing targets, bad weights", async () => {
    const X = Float32Array.from(data.X);
    X[7 * 2 + 1] = Infinity;
    await expect(lassoFamily.fit({ ...data, X }, params, ctx)).rejects.toThrow(/feature "f1" \(column 1\) at row 7 is Infinity/);
    const y = Float64Array.from(data.y);
    y[3] = NaN;
    await expect(lassoFamily.fit({ ...data, y }, params, ctx)).rejects.toThrow(/target at row 3 is NaN/);
    await expect(lassoFamily.fit({ ...data, weight: new Float64Array(50) }, params, ctx)).rejects.toThrow(/weights sum to 0/);
    await expect(lassoFamily.fit({ ...data, initScore: new Float64Array(3) }, params, ctx)).rejects.toThrow(/initScore/);
  });

  it("a validation set with other features, and prediction input of the wrong shape or with Infinity", async () => {
    await expect(lassoFamily.fit(data, params, ctx, { ...data, featureNames: ["f0", "g"] })).rejects.toThrow(/validation feature 1 is "g", training feature 1 is "f1"/);
    const m = await lassoFamily.fit(data, params, ctx);
    expect(() => m.predict(new Float32Array(5), 2)).toThrow(/X has 5 values, expected 2 rows x 2 features/);
    expect(() => m.predict(Float32Array.of(1, -Infinity), 1)).toThrow(/feature "f1" \(column 1\) at row 0 is -Infinity/);
  });
});
