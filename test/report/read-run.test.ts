import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRun } from "../../src/report/read-run.js";
import { InputError } from "../../src/util/errors.js";
import { tempDir } from "../runs/helpers.js";
import { buildFixtureRun, ENSEMBLES, FAMILIES, TARGETS } from "./fixture.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir("foxml-report-read-");
});
afterEach(() => tmp.remove());

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("readRun", () => {
  it("reads every file of a complete run, targets in ranking order", () => {
    const data = readRun(buildFixtureRun(tmp.path));
    expect(data.missing).toEqual([]);
    expect(data.notes).toEqual([]);
    expect(data.manifest?.seed).toBe(42);
    expect(data.summary?.status).toBe("succeeded");
    expect(data.targets.map((t) => t.name)).toEqual([...TARGETS, "fwd_ret_60"]);
    const first = data.targets[0];
    expect(first.ranking?.rank).toBe(1);
    expect(first.confidence?.tier).toBe("high");
    expect(first.selection?.selected.length).toBeGreaterThan(0);
    expect(first.leakage?.excluded.map((e) => e.feature)).toEqual(["fwd_close_peek"]);
    expect(first.leakageSummary?.status).toBe("leaks_excluded");
    expect(first.evaluation?.models.map((m) => m.name)).toEqual([...FAMILIES, ...ENSEMBLES]);
    expect(first.training.map((t) => t.family)).toEqual([...FAMILIES].sort());
    const dropped = data.targets[3];
    expect(dropped.ranking?.kept).toBe(false);
    expect(dropped.selection).toBeNull();
    expect(dropped.evaluation).toBeNull();
  });

  it("accepts a partial run and lists what is missing", () => {
    const dir = buildFixtureRun(tmp.path, { omit: ["target_rankings.json", "target_confidence.json", "model_family_status.json", "leakage_report.json", "selection", "training", "evaluation"], status: "running" });
    const data = readRun(dir);
    expect(data.missing).toEqual(["target_rankings.json", "leakage_report.json", "model_family_status.json", "target_confidence.json"]);
    // Targets are still found from the leakage reports' folders, by name.
    expect(data.targets.map((t) => t.name)).toEqual(["fwd_ret_20", "fwd_ret_5", "fwd_ret_60", "fwd_up_10"]);
    expect(data.targets.every((t) => t.selection === null && t.evaluation === null && t.training.length === 0)).toBe(true);
  });

  it("accepts a run folder with only a manifest", () => {
    const dir = buildFixtureRun(tmp.path, { omit: ["summary.json", "target_rankings.json", "target_confidence.json", "model_family_status.json", "leakage_report.json", "leakage", "selection", "training", "evaluation"] });
    const data = readRun(dir);
    expect(data.manifest).not.toBeNull();
    expect(data.summary).toBeNull();
    expect(data.targets).toEqual([]);
    expect(data.missing).toContain("summary.json");
  });

  it("refuses a folder that does not exist or is not a run", () => {
    expect(thrown(() => readRun(join(tmp.path, "nope"))).message).toMatch(/run folder .*nope does not exist/);
    mkdirSync(join(tmp.path, "empty"));
    expect(thrown(() => readRun(join(tmp.path, "empty"))).message).toMatch(/is not a FoxML run folder: it has neither manifest.json nor summary.json/);
    writeFileSync(join(tmp.path, "file"), "x");
    expect(thrown(() => readRun(join(tmp.path, "file"))).message).toMatch(/does not exist/);
  });

  it("names the file of invalid JSON", () => {
    const dir = buildFixtureRun(tmp.path);
    writeFileSync(join(dir, "evaluation", "fwd_ret_20.json"), '{"target": "fwd_ret_20",');
    const e = thrown(() => readRun(dir));
    expect(e.message).toContain(join(dir, "evaluation", "fwd_ret_20.json"));
    expect(e.message).toContain("not valid JSON");
    expect(e.hint).toMatch(/re-run that stage/);
  });

  it("names the file and the key of a file with the wrong shape", () => {
    const dir = buildFixtureRun(tmp.path);
    const path = join(dir, "target_rankings.json");
    const rankings = JSON.parse(readFileSync(path, "utf8"));
    rankings.targets[1].skill = "high";
    delete rankings.kept;
    writeFileSync(path, JSON.stringify(rankings));
    const e = thrown(() => readRun(dir));
    expect(e.message).toContain(path);
    expect(e.message).toContain("targets.1.skill");
    expect(e.message).toContain("kept");
  });

  it("reports a damaged manifest through the run manifest reader", () => {
    const dir = buildFixtureRun(tmp.path);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ format: "foxml.run-manifest" }));
    expect(thrown(() => readRun(dir)).message).toMatch(/manifest\.json: invalid run manifest/);
  });

  it("notes a file that names another target than its folder", () => {
    const dir = buildFixtureRun(tmp.path);
    const path = join(dir, "selection", "fwd_ret_5", "selection.json");
    const s = JSON.parse(readFileSync(path, "utf8"));
    s.target = "fwd_ret_20";
    writeFileSync(path, JSON.stringify(s));
    expect(readRun(dir).notes).toEqual(['selection/fwd_ret_5/selection.json names target "fwd_ret_20"; shown under "fwd_ret_5"']);
  });

  it("ignores the temp files of atomic writes in progress", () => {
    const dir = buildFixtureRun(tmp.path);
    writeFileSync(join(dir, "evaluation", ".fwd_ret_5.json.123.1.tmp"), "{half");
    writeFileSync(join(dir, "training", "fwd_ret_5", ".ridge.json.123.2.tmp"), "{half");
    expect(() => readRun(dir)).not.toThrow();
  });
});
