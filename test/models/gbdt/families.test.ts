import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import { familyNames, getFamily } from "../../../src/models/registry.js";
import { regressionData, ctx1 } from "./helpers.js";

const NAMES = ["lightgbm", "xgboost", "quantile_lightgbm", "random_forest", "extra_trees"];

describe("GBDT families", () => {
  it("register themselves through src/models/index.ts", () => {
    for (const n of NAMES) expect(familyNames()).toContain(n);
    expect(getFamily("xgboost").kind).toBe("tabular");
  });

  for (const name of NAMES) {
    it(`${name}: config/families/${name}.yaml and every variant validate against the family's schema`, () => {
      const doc = parse(readFileSync(new URL(`../../../config/families/${name}.yaml`, import.meta.url), "utf8"));
      expect(doc.family).toBe(name);
      expect(typeof doc.description).toBe("string");
      const fam = getFamily(name);
      const base = fam.paramsSchema.parse(doc.hyperparameters);
      expect(Object.keys(doc.variants).sort()).toEqual(["aggressive", "balanced", "conservative"]);
      for (const v of Object.values(doc.variants)) fam.paramsSchema.parse({ ...doc.hyperparameters, ...(v as object) });
      expect(base).toBeTruthy();
    });
  }

  it("defaults differ where the families differ", () => {
    const lgb = getFamily("lightgbm").paramsSchema.parse({});
    const xgb = getFamily("xgboost").paramsSchema.parse({});
    expect(lgb.grow_policy).toBe("leafwise");
    expect(xgb.grow_policy).toBe("depthwise");
    expect(xgb.max_depth).toBe(6);
    expect(getFamily("random_forest").paramsSchema.parse({}).boosting).toBe("rf");
    expect(getFamily("extra_trees").paramsSchema.parse({}).extra_trees).toBe(true);
  });

  it("unknown or out-of-range hyperparameters are errors naming the key", () => {
    const r = getFamily("lightgbm").paramsSchema.safeParse({ num_leaf: 3 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("num_leaf");
    const r2 = getFamily("lightgbm").paramsSchema.safeParse({ feature_fraction: 1.5 });
    expect(r2.success).toBe(false);
    expect(r2.error?.issues[0].path).toEqual(["feature_fraction"]);
  });

  it("fit through the Family interface and load back through the same family only", async () => {
    const fam = getFamily("xgboost");
    const d = regressionData(500, 4, 1);
    const model = await fam.fit(d, fam.paramsSchema.parse({ n_estimators: 5 }), ctx1);
    const back = fam.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.predict(d.X, d.nRows))).toEqual(Array.from(model.predict(d.X, d.nRows)));
    expect(() => getFamily("lightgbm").load(model.toJSON())).toThrow(/"xgboost" model, not "lightgbm"/);
  });
});
