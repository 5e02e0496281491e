import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError, formatIssue } from "../../src/config/issues.js";
import { registerTestFamily, TEST_FAMILY, TEST_FAMILY_FILE, tempTree } from "./helpers.js";

beforeAll(registerTestFamily);

function project() {
  const root = tempTree({
    "config/experiments/default.yaml": `targets: [fwd_ret_5]\nfamilies:\n  - name: ${TEST_FAMILY}\n`,
    [`config/families/${TEST_FAMILY}.yaml`]: TEST_FAMILY_FILE,
  });
  return { configDir: join(root, "config"), cwd: root };
}

const withSet = (...sets: string[]) => loadConfig({ ...project(), sets });

function setErrors(...sets: string[]): string[] {
  try {
    withSet(...sets);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map(formatIssue);
  }
  throw new Error("expected a ConfigError");
}

describe("--set: the value is read as the schema's type at that path", () => {
  it("number and integer", () => {
    expect(withSet("pipeline.leakage.thresholds.target_correlation=0.9").get("pipeline.leakage.thresholds.target_correlation")).toBe(0.9);
    expect(withSet("pipeline.leakage.purge_buffer_bars=12").get("pipeline.leakage.purge_buffer_bars")).toBe(12);
    expect(withSet("pipeline.leakage.thresholds.target_correlation=1e-1").get("pipeline.leakage.thresholds.target_correlation")).toBe(0.1);
  });

  it("data.x is the experiment's shorthand for pipeline.data.x", () => {
    expect(withSet("data.resample=30m").get("pipeline.data.resample")).toBe("30m");
    expect(setErrors("data.resample=7m")[0]).toMatch(/^--set pipeline\.data\.resample: expected/);
  });

  it("an integer path rejects 1.5; ranges are checked", () => {
    expect(setErrors("pipeline.leakage.purge_buffer_bars=1.5")).toEqual(["--set pipeline.leakage.purge_buffer_bars: expected an integer, got 1.5"]);
    expect(setErrors("pipeline.leakage.purge_buffer_bars=-2")).toEqual(["--set pipeline.leakage.purge_buffer_bars: out of range: must be >= 0, got -2"]);
    expect(setErrors("pipeline.leakage.purge_buffer_bars=five")).toEqual(['--set pipeline.leakage.purge_buffer_bars: expected an integer >= 0, got string "five"']);
  });

  it("boolean", () => {
    expect(withSet("pipeline.leakage.auto_fix.enabled=false").get("pipeline.leakage.auto_fix.enabled")).toBe(false);
    expect(withSet("pipeline.leakage.auto_fix.enabled=yes").get("pipeline.leakage.auto_fix.enabled")).toBe(true);
    expect(setErrors("pipeline.leakage.auto_fix.enabled=maybe")).toEqual(['--set pipeline.leakage.auto_fix.enabled: expected true or false, got string "maybe"']);
  });

  it("enum, with the nearest value suggested", () => {
    expect(withSet("pipeline.logging.level=debug").get("pipeline.logging.level")).toBe("debug");
    expect(setErrors("pipeline.logging.level=debgu")).toEqual([
      '--set pipeline.logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got string "debgu" (did you mean "debug"?)',
    ]);
  });

  it('a union ("auto" or an integer)', () => {
    expect(withSet("pipeline.threading.threads=4").get("pipeline.threading.threads")).toBe(4);
    expect(withSet("pipeline.threading.threads=auto").get("pipeline.threading.threads")).toBe("auto");
    expect(setErrors("pipeline.threading.threads=aut")).toEqual(['--set pipeline.threading.threads: expected "auto" or an integer in [1, 1024], got string "aut" (did you mean "auto"?)']);
    expect(setErrors("pipeline.threading.threads=0")).toEqual(['--set pipeline.threading.threads: expected "auto" or an integer in [1, 1024]; out of range: must be >= 1, got 0']);
  });

  it("a string stays a string even when it looks like a number", () => {
    expect(withSet("experiment.name=2024").get("experiment.name")).toBe("2024");
  });

  it("arrays: JSON or a comma list, elements typed", () => {
    expect(withSet('pipeline.data.symbols=["AA","BA"]').get("pipeline.data.symbols")).toEqual(["AA", "BA"]);
    expect(withSet("pipeline.data.symbols=AA, BA,CAT").get("pipeline.data.symbols")).toEqual(["AA", "BA", "CAT"]);
    expect(withSet("pipeline.leakage.exclusions.columns=").get("pipeline.leakage.exclusions.columns")).toEqual([]);
    const cfg = withSet("targets=fwd_ret_1,fwd_ret_10");
    expect(cfg.value.targets.map((t) => t.definition.horizon)).toEqual([1, 10]);
    expect(cfg.sourceOf("targets.1")).toBe("--set");
    expect(setErrors('pipeline.data.symbols=["AA",')[0]).toMatch(/^--set pipeline\.data\.symbols: expected a JSON list: /);
  });

  it("a block as JSON: merged, strict on keys", () => {
    const cfg = withSet('pipeline.leakage.auto_fix={"max_rounds": 5}');
    expect(cfg.get("pipeline.leakage.auto_fix")).toEqual({ enabled: true, max_rounds: 5 });
    expect(setErrors('pipeline.leakage.auto_fix={"max_round": 5}')).toEqual([
      "--set pipeline.leakage.auto_fix: pipeline.leakage.auto_fix.max_round: unknown key (did you mean pipeline.leakage.auto_fix.max_rounds?)",
    ]);
    expect(setErrors("pipeline.leakage.auto_fix=5")[0]).toMatch(/this is a block/);
  });

  it("an unknown path: the nearest key, or the key's place under another parent", () => {
    expect(setErrors("pipeline.leakage.purge_bufer_bars=3")).toEqual(["--set pipeline.leakage.purge_bufer_bars: unknown key (did you mean pipeline.leakage.purge_buffer_bars?)"]);
    expect(setErrors("pipeline.data.thresholds.target_correlation=0.9")).toEqual([
      "--set pipeline.data.thresholds.target_correlation: unknown key pipeline.data.thresholds (did you mean pipeline.leakage.thresholds.target_correlation? this key appears to be under the wrong parent)",
    ]);
    expect(setErrors("pipeline.determinism.seed.x=1")).toEqual(["--set pipeline.determinism.seed.x: pipeline.determinism.seed is an integer in [0, 4294967295], it has no keys"]);
    expect(setErrors("nothing=1")).toEqual(["--set nothing: unknown key; valid keys here: experiment, pipeline, targets, families"]);
  });

  it("family hyperparameters, by name or index, checked with the family's schema", () => {
    expect(withSet(`families.${TEST_FAMILY}.hyperparameters.regularization.l2=0.5`).get("families.0.hyperparameters.regularization.l2")).toBe(0.5);
    expect(withSet("families.0.hyperparameters.objective=binary").get("families.0.hyperparameters.objective")).toBe("binary");
    expect(setErrors("families.0.hyperparameters.num_leaves=2.5")).toEqual(["--set families.0.hyperparameters.num_leaves: expected an integer, got 2.5"]);
    expect(setErrors("families.0.hyperparameters.num_leafs=8")).toEqual(["--set families.0.hyperparameters.num_leafs: unknown key (did you mean families.0.hyperparameters.num_leaves?)"]);
    expect(setErrors("families.cfgtst.variant=aggressive")).toEqual([`--set families.cfgtst.variant: the experiment has no family "cfgtst" (it lists: ${TEST_FAMILY}) (did you mean families.${TEST_FAMILY}?)`]);
    expect(setErrors("families.3.variant=aggressive")).toEqual(["--set families.3.variant: the experiment lists 1 family; index 3 is out of range"]);
    expect(setErrors("families.0.variant=nope")).toEqual([`--set families.0.variant: family ${TEST_FAMILY} has no variant "nope"; its variants: conservative, balanced, aggressive`]);
  });

  it("a malformed --set and several errors at once", () => {
    expect(setErrors("no-equals-sign", "pipeline.memory.budget_mb=10")).toEqual([
      '--set: expected key.path=value, got "no-equals-sign"',
      "--set pipeline.memory.budget_mb: out of range: must be >= 64, got 10",
    ]);
  });

  it("later --set of the same key wins", () => {
    expect(withSet("pipeline.determinism.seed=1", "pipeline.determinism.seed=2").get("pipeline.determinism.seed")).toBe(2);
  });
});
