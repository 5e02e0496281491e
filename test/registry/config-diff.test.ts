import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffConfigs } from "../../src/registry/config-diff.js";

describe("diffConfigs", () => {
  it("lists changed leaves by key path, sorted, with each config's JSON value", () => {
    const a = { pipeline: { seed: 7, leakage: { purge: 5, embargo: 2 } }, name: "x" };
    const b = { pipeline: { seed: 8, leakage: { purge: 5, embargo: 3 } }, name: "x" };
    expect(diffConfigs([a, b])).toEqual([
      { path: "pipeline.leakage.embargo", values: ["2", "3"] },
      { path: "pipeline.seed", values: ["7", "8"] },
    ]);
  });

  it("reports a key missing from one config as absent (null), once for a whole missing section", () => {
    const a = { pipeline: { seed: 7 } };
    const b = { pipeline: { seed: 7, extra: { x: 1, y: [1, 2] } }, top: null };
    expect(diffConfigs([a, b])).toEqual([
      { path: "pipeline.extra", values: [null, '{"x":1,"y":[1,2]}'] },
      { path: "top", values: [null, "null"] },
    ]);
  });

  it("compares lists of named items item by item: targets and families", () => {
    const a = {
      targets: [
        { name: "fwd_ret_5", definition: { horizon: 5 } },
        { name: "fwd_ret_20", definition: { horizon: 20 } },
      ],
      families: [],
    };
    const b = {
      targets: [
        { name: "fwd_ret_20", definition: { horizon: 20, vol_scaled: true } },
        { name: "fwd_ret_5", definition: { horizon: 5 } },
      ],
      families: [{ name: "gbdt", variant: "balanced" }],
    };
    expect(diffConfigs([a, b])).toEqual([
      { path: "families[gbdt]", values: [null, '{"name":"gbdt","variant":"balanced"}'] },
      { path: "targets[fwd_ret_20].definition.vol_scaled", values: [null, "true"] },
    ]);
  });

  it("treats other arrays as one value (order matters)", () => {
    expect(diffConfigs([{ symbols: ["A", "B"] }, { symbols: ["B", "A"] }])).toEqual([{ path: "symbols", values: ['["A","B"]', '["B","A"]'] }]);
    expect(diffConfigs([{ s: [{ a: 1 }] }, { s: [{ a: 2 }] }])).toEqual([{ path: "s", values: ['[{"a":1}]', '[{"a":2}]'] }]);
  });

  it("quotes keys that are not identifiers, and reports a type change at its key", () => {
    expect(diffConfigs([{ a: { "x.y": 1 } }, { a: { "x.y": 2 } }])).toEqual([{ path: 'a["x.y"]', values: ["1", "2"] }]);
    expect(diffConfigs([{ a: { b: 1 } }, { a: [1] }])).toEqual([{ path: "a", values: ['{"b":1}', "[1]"] }]);
  });

  it("handles three or more configs: a path differs when any config differs", () => {
    const out = diffConfigs([{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 1, b: 1 }]);
    expect(out).toEqual([{ path: "b", values: ["1", "2", "1"] }]);
  });

  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.integer(), fc.boolean(), fc.constantFrom("a", "b"), fc.constant(null), tie("object"), fc.array(fc.integer(), { maxLength: 3 })),
    object: fc.dictionary(fc.constantFrom("x", "y", "z", "w"), tie("value"), { maxKeys: 4 }),
  })).object;

  it("property: no differences between a config and itself or a key-reordered copy", () => {
    fc.assert(
      fc.property(json, (c) => {
        expect(diffConfigs([c, structuredClone(c)])).toEqual([]);
        expect(diffConfigs([c, reverseKeys(c)])).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("property: the diff is empty exactly when the configs are equal, and swapping them swaps the values", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const ab = diffConfigs([a, b]);
        const ba = diffConfigs([b, a]);
        expect(ab.length === 0).toBe(JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b)));
        expect(ba).toEqual(ab.map((d) => ({ path: d.path, values: [d.values[1], d.values[0]] })));
      }),
      { numRuns: 300 },
    );
  });
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reverseKeys((v as Record<string, unknown>)[k])]));
  return v;
}
