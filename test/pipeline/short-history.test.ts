/**
 * A wide, short panel, as a new user's first try: 500 symbols x 100 daily bars (50k rows) with a
 * planted cross-sectional signal (sig_h5 predicts the 5-bar forward return across symbols). Purged
 * by the label window + buffer + embargo only, with the features too long for 100 bars left out by
 * name, `foxml run` ranks, selects and trains, and finds the signal. With the old lookback purge
 * every ranking job starves, and the run says so: status no_result, exit code 1, what to change.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { json, runDir } from "./run-folder.js";
import type { SelectionFile, TargetRankingsFile, TrainingFile } from "../../src/artifacts/run-files.js";
import type { TargetScore } from "../../src/ranking/score-target.js";
import type { RunSummaryData } from "../../src/runs/summary.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-short-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPERIMENT = "test/fixtures/experiments/short-wide.yaml";
const data = join(tmp, "market");

beforeAll(async () => {
  expect(await main(["data", "synth", data, "--seed", "11", "--symbols", "500", "--bars", "100", "--plant-signals"], captureIo())).toBe(0);
}, 120_000);

describe("foxml run on 500 symbols x 100 bars", () => {
  let dir = "";
  let code = -1;
  beforeAll(async () => {
    const out = join(tmp, "run");
    code = await main(["run", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent"], captureIo());
    dir = runDir(out);
  }, 600_000);

  it("succeeds, leaving out by name the features too long for 100 bars", () => {
    expect(code).toBe(0);
    const summary = json<RunSummaryData>(join(dir, "summary.json"));
    expect(summary.status).toBe("succeeded");
    for (const s of ["ranking", "selection", "gate", "training", "ensembling", "evaluation"]) expect(summary.stages[s]?.status, s).toBe("succeeded");
    const short = summary.stages.features.warnings.find((w) => w.message.includes("history is too short for their lookback"));
    expect(short?.message).toMatch(/100-bar history .*min_history_share 0\.5\): .*\bmom_60\b/);
    const features = json<{ features: Array<{ name: string; history_rows: number }>; skipped: Array<{ name: string; cause: string }> }>(join(dir, "features", "features.json"));
    expect(features.skipped.filter((s) => s.cause === "history").map((s) => s.name)).toEqual(expect.arrayContaining(["mom_60", "vol_cc_60", "mom_252"]));
    for (const f of features.features) expect(100 - f.history_rows, f.name).toBeGreaterThanOrEqual(50);
  });

  it("ranks the target per timestamp on the folds asked for, with a significant skill", () => {
    const rankings = json<TargetRankingsFile>(join(dir, "target_rankings.json"));
    expect(rankings.kept).toEqual(["fwd_ret_5"]);
    expect(rankings.targets[0].reason).toMatch(/^kept: 1st of the targets that clear the bar/);
    const score = json<TargetScore>(join(dir, "ranking", "fwd_ret_5.json"));
    // purged by horizon 5 + buffer 5 + embargo 5 only: every fold asked for fits in 95 timestamps
    expect(score.folds).toBe(score.foldsRequested);
    expect(score.foldsAdapted).toBeNull();
    expect(score.timestamps).toBeGreaterThanOrEqual(90);
    expect(score.blocks).toBeGreaterThanOrEqual(4);
    const ridge = score.families.find((f) => f.family === "ridge")!;
    expect(ridge.status).toBe("ok");
    expect(ridge.skill).toBeGreaterThan(0.03);
    expect(ridge.score.t).toBeGreaterThan(3);
  });

  it("selects the planted feature and trains a model whose IC is clearly positive", () => {
    const sel = json<SelectionFile>(join(dir, "selection", "fwd_ret_5", "selection.json"));
    expect(sel.selected[0]).toBe("sig_h5");
    const ridge = json<TrainingFile>(join(dir, "training", "fwd_ret_5", "ridge.json"));
    expect(ridge.status).toBe("succeeded");
    expect(ridge.metric).toBe("ic");
    expect(ridge.score!).toBeGreaterThan(0.05);
    expect(ridge.t_stat!).toBeGreaterThan(5);
    expect(ridge.folds).toHaveLength(5);
    expect(ridge.importance[0].feature).toBe("sig_h5");
  });
});

describe("a run in which nothing can be ranked", () => {
  // The old purge: the longest feature lookback (90 bars here) after every test block.
  const starve = ["--set", "pipeline.leakage.include_feature_lookback_in_purge=true", "--set", "pipeline.features.min_history_share=0"];

  it("ends with status no_result, exit code 1 and a message saying what to change", async () => {
    const out = join(tmp, "starved");
    const io = captureIo();
    const code = await main(["run", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent", ...starve], io);
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/^error: every ranking job failed, so no target was ranked, selected or trained .*fold 0 has 0 training .*feature lookback 90 bars/m);
    expect(io.stderr).toMatch(/^hint: .*turn off pipeline\.leakage\.include_feature_lookback_in_purge/m);
    const dir = runDir(out);
    expect(io.stderr).toContain(join(dir, "target_rankings.csv"));
    const summary = json<RunSummaryData>(join(dir, "summary.json"));
    expect(summary.status).toBe("no_result");
    expect(summary.errors[0].type).toBe("NoResultError");
    expect(summary.stages.ranking.status).toBe("succeeded");
    for (const s of ["selection", "gate", "training", "ensembling", "evaluation"]) {
      expect(summary.stages[s]?.status, s).toBe("skipped");
      expect(summary.stages[s]?.outcome, s).toMatch(/^nothing to work on: every ranking job failed/);
    }
    // The registry lists it as such.
    const list = captureIo();
    expect(await main(["runs", "list", "--runs-dir", out, "--status", "no_result", "--json"], list)).toBe(0);
    expect(list.stdout).toContain(summary.run_id);
  }, 300_000);

  it("`foxml rank` stops there too, non-zero, without marking stages it would not have run", async () => {
    const out = join(tmp, "starved-rank");
    const io = captureIo();
    expect(await main(["rank", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent", ...starve], io)).toBe(1);
    const summary = json<RunSummaryData>(join(runDir(out), "summary.json"));
    expect(summary.status).toBe("no_result");
    expect(summary.stages.selection).toBeUndefined();
  }, 300_000);
});
