import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { z } from "zod";
import { deepPartial } from "../../src/config/deep-partial.js";
import { ConfigError } from "../../src/config/issues.js";
import { loadConfig } from "../../src/config/load.js";
import { experimentFileSchema, partialPipelineSchema, pipelineFileSchema } from "../../src/config/schema/experiment.js";
import { pipelineSchema } from "../../src/config/schema/pipeline.js";
import { resolvedConfigSchema } from "../../src/config/schema/resolved.js";
import { allKeyPaths, defOf, isStrictObject, schemaAt, shapeOf, type AnySchema } from "../../src/config/schema-walk.js";
import { tempTree } from "./helpers.js";

/** Every object node in a schema tree, with its path. */
function objectNodes(root: AnySchema): { path: string; schema: AnySchema }[] {
  const out: { path: string; schema: AnySchema }[] = [];
  const walk = (s: AnySchema, path: string, depth: number) => {
    if (depth > 20) return;
    const def = defOf(s);
    if (["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"].includes(def.type)) return walk(def.innerType, path, depth + 1);
    if (def.type === "pipe") return walk(def.in, path, depth + 1);
    if (def.type === "object") {
      out.push({ path, schema: s });
      for (const [k, v] of Object.entries(def.shape as Record<string, AnySchema>)) walk(v, `${path}.${k}`, depth + 1);
    } else if (def.type === "array") walk(def.element, `${path}.*`, depth + 1);
    else if (def.type === "union") (def.options as AnySchema[]).forEach((o) => walk(o, path, depth + 1));
  };
  walk(root, "", 0);
  return out;
}

describe("schemas", () => {
  it.each([
    ["pipeline", pipelineSchema],
    ["partial pipeline", partialPipelineSchema],
    ["experiment file", experimentFileSchema],
    ["pipeline file", pipelineFileSchema],
    ["resolved", resolvedConfigSchema],
  ])("every mapping in the %s schema rejects unknown keys", (_name, schema) => {
    const nodes = objectNodes(schema);
    expect(nodes.length).toBeGreaterThan(10);
    expect(nodes.filter((n) => !isStrictObject(n.schema)).map((n) => n.path)).toEqual([]);
  });

  it("the built-in defaults are complete and valid", () => {
    const d = resolvedConfigSchema.parse({});
    expect(d.pipeline.leakage.purge_buffer_bars).toBe(5);
    expect(d.pipeline.leakage.thresholds.scores.auc).toEqual({ suspicious: 0.6, implausible: 0.75 });
    expect(d.pipeline.threading.threads).toBe("auto");
    expect(d.targets).toEqual([]);
  });

  it("leakage score bands: implausible must exceed suspicious", () => {
    const r = pipelineSchema.safeParse({ leakage: { thresholds: { scores: { r2: { suspicious: 0.3, implausible: 0.2 } } } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["leakage", "thresholds", "scores", "r2", "implausible"]);
  });

  it("deepPartial: any subset accepted, no defaults filled, leaf checks kept, unknown keys rejected", () => {
    const s = z.strictObject({ a: z.number().int().min(1).default(3), b: z.strictObject({ c: z.enum(["x", "y"]).default("x"), d: z.string().optional() }).prefault({}) });
    const p = deepPartial(s);
    expect(p.parse({})).toEqual({});
    expect(deepPartial(z.strictObject({ e: z.string(), f: z.strictObject({ g: z.number() }) })).parse({ f: {} })).toEqual({ f: {} });
    expect(p.parse({ b: {} })).toEqual({ b: {} });
    expect(p.parse({ b: { d: "q" } })).toEqual({ b: { d: "q" } });
    expect(p.safeParse({ a: 0 }).success).toBe(false);
    expect(p.safeParse({ a: 1.5 }).success).toBe(false);
    expect(p.safeParse({ b: { c: "z" } }).success).toBe(false);
    expect(p.safeParse({ b: { e: 1 } }).success).toBe(false);
    // Defaults stay visible for editors.
    const json = z.toJSONSchema(p, { io: "input" }) as any;
    expect(json.properties.a.default).toBe(3);
  });

  it("schemaAt walks objects, lists and unions", () => {
    expect(schemaAt(resolvedConfigSchema, ["pipeline", "leakage", "auto_fix", "max_rounds"])).toBeDefined();
    expect(schemaAt(resolvedConfigSchema, ["targets", 0, "name"])).toBeDefined();
    expect(schemaAt(resolvedConfigSchema, ["pipeline", "leakage", "nope"])).toBeUndefined();
    expect(shapeOf(schemaAt(resolvedConfigSchema, ["pipeline", "leakage"])!)).toHaveProperty("thresholds");
  });
});

describe("property: any block moved under a wrong parent is an error that names its right place", () => {
  // Blocks (mappings) whose key name is unique in the pipeline tree, and every mapping they could be misplaced under.
  // List items ("*") are not blocks a user could indent under a wrong parent.
  const paths = allKeyPaths(pipelineSchema)
    .filter((p) => !p.includes("*"))
    .map((p) => ["pipeline", ...p]);
  const isBlock = (p: string[]) => shapeOf(schemaAt(pipelineFileSchema, p)!) !== undefined;
  const nameCount = new Map<string, number>();
  for (const p of paths) nameCount.set(p[p.length - 1], (nameCount.get(p[p.length - 1]) ?? 0) + 1);
  const defaults = resolvedConfigSchema.parse({});
  // Blocks of a union member other than the default one (e.g. the cascade strategy's) have no default value to move.
  const hasDefault = (p: string[]) => typeof p.reduce((v: any, k) => v?.[k], defaults) === "object";
  const blocks = paths.filter((p) => isBlock(p) && nameCount.get(p[p.length - 1]) === 1 && hasDefault(p));
  const parents = [["pipeline"], ...paths.filter((p) => isBlock(p) && hasDefault(p))];

  it("holds for every (block, wrong parent) pair drawn", () => {
    expect(blocks.map((b) => b.join("."))).toContain("pipeline.leakage.thresholds");
    fc.assert(
      fc.property(fc.constantFrom(...blocks), fc.constantFrom(...parents), (block, parent) => {
        const name = block[block.length - 1];
        const correctParent = block.slice(0, -1).join(".");
        fc.pre(parent.join(".") !== correctParent && !parent.join(".").startsWith(block.join(".")));
        const value = block.reduce((v: any, k) => v[k], defaults);
        expect(value).toBeTypeOf("object");
        const doc: any = {};
        let cur = doc;
        for (const seg of parent) cur = cur[seg] = {};
        cur[name] = value;
        const text = stringify(doc);
        const file = `pipeline/p${Math.random().toString(36).slice(2)}.yaml`;
        const dir = tempTree({ [`config/${file}`]: text });
        try {
          loadConfig({ configDir: join(dir, "config"), experimentPath: null, cwd: dir });
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          const issues = (e as ConfigError).issues;
          expect(issues).toHaveLength(1);
          const line = text.split("\n").findIndex((l) => l.trimStart().startsWith(`${name}:`)) + 1;
          expect(issues[0]).toMatchObject({ file: `config/${file}`, line, path: [...parent, name].join(".") });
          expect(issues[0].suggestion).toBe(`did you mean ${block.join(".")}? this block appears to be indented under the wrong parent`);
          return;
        }
        throw new Error(`a misplaced block was accepted:\n${text}`);
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });
});
