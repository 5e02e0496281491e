/**
 * The whole pipeline end to end on a generated market with known answers (foxml data synth
 * --plant-signals --plant-leaks): the planted predictable targets rank first, the planted true
 * features are kept, the planted leaks are removed, every stage writes its files, and a run killed
 * mid-stage and resumed ends with exactly the numbers of the uninterrupted run.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { json, reportFacts, reportTimingRows, runDir } from "./run-folder.js";
import { duration, timestamp } from "../../src/report/format.js";
import type { RunSummaryData } from "../../src/runs/summary.js";
import type { SelectionFile, StatusFile, TargetConfidence, TargetRankingsFile, TrainingFile } from "../../src/artifacts/run-files.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-e2e-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPERIMENT = "test/fixtures/experiments/e2e.yaml";
const LEAKS = ["leak_fwd_copy", "leak_future_close", "leak_centered_ma", "leak_fwd_sign"];
const data = join(tmp, "market");
let dir = "";

beforeAll(async () => {
  const gen = await main(["data", "synth", data, "--seed", "7", "--symbols", "30", "--bars", "1500", "--plant-signals", "--plant-leaks"], captureIo());
  expect(gen).toBe(0);
  const out = join(tmp, "full");
  const io = captureIo();
  const code = await main(["run", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent"], io);
  expect(io.stderr).toBe("");
  expect(code).toBe(0);
  dir = runDir(out);
}, 600_000);

describe("foxml run end to end on planted signals and leaks", () => {
  it("writes every stage's files", () => {
    for (const f of ["manifest.json", "summary.json", "logs.jsonl", "target_rankings.csv", "target_rankings.json", "model_family_status.json", "leakage_report.json", "target_confidence.json", "report.html"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const summary = json<{ status: string; stages: Record<string, { status: string }> }>(join(dir, "summary.json"));
    expect(summary.status).toBe("succeeded");
    for (const s of ["data", "features", "targets", "leakage", "ranking", "selection", "gate", "training", "ensembling", "evaluation", "report"]) expect(summary.stages[s]?.status, s).toBe("succeeded");
    for (const t of ["fwd_ret_5", "fwd_ret_20"]) {
      for (const f of [`selection/${t}/selection.json`, `gate/${t}/leakage_report.json`, `training/${t}/lightgbm.json`, `training/${t}/ridge.json`, `models/${t}/ridge.json`, `evaluation/${t}.json`, `ensemble/${t}.json`]) {
        expect(existsSync(join(dir, f)), f).toBe(true);
      }
    }
  });

  it("writes a report that shows the run as summary.json ends it: final status, end time, duration, stage timings", () => {
    const summary = json<RunSummaryData>(join(dir, "summary.json"));
    const facts = reportFacts(readFileSync(join(dir, "report.html"), "utf8"));
    expect(summary.status).toBe("succeeded");
    expect(facts.Status).toBe("succeeded");
    expect(facts.Finished).toBe(timestamp(summary.finished_at));
    expect(facts.Duration).toBe(duration(summary.duration_s));
    expect(facts.Finished).not.toBe("–");
    // The report is the last stage and ends the run at the instant its page shows.
    expect(summary.stages.report.status).toBe("succeeded");
    expect(summary.stages.report.finished_at).toBe(summary.finished_at);
    const rows = reportTimingRows(readFileSync(join(dir, "report.html"), "utf8"));
    expect(rows.map((r) => r[0])).toEqual([...summary.timings.map((t) => t.stage), "all stages"]);
    for (const [i, t] of summary.timings.entries()) {
      expect(rows[i][1], t.stage).toBe(t.status);
      expect(rows[i][4], t.stage).toBe(duration(t.wall_s));
      expect(rows[i][5], t.stage).toBe(duration(t.cpu_s));
      expect(Number(rows[i][8]), t.stage).toBe(t.jobs_run);
    }
    // Every stage ran in this process: CPU measured, jobs counted where the job store was used
    // (nesting is off in this experiment: skipped, with no times).
    expect(summary.timings.find((t) => t.stage === "nested")).toMatchObject({ status: "skipped", wall_s: null, cpu_s: null });
    for (const t of summary.timings.filter((t) => t.status !== "skipped")) expect(t.cpu_s, t.stage).not.toBeNull();
    expect(summary.timings.find((t) => t.stage === "training")!.jobs_run).toBe(4);
    expect(summary.timings.every((t) => t.jobs_reused === 0 && !t.reused)).toBe(true);
  });

  it("ranks the planted predictable targets first and drops the unpredictable one", () => {
    const r = json<TargetRankingsFile>(join(dir, "target_rankings.json"));
    expect(r.targets.map((t) => t.target)).toEqual(["fwd_ret_5", "fwd_ret_20", "fwd_ret_60"]);
    expect(r.kept).toEqual(["fwd_ret_5", "fwd_ret_20"]);
    expect(r.targets[2].kept).toBe(false);
    const csv = readFileSync(join(dir, "target_rankings.csv"), "utf8").split(/\r?\n/);
    expect(csv[1]).toMatch(/^1,fwd_ret_5,/);
  });

  it("removes the planted leaks before anything is ranked, selected or trained", () => {
    const leakage = json<{ excluded: string[] }>(join(dir, "leakage_report.json"));
    for (const leak of LEAKS) expect(leakage.excluded).toContain(leak);
    for (const genuine of ["sig_h5", "sig_h20", "noise_1", "noise_2", "noise_3"]) expect(leakage.excluded).not.toContain(genuine);
    for (const t of ["fwd_ret_5", "fwd_ret_20"]) {
      const sel = json<SelectionFile>(join(dir, "selection", t, "selection.json"));
      for (const leak of LEAKS) expect(sel.consensus.map((c) => c.feature)).not.toContain(leak);
    }
  });

  it("keeps the planted true features, each for the horizon it predicts", () => {
    const s5 = json<SelectionFile>(join(dir, "selection", "fwd_ret_5", "selection.json"));
    const s20 = json<SelectionFile>(join(dir, "selection", "fwd_ret_20", "selection.json"));
    expect(s5.selected).toContain("sig_h5");
    expect(s20.selected).toContain("sig_h20");
    expect(s5.consensus[0].feature).toBe("sig_h5");
  });

  it("trains models whose out-of-sample skill is real but plausible, and says how confident it is", () => {
    for (const t of ["fwd_ret_5", "fwd_ret_20"]) {
      const ridge = json<TrainingFile>(join(dir, "training", t, "ridge.json"));
      expect(ridge.status).toBe("succeeded");
      // The planted ICs are 0.1 (h=5) and 0.06 (h=20): found, and not inflated to a leak's level.
      expect(ridge.score!).toBeGreaterThan(0.03);
      expect(ridge.score!).toBeLessThan(0.2);
    }
    const conf = json<TargetConfidence[]>(join(dir, "target_confidence.json"));
    expect(conf.map((c) => c.target).sort()).toEqual(["fwd_ret_20", "fwd_ret_5"]);
    for (const c of conf) {
      expect(["high", "medium", "low"]).toContain(c.tier);
      expect(c.reasons.length).toBeGreaterThan(0);
    }
    const status = json<StatusFile>(join(dir, "model_family_status.json"));
    expect(status.counts.failed).toBe(0);
    expect(status.records.some((r) => r.stage === "training" && r.family === "ridge" && r.top_feature !== null)).toBe(true);
    expect(status.records.some((r) => r.symbol !== null)).toBe(true);
  });
});

/** The run's result files with timings removed, for comparing two runs. */
function results(run: string): Record<string, unknown> {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).filter(([k]) => !["seconds", "duration_s"].includes(k)).map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  const out: Record<string, unknown> = {};
  const files = ["target_rankings.json", "leakage_report.json", "target_confidence.json"];
  for (const t of ["fwd_ret_5", "fwd_ret_20"]) files.push(`selection/${t}/selection.json`, `training/${t}/lightgbm.json`, `training/${t}/ridge.json`, `evaluation/${t}.json`, `models/${t}/ridge.json`);
  for (const f of files) out[f] = strip(json(join(run, f)));
  return out;
}

describe("foxml run --resume", () => {
  it("a run killed mid-stage and resumed gives the results of the uninterrupted run", async () => {
    const out = join(tmp, "killed");
    const child = spawn(process.execPath, ["bin/foxml.js", "run", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent"], { stdio: "ignore" });
    // Kill it once the selection stage has finished its first job (ranking is complete by then).
    const killedAt = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (!existsSync(out)) return;
        const dirs = readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"));
        if (dirs.length === 0) return;
        const sel = join(out, dirs[0], "jobs", "selection");
        if (existsSync(sel) && readdirSync(sel).length > 0) {
          clearInterval(timer);
          child.kill("SIGKILL");
          resolve(dirs[0]);
        }
      }, 50);
      child.on("exit", () => {
        clearInterval(timer);
        reject(new Error("the run ended before it could be killed mid-stage"));
      });
    });
    await new Promise((r) => child.once("exit", r));
    const killed = join(out, killedAt);
    const before = json<{ status: string; stages: Record<string, { status: string }> }>(join(killed, "summary.json"));
    expect(before.status).toBe("running");
    expect(before.stages.selection.status).toBe("running");
    expect(existsSync(join(killed, "report.html"))).toBe(false);

    const io = captureIo();
    expect(await main(["run", "--resume", killed, "--log-level", "silent"], io)).toBe(0);
    const after = json<{ status: string; resumed_at: string[] }>(join(killed, "summary.json"));
    expect(after.status).toBe("succeeded");
    expect(after.resumed_at).toHaveLength(1);
    expect(readFileSync(join(killed, "logs.jsonl"), "utf8")).toContain("job reused from an earlier attempt");
    expect(results(killed)).toEqual(results(dir));
  }, 600_000);

  it("refuses options that would change the resumed run's configuration", async () => {
    const io = captureIo();
    expect(await main(["run", "--resume", dir, "--set", "pipeline.determinism.seed=3"], io)).toBe(2);
    expect(io.stderr).toMatch(/--resume continues a run with the configuration it started with; --set/);
  });
});
