import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_CONFIG_DIR, PACKAGE_ROOT } from "../../src/config/config-dir.js";
import { configJsonSchema } from "../../src/config/json-schema.js";
import { loadConfig } from "../../src/config/load.js";
import { validateConfigDir } from "../../src/config/validate.js";
import { formatIssue } from "../../src/config/issues.js";

describe("the bundled configuration", () => {
  it("validates as a whole (every pipeline, family and experiment file)", () => {
    const report = validateConfigDir(BUNDLED_CONFIG_DIR, { cwd: PACKAGE_ROOT });
    expect(report.issues.map(formatIssue)).toEqual([]);
    expect(report.files.map((f) => f.kind)).toContain("experiment");
  });

  it("the default experiment: bundled Dow Jones data, forward-return targets, registered families only", () => {
    const cfg = loadConfig({ configDir: BUNDLED_CONFIG_DIR, cwd: PACKAGE_ROOT });
    expect(cfg.experimentPath).toBe(join(BUNDLED_CONFIG_DIR, "experiments", "default.yaml"));
    expect(cfg.get("experiment.name")).toBe("default");
    expect(existsSync(cfg.get("pipeline.data.path"))).toBe(true);
    expect(cfg.get("pipeline.data.path")).toMatch(/dowjones30/);
    expect(cfg.value.targets.length).toBeGreaterThanOrEqual(2);
    for (const t of cfg.value.targets) expect(t.name).toMatch(/^fwd_ret_\d+$/);
  });

  it("resolves from any working directory (foxml works outside a project)", () => {
    const cfg = loadConfig({ configDir: BUNDLED_CONFIG_DIR, cwd: "/" });
    expect(existsSync(cfg.get("pipeline.data.path"))).toBe(true);
  });

  it("the example experiment resolves", () => {
    const cfg = loadConfig({ configDir: BUNDLED_CONFIG_DIR, experimentPath: join(BUNDLED_CONFIG_DIR, "experiments", "example.yaml"), cwd: PACKAGE_ROOT });
    expect(cfg.get("pipeline.leakage.purge_buffer_bars")).toBe(10);
    expect(cfg.sourceOf("pipeline.leakage.purge_buffer_bars")).toMatch(/^experiment config\/experiments\/example\.yaml:\d+$/);
  });

  it("config/schema.json is the generated experiment schema (regenerate: foxml config schema --out config/schema.json)", () => {
    const committed = JSON.parse(readFileSync(join(BUNDLED_CONFIG_DIR, "schema.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema("experiment"))));
  });
});
