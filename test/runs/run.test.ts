import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { createRun, openRun, type CreateRunOptions } from "../../src/runs/run.js";
import { ManifestSchema } from "../../src/runs/manifest.js";
import { hashJson } from "../../src/util/hash.js";
import { FoxmlError, InputError, NoResultError } from "../../src/util/errors.js";
import { fakeClock, listFiles, readJson, readJsonl, tempDir } from "./helpers.js";

const repoRoot = resolve(import.meta.dirname, "../..");
let tmp: ReturnType<typeof tempDir>;
let runsDir: string;
beforeEach(() => {
  tmp = tempDir("foxml-runs-");
  runsDir = join(tmp.path, "runs");
});
afterEach(() => tmp.remove());

const resolved = { pipeline: { seed: 7, leakage: { purge_buffer_bars: 5 } }, models: { families: ["gbdt", "linear"] } };

function options(over: Partial<CreateRunOptions> = {}): CreateRunOptions {
  // Spawning git is slow on a busy machine: only the tests about git ask for it.
  return { runsDir, name: "default", config: { resolved }, seed: 7, argv: ["run"], cwd: tmp.path, git: false, ...over };
}

describe("createRun: folder layout", () => {
  it("creates runs/<UTC time>-<name>/ with manifest.json, logs.jsonl, summary.json and stage folders", () => {
    const clock = fakeClock("2026-11-28T10:15:00.250Z");
    const run = createRun(options({ now: clock.now }));
    expect(run.id).toBe("20261128T101500Z-default");
    expect(run.dir).toBe(join(runsDir, "20261128T101500Z-default"));
    expect(run.stageDir("ranking")).toBe(join(run.dir, "ranking"));
    expect(listFiles(run.dir)).toEqual(["logs.jsonl", "manifest.json", "ranking/", "summary.json"]);
    const summary = readJson(join(run.dir, "summary.json"));
    expect(summary).toMatchObject({ run_id: run.id, status: "running", started_at: "2026-11-28T10:15:00.250Z", finished_at: null });
    const logs = readJsonl(join(run.dir, "logs.jsonl"));
    expect(logs[0]).toMatchObject({ run_id: run.id, stage: "run", msg: "run created", seed: 7 });
    run.finish("succeeded");
  });

  it("adds a suffix when a run of the same name started in the same second", () => {
    const clock = fakeClock();
    const a = createRun(options({ now: clock.now }));
    const b = createRun(options({ now: clock.now }));
    const c = createRun(options({ now: clock.now, name: "My Study / v2" }));
    expect([a.id, b.id, c.id]).toEqual(["20261128T101500Z-default", "20261128T101500Z-default-2", "20261128T101500Z-My-Study-v2"]);
    expect(c.manifest.name).toBe("My Study / v2");
    for (const r of [a, b, c]) r.finish("succeeded");
  });

  it("refuses invalid stage names for folders", () => {
    const run = createRun(options());
    for (const bad of ["", "..", "a/b", "x y", ".hidden", "a".repeat(65)]) expect(() => run.stageDir(bad)).toThrow(FoxmlError);
    run.finish("succeeded");
  });
});

describe("createRun: manifest.json", () => {
  it("records config and hash, fingerprint, versions, platform, seed and command line", () => {
    const clock = fakeClock("2026-11-28T10:15:00.000Z");
    const run = createRun(options({ now: clock.now, dataFingerprint: { sha256: "ab".repeat(32), files: 3 }, argv: ["run", "--data", "d.csv", "--seed", "7"] }));
    const m = readJson(join(run.dir, "manifest.json"));
    expect(ManifestSchema.safeParse(m).success).toBe(true);
    expect(m).toMatchObject({
      format: "foxml.run-manifest",
      format_version: 1,
      run_id: "20261128T101500Z-default",
      name: "default",
      created_at: "2026-11-28T10:15:00.000Z",
      config: { hash: hashJson(resolved), resolved },
      data_fingerprint: { sha256: "ab".repeat(32), files: 3 },
      seed: 7,
      command: { argv: ["run", "--data", "d.csv", "--seed", "7"], cwd: tmp.path },
      git: null,
    });
    const pkg = readJson(join(repoRoot, "package.json"));
    expect(m.versions.foxml).toBe(pkg.version);
    expect(m.versions.node).toBe(process.versions.node);
    for (const dep of ["zod", "pino", "yaml", "nodejs-polars", "commander"]) {
      expect(m.versions.dependencies[dep]).toBe(readJson(join(repoRoot, "node_modules", dep, "package.json")).version);
    }
    expect(m.platform).toMatchObject({ os: process.platform, arch: process.arch });
    expect(m.platform.cpus).toBeGreaterThan(0);
    expect(run.manifest).toEqual(m);
    run.finish("succeeded");
  });

  it("keeps a hash given by the config loader", () => {
    const run = createRun(options({ config: { resolved, hash: "c0ffee" } }));
    expect(readJson(join(run.dir, "manifest.json")).config.hash).toBe("c0ffee");
    expect(readJson(join(run.dir, "summary.json")).config_hash).toBe("c0ffee");
    run.finish("succeeded");
  });

  it("records the git commit of the project folder when there is one", () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    const run = createRun(options({ cwd: repoRoot, git: true }));
    expect(run.manifest.git?.commit).toBe(head);
    expect(typeof run.manifest.git?.dirty).toBe("boolean");
    run.finish("succeeded");
    // tolerated absence: a folder outside any repository
    const outside = createRun(options({ cwd: tmp.path, git: true }));
    expect(outside.manifest.git).toBeNull();
    outside.finish("succeeded");
  });

  it("records the data fingerprint later, rewriting the manifest", () => {
    const run = createRun(options());
    expect(run.manifest.data_fingerprint).toBeNull();
    run.setDataFingerprint("f".repeat(64));
    expect(readJson(join(run.dir, "manifest.json")).data_fingerprint).toBe("f".repeat(64));
    expect(run.manifest.data_fingerprint).toBe("f".repeat(64));
    run.finish("succeeded");
  });

  it("refuses a non-integer seed", () => {
    expect(() => createRun(options({ seed: 1.5 }))).toThrow(/seed must be an integer/);
    expect(existsSync(runsDir) ? listFiles(runsDir) : []).toEqual([]);
  });
});

describe("run.path: nothing outside the run folder", () => {
  it("resolves paths inside and refuses escapes", () => {
    const run = createRun(options());
    expect(run.path("ranking/scores.json")).toBe(join(run.dir, "ranking", "scores.json"));
    expect(run.path("./a/../b.txt")).toBe(join(run.dir, "b.txt"));
    expect(run.path("..not-a-parent")).toBe(join(run.dir, "..not-a-parent"));
    for (const bad of ["../escape.txt", "a/../../escape.txt", "/etc/passwd", join(tmp.path, "x"), "", "a\0b"]) {
      expect(() => run.path(bad), bad).toThrow(FoxmlError);
    }
    expect(() => run.writeJson("../outside.json", { a: 1 })).toThrow(/leads outside the run folder/);
    expect(existsSync(join(runsDir, "outside.json"))).toBe(false);
    run.finish("succeeded");
  });

  it("refuses to write through a symlink that leads out of the folder", () => {
    const run = createRun(options());
    const outside = join(tmp.path, "outside");
    mkdirSync(outside);
    symlinkSync(outside, join(run.dir, "link"));
    expect(() => run.writeFile("link/x.txt", "data")).toThrow(/symbolic link/);
    expect(existsSync(join(outside, "x.txt"))).toBe(false);
    run.finish("succeeded");
  });

  it("writes files atomically inside the folder", () => {
    const run = createRun(options());
    const p = run.writeJson("ranking/scores.json", { t1: 0.1 });
    expect(readJson(p)).toEqual({ t1: 0.1 });
    expect(run.writeFile("report.txt", "ok")).toBe(join(run.dir, "report.txt"));
    expect(listFiles(join(run.dir, "ranking"))).toEqual(["scores.json"]);
    run.finish("succeeded");
  });
});

describe("run.execute and finish", () => {
  it("finishes succeeded, logs it and releases the log", async () => {
    const clock = fakeClock();
    const run = createRun(options({ now: clock.now }));
    const out = await run.execute(async () => {
      clock.advance(1500);
      return 42;
    });
    expect(out).toBe(42);
    expect(readJson(join(run.dir, "summary.json"))).toMatchObject({ status: "succeeded", duration_s: 1.5, finished_at: "2026-11-28T10:15:01.500Z" });
    expect(readJsonl(join(run.dir, "logs.jsonl")).at(-1)).toMatchObject({ msg: "run finished", status: "succeeded", duration_s: 1.5 });
    run.finish("failed"); // ignored: the first outcome stands
    expect(readJson(join(run.dir, "summary.json")).status).toBe("succeeded");
  });

  it("finishes failed with the error's type and message, and re-throws", async () => {
    const run = createRun(options());
    await expect(
      run.execute(() => {
        throw new InputError("data.csv: column close missing", "add a close column");
      }),
    ).rejects.toThrow("column close missing");
    const s = readJson(join(run.dir, "summary.json"));
    expect(s.status).toBe("failed");
    expect(s.errors).toEqual([{ type: "InputError", message: "data.csv: column close missing", hint: "add a close column" }]);
    expect(readJsonl(join(run.dir, "logs.jsonl")).at(-1)).toMatchObject({ level: "error", msg: "run failed" });
    expect(run.isFinished).toBe(true);
  });

  it("finishes no_result (not succeeded) when nothing usable came out, with the message and hint, and re-throws", async () => {
    const run = createRun(options());
    const empty = new NoResultError("every ranking job failed", "use a shorter horizon");
    await expect(run.execute(() => Promise.reject(empty))).rejects.toBe(empty);
    expect(empty.exitCode).toBe(1);
    const s = readJson(join(run.dir, "summary.json"));
    expect(s.status).toBe("no_result");
    expect(s.errors).toEqual([{ type: "NoResultError", message: "every ranking job failed", hint: "use a shorter horizon" }]);
    expect(readJsonl(join(run.dir, "logs.jsonl")).at(-1)).toMatchObject({ level: "error", msg: "run ended without a result", status: "no_result" });
  });
});

describe("secrets in a run", () => {
  it("appear in no file of the run folder and not on the console", async () => {
    const SECRET = "PKTEST-abc123-SECRET";
    const io = captureIo();
    const config = { trading: { alpaca: { api_key: SECRET, paper: true } }, pipeline: { seed: 1 } };
    const run = createRun(options({ config: { resolved: config }, console: io, logLevel: "trace", argv: ["run", "--set", `trading.alpaca.api_key=${SECRET}`] }));
    await run
      .execute(async () => {
        run.log.info(`connecting with ${SECRET}`);
        run.summary.warn("trading", `key ${SECRET} is a paper key`);
        throw new Error(`broker rejected ${SECRET}`);
      })
      .catch(() => undefined);
    const files = listFiles(run.dir).filter((f) => !f.endsWith("/"));
    expect(files).toEqual(["logs.jsonl", "manifest.json", "summary.json"]);
    for (const f of files) expect(readFileSync(join(run.dir, f), "utf8"), f).not.toContain(SECRET);
    expect(io.stderr).not.toContain(SECRET);
    expect(io.stderr).toContain("connecting with [Redacted]");
    // The config's hash is still that of the real config; the manifest shows it redacted.
    const m = readJson(join(run.dir, "manifest.json"));
    expect(m.config.hash).toBe(hashJson(config));
    expect(m.config.resolved.trading.alpaca).toEqual({ api_key: "[Redacted]", paper: true });
    expect(m.command.argv).toEqual(["run", "--set", "trading.alpaca.api_key=[Redacted]"]);
  });
});

describe("openRun", () => {
  it("a stage that runs again after a resume reports afresh: its old warnings and errors leave the totals", () => {
    const clock = fakeClock();
    const first = createRun(options({ now: clock.now }));
    first.summary.stageStarted("selection");
    first.summary.warn("selection", "method boruta failed");
    first.summary.error("selection", new Error("fwd_ret_5 failed"));
    first.log.close();

    const again = openRun(first.dir, { now: clock.now });
    again.summary.stageStarted("selection");
    again.summary.warn("selection", "method boruta failed");
    again.summary.stageFinished("selection");
    const s = readJson(join(first.dir, "summary.json"));
    expect(s.warnings_total).toBe(1);
    expect(s.errors_total).toBe(0);
    expect(s.stages.selection.warnings).toEqual([{ message: "method boruta failed", count: 1 }]);
    expect(s.stages.selection.errors).toEqual([]);
    again.finish("succeeded");
  });

  it("reopens a run: same id, log appended, summary resumed with interrupted stages", () => {
    const clock = fakeClock();
    const first = createRun(options({ now: clock.now }));
    first.summary.stageStarted("ranking");
    first.summary.stageFinished("ranking", { outcome: "ok" });
    first.summary.stageStarted("training");
    first.log.close(); // the process "dies" here, without finish()

    clock.advance(60_000);
    const again = openRun(first.dir, { now: clock.now });
    expect(again.id).toBe(first.id);
    expect(again.manifest).toEqual(first.manifest);
    const s = readJson(join(first.dir, "summary.json"));
    expect(s.status).toBe("running");
    expect(s.resumed_at).toEqual(["2026-11-28T10:16:00.000Z"]);
    expect(s.stages.ranking.status).toBe("succeeded");
    expect(s.stages.training.status).toBe("interrupted");
    again.summary.stageStarted("training");
    again.summary.stageFinished("training");
    again.finish("succeeded");
    const logs = readJsonl(join(first.dir, "logs.jsonl"));
    expect(new Set(logs.map((r) => r.run_id))).toEqual(new Set([first.id]));
    expect(logs.map((r) => r.msg)).toContain("run reopened");
    expect(readJson(join(first.dir, "summary.json"))).toMatchObject({ status: "succeeded", stages: { training: { status: "succeeded" } } });
  });

  it("masks the secrets of the caller's fresh config after reopening", () => {
    const config = { broker: { password: "reopen-secret-99" } };
    const run = createRun(options({ config: { resolved: config } }));
    run.log.close();
    const again = openRun(run.dir, { config });
    again.log.warn("login with reopen-secret-99 failed");
    again.finish("failed");
    expect(readFileSync(join(run.dir, "logs.jsonl"), "utf8")).not.toContain("reopen-secret-99");
    expect(readFileSync(join(run.dir, "logs.jsonl"), "utf8")).toContain("login with [Redacted] failed");
  });

  it("starts a new summary when summary.json is damaged, and says so in the log", () => {
    const run = createRun(options());
    run.finish("succeeded");
    writeFileSync(join(run.dir, "summary.json"), "{ not json");
    const again = openRun(run.dir);
    expect(readJson(join(run.dir, "summary.json")).status).toBe("running");
    expect(readJsonl(join(run.dir, "logs.jsonl")).some((r) => r.level === "warn" && String(r.msg).includes("summary.json could not be read"))).toBe(true);
    again.finish("succeeded");
  });

  it("names what is wrong with a folder that is not a valid run", () => {
    expect(() => openRun(join(tmp.path, "missing"))).toThrow(/does not exist/);
    mkdirSync(join(tmp.path, "empty"));
    expect(() => openRun(join(tmp.path, "empty"))).toThrow(InputError);
    expect(() => openRun(join(tmp.path, "empty"))).toThrow(/not a FoxML run folder: it has no manifest\.json/);

    const run = createRun(options());
    run.finish("succeeded");
    const manifestPath = join(run.dir, "manifest.json");
    const good = readFileSync(manifestPath, "utf8");
    writeFileSync(manifestPath, good.slice(0, 40));
    expect(() => openRun(run.dir)).toThrow(/manifest\.json: not valid JSON/);
    const m = JSON.parse(good);
    m.seed = "seven";
    delete m.run_id;
    writeFileSync(manifestPath, JSON.stringify(m));
    expect(() => openRun(run.dir)).toThrow(/invalid run manifest: .*run_id.*seed|invalid run manifest: .*seed.*run_id/);
  });
});
