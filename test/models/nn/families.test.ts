import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import "../../../src/models/index.js";
import { familyNames, getFamily } from "../../../src/models/registry.js";
import { NN_FAMILIES } from "../../../src/models/nn/families.js";

const TABULAR = ["mlp", "vae", "tab_cnn", "tab_lstm", "tab_transformer"];
const SEQUENCE = ["cnn1d", "lstm", "gru", "transformer"];

describe("neural families: registration and configuration", () => {
  it("all nine register through src/models/index.ts with their kind and tasks", () => {
    for (const n of [...TABULAR, ...SEQUENCE]) expect(familyNames()).toContain(n);
    for (const n of TABULAR) expect(getFamily(n).kind).toBe("tabular");
    for (const n of SEQUENCE) expect(getFamily(n).kind).toBe("sequence");
    for (const f of NN_FAMILIES) expect([...f.tasks]).toEqual(["regression", "binary", "multiclass"]);
  });

  for (const name of [...TABULAR, ...SEQUENCE]) {
    it(`${name}: config/families/${name}.yaml and each variant validate against the family's schema`, () => {
      const doc = parse(readFileSync(new URL(`../../../config/families/${name}.yaml`, import.meta.url), "utf8"));
      expect(doc.family).toBe(name);
      expect(typeof doc.description).toBe("string");
      const fam = getFamily(name);
      fam.paramsSchema.parse(doc.hyperparameters);
      expect(Object.keys(doc.variants).sort()).toEqual(["aggressive", "balanced", "conservative"]);
      for (const v of Object.values(doc.variants)) fam.paramsSchema.parse({ ...doc.hyperparameters, ...(v as object) });
    });
  }

  it("defaults parse from an empty object (the config loader's base layer)", () => {
    for (const f of NN_FAMILIES) {
      const p = f.paramsSchema.parse({}) as { objective: string; batch_size: number };
      expect(p.objective).toBe("regression");
      expect(p.batch_size).toBe(256);
    }
    expect((getFamily("lstm").paramsSchema.parse({}) as { lookback: number }).lookback).toBe(32);
  });

  it("bad hyperparameters are errors naming the key", () => {
    const r1 = getFamily("mlp").paramsSchema.safeParse({ hidden_unit: [3] });
    expect(r1.success).toBe(false);
    expect(JSON.stringify(r1.error?.issues)).toMatch(/hidden_unit/);
    const r2 = getFamily("lstm").paramsSchema.safeParse({ learning_rate: -1 });
    expect(r2.error?.issues[0].path).toEqual(["learning_rate"]);
    const r3 = getFamily("transformer").paramsSchema.safeParse({ d_model: 30, num_heads: 4 });
    expect(r3.error?.issues[0].path).toEqual(["num_heads"]);
    expect(r3.error?.issues[0].message).toMatch(/multiple of num_heads/);
    const r4 = getFamily("mlp").paramsSchema.safeParse({ objective: "multiclass" });
    expect(r4.error?.issues[0].path).toEqual(["num_class"]);
    const r5 = getFamily("gru").paramsSchema.safeParse({ num_class: 3 });
    expect(r5.error?.issues[0].message).toMatch(/only for objective multiclass/);
  });
});
