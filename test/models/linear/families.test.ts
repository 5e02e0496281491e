import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import { familyNames, getFamily } from "../../../src/models/registry.js";
import { ctx, linearData } from "./helpers.js";

const NAMES = ["ridge", "lasso", "elastic_net", "logistic"];

describe("linear families", () => {
  it("register themselves through src/models/index.ts with their tasks", () => {
    for (const n of NAMES) expect(familyNames()).toContain(n);
    expect(getFamily("ridge").tasks).toEqual(["regression"]);
    expect(getFamily("logistic").tasks).toEqual(["binary", "multiclass"]);
    expect(getFamily("lasso").kind).toBe("tabular");
  });

  for (const name of NAMES) {
    it(`${name}: config/families/${name}.yaml and every variant validate against the family's schema`, () => {
      const doc = parse(readFileSync(new URL(`../../../config/families/${name}.yaml`, import.meta.url), "utf8"));
      expect(doc.family).toBe(name);
      expect(typeof doc.description).toBe("string");
      const fam = getFamily(name);
      expect(Object.keys(doc.variants).sort()).toEqual(["aggressive", "balanced", "conservative"]);
      fam.paramsSchema.parse(doc.hyperparameters);
      for (const v of Object.values(doc.variants)) fam.paramsSchema.parse({ ...doc.hyperparameters, ...(v as object) });
    });
  }

  it("defaults: lambda auto on a path, standardized, intercept, missing indicators, no winsorizing", () => {
    const d = getFamily("lasso").paramsSchema.parse({});
    expect(d).toMatchObject({ lambda: "auto", n_lambda: 100, standardize: true, fit_intercept: true, missing_indicator: true, winsorize: 0, selection_metric: "mse" });
    expect(getFamily("elastic_net").paramsSchema.parse({}).l1_ratio).toBe(0.5);
    expect(getFamily("logistic").paramsSchema.parse({})).toMatchObject({ penalty: "l2", solver: "auto", selection_metric: "logloss" });
  });

  it("invalid hyperparameters are errors naming the key", () => {
    const bad = (name: string, p: object, key: string, msg: RegExp) => {
      const r = getFamily(name).paramsSchema.safeParse(p);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0].path).toEqual([key]);
      expect(r.error!.issues[0].message).toMatch(msg);
    };
    const unknown = getFamily("lasso").paramsSchema.safeParse({ lamda: 1 });
    expect(JSON.stringify(unknown.error?.issues)).toContain("lamda");
    bad("lasso", { lambda: -1 }, "lambda", /./);
    bad("lasso", { winsorize: 0.5 }, "winsorize", /./);
    bad("elastic_net", { l1_ratio: 0 }, "l1_ratio", /./);
    bad("lasso", { selection_metric: "logloss" }, "selection_metric", /./);
    bad("logistic", { l1_ratio: 0.3 }, "l1_ratio", /only for penalty elasticnet/);
    bad("logistic", { penalty: "l1", solver: "lbfgs" }, "solver", /needs penalty l2/);
    bad("logistic", { num_class: 3, selection_metric: "auc" }, "selection_metric", /binary/);
  });

  it("fit through the registry: a Family like any other", async () => {
    const fam = getFamily("elastic_net");
    const { data } = linearData(200, [1, 0, -1], { seed: 61 });
    const m = await fam.fit(data, fam.paramsSchema.parse({ lambda: 0.01 }), ctx);
    expect(m.family).toBe("elastic_net");
    expect(Object.keys(m.importance!())).toEqual(["f0", "f1", "f2"]);
    const back = fam.load(JSON.parse(JSON.stringify(m.toJSON())));
    expect(Array.from(back.predict(data.X, 200))).toEqual(Array.from(m.predict(data.X, 200)));
  });
});
