import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError, formatIssue, type ConfigIssue } from "../../src/config/issues.js";
import { validateConfigDir } from "../../src/config/validate.js";
import { defaultConfigDir, BUNDLED_CONFIG_DIR } from "../../src/config/config-dir.js";
import { registerTestFamily, TEST_FAMILY, TEST_FAMILY_FILE, tempTree } from "./helpers.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "config");

beforeAll(registerTestFamily);

/** Resolves and returns the issues of the ConfigError it must throw. */
function issuesOf(opts: Parameters<typeof loadConfig>[0]): ConfigIssue[] {
  try {
    loadConfig(opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

function pipelineDir(yaml: string, name = "leakage.yaml") {
  return tempTree({ [`config/pipeline/${name}`]: yaml });
}

describe("misplaced leakage thresholds (silently ignored in the engine this re-imagines)", () => {
  it("thresholds under pipeline.data: file, line, key path and the correct parent", () => {
    const cwd = join(FIXTURES, "misplaced-thresholds", "under-data");
    const issues = issuesOf({ configDir: join(cwd, "pipeline", ".."), experimentPath: null, cwd });
    expect(issues).toHaveLength(1);
    const [i] = issues;
    expect(i).toMatchObject({ file: "pipeline/leakage.yaml", line: 6, col: 5, path: "pipeline.data.thresholds", message: "unknown key" });
    expect(i.suggestion).toBe("did you mean pipeline.leakage.thresholds? this block appears to be indented under the wrong parent");
    expect(formatIssue(i)).toBe(
      "pipeline/leakage.yaml:6:5 pipeline.data.thresholds: unknown key (did you mean pipeline.leakage.thresholds? this block appears to be indented under the wrong parent)",
    );
  });

  it("thresholds indented under a sibling (pipeline.leakage.sentinels)", () => {
    const cwd = join(FIXTURES, "misplaced-thresholds", "under-sibling");
    const [i, ...rest] = issuesOf({ configDir: cwd, experimentPath: null, cwd });
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ file: "pipeline/leakage.yaml", line: 7, path: "pipeline.leakage.sentinels.thresholds" });
    expect(i.suggestion).toMatch(/^did you mean pipeline\.leakage\.thresholds\? .*wrong parent/);
  });

  it("thresholds directly under pipeline, and in an experiment's pipeline overrides", () => {
    const root = tempTree({
      "config/pipeline/a.yaml": "pipeline:\n  thresholds:\n    target_correlation: 0.9\n",
      "exp.yaml": "name: e\npipeline:\n  data:\n    thresholds:\n      scores:\n        ic: {suspicious: 0.2, implausible: 0.4}\n",
    });
    const issues = issuesOf({ configDir: join(root, "config"), experimentPath: join(root, "exp.yaml"), cwd: root });
    expect(issues.map((i) => [i.file, i.line, i.path, i.suggestion?.split("?")[0]])).toEqual([
      ["config/pipeline/a.yaml", 2, "pipeline.thresholds", "did you mean pipeline.leakage.thresholds"],
      ["exp.yaml", 4, "pipeline.data.thresholds", "did you mean pipeline.leakage.thresholds"],
    ]);
  });

  it("thresholds whose keys lost their indentation: an empty block plus keys under the wrong parent", () => {
    const root = pipelineDir("pipeline:\n  leakage:\n    thresholds:\n    target_correlation: 0.9\n");
    const issues = issuesOf({ configDir: join(root, "config"), experimentPath: null, cwd: root });
    expect(issues.map(formatIssue)).toEqual([
      "config/pipeline/leakage.yaml:3:5 pipeline.leakage.thresholds: empty value: expected a mapping (are the keys below it indented under it?)",
      "config/pipeline/leakage.yaml:4:5 pipeline.leakage.target_correlation: unknown key (did you mean pipeline.leakage.thresholds.target_correlation? this key appears to be under the wrong parent)",
    ]);
  });

  it("the same thresholds at the right place resolve and are used", () => {
    const root = pipelineDir("pipeline:\n  leakage:\n    thresholds:\n      target_correlation: 0.9\n");
    const cfg = loadConfig({ configDir: join(root, "config"), experimentPath: null, cwd: root });
    expect(cfg.get("pipeline.leakage.thresholds.target_correlation")).toBe(0.9);
    expect(cfg.sourceOf("pipeline.leakage.thresholds.target_correlation")).toBe("config/pipeline/leakage.yaml:4");
  });
});

describe("located errors", () => {
  const load = (yaml: string, name?: string) => {
    const root = pipelineDir(yaml, name);
    return issuesOf({ configDir: join(root, "config"), experimentPath: null, cwd: root }).map(formatIssue);
  };

  it("unknown key: nearest sibling suggested", () => {
    expect(load("pipeline:\n  leakage:\n    purge_bufer_bars: 3\n")).toEqual([
      "config/pipeline/leakage.yaml:3:5 pipeline.leakage.purge_bufer_bars: unknown key (did you mean pipeline.leakage.purge_buffer_bars?)",
    ]);
  });

  it("unknown key with no likely meaning lists the valid keys", () => {
    const [msg] = load("pipeline:\n  determinism:\n    zzz: 1\n");
    expect(msg).toBe("config/pipeline/leakage.yaml:3:5 pipeline.determinism.zzz: unknown key; valid keys here: seed");
  });

  it("wrong type", () => {
    expect(load("pipeline:\n  leakage:\n    auto_fix:\n      enabled: maybe\n")).toEqual([
      'config/pipeline/leakage.yaml:4:7 pipeline.leakage.auto_fix.enabled: expected true or false, got string "maybe"',
    ]);
  });

  it("out of range, and an integer required", () => {
    expect(load("pipeline:\n  leakage:\n    embargo_bars: -1\n    auto_fix:\n      max_rounds: 1.5\n")).toEqual([
      "config/pipeline/leakage.yaml:3:5 pipeline.leakage.embargo_bars: out of range: must be >= 0, got -1",
      "config/pipeline/leakage.yaml:5:7 pipeline.leakage.auto_fix.max_rounds: expected an integer, got 1.5",
    ]);
  });

  it("enum value: the allowed values and the nearest one", () => {
    expect(load("pipeline:\n  logging:\n    level: warning\n")).toEqual([
      'config/pipeline/leakage.yaml:3:5 pipeline.logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got string "warning" (did you mean "warn"?)',
    ]);
  });

  it("YAML syntax error names file:line:col", () => {
    const [msg, ...rest] = load("pipeline:\n  runs:\n    dir: [a\n  logging: {}\n");
    expect(rest).toEqual([]);
    expect(msg).toMatch(/^config\/pipeline\/leakage\.yaml:4:\d+: YAML syntax error: /);
  });

  it("a duplicated key is a YAML error, not a silent last-wins", () => {
    const [msg] = load("pipeline:\n  determinism:\n    seed: 1\n    seed: 2\n");
    expect(msg).toMatch(/^config\/pipeline\/leakage\.yaml:4:5: YAML syntax error: Map keys must be unique/);
  });

  it("every error in a file is reported, not just the first", () => {
    const msgs = load(
      [
        "pipeline:",
        "  data:",
        "    thresholds: {target_correlation: 0.9}",
        "  leakage:",
        "    purge_bufer_bars: 3",
        "    embargo_bars: -1",
        "    sentinels:",
        "      shuffle_repeats: many",
        "  threading:",
        "    threads: 0",
        "",
      ].join("\n"),
    );
    expect(msgs.map((m) => m.split(" ")[0])).toEqual([
      "config/pipeline/leakage.yaml:3:5",
      "config/pipeline/leakage.yaml:5:5",
      "config/pipeline/leakage.yaml:6:5",
      "config/pipeline/leakage.yaml:8:7",
      "config/pipeline/leakage.yaml:10:5",
    ]);
  });

  it("a top level that is not a mapping", () => {
    expect(load("- a\n- b\n")).toEqual(["config/pipeline/leakage.yaml:1:1: the top level of a config file must be a mapping (key: value lines)"]);
  });

  it("a key set in two pipeline files is an error naming both", () => {
    const root = tempTree({
      "config/pipeline/a.yaml": "pipeline:\n  determinism:\n    seed: 1\n",
      "config/pipeline/b.yaml": "pipeline:\n  memory:\n    budget_mb: 512\n  determinism:\n    seed: 2\n",
    });
    expect(issuesOf({ configDir: join(root, "config"), experimentPath: null, cwd: root }).map(formatIssue)).toEqual([
      "config/pipeline/b.yaml:5:5 pipeline.determinism.seed: also set in config/pipeline/a.yaml:3; set each key in one pipeline file only",
    ]);
  });

  it("a YAML file nothing reads is an error", () => {
    const root = tempTree({ "config/leakage.yaml": "pipeline: {}\n", "config/pipeline/a.yaml": "pipeline: {}\n" });
    expect(issuesOf({ configDir: join(root, "config"), experimentPath: null, cwd: root }).map(formatIssue)).toEqual([
      "config/leakage.yaml: this file is not read: pipeline settings go in pipeline/, experiments in experiments/, family files in families/",
    ]);
  });

  it("a rule across keys (implausible > suspicious) points at the line that broke it", () => {
    const msgs = load("pipeline:\n  leakage:\n    thresholds:\n      scores:\n        ic:\n          implausible: 0.05\n");
    expect(msgs).toEqual(["config/pipeline/leakage.yaml:6:11 pipeline.leakage.thresholds.scores.ic.implausible: implausible must be greater than suspicious"]);
  });
});

describe("experiment and family file errors", () => {
  function tree(experiment: string, family = TEST_FAMILY_FILE) {
    const root = tempTree({ "config/experiments/default.yaml": experiment, [`config/families/${TEST_FAMILY}.yaml`]: family });
    return issuesOf({ configDir: join(root, "config"), cwd: root }).map(formatIssue);
  }

  it("an unknown family names the file, the line and the known families", () => {
    const [msg] = tree("families:\n  - name: no_such_family\n");
    expect(msg).toMatch(/^config\/experiments\/default\.yaml:2:5 families\.0\.name: unknown model family "no_such_family"; known families: .*cfgtest/);
  });

  it("a family entry without a name", () => {
    expect(tree("families:\n  - variant: balanced\n")).toEqual([
      "config/experiments/default.yaml:2:5 families.0.name: required key missing (expected a string)",
    ]);
  });

  it("experiment hyperparameter overrides are checked with the family's own schema", () => {
    expect(tree(`families:\n  - name: ${TEST_FAMILY}\n    hyperparameters:\n      num_leavs: 8\n      learning_rate: 2\n`)).toEqual([
      "config/experiments/default.yaml:4:7 families.0.hyperparameters.num_leavs: unknown key (did you mean families.0.hyperparameters.num_leaves?)",
      "config/experiments/default.yaml:5:7 families.0.hyperparameters.learning_rate: out of range: must be <= 1, got 2",
    ]);
  });

  it("an unknown variant, with the nearest one", () => {
    expect(tree(`families:\n  - name: ${TEST_FAMILY}\n    variant: balance\n`)).toEqual([
      `config/experiments/default.yaml:3:5 families.0.variant: family ${TEST_FAMILY} has no variant "balance"; its variants: conservative, balanced, aggressive (did you mean "balanced"?)`,
    ]);
  });

  it("family file: bad values in a variant, a missing variant, located in the family file", () => {
    const bad = TEST_FAMILY_FILE.replace("  balanced:\n    num_leaves: 50\n", "").replace("    num_leaves: 100\n", "    num_leaves: 1\n    objectiv: binary\n");
    expect(tree(`families:\n  - name: ${TEST_FAMILY}\n`, bad)).toEqual([
      `config/families/${TEST_FAMILY}.yaml:6:1 variants.balanced: required key missing (expected a mapping)`,
      `config/families/${TEST_FAMILY}.yaml:10:5 variants.aggressive.num_leaves: out of range: must be >= 2, got 1`,
      `config/families/${TEST_FAMILY}.yaml:11:5 variants.aggressive.objectiv: unknown key (did you mean variants.aggressive.objective?)`,
    ]);
  });

  it("family file: a merged variant that breaks the family's cross-field rule", () => {
    const bad = TEST_FAMILY_FILE.replace("    learning_rate: 0.05\n", "    min_leaf: 50\n    max_leaf: 10\n");
    expect(tree(`families:\n  - name: ${TEST_FAMILY}\n`, bad)).toEqual([
      `config/families/${TEST_FAMILY}.yaml:9:5 variants.conservative.max_leaf: max_leaf must be >= min_leaf`,
    ]);
  });

  it("a family file naming another family", () => {
    expect(tree(`families:\n  - name: ${TEST_FAMILY}\n`, TEST_FAMILY_FILE.replace(`family: ${TEST_FAMILY}`, "family: other"))).toEqual([
      `config/families/${TEST_FAMILY}.yaml:1:1 family: this file configures family "other" but is named ${TEST_FAMILY}.yaml; name it other.yaml`,
    ]);
  });

  it("a family file for an unknown family names the file and the known families", () => {
    const root = tempTree({ "config/families/nope.yaml": "family: nope\nvariants: {conservative: {}, balanced: {}, aggressive: {}}\n" });
    const report = validateConfigDir(join(root, "config"), { cwd: root });
    expect(report.issues.map(formatIssue)).toEqual([expect.stringMatching(/^config\/families\/nope\.yaml:1:1 family: unknown model family "nope"; known families: .*cfgtest/)]);
  });

  it("a registered family without a family file", () => {
    const root = tempTree({ "config/experiments/default.yaml": `families:\n  - name: ${TEST_FAMILY}\n` });
    expect(issuesOf({ configDir: join(root, "config"), cwd: root }).map(formatIssue)).toEqual([
      `config/experiments/default.yaml:2:5 families.0.name: no family file config/families/${TEST_FAMILY}.yaml (it holds the family's hyperparameters and its variants)`,
    ]);
  });

  it("targets: a name outside the grammar, and a target listed twice", () => {
    const issues = tree("targets:\n  - fwd_ret_5\n  - momentum\n  - fwd_ret_5\n");
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/^config\/experiments\/default\.yaml:3:5 targets\.1: target "momentum": .*target names follow: fwd_ret_H/);
    expect(issues[1]).toBe('config/experiments/default.yaml:4:5 targets.2: target "fwd_ret_5" is already listed (item 0)');
  });

  it("targets: names the old horizon-from-trailing-number rule got wrong are read by the target grammar", () => {
    const root = tempTree({ "config/experiments/default.yaml": "targets:\n  - tb_5_2_1\n  - fwd_ret_60m\n  - zigzag_peak_0.05\n" });
    const cfg = loadConfig({ configDir: join(root, "config"), cwd: root });
    expect(cfg.value.targets.map((t) => [t.name, t.definition.kind, t.definition.horizon])).toEqual([
      ["tb_5_2_1", "triple_barrier", 5],
      ["fwd_ret_60m", "forward_return", "60m"],
      ["zigzag_peak_0.05", "zigzag", 20],
    ]);
  });

  it("data given both as data: and pipeline.data:", () => {
    expect(tree("data:\n  min_bars: 10\npipeline:\n  data:\n    min_bars: 20\n")).toEqual([
      "config/experiments/default.yaml:1:1 data: data overrides are given both as `data:` and as `pipeline.data:`; keep one of them",
    ]);
  });
});

describe("default config dir", () => {
  it("./config when it holds foxml folders, else the bundled one", () => {
    const mine = tempTree({ "config/experiments/default.yaml": "name: mine\n" });
    expect(defaultConfigDir(mine)).toBe(join(mine, "config"));
    const unrelated = tempTree({ "config/default.json": "{}" });
    expect(defaultConfigDir(unrelated)).toBe(BUNDLED_CONFIG_DIR);
    expect(loadConfig({ cwd: mine }).get("experiment.name")).toBe("mine");
  });
});
