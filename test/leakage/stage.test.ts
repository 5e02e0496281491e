/**
 * The pipeline stage: one leakage_report.json per target, the run's exclusion list, the summary's
 * outcome and warnings, and the self-check that fails the stage when the detectors are blind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import type { FeatureSet } from "../../src/features/index.js";
import type { LeakageReport } from "../../src/leakage/index.js";
import { EXCLUSIONS_FILE, leakageStage, reportPath } from "../../src/pipeline/stages/leakage.js";
import { createRun } from "../../src/runs/run.js";
import { buildTarget } from "../../src/targets/index.js";
import { FoxmlError } from "../../src/util/errors.js";
import { features, gridTarget, LEAK_NAMES, leakageConfig, NEUTRAL_LEAKS, syntheticPanel } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-leakage-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function newRun(name: string) {
  return createRun({ runsDir: tmp, name, config: { resolved: {} }, seed: 1, argv: ["test"], git: false });
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

let panel: Panel;
let fs: FeatureSet;
beforeAll(() => {
  panel = syntheticPanel({ symbols: 30, bars: 400, signals: { plant: true }, leaks: { plant: true, features: NEUTRAL_LEAKS } }).panel;
  fs = features(panel, { include: ["sig_h5", "noise_1", "ret_1", "mom_5", ...LEAK_NAMES] });
});

describe("leakage stage", () => {
  it("writes a report per target and the run's exclusion list, and summarizes the outcome", async () => {
    const run = newRun("stage");
    const cfg = leakageConfig({ quick_model: { enabled: false } });
    const targets = [{ target: buildTarget("fwd_ret_1") }, { target: buildTarget("fwd_ret_5") }];
    const out = await run.execute(() => leakageStage(run, { panel, features: fs, targets, leakage: cfg, seed: 1 }));

    expect(out.excluded).toEqual(LEAK_NAMES);
    const genuine = fs.names.filter((n) => !LEAK_NAMES.includes(n));
    expect(genuine).toHaveLength(4);
    expect(out.features.names).toEqual(genuine);
    const r1: LeakageReport = readJson(join(run.dir, reportPath("fwd_ret_1")));
    const r5: LeakageReport = readJson(join(run.dir, reportPath("fwd_ret_5")));
    expect(reportPath("fwd_ret_1")).toBe("leakage/fwd_ret_1/leakage_report.json");
    expect(r1).toMatchObject({ format: "foxml.leakage-report", format_version: 1, status: "leaks_excluded", target: { name: "fwd_ret_1", horizon: 1, window: 1 } });
    // the second target starts from what the first left: the leaks are already gone
    expect(r5.status).toBe("clean");
    expect(Object.keys(r5.features)).toEqual(genuine);

    const exclusions = readJson(join(run.dir, "leakage", EXCLUSIONS_FILE));
    expect(exclusions.excluded.map((e: { feature: string; target: string }) => [e.feature, e.target])).toEqual(LEAK_NAMES.map((n) => [n, "fwd_ret_1"]));

    const summary = readJson(join(run.dir, "summary.json"));
    expect(summary.stages.leakage.status).toBe("succeeded");
    expect(summary.stages.leakage.outcome).toMatch(/^checked 8 feature\(s\) against 2 target\(s\) in 3 round\(s\): 4 excluded as leaking \(alpha_a, alpha_b, alpha_c, alpha_d\), 0 suspicious$/);
    expect(summary.stages.leakage.figures).toMatchObject({ features: 8, targets: 2, excluded: 4, suspicious: 0, rounds: 3 });

    const logs = readFileSync(join(run.dir, "logs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const excl = logs.filter((l) => typeof l.msg === "string" && l.msg.startsWith("leakage: excluding feature"));
    expect(excl).toHaveLength(4);
    expect(excl[0]).toMatchObject({ stage: "leakage", target: "fwd_ret_1", feature: "alpha_a", verdict: "LEAK" });
  });

  it("writes the report as formatted JSON whose figures are rounded", async () => {
    const run = newRun("rounded");
    const cfg = leakageConfig({ quick_model: { enabled: false } });
    await run.execute(() => leakageStage(run, { panel, features: fs, targets: [{ target: buildTarget("fwd_ret_1") }], leakage: cfg, seed: 1 }));
    const text = readFileSync(join(run.dir, reportPath("fwd_ret_1")), "utf8");
    expect(text).toContain('\n  "target": {');
    for (const m of text.matchAll(/"value": (-?\d+\.\d+)/g)) expect(m[1].split(".")[1].length).toBeLessThanOrEqual(4);
  });

  it("warns in the summary when leaks are kept because the auto-fix is off", async () => {
    const run = newRun("kept");
    const cfg = leakageConfig({ quick_model: { enabled: false }, auto_fix: { enabled: false } });
    const out = await run.execute(() => leakageStage(run, { panel, features: fs, targets: [{ target: buildTarget("fwd_ret_1") }], leakage: cfg, seed: 1 }));
    expect(out.excluded).toEqual([]);
    const summary = readJson(join(run.dir, "summary.json"));
    expect(summary.stages.leakage.warnings.map((w: { message: string }) => w.message)).toContain(
      "target fwd_ret_1: leaking features kept because pipeline.leakage.auto_fix.enabled is off",
    );
  });

  it("fails when the detectors miss the planted copy of the target (here: a constant target)", async () => {
    const run = newRun("blind");
    const constant = new Float64Array(panel.T * panel.S).fill(0.01);
    const cfg = leakageConfig({ quick_model: { enabled: false } });
    const err = await run
      .execute(() => leakageStage(run, { panel, features: fs, targets: [{ target: gridTarget("flat", constant), grid: constant }], leakage: cfg, seed: 1 }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FoxmlError);
    expect((err as FoxmlError).message).toMatch(/^leakage detection failed its self-check for target "flat": The detectors missed a planted copy/);
    expect(existsSync(join(run.dir, reportPath("flat")))).toBe(true);
    expect(readJson(join(run.dir, "summary.json")).stages.leakage.status).toBe("failed");
  });
});
