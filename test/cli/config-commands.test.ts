import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { registerTestFamily, TEST_FAMILY, TEST_FAMILY_FILE, tempTree } from "../config/helpers.js";

beforeAll(registerTestFamily);

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "config");

describe("foxml config validate", () => {
  it("valid files: exit 0 and ok", async () => {
    const root = tempTree({ "config/pipeline/a.yaml": "pipeline:\n  determinism:\n    seed: 3\n" });
    const r = await run("config", "validate", "--config-dir", join(root, "config"), join(root, "config/pipeline/a.yaml"));
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toBe("ok (1 file checked)\n");
  });

  it("errors: exit 2, one line each as file:line:col key.path: message (did you mean ...)", async () => {
    const file = join(FIXTURES, "misplaced-thresholds", "under-data", "pipeline", "leakage.yaml");
    const bad = tempTree({ "x.yaml": "pipeline:\n  leakage:\n    embargo_bars: -1\n" });
    const r = await run("config", "validate", file, join(bad, "x.yaml"));
    expect(r.code).toBe(2);
    // Files inside the working directory are named relative to it.
    expect(r.out.trim().split("\n").sort()).toEqual(
      [
        `${relative(process.cwd(), file)}:6:5 pipeline.data.thresholds: unknown key (did you mean pipeline.leakage.thresholds? this block appears to be indented under the wrong parent)`,
        `${join(bad, "x.yaml")}:3:5 pipeline.leakage.embargo_bars: out of range: must be >= 0, got -1`,
      ].sort(),
    );
    expect(r.err).toBe("2 errors in the configuration (2 files checked)\n");
  });

  it("each file by its kind: folder first, else top-level keys", async () => {
    const root = tempTree({
      "loose-family.yaml": TEST_FAMILY_FILE.replace("num_leaves: 50", "num_leaves: 1"),
      "loose-experiment.yaml": "name: e\ntargets: [fwd_ret_5]\n",
      "config/experiments/p.yaml": "pipeline:\n  leakage:\n    embargo_bars: 1\n",
    });
    const r = await run("config", "validate", "--config-dir", join(root, "config"), join(root, "loose-family.yaml"), join(root, "loose-experiment.yaml"), join(root, "config/experiments/p.yaml"));
    expect(r.out.trim().split("\n")).toEqual([`${join(root, "loose-family.yaml")}:10:5 variants.balanced.num_leaves: out of range: must be >= 2, got 1`]);
    expect(r.code).toBe(2);
  });

  it("a YAML syntax error: file:line:col and exit 2", async () => {
    const root = tempTree({ "config/pipeline/a.yaml": "pipeline:\n  runs: {dir: runs\n" });
    const r = await run("config", "validate", "--config-dir", join(root, "config"));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(new RegExp(`^${join(root, "config/pipeline/a.yaml")}:\\d+:\\d+: YAML syntax error: `));
  });

  it("no files: the whole config dir, including cross-file problems", async () => {
    const root = tempTree({
      "config/pipeline/a.yaml": "pipeline:\n  determinism:\n    seed: 1\n",
      "config/experiments/e.yaml": `families:\n  - name: ${TEST_FAMILY}\n    variant: wild\n`,
      [`config/families/${TEST_FAMILY}.yaml`]: TEST_FAMILY_FILE,
      "config/stray.yaml": "a: 1\n",
    });
    const r = await run("config", "validate", "--config-dir", join(root, "config"));
    expect(r.code).toBe(2);
    expect(r.out.trim().split("\n")).toEqual([
      `${join(root, "config/experiments/e.yaml")}:3:5 families.0.variant: family ${TEST_FAMILY} has no variant "wild"; its variants: conservative, balanced, aggressive`,
      `${join(root, "config/stray.yaml")}: this file is not read: pipeline settings go in pipeline/, experiments in experiments/, family files in families/`,
    ]);
  });

  it("the bundled config: ok", async () => {
    const r = await run("config", "validate", "--config-dir", join(import.meta.dirname, "..", "..", "config"));
    expect(r.out).toMatch(/^ok \(\d+ files checked\)\n$/);
    expect(r.code).toBe(0);
  });
});

describe("foxml config show", () => {
  const project = () => {
    const root = tempTree({
      "config/pipeline/leakage.yaml": "pipeline:\n  leakage:\n    embargo_bars: 3\n",
      "config/experiments/x.yaml": `name: x\ntargets: [fwd_ret_5]\nfamilies:\n  - name: ${TEST_FAMILY}\n`,
      [`config/families/${TEST_FAMILY}.yaml`]: TEST_FAMILY_FILE,
    });
    return { dir: join(root, "config"), exp: join(root, "config/experiments/x.yaml") };
  };

  it("--resolved: every setting with its source", async () => {
    const { dir, exp } = project();
    const r = await run("config", "show", "--resolved", "--config-dir", dir, "--experiment", exp, "--set", "pipeline.memory.budget_mb=256", "--set", `families.${TEST_FAMILY}.hyperparameters.num_leaves=64`);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`embargo_bars: 3 # from ${join(dir, "pipeline/leakage.yaml")}:3\n`);
    expect(r.out).toContain("purge_buffer_bars: 5 # from default\n");
    expect(r.out).toContain("budget_mb: 256 # from --set\n");
    expect(r.out).toContain(`name: x # from experiment ${exp}:1\n`);
    expect(r.out).toContain(`learning_rate: 0.2 # from family ${TEST_FAMILY} (${join(dir, `families/${TEST_FAMILY}.yaml`)}:4)\n`);
    expect(r.out).toContain("num_leaves: 64 # from --set\n");
    expect(r.out).toMatch(/^# hash: sha256:[0-9a-f]{64}$/m);
    const value = parse(r.out);
    expect(value.pipeline.memory.budget_mb).toBe(256);
    expect(value.families[0].hyperparameters.num_leaves).toBe(64);
  });

  it("without --resolved: only what differs from the built-in defaults; --no-sources; --format json", async () => {
    const { dir, exp } = project();
    const r = await run("config", "show", "--config-dir", dir, "--experiment", exp, "--no-sources");
    const value = parse(r.out);
    expect(value.pipeline).toEqual({ leakage: { embargo_bars: 3 } });
    expect(r.out).not.toMatch(/# from/);
    const j = await run("config", "show", "--config-dir", dir, "--experiment", exp, "--format", "json");
    expect(JSON.parse(j.out).pipeline.leakage.embargo_bars).toBe(3);
  });

  it("a bad --set: exit 2 with the located message, no stack trace", async () => {
    const { dir, exp } = project();
    const r = await run("config", "show", "--config-dir", dir, "--experiment", exp, "--set", "pipeline.leakage.purge_buffer_bars=1.5");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--set pipeline.leakage.purge_buffer_bars: expected an integer, got 1.5");
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe("foxml config schema", () => {
  it("prints the JSON Schema of experiment files; --kind pipeline; --kind family", async () => {
    const r = await run("config", "schema");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.pipeline.properties.leakage.properties.thresholds.properties.target_correlation).toMatchObject({ type: "number", default: 0.95 });
    const p = JSON.parse((await run("config", "schema", "--kind", "pipeline")).out);
    expect(Object.keys(p.properties)).toEqual(["pipeline"]);
    const f = JSON.parse((await run("config", "schema", "--kind", "family", "--family", TEST_FAMILY)).out);
    expect(f.properties.variants.required).toEqual(["conservative", "balanced", "aggressive"]);
    expect(f.properties.hyperparameters.properties.num_leaves).toMatchObject({ type: "integer", minimum: 2 });
  });

  it("--out writes the file; an unknown family is exit 2", async () => {
    const root = tempTree({});
    const out = join(root, "s", "schema.json");
    expect((await run("config", "schema", "--out", out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).title).toMatch(/experiment/);
    const bad = await run("config", "schema", "--kind", "family", "--family", "nope");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown model family "nope"');
  });
});

describe("foxml init", () => {
  it("creates a project whose config validates and resolves, and refuses to overwrite", async () => {
    const root = tempTree({});
    const dir = join(root, "proj");
    const r = await run("init", dir);
    expect(r.code).toBe(0);
    for (const f of ["config/pipeline/leakage.yaml", "config/experiments/default.yaml", "config/experiments/example.yaml", "config/schema.json", "config/README.md"]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    expect(r.out).toContain("next:");

    const v = await run("config", "validate", "--config-dir", join(dir, "config"));
    expect(v.out).toMatch(/^ok /);
    expect(v.code).toBe(0);
    const show = await run("config", "show", "--resolved", "--config-dir", join(dir, "config"), "--experiment", join(dir, "config/experiments/example.yaml"));
    expect(show.code).toBe(0);
    expect(show.out).toContain(`# from experiment ${join(dir, "config/experiments/example.yaml")}:`);

    writeFileSync(join(dir, "config/pipeline/leakage.yaml"), "pipeline: {}\n");
    const again = await run("init", dir);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exist; nothing was written/);
    expect(again.err).toContain("hint: pass --force");
    expect(readFileSync(join(dir, "config/pipeline/leakage.yaml"), "utf8")).toBe("pipeline: {}\n");

    expect((await run("init", dir, "--force")).code).toBe(0);
    expect(readFileSync(join(dir, "config/pipeline/leakage.yaml"), "utf8")).toContain("thresholds:");
  });
});

describe("--help", () => {
  it.each([["config"], ["config", "validate"], ["config", "show"], ["config", "schema"], ["init"]])("foxml %s --help", async (...cmd) => {
    const r = await run(...cmd, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: foxml ${cmd.join(" ")}`);
  });
});
