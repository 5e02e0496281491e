import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { baseConfig, makeRun, readJson, runsCli, tempDir } from "../registry/helpers.js";

let tmp: ReturnType<typeof tempDir>;
let runsDir: string;
beforeEach(() => {
  tmp = tempDir("foxml-runs-cli-");
  runsDir = join(tmp.path, "runs");
  mkdirSync(runsDir);
});
afterEach(() => tmp.remove());

const T0 = Date.parse("2026-11-28T10:00:00.000Z");
const HOUR = 3_600_000;
const A = "20261128T100001Z-default";
const B = "20261128T110001Z-default";
const C = "20261128T120001Z-sweep";

async function threeRuns(): Promise<void> {
  await makeRun(runsDir, { start: T0, headline: { best_ic: 0.05, symbols: 30 }, stages: [{ name: "data", figures: { bars: 1000 }, outcome: "30 symbols, 1000 bars", warnings: ["short history"] }] });
  await makeRun(runsDir, { start: T0 + HOUR, seed: 8, config: baseConfig(8), headline: { best_ic: 0.06, symbols: 30 } });
  await makeRun(runsDir, { start: T0 + 2 * HOUR, name: "sweep", status: "failed", stages: [{ name: "data", fail: "no bars in range" }], headline: {} });
}

describe("foxml runs --help", () => {
  it("documents each sub-command and its options", async () => {
    const top = await runsCli(["runs", "--help"]);
    expect(top.code).toBe(0);
    for (const sub of ["list", "show", "compare", "sync"]) expect(top.stdout).toContain(sub);
    const list = await runsCli(["runs", "list", "--help"]);
    expect(list.code).toBe(0);
    for (const opt of ["--runs-dir", "--name", "--status", "--since", "--limit", "--json"]) expect(list.stdout).toContain(opt);
    expect((await runsCli(["runs", "show", "--help"])).stdout).toContain("<id>");
    expect((await runsCli(["runs", "compare", "--help"])).stdout).toContain("<ids...>");
  });
});

describe("foxml runs list", () => {
  it("prints a table of runs, newest first, with status, duration, warnings and headline figures", async () => {
    await threeRuns();
    const r = await runsCli(["runs", "list", "--runs-dir", runsDir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0].split(/\s+/)).toEqual(["ID", "STATUS", "DURATION", "WARNINGS", "BEST_IC", "SYMBOLS"]);
    // Durations come from the summaries (the test clock ticks once per event).
    const duration = (id: string) => `${readJson(join(runsDir, id, "summary.json")).duration_s.toFixed(1)}s`;
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      [C, "failed", duration(C), "0", "-", "-"],
      [B, "succeeded", duration(B), "0", "0.06", "30"],
      [A, "succeeded", duration(A), "1", "0.05", "30"],
    ]);
  });

  it("filters by name, status and limit, and prints JSON", async () => {
    await threeRuns();
    const failed = await runsCli(["runs", "list", "--runs-dir", runsDir, "--status", "failed", "--json"]);
    expect(failed.code).toBe(0);
    const json = JSON.parse(failed.stdout);
    expect(json.runs.map((x: { id: string }) => x.id)).toEqual([C]);
    expect(json).toMatchObject({ total: 1, missingHidden: 0, skipped: [] });
    const named = JSON.parse((await runsCli(["runs", "list", "--runs-dir", runsDir, "--name", "default", "--limit", "1", "--json"])).stdout);
    expect(named.runs.map((x: { id: string }) => x.id)).toEqual([B]);
    expect(named.total).toBe(2);
    const text = await runsCli(["runs", "list", "--runs-dir", runsDir, "--limit", "1"]);
    expect(text.stdout).toContain("(showing 1 of 3 runs (--limit N for more))");
    const since = JSON.parse((await runsCli(["runs", "list", "--runs-dir", runsDir, "--since", "2026-11-28T10:30:00Z", "--json"])).stdout);
    expect(since.runs).toHaveLength(2);
  });

  it("chooses figure columns with --figures", async () => {
    await threeRuns();
    const r = await runsCli(["runs", "list", "--runs-dir", runsDir, "--figures", "symbols"]);
    expect(r.stdout.split("\n")[0].split(/\s+/)).toEqual(["ID", "STATUS", "DURATION", "WARNINGS", "SYMBOLS"]);
  });

  it("without --runs-dir, looks in pipeline.runs.dir of the config (./runs by default)", async () => {
    await threeRuns();
    const cwd = process.cwd();
    process.chdir(tmp.path);
    try {
      const r = await runsCli(["runs", "list", "--json"]);
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toMatchObject({ runsDir, total: 3 });
    } finally {
      process.chdir(cwd);
    }
  });

  it("says when nothing matches", async () => {
    const r = await runsCli(["runs", "list", "--runs-dir", runsDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`no runs in ${runsDir} match\n`);
  });

  it("exits 2 with a clear message for a missing runs folder or bad options", async () => {
    const missing = await runsCli(["runs", "list", "--runs-dir", join(tmp.path, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: the runs folder .*nope does not exist\nhint: /);
    for (const [opt, value, msg] of [
      ["--status", "done", /unknown --status "done"/],
      ["--limit", "0", /invalid --limit "0"/],
      ["--limit", "ten", /invalid --limit "ten"/],
      ["--since", "last tuesday", /invalid --since "last tuesday"/],
    ] as const) {
      const r = await runsCli(["runs", "list", "--runs-dir", runsDir, opt, value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("reports a damaged run folder on stderr and lists the others", async () => {
    await threeRuns();
    writeFileSync(join(runsDir, B, "summary.json"), "{ truncated");
    const r = await runsCli(["runs", "list", "--runs-dir", runsDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(A);
    expect(r.stdout).not.toContain(B);
    expect(r.stderr).toMatch(new RegExp(`^warning: skipped run folder ${B}: .*summary\\.json: not valid JSON`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("foxml runs show", () => {
  it("shows the manifest summary, stages, warnings and headline figures of a run given by prefix", async () => {
    await threeRuns();
    const r = await runsCli(["runs", "show", "20261128T10", "--runs-dir", runsDir]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(new RegExp(`^run ${A}\n`));
    expect(out).toMatch(/ status +succeeded\n/);
    expect(out).toMatch(/ seed +7\n/);
    expect(out).toMatch(/ data +f{64}\n/);
    expect(out).toMatch(/ command +foxml run --set pipeline.determinism.seed=7\n/);
    expect(out).toMatch(/ targets +fwd_ret_5, fwd_ret_20\n/);
    expect(out).toMatch(/ families +gbdt\/balanced\n/);
    expect(out).toMatch(/headline\n +best_ic +0.05\n +symbols +30\n/);
    expect(out).toMatch(/STAGE +STATUS +DURATION +OUTCOME\n +data +succeeded +\d+\.\ds +30 symbols, 1000 bars\n/);
    expect(out).toMatch(/warnings \(1 in all\)\n +data: short history\n +e\.g\. symbol=AAPL\n/);
    expect(out).toMatch(/ data\.bars +1000\n/);
  });

  it("shows a failed run's errors", async () => {
    await threeRuns();
    const r = await runsCli(["runs", "show", C, "--runs-dir", runsDir]);
    expect(r.stdout).toMatch(/ data +failed +/);
    expect(r.stdout).toMatch(/errors \(2 in all\)\n +run: Error: the run failed\n +data: Error: no bars in range\n/);
  });

  it("prints JSON with --json", async () => {
    await threeRuns();
    const r = await runsCli(["runs", "show", B, "--runs-dir", runsDir, "--json"]);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ id: B, seed: 8, status: "succeeded", headline: { best_ic: 0.06, symbols: 30 } });
    expect(json.configHash).toBe(readJson(join(runsDir, B, "manifest.json")).config.hash);
  });

  it("exits 2 for an unknown or ambiguous id, and names a damaged folder the id points at", async () => {
    await threeRuns();
    const unknown = await runsCli(["runs", "show", "2025", "--runs-dir", runsDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/error: no run with an id starting with "2025"/);
    // A run name stands for the newest run of that name.
    const byName = await runsCli(["runs", "show", "default", "--runs-dir", runsDir, "--json"]);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain(B);
    expect(byName.stdout).not.toContain(A);
    const ambiguous = await runsCli(["runs", "show", "20261128", "--runs-dir", runsDir]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`"20261128" matches 3 runs: ${A}, ${B}, ${C}`);
    writeFileSync(join(runsDir, C, "manifest.json"), "[]");
    const damaged = await runsCli(["runs", "show", C, "--runs-dir", runsDir]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(new RegExp(`error: run folder ${C} is damaged and not indexed: .*manifest\\.json: invalid run manifest`));
  });

  it("shows a run whose folder was deleted, saying so", async () => {
    await threeRuns();
    await runsCli(["runs", "list", "--runs-dir", runsDir]);
    const { rmSync } = await import("node:fs");
    rmSync(join(runsDir, A), { recursive: true });
    const list = await runsCli(["runs", "list", "--runs-dir", runsDir]);
    expect(list.stdout).not.toContain(A);
    expect(list.stdout).toContain("1 run(s) whose folders were deleted are hidden (--status missing lists them)");
    const show = await runsCli(["runs", "show", A, "--runs-dir", runsDir]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/ status +missing: folder deleted \(last seen succeeded, noticed /);
  });
});

describe("foxml runs compare", () => {
  it("prints config differences, data fingerprint and figures side by side with deltas", async () => {
    await threeRuns();
    const r = await runsCli(["runs", "compare", A, B, "--runs-dir", runsDir]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(new RegExp(`\\[1\\] +${A} +succeeded`));
    expect(out).toMatch(new RegExp(`\\[2\\] +${B} +succeeded`));
    expect(out).toMatch(/config: 1 setting\(s\) differ\n +SETTING +\[1\] +\[2\]\n +pipeline\.determinism\.seed +7 +8\n/);
    expect(out).toContain("data: same data fingerprint\n");
    expect(out).toContain("seed: different\n");
    expect(out).toMatch(/headline figures\n +\[1\] +\[2\]\n +best_ic +0\.05 +0\.06 \+0\.01 \(\+20%\)\n +symbols +30 +30\n/);
  });

  it("prints JSON, and exits 2 for fewer than two runs or an unknown one", async () => {
    await threeRuns();
    const json = JSON.parse((await runsCli(["runs", "compare", A, B, C, "--runs-dir", runsDir, "--json"])).stdout);
    expect(json.runs.map((x: { id: string }) => x.id)).toEqual([A, B, C]);
    expect(json.config.differences).toEqual([{ path: "pipeline.determinism.seed", values: ["7", "8", "7"] }]);
    const one = await runsCli(["runs", "compare", A, "--runs-dir", runsDir]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/compare needs two or more runs, got 1/);
    const unknown = await runsCli(["runs", "compare", A, "nope", "--runs-dir", runsDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no run with an id starting with "nope"/);
  });
});

describe("foxml runs sync", () => {
  it("indexes the folders and reports the counts; --prune forgets deleted ones", async () => {
    await threeRuns();
    const first = await runsCli(["runs", "sync", "--runs-dir", runsDir]);
    expect(first.stdout).toMatch(/registry\.sqlite: 3 added, 0 updated, 0 restored, 0 newly missing, 0 unchanged, 0 skipped\n$/);
    const { rmSync } = await import("node:fs");
    rmSync(join(runsDir, A), { recursive: true });
    const pruned = JSON.parse((await runsCli(["runs", "sync", "--runs-dir", runsDir, "--prune", "--json"])).stdout);
    expect(pruned).toMatchObject({ missing: [A], pruned: [A], unchanged: 2 });
  });
});
