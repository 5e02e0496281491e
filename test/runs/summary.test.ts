import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.js";
import { SecretMasker } from "../../src/log/redact.js";
import { RunSummary, SummarySchema } from "../../src/runs/summary.js";
import { FoxmlError } from "../../src/util/errors.js";
import { fakeClock, readJson, readJsonl, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let clock: ReturnType<typeof fakeClock>;
let path: string;
let logPath: string;
beforeEach(() => {
  tmp = tempDir("foxml-summary-");
  clock = fakeClock();
  path = join(tmp.path, "summary.json");
  logPath = join(tmp.path, "logs.jsonl");
});
afterEach(() => tmp.remove());

function start(masker = new SecretMasker()): RunSummary {
  const log = createLogger({ runId: "r1", file: logPath, masker, now: clock.now });
  return RunSummary.start({ runId: "r1", name: "default", configHash: "h" }, { path, log, masker, now: clock.now });
}
const onDisk = () => readJson(path);

describe("summary.json across stages", () => {
  it("is rewritten atomically at every transition, so a killed run leaves a valid, current summary", () => {
    const s = start();
    expect(onDisk()).toMatchObject({ status: "running", stages: {}, started_at: "2026-11-28T10:15:00.000Z" });

    s.stageStarted("data");
    expect(onDisk().stages.data).toMatchObject({ status: "running", started_at: "2026-11-28T10:15:00.000Z", finished_at: null });
    clock.advance(2_500);
    s.stageFinished("data", { outcome: "30 symbols, 3,012 bars each", counts: { symbols: 30 }, figures: { first_bar: "1990-01-02" } });
    expect(onDisk().stages.data).toMatchObject({ status: "succeeded", duration_s: 2.5, outcome: "30 symbols, 3,012 bars each", counts: { symbols: 30 } });

    s.stageStarted("ranking");
    // "Killed" here: the file on disk is complete JSON that validates and shows ranking running.
    const mid = onDisk();
    expect(SummarySchema.safeParse(mid).success).toBe(true);
    expect(Object.keys(mid.stages)).toEqual(["data", "ranking"]);
    expect(mid.stages.ranking.status).toBe("running");
    expect(mid.status).toBe("running");

    clock.advance(1_000);
    s.stageFinished("ranking", { figures: { best_ic: 0.041, targets: 12, ic_nan: Number.NaN } });
    s.headline("best_target", "fwd_ret_5d");
    s.headline("best_ic", 0.041);
    s.finish("succeeded");
    const end = onDisk();
    expect(SummarySchema.safeParse(end).success).toBe(true);
    expect(end).toMatchObject({ status: "succeeded", finished_at: "2026-11-28T10:15:03.500Z", duration_s: 3.5, headline: { best_target: "fwd_ret_5d", best_ic: 0.041 } });
    expect(end.stages.ranking.figures).toEqual({ best_ic: 0.041, targets: 12, ic_nan: "NaN" });
    // only the summary and log: no temp files left behind by the atomic writes
    expect(readdirSync(tmp.path).sort()).toEqual(["logs.jsonl", "summary.json"]);
  });

  it("deduplicates warnings by message with counts and a few examples, and logs each one", () => {
    const s = start();
    s.stageStarted("data");
    for (const symbol of ["AAPL", "MSFT", "IBM", "KO", "AAPL"]) s.warn("data", "short history", { symbol });
    s.warn("data", "timestamps not sorted; sorted them");
    s.stageFinished("data");
    const w = onDisk().stages.data.warnings;
    expect(w).toEqual([
      { message: "short history", count: 5, examples: ["symbol=AAPL", "symbol=MSFT", "symbol=IBM"] },
      { message: "timestamps not sorted; sorted them", count: 1 },
    ]);
    expect(onDisk().warnings_total).toBe(6);
    const warnLogs = readJsonl(logPath).filter((r) => r.level === "warn");
    expect(warnLogs).toHaveLength(6);
    expect(warnLogs[1]).toMatchObject({ stage: "data", symbol: "MSFT", msg: "short history", run_id: "r1" });
  });

  it("writes a new distinct warning at once, and repeats with the next write", () => {
    const s = start();
    s.warn("data", "gap in bars");
    expect(onDisk().stages.data.warnings).toEqual([{ message: "gap in bars", count: 1 }]);
    expect(onDisk().stages.data.status).toBe("pending");
    s.warn("data", "gap in bars");
    s.count("data", "rows_dropped", 3);
    s.count("data", "rows_dropped");
    expect(onDisk().stages.data.warnings[0].count).toBe(1); // not yet written
    s.write();
    expect(onDisk().stages.data.warnings[0].count).toBe(2);
    expect(onDisk().stages.data.counts).toEqual({ rows_dropped: 4 });
  });

  it("keeps the summary compact: at most 25 distinct warnings per stage, long texts cut", () => {
    const s = start();
    for (let i = 0; i < 40; i++) s.warn("features", `distinct warning ${i}`);
    s.warn("features", "x".repeat(2000));
    s.write();
    const st = onDisk().stages.features;
    expect(st.warnings).toHaveLength(25);
    expect(st.other_warnings).toBe(16);
    expect(onDisk().warnings_total).toBe(41);
    const long = start();
    long.warn("features", "y".repeat(2000));
    expect(onDisk().stages.features.warnings[0].message.length).toBe(500);
  });

  it("records errors as type, message and hint, without stacks, and masks secrets in them", () => {
    const masker = new SecretMasker();
    masker.add("tok-1234567");
    const s = start(masker);
    s.stageStarted("training");
    s.error("training", new RangeError("learning_rate must be > 0"), { family: "mlp" });
    s.stageFailed("training", new FoxmlError("broker said no to tok-1234567", { hint: "check the key" }));
    const st = onDisk().stages.training;
    expect(st.status).toBe("failed");
    expect(st.errors).toEqual([
      { type: "RangeError", message: "learning_rate must be > 0" },
      { type: "FoxmlError", message: "broker said no to [Redacted]", hint: "check the key" },
    ]);
    expect(onDisk().errors_total).toBe(2);
    expect(JSON.stringify(onDisk())).not.toContain("stack");
    const errLog = readJsonl(logPath).find((r) => r.level === "error" && r.family === "mlp");
    expect(errLog).toMatchObject({ stage: "training", msg: "learning_rate must be > 0" });
  });

  it("marks stages still running as interrupted when the run ends, and records the run's error", () => {
    const s = start();
    s.stageStarted("training");
    clock.advance(4_000);
    s.finish("failed", new Error("out of memory"));
    const d = onDisk();
    expect(d.status).toBe("failed");
    expect(d.stages.training).toMatchObject({ status: "interrupted", duration_s: 4 });
    expect(d.errors).toEqual([{ type: "Error", message: "out of memory" }]);
  });

  it("refuses stage names that cannot be folder names", () => {
    const s = start();
    expect(() => s.stageStarted("../x")).toThrow(FoxmlError);
    expect(() => s.warn("a b", "m")).toThrow(/invalid stage name/);
  });
});

describe("stage timers", () => {
  it("stageTimer starts the stage and ends it exactly once", () => {
    const s = start();
    const t = s.stageTimer("selection");
    clock.advance(750);
    expect(t.elapsedMs()).toBe(750);
    expect(onDisk().stages.selection.status).toBe("running");
    t.finish({ outcome: "kept 40 of 212 features" });
    expect(onDisk().stages.selection).toMatchObject({ status: "succeeded", duration_s: 0.75, outcome: "kept 40 of 212 features" });
    expect(() => t.finish()).toThrow(/already ended/);
    const skipped = s.stageTimer("backtest");
    skipped.skip("no model passed the leakage gate");
    expect(onDisk().stages.backtest).toMatchObject({ status: "skipped", outcome: "no model passed the leakage gate" });
  });

  it("runStage finishes on return, fails and re-throws on error", async () => {
    const s = start();
    const value = await s.runStage("ranking", async () => {
      clock.advance(100);
      return "ranked";
    });
    expect(value).toBe("ranked");
    expect(onDisk().stages.ranking).toMatchObject({ status: "succeeded", duration_s: 0.1, outcome: null });

    await expect(
      s.runStage("training", () => {
        throw new TypeError("shape mismatch");
      }),
    ).rejects.toThrow("shape mismatch");
    expect(onDisk().stages.training).toMatchObject({ status: "failed", errors: [{ type: "TypeError", message: "shape mismatch" }] });

    // A stage the function finished itself is not finished twice.
    await s.runStage("report", (t) => t.finish({ outcome: "report.html written" }));
    expect(onDisk().stages.report.outcome).toBe("report.html written");
  });
});

describe("the stage-timing table", () => {
  it("records wall and CPU seconds per stage, jobs run and reused, and rewrites the table with every write", () => {
    let cpu = 10;
    const masker = new SecretMasker();
    const log = createLogger({ runId: "r1", file: logPath, masker, now: clock.now });
    const s = RunSummary.start({ runId: "r1", name: "default", configHash: "h" }, { path, log, masker, now: clock.now, cpu: () => cpu });
    s.stageStarted("ranking");
    clock.advance(2_000);
    cpu += 3.5; // two cores busy for most of it
    s.jobCounted("ranking", false);
    s.jobCounted("ranking", false);
    s.jobCounted("ranking", true);
    s.stageFinished("ranking");
    s.stageStarted("training");
    s.stageReused("training");
    clock.advance(100);
    cpu += 0.05;
    s.jobCounted("training", true);
    s.stageFinished("training");
    const disk = onDisk();
    expect(SummarySchema.safeParse(disk).success).toBe(true);
    expect(disk.timings).toEqual([
      { stage: "ranking", status: "succeeded", started_at: "2026-11-28T10:15:00.000Z", finished_at: "2026-11-28T10:15:02.000Z", wall_s: 2, cpu_s: 3.5, jobs_run: 2, jobs_reused: 1, reused: false },
      { stage: "training", status: "succeeded", started_at: "2026-11-28T10:15:02.000Z", finished_at: "2026-11-28T10:15:02.100Z", wall_s: 0.1, cpu_s: 0.05, jobs_run: 0, jobs_reused: 1, reused: true },
    ]);
    expect(disk.stages.ranking).toMatchObject({ cpu_s: 3.5, jobs: { run: 2, reused: 1 }, reused: false });
    // A stage that runs again (resume) starts its counts afresh.
    s.stageStarted("ranking");
    expect(onDisk().timings[0]).toMatchObject({ status: "running", jobs_run: 0, jobs_reused: 0, cpu_s: null, wall_s: null });
  });

  it("reads a summary written before the table existed, with the table rebuilt from its stages", () => {
    const s = start();
    s.stageStarted("data");
    s.stageFinished("data");
    const old = onDisk();
    delete old.timings;
    for (const st of Object.values(old.stages) as Array<Record<string, unknown>>) {
      delete st.cpu_s;
      delete st.jobs;
      delete st.reused;
    }
    const parsed = SummarySchema.parse(old);
    expect(parsed.stages.data).toMatchObject({ cpu_s: null, jobs: { run: 0, reused: 0 }, reused: false });
    expect(parsed.timings).toEqual([]);
  });

  it("projects the end of the run without writing it, and finishing at that instant writes exactly the projection", () => {
    let cpu = 1;
    const masker = new SecretMasker();
    const log = createLogger({ runId: "r1", file: logPath, masker, now: clock.now });
    const s = RunSummary.start({ runId: "r1", name: "default", configHash: "h" }, { path, log, masker, now: clock.now, cpu: () => cpu });
    s.stageStarted("report");
    clock.advance(1_500);
    cpu += 1.2;
    const at = s.instant();
    const projected = s.projectEnd({ stage: "report", result: { outcome: "wrote report.html" }, status: "succeeded", at });
    expect(onDisk()).toMatchObject({ status: "running", finished_at: null });
    expect(projected).toMatchObject({ status: "succeeded", finished_at: "2026-11-28T10:15:01.500Z", duration_s: 1.5 });
    expect(projected.stages.report).toMatchObject({ status: "succeeded", outcome: "wrote report.html", duration_s: 1.5, cpu_s: 1.2 });
    clock.advance(40); // writing the page takes a moment; the instant stays the one projected
    cpu += 0.01;
    s.stageFinished("report", { outcome: "wrote report.html" }, at);
    s.finish("succeeded", undefined, at);
    expect(onDisk()).toEqual(JSON.parse(JSON.stringify(projected)));
  });
});
