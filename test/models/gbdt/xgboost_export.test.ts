import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TabularData } from "../../../src/models/family.js";
import { trainGbdt } from "../../../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../../../src/models/gbdt/families.js";
import type { GbdtModel } from "../../../src/models/gbdt/model.js";
import { gbdtParamsSchema } from "../../../src/models/gbdt/params.js";
import { toXGBoostJson } from "../../../src/models/gbdt/xgboost_json.js";
import { binaryData, ctx1, regressionData } from "./helpers.js";

/** Debian's python3 (with python3-xgboost) first: a pyenv/venv python3 on PATH may lack xgboost. */
function findPythonWithXgboost(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import xgboost"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}
const python = findPythonWithXgboost();
const script = fileURLToPath(new URL("./xgb_predict.py", import.meta.url));

interface Case {
  model: GbdtModel;
  data: TabularData;
  pred?: Float64Array;
  contrib?: Float64Array;
}

function expectClose(a: Float64Array, b: Float64Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  expect(worst).toBeLessThan(tol);
}

// Runs wherever Debian's python3-xgboost is installed (CI installs it); skipped, not failed, on a
// machine without it, because the check needs the reference implementation itself.
describe.skipIf(python === null)("XGBoost JSON export, loaded by Python's xgboost (needs python3-xgboost)", () => {
  const lgb = gbdtParamsSchema(FAMILY_DEFAULTS.lightgbm);
  const cases: Record<string, Case> = {};
  const dir = mkdtempSync(join(tmpdir(), "foxml-xgb-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // All models are trained first and scored by one Python process (importing xgboost takes seconds).
  beforeAll(async () => {
    const reg = regressionData(2000, 5, 21);
    for (let i = 0; i < reg.nRows; i++) {
      if (i % 7 === 0) reg.X[i * 5 + 1] = NaN;
      reg.X[i * 5 + 4] = i % 6;
      reg.y[i] += [0, 2, 0, -1, 0, 1][i % 6];
    }
    cases.regression = {
      data: reg,
      model: (await trainGbdt("lightgbm", reg, lgb.parse({ n_estimators: 20, categorical_feature: ["f4"], max_cat_to_onehot: 2, min_data_per_group: 10, cat_smooth: 1 }), ctx1)).model,
    };
    const bin = binaryData(1500, 6, 22);
    cases.binary = { data: bin, model: (await trainGbdt("xgboost", bin, gbdtParamsSchema(FAMILY_DEFAULTS.xgboost).parse({ objective: "binary", n_estimators: 20 }), ctx1)).model };
    const d = regressionData(1500, 4, 23);
    const mc = { ...d, y: d.y.map((v) => (v < -0.5 ? 0 : v < 0.5 ? 1 : 2)) };
    cases.multiclass = { data: mc, model: (await trainGbdt("lightgbm", mc, lgb.parse({ objective: "multiclass", num_class: 3, n_estimators: 8 }), ctx1)).model };
    cases.forest = { data: d, model: (await trainGbdt("random_forest", d, gbdtParamsSchema(FAMILY_DEFAULTS.random_forest).parse({ n_estimators: 8 }), ctx1)).model };

    const jobs = Object.entries(cases).map(([name, c]) => {
      const model = join(dir, `${name}.json`);
      writeFileSync(model, toXGBoostJson(c.model));
      const x = join(dir, `${name}.f32`);
      writeFileSync(x, new Uint8Array(c.data.X.buffer, c.data.X.byteOffset, c.data.X.byteLength));
      const categorical = c.data.featureNames.map((_, f) => (c.model.info.categoricalFeatures.includes(f) ? "1" : "0")).join("");
      return { model, x, n_rows: c.data.nRows, n_features: c.data.nFeatures, categorical, out_pred: join(dir, `${name}.pred`), out_contrib: join(dir, `${name}.contrib`) };
    });
    const jobsPath = join(dir, "jobs.json");
    writeFileSync(jobsPath, JSON.stringify(jobs));
    execFileSync(python!, [script, jobsPath], { stdio: "pipe" });
    const read = (p: string) => {
      const b = readFileSync(p);
      return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8).slice();
    };
    Object.values(cases).forEach((c, i) => {
      c.pred = read(jobs[i].out_pred);
      c.contrib = read(jobs[i].out_contrib);
    });
  }, 120_000);

  it("regression with missing values and a categorical split: same predictions and SHAP values", () => {
    const c = cases.regression;
    expect(c.model.trees.some((t) => t.categories.some((x) => x !== null))).toBe(true);
    expectClose(c.pred!, c.model.predict(c.data.X, c.data.nRows), 2e-5);
    expectClose(c.contrib!, c.model.contributions(c.data.X, c.data.nRows), 2e-4);
  });

  it("binary probabilities (depth-wise xgboost family)", () => {
    const c = cases.binary;
    expectClose(c.pred!, c.model.predict(c.data.X, c.data.nRows), 2e-5);
    expectClose(c.contrib!, c.model.contributions(c.data.X, c.data.nRows), 2e-4);
  });

  it("multiclass softmax probabilities", () => {
    const c = cases.multiclass;
    expectClose(c.pred!, c.model.predict(c.data.X, c.data.nRows), 2e-5);
  });

  it("random forest: averaging folded into the leaves", () => {
    const c = cases.forest;
    expectClose(c.pred!, c.model.predict(c.data.X, c.data.nRows), 2e-5);
  });
});
