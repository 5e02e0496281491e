import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseDocument, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { ConfigPathError } from "../../src/config/issues.js";
import { registerTestFamily, TEST_FAMILY, TEST_FAMILY_FILE, tempTree } from "./helpers.js";

beforeAll(registerTestFamily);

function project(files: Record<string, string>) {
  const root = tempTree({ [`config/families/${TEST_FAMILY}.yaml`]: TEST_FAMILY_FILE, ...files });
  return { configDir: join(root, "config"), cwd: root };
}

const EXP = `name: r\ntargets: [fwd_ret_5]\nfamilies:\n  - name: ${TEST_FAMILY}\n    variant: aggressive\n`;

describe("ResolvedConfig", () => {
  it("get: typed dotted access; families by index or name; unset optional keys are undefined", () => {
    const cfg = loadConfig(project({ "config/experiments/default.yaml": EXP }));
    const purge: number = cfg.get("pipeline.leakage.purge_buffer_bars");
    expect(purge).toBe(5);
    expect(cfg.get("targets.0")).toMatchObject({ name: "fwd_ret_5", definition: { kind: "forward_return", horizon: 5 } });
    expect(cfg.get(`families.${TEST_FAMILY}.hyperparameters.num_leaves`)).toBe(100);
    expect(cfg.get("pipeline.data.time_column")).toBeUndefined();
    expect(cfg.get("pipeline.leakage.auto_fix")).toEqual({ enabled: true, max_rounds: 3 });
  });

  it("get and sourceOf: a bad path is a ConfigPathError with the nearest key", () => {
    const cfg = loadConfig(project({ "config/experiments/default.yaml": EXP }));
    const bad = (p: string) => {
      try {
        cfg.get(p);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigPathError);
        return (e as ConfigPathError).message;
      }
      throw new Error("expected a ConfigPathError");
    };
    expect(bad("pipeline.leakage.purge_bufer_bars")).toBe("pipeline.leakage.purge_bufer_bars: unknown key (did you mean pipeline.leakage.purge_buffer_bars?)");
    expect(bad("pipeline.data.thresholds")).toMatch(/did you mean pipeline\.leakage\.thresholds\?/);
    expect(bad("families.lightgbmx.variant")).toMatch(/no family "lightgbmx"/);
    expect(bad(`families.0.hyperparameters.num_leafs`)).toBe("families.0.hyperparameters.num_leafs: unknown key (did you mean families.0.hyperparameters.num_leaves?)");
    expect(bad("targets.4")).toBe("targets.4: there are 1 targets; index 4 is out of range");
    expect(() => cfg.sourceOf("pipeline.nope")).toThrow(ConfigPathError);
  });

  it("hash: stable across key order and file layout, sensitive to any value", () => {
    const a = loadConfig(project({ "config/pipeline/a.yaml": "pipeline:\n  determinism: {seed: 1}\n  leakage: {embargo_bars: 3}\n" }));
    const b = loadConfig(project({ "config/pipeline/x.yaml": "pipeline:\n  leakage: {embargo_bars: 3}\n", "config/pipeline/y.yaml": "pipeline:\n  determinism: {seed: 1}\n" }));
    const c = loadConfig(project({ "config/pipeline/a.yaml": "pipeline:\n  determinism: {seed: 2}\n  leakage: {embargo_bars: 3}\n" }));
    expect(a.hash()).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash()).toBe(a.hash());
    expect(c.hash()).not.toBe(a.hash());
    expect(loadConfig(project({ "config/pipeline/a.yaml": "pipeline:\n  determinism: {seed: 1}\n  leakage: {embargo_bars: 3}\n" })).hash()).toBe(a.hash());
  });

  it("toYaml: the same value back, every leaf commented with its source", () => {
    const p = project({
      "config/pipeline/a.yaml": "pipeline:\n  leakage:\n    embargo_bars: 3\n",
      "config/experiments/default.yaml": EXP,
    });
    const cfg = loadConfig({ ...p, sets: ["pipeline.memory.budget_mb=512"] });
    const text = cfg.toYaml();
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(cfg.value)));
    expect(text).toContain("embargo_bars: 3 # from config/pipeline/a.yaml:3\n");
    expect(text).toContain("budget_mb: 512 # from --set\n");
    expect(text).toContain("purge_buffer_bars: 5 # from default\n");
    expect(text).toContain(`num_leaves: 100 # from family ${TEST_FAMILY} variant aggressive (config/families/${TEST_FAMILY}.yaml:12)\n`);
    expect(text).toContain("name: r # from experiment config/experiments/default.yaml:1\n");
    // Every scalar and every inline list carries a comment.
    const uncommented: string[] = [];
    const walk = (n: YamlNode | null, path: string) => {
      if (isMap(n)) for (const pair of n.items) isPair(pair) && isScalar(pair.key) && walk(pair.value as YamlNode, `${path}.${String(pair.key.value)}`);
      else if (isSeq(n) && !n.flow) n.items.forEach((i, k) => walk(i as YamlNode, `${path}.${k}`));
      else if (n && !n.comment) uncommented.push(path);
    };
    walk(parseDocument(text).contents as YamlNode, "");
    expect(uncommented).toEqual([]);
    expect(cfg.toYaml({ withSources: false })).not.toContain("#");
  });

  it("toYaml onlyOverrides: only what a file or --set set", () => {
    const cfg = loadConfig({ ...project({ "config/pipeline/a.yaml": "pipeline:\n  leakage:\n    embargo_bars: 3\n" }), experimentPath: null, sets: ["pipeline.determinism.seed=9"] });
    expect(parse(cfg.toYaml({ onlyOverrides: true }))).toEqual({ pipeline: { leakage: { embargo_bars: 3 }, determinism: { seed: 9 } } });
  });

  it("records the files it read", () => {
    const p = project({ "config/pipeline/a.yaml": "pipeline: {}\n", "config/experiments/default.yaml": EXP });
    const cfg = loadConfig(p);
    expect(cfg.files.map((f) => f.slice(p.configDir.length + 1)).sort()).toEqual(["experiments/default.yaml", `families/${TEST_FAMILY}.yaml`, "pipeline/a.yaml"]);
  });

  it("a missing config dir or experiment file is a ConfigError naming it", () => {
    const p = project({});
    expect(() => loadConfig({ ...p, configDir: join(p.cwd, "nope") })).toThrow(/nope: config directory not found/);
    expect(() => loadConfig({ ...p, experimentPath: "missing.yaml" })).toThrow(/missing\.yaml: file not found/);
  });
});
