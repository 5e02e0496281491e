import { describe, expect, it } from "vitest";
import { trainGbdt } from "../../../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import { GbdtModel } from "../../../src/models/gbdt/model.js";
import { gbdtParamsSchema } from "../../../src/models/gbdt/params.js";
import { InputError } from "../../../src/util/errors.js";
import { ctx1, regressionData } from "./helpers.js";

const lgb = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);

describe("GBDT model", () => {
  it("round-trips through JSON text: identical JSON and bit-identical predictions", async () => {
    const d = regressionData(1500, 5, 31);
    for (let i = 0; i < d.nRows; i += 5) d.X[i * 5 + 2] = NaN;
    for (let i = 0; i < d.nRows; i++) d.X[i * 5 + 4] = i % 9;
    for (const objective of ["regression", "binary"] as const) {
      const y = objective === "binary" ? d.y.map((v) => (v > 0 ? 1 : 0)) : d.y;
      const { model } = await trainGbdt("lightgbm", { ...d, y }, lgb.parse({ objective, n_estimators: 15, categorical_feature: ["f4"] }), ctx1);
      const text = JSON.stringify(model.toJSON());
      const back = GbdtModel.fromJSON(JSON.parse(text));
      expect(JSON.stringify(back.toJSON())).toBe(text);
      expect(Array.from(back.predict(d.X, d.nRows))).toEqual(Array.from(model.predict(d.X, d.nRows)));
      expect(back.importance("gain")).toEqual(model.importance("gain"));
    }
  });

  it("the column predictor re-walks only trees on the changed column and equals predict bit for bit", async () => {
    const d = regressionData(800, 6, 41);
    for (let i = 0; i < d.nRows; i += 7) d.X[i * 6 + 1] = NaN;
    for (let i = 0; i < d.nRows; i++) d.X[i * 6 + 5] = 0; // never split on
    const cases = [
      { objective: "regression", y: d.y },
      { objective: "binary", y: d.y.map((v) => (v > 0 ? 1 : 0)) },
      { objective: "multiclass", y: d.y.map((v) => (v > 0.5 ? 2 : v > -0.5 ? 1 : 0)), num_class: 3 },
    ] as const;
    for (const c of cases) {
      const extra = "num_class" in c ? { num_class: c.num_class } : {};
      const { model } = await trainGbdt("lightgbm", { ...d, y: c.y }, lgb.parse({ objective: c.objective, n_estimators: 12, num_leaves: 7, ...extra }), ctx1);
      const predictor = model.columnPredictor(d.X, d.nRows);
      expect(predictor).toBeDefined();
      for (const f of [0, 1, 3, 5]) {
        const Xc = Float32Array.from(d.X);
        for (let i = 0; i < d.nRows; i++) Xc[i * 6 + f] = d.X[((i * 37) % d.nRows) * 6 + f];
        expect(Array.from(predictor!(Xc, f))).toEqual(Array.from(model.predict(Xc, d.nRows)));
      }
      // unchanged rows: the cached trees alone give predict's numbers
      expect(Array.from(predictor!(d.X, 0))).toEqual(Array.from(model.predict(d.X, d.nRows)));
    }
  });

  it("rejects a damaged or foreign model JSON with the key at fault", () => {
    expect(() => GbdtModel.fromJSON({ format: "something-else" })).toThrow(InputError);
    expect(() => GbdtModel.fromJSON({ format: "foxml-gbdt", version: 99 })).toThrow(/version/);
  });

  it("rejects damaged trees", async () => {
    const d = regressionData(300, 3, 32);
    const { model } = await trainGbdt("lightgbm", d, lgb.parse({ n_estimators: 2 }), ctx1);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    json.trees[0].left[0] = 999;
    expect(() => GbdtModel.fromJSON(json)).toThrow(/trees.0 node 0 has invalid children/);
    const json2 = JSON.parse(JSON.stringify(model.toJSON()));
    json2.trees[1].value.pop();
    expect(() => GbdtModel.fromJSON(json2)).toThrow(/trees.1.value has/);
  });

  it("TreeSHAP contributions add up to the raw prediction, and an unused feature gets zero", async () => {
    const d = regressionData(1000, 5, 33);
    for (let i = 0; i < d.nRows; i++) d.X[i * 5 + 4] = 0; // constant: never split on
    const { model } = await trainGbdt("lightgbm", d, lgb.parse({ n_estimators: 20, num_leaves: 15 }), ctx1);
    const n = 50;
    const X = d.X.subarray(0, n * 5);
    const phi = model.contributions(X, n);
    const raw = model.predictRaw(X, n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j <= 5; j++) s += phi[r * 6 + j];
      expect(s).toBeCloseTo(raw[r], 9);
      expect(phi[r * 6 + 4]).toBe(0);
    }
    // the signal features carry the most attribution
    const meanAbs = [0, 1, 2, 3, 4].map((f) => Array.from({ length: n }, (_, r) => Math.abs(phi[r * 6 + f])).reduce((a, b) => a + b) / n);
    expect(meanAbs[0]).toBeGreaterThan(meanAbs[4]);
  });

  it("TreeSHAP equals brute-force Shapley values (cover-weighted expectations) on a small tree", async () => {
    const d = regressionData(400, 4, 34);
    const { model } = await trainGbdt("lightgbm", d, lgb.parse({ n_estimators: 1, num_leaves: 6, learning_rate: 1 }), ctx1);
    const t = model.trees[0];
    // E[f(x) | features in S fixed] by walking the tree, averaging unknown splits by cover.
    const cond = (node: number, x: Float32Array, S: Set<number>): number => {
      if (t.left[node] === -1) return t.value[node];
      const f = t.feature[node];
      if (S.has(f)) return cond(x[f] < t.threshold[node] ? t.left[node] : t.right[node], x, S);
      const l = t.left[node];
      const r = t.right[node];
      return (t.hess[l] * cond(l, x, S) + t.hess[r] * cond(r, x, S)) / (t.hess[l] + t.hess[r]);
    };
    const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
    const F = 4;
    for (let row = 0; row < 10; row++) {
      const x = d.X.slice(row * F, row * F + F);
      const phi = model.contributions(x, 1);
      for (let f = 0; f < F; f++) {
        let sh = 0;
        const others = [0, 1, 2, 3].filter((g) => g !== f);
        for (let mask = 0; mask < 1 << (F - 1); mask++) {
          const S = new Set(others.filter((_, i) => mask & (1 << i)));
          const w = (fact(S.size) * fact(F - S.size - 1)) / fact(F);
          sh += w * (cond(0, x, new Set([...S, f])) - cond(0, x, S));
        }
        expect(phi[f]).toBeCloseTo(sh, 10);
      }
    }
  });

  it("predict checks the input shape", async () => {
    const d = regressionData(200, 3, 35);
    const { model } = await trainGbdt("lightgbm", d, lgb.parse({ n_estimators: 2 }), ctx1);
    expect(() => model.predict(new Float32Array(5), 2)).toThrow(/X has 5 values, expected 2 rows x 3 features/);
    expect(() => model.importance("cover")).toThrow(/unknown importance kind/);
    expect(model.importance("split")).toHaveProperty("f0");
  });
});
