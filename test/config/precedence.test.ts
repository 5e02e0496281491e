import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { registerTestFamily, TEST_FAMILY, TEST_FAMILY_FILE, tempTree } from "./helpers.js";

beforeAll(registerTestFamily);

const PIPELINE = "pipeline:\n  leakage:\n    purge_buffer_bars: 7\n    embargo_bars: 8\n  determinism:\n    seed: 1\n";
const EXPERIMENT = [
  "name: prec",
  "pipeline:",
  "  leakage:",
  "    embargo_bars: 9",
  "  determinism:",
  "    seed: 2",
  "families:",
  `  - name: ${TEST_FAMILY}`,
  "    variant: balanced",
  "    hyperparameters:",
  "      learning_rate: 0.25",
  "",
].join("\n");

function project(files: { pipeline?: string; experiment?: string; family?: string }) {
  const tree: Record<string, string> = {};
  if (files.pipeline) tree["config/pipeline/main.yaml"] = files.pipeline;
  if (files.experiment) tree["config/experiments/default.yaml"] = files.experiment;
  tree[`config/families/${TEST_FAMILY}.yaml`] = files.family ?? TEST_FAMILY_FILE;
  const root = tempTree(tree);
  return { configDir: join(root, "config"), cwd: root };
}

describe("precedence: defaults < pipeline files < family variant < experiment < --set", () => {
  it("one key through every layer: each higher layer wins and is named as the source", () => {
    const key = "pipeline.leakage.purge_buffer_bars" as const;
    const steps: [Parameters<typeof project>[0], string[], number, string][] = [
      [{}, [], 5, "default"],
      [{ pipeline: PIPELINE }, [], 7, "config/pipeline/main.yaml:3"],
      [{ pipeline: PIPELINE, experiment: "pipeline:\n  leakage:\n    purge_buffer_bars: 11\n" }, [], 11, "experiment config/experiments/default.yaml:3"],
      [{ pipeline: PIPELINE, experiment: "pipeline:\n  leakage:\n    purge_buffer_bars: 11\n" }, [`${key}=13`], 13, "--set"],
    ];
    for (const [files, sets, value, source] of steps) {
      const cfg = loadConfig({ ...project(files), sets });
      expect(cfg.get(key)).toBe(value);
      expect(cfg.sourceOf(key)).toBe(source);
    }
  });

  it("a full stack: every layer contributes what it sets and nothing else", () => {
    const cfg = loadConfig({ ...project({ pipeline: PIPELINE, experiment: EXPERIMENT }), sets: ["pipeline.determinism.seed=3", `families.${TEST_FAMILY}.hyperparameters.num_leaves=60`] });
    // pipeline file over default
    expect(cfg.get("pipeline.leakage.purge_buffer_bars")).toBe(7);
    // experiment over pipeline file
    expect(cfg.get("pipeline.leakage.embargo_bars")).toBe(9);
    expect(cfg.sourceOf("pipeline.leakage.embargo_bars")).toBe("experiment config/experiments/default.yaml:4");
    // --set over experiment
    expect(cfg.get("pipeline.determinism.seed")).toBe(3);
    expect(cfg.sourceOf("pipeline.determinism.seed")).toBe("--set");
    // untouched: default
    expect(cfg.get("pipeline.leakage.auto_fix.max_rounds")).toBe(3);
    expect(cfg.sourceOf("pipeline.leakage.auto_fix.max_rounds")).toBe("default");

    const hp = cfg.value.families[0].hyperparameters;
    expect(hp).toEqual({ learning_rate: 0.25, num_leaves: 60, objective: "regression", regularization: { l1: 0, l2: 0 }, min_leaf: 20, max_leaf: 1000 });
    expect(cfg.sourceOf(`families.${TEST_FAMILY}.hyperparameters.learning_rate`)).toBe("experiment config/experiments/default.yaml:11");
    expect(cfg.sourceOf("families.0.hyperparameters.num_leaves")).toBe("--set");
    expect(cfg.sourceOf("families.0.hyperparameters.objective")).toBe(`default (family ${TEST_FAMILY})`);
  });

  it("family defaults < family file hyperparameters < variant < experiment", () => {
    const exp = (variant: string, hp = "") => `families:\n  - name: ${TEST_FAMILY}\n    variant: ${variant}\n${hp}`;
    const hpOf = (variant: string, hp?: string) => loadConfig(project({ experiment: exp(variant, hp) }));

    const balanced = hpOf("balanced");
    expect(balanced.get("families.0.hyperparameters.learning_rate")).toBe(0.2); // family file
    expect(balanced.sourceOf("families.0.hyperparameters.learning_rate")).toBe(`family ${TEST_FAMILY} (config/families/${TEST_FAMILY}.yaml:4)`);
    expect(balanced.get("families.0.hyperparameters.num_leaves")).toBe(50); // variant over family file (40)
    expect(balanced.sourceOf("families.0.hyperparameters.num_leaves")).toBe(`family ${TEST_FAMILY} variant balanced (config/families/${TEST_FAMILY}.yaml:10)`);
    expect(balanced.get("families.0.hyperparameters.min_leaf")).toBe(20); // schema default

    const conservative = hpOf("conservative");
    expect(conservative.get("families.0.hyperparameters.learning_rate")).toBe(0.05);
    expect(conservative.get("families.0.hyperparameters.num_leaves")).toBe(40);

    const aggressive = hpOf("aggressive", "    hyperparameters:\n      num_leaves: 70\n");
    expect(aggressive.get("families.0.hyperparameters.num_leaves")).toBe(70); // experiment over variant (100)
    expect(aggressive.get("families.0.hyperparameters.learning_rate")).toBe(0.3);
  });

  it("the variant defaults to balanced and can be switched with --set", () => {
    const p = project({ experiment: `families:\n  - name: ${TEST_FAMILY}\n` });
    expect(loadConfig(p).get("families.0.variant")).toBe("balanced");
    const cfg = loadConfig({ ...p, sets: [`families.${TEST_FAMILY}.variant=aggressive`] });
    expect(cfg.get("families.0.variant")).toBe("aggressive");
    expect(cfg.get("families.0.hyperparameters.num_leaves")).toBe(100);
    expect(cfg.sourceOf("families.0.variant")).toBe("--set");
  });

  it("the same family twice with different variants", () => {
    const cfg = loadConfig(project({ experiment: `families:\n  - {name: ${TEST_FAMILY}, variant: conservative}\n  - {name: ${TEST_FAMILY}, variant: aggressive}\n` }));
    expect(cfg.value.families.map((f) => [f.variant, f.hyperparameters.learning_rate])).toEqual([
      ["conservative", 0.05],
      ["aggressive", 0.3],
    ]);
  });

  it("mappings merge key by key, lists replace whole", () => {
    const cfg = loadConfig(
      project({
        pipeline: "pipeline:\n  leakage:\n    exclusions:\n      patterns: [a_*, b_*]\n      columns: [x]\n",
        experiment: "pipeline:\n  leakage:\n    exclusions:\n      patterns: [c_*]\n",
      }),
    );
    expect(cfg.get("pipeline.leakage.exclusions.patterns")).toEqual(["c_*"]);
    expect(cfg.get("pipeline.leakage.exclusions.columns")).toEqual(["x"]);
  });

  it("experiment data: overrides pipeline.data", () => {
    const cfg = loadConfig(project({ pipeline: "pipeline:\n  data:\n    min_bars: 10\n    alignment: intersection\n", experiment: "data:\n  min_bars: 30\n" }));
    expect(cfg.get("pipeline.data.min_bars")).toBe(30);
    expect(cfg.sourceOf("pipeline.data.min_bars")).toBe("experiment config/experiments/default.yaml:2");
    expect(cfg.get("pipeline.data.alignment")).toBe("intersection");
  });

  it("the experiment name defaults to the file name; targets are normalized", () => {
    const p = project({});
    const exp = join(p.cwd, "my-exp.yaml");
    writeFileSync(exp, "targets:\n  - fwd_ret_5\n  - tb_10_2_1\n  - {kind: forward_return, name: mkt_20, horizon: 20, relative_to: market}\n");
    const cfg = loadConfig({ ...p, experimentPath: exp });
    expect(cfg.get("experiment.name")).toBe("my-exp");
    expect(cfg.value.targets.map((t) => [t.name, t.definition.kind, t.definition.horizon])).toEqual([
      ["fwd_ret_5", "forward_return", 5],
      ["tb_10_2_1", "triple_barrier", 10],
      ["mkt_20", "forward_return", 20],
    ]);
    expect(cfg.value.targets[2].definition).toMatchObject({ relative_to: "market", returns: "simple", vol_window: 20 });
  });
});

describe("relative data paths", () => {
  it("built-in default: inside the foxml package; config dir file: the project; --set: the working directory", () => {
    const p = project({});
    const def = loadConfig(p).get("pipeline.data.path");
    expect(def).toBe(join(import.meta.dirname, "..", "..", "datasets", "dowjones30", "dowjones30_daily_close_1990-2001.csv"));

    const p2 = project({ pipeline: "pipeline:\n  data:\n    path: data/bars.csv\n" });
    expect(loadConfig(p2).get("pipeline.data.path")).toBe(join(p2.cwd, "data", "bars.csv"));

    const elsewhere = join(p2.cwd, "sub");
    expect(loadConfig({ ...p2, cwd: elsewhere, sets: ["pipeline.data.path=x.csv"] }).get("pipeline.data.path")).toBe(join(elsewhere, "x.csv"));
  });
});
