import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/io.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-run-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The run folders in `out`; the run registry (registry.sqlite*) is an index beside them. */
function runDirs(out: string): string[] {
  return readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"));
}

function onlyRunDir(out: string): string {
  const dirs = runDirs(out);
  expect(dirs).toHaveLength(1);
  return join(out, dirs[0]);
}

describe("foxml run (main job)", () => {
  // `foxml rank` runs the same pipeline as `run` and stops after ranking; the whole pipeline is
  // exercised end to end on generated data in e2e.test.ts.
  it("runs on the bundled data and writes a complete run folder", async () => {
    const out = join(tmp, "a");
    const io = captureIo();
    const code = await main(["rank", "--out", out, "--log-level", "warn", "--set", 'targets=["fwd_ret_5","fwd_ret_20"]'], io);
    expect(io.stderr).not.toContain("error");
    expect(code).toBe(0);
    const dir = onlyRunDir(out);
    expect(dir).toMatch(/\d{8}T\d{6}Z-default$/);
    for (const f of ["manifest.json", "logs.jsonl", "summary.json", "data/inspect.json", "features/features.json", "targets/targets.json", "leakage/exclusions.json"]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    for (const t of ["fwd_ret_5", "fwd_ret_20"]) expect(existsSync(join(dir, "leakage", t, "leakage_report.json"))).toBe(true);
    // Ranking on real daily closes: honest, small out-of-sample skill (an IC of 0.3 would be a bug).
    const rankings = JSON.parse(readFileSync(join(dir, "target_rankings.json"), "utf8"));
    expect(rankings.targets.map((r: { target: string }) => r.target).sort()).toEqual(["fwd_ret_20", "fwd_ret_5"]);
    for (const r of rankings.targets) expect(Math.abs(r.skill)).toBeLessThan(0.15);
    expect(readFileSync(join(dir, "target_rankings.csv"), "utf8")).toMatch(/^rank,target,/);
    const features = JSON.parse(readFileSync(join(dir, "features/features.json"), "utf8"));
    // Close-only data: features that need volume or high/low are left out, each with its reason.
    expect(features.skipped.some((s: { reason: string }) => s.reason.includes("volume"))).toBe(true);
    expect(features.features.length).toBeGreaterThan(40);

    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.config.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.data_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.seed).toBe(42);
    expect(manifest.versions).toBeTruthy();

    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.status).toBe("succeeded");
    for (const stage of ["data", "features", "targets", "leakage", "ranking"]) expect(summary.stages[stage].status).toBe("succeeded");
    expect(summary.stages.selection).toBeUndefined();
    // The standard library on real daily closes has no look-ahead.
    expect(summary.stages.leakage.figures.excluded).toBe(0);
    expect(summary.headline.symbols).toBe(30);
    expect(summary.headline.interval).toBe("1d");

    const records = readFileSync(join(dir, "logs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) {
      expect(r.run_id).toBe(summary.run_id);
      expect(typeof r.stage).toBe("string");
    }
    // Nothing but the run folder (and the registry index) was written into the output folder.
    expect(runDirs(out)).toHaveLength(1);
    const io2 = captureIo();
    expect(await main(["runs", "list", "--runs-dir", out, "--json"], io2)).toBe(0);
    expect(io2.stdout).toContain(summary.run_id);
  });

  it("--data and --set reach the run, and the same inputs give the same config hash and fingerprint", async () => {
    const args = ["--data", "datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv", "--set", "pipeline.data.min_bars=40", "--set", "targets=fwd_ret_5", "--log-level", "silent"];
    const hashes: string[] = [];
    for (const name of ["b", "c"]) {
      const out = join(tmp, name);
      expect(await main(["rank", "--out", out, ...args], captureIo())).toBe(0);
      const dir = onlyRunDir(out);
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
      const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
      expect(summary.headline.symbols).toBe(4);
      expect(manifest.config.resolved.pipeline.data.min_bars).toBe(40);
      hashes.push(`${manifest.config.hash}/${manifest.data_fingerprint}`);
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it("`foxml select` stops after selection, and `foxml train --resume` continues that run folder", async () => {
    const out = join(tmp, "sel");
    const args = ["--data", "datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv", "--set", "pipeline.data.min_bars=40", "--set", "targets=fwd_ret_5", "--log-level", "silent"];
    const sets = ["--set", "pipeline.ranking.min_t_stat=0", "--set", "pipeline.selection.methods.boruta.enabled=false", "--set", "pipeline.selection.methods.stability.enabled=false"];
    expect(await main(["select", "--out", out, ...args, ...sets], captureIo())).toBe(0);
    const dir = onlyRunDir(out);
    expect(existsSync(join(dir, "selection", "fwd_ret_5", "selection.json"))).toBe(true);
    expect(existsSync(join(dir, "training"))).toBe(false);
    const io = captureIo();
    expect(await main(["train", "--resume", dir, "--log-level", "silent"], io)).toBe(0);
    expect(io.stdout).toContain(dir);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.status).toBe("succeeded");
    for (const stage of ["ranking", "selection", "gate", "training", "ensembling", "evaluation"]) expect(summary.stages[stage].status, stage).toBe("succeeded");
    expect(existsSync(join(dir, "evaluation", "fwd_ret_5.json"))).toBe(true);
    expect(existsSync(join(dir, "report.html"))).toBe(false);
    // Ranking and selection were loaded from the first command, not computed again; the gate on was computed.
    const timing = new Map(summary.timings.map((t: { stage: string }) => [t.stage, t]));
    for (const stage of ["leakage", "ranking", "selection"]) expect(timing.get(stage), stage).toMatchObject({ reused: true, jobs_run: 0, jobs_reused: 1 });
    for (const stage of ["gate", "training"]) expect(timing.get(stage), stage).toMatchObject({ reused: false, jobs_reused: 0 });
    const loaded = readFileSync(join(dir, "logs.jsonl"), "utf8").split("\n").filter((l) => l.includes("stage loaded from an earlier attempt"));
    expect(loaded.length).toBe(3);
  }, 300_000);

  it("bad data fails with a clear message, exit code 2, and a run folder that says so", async () => {
    const out = join(tmp, "d");
    const io = captureIo();
    expect(await main(["run", "--out", out, "--data", "no/such/place.csv", "--log-level", "silent"], io)).toBe(2);
    expect(io.stderr).toMatch(/^error: .*no\/such\/place\.csv/m);
    const summary = JSON.parse(readFileSync(join(onlyRunDir(out), "summary.json"), "utf8"));
    expect(summary.status).toBe("failed");
    expect(summary.stages.data.status).toBe("failed");
  });

  it("a bad --set is refused before any run folder is made", async () => {
    const out = join(tmp, "e");
    const io = captureIo();
    expect(await main(["run", "--out", out, "--set", "pipeline.leakage.purge_bufer_bars=3"], io)).toBe(2);
    expect(io.stderr).toContain("purge_buffer_bars");
    expect(existsSync(out)).toBe(false);
  });
});
