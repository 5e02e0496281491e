import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRegistry, registerRun, syncRegistry, tryRegisterRun, REGISTRY_FILE, SCHEMA_VERSION, MIGRATIONS, type RunRegistry } from "../../src/registry/index.js";
import { FoxmlError, InputError } from "../../src/util/errors.js";
import { baseConfig, makeRun, readJson, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let runsDir: string;
let reg: RunRegistry | undefined;
beforeEach(() => {
  tmp = tempDir("foxml-registry-");
  runsDir = join(tmp.path, "runs");
  mkdirSync(runsDir);
});
afterEach(() => {
  reg?.close();
  reg = undefined;
  tmp.remove();
});

const T0 = Date.parse("2026-11-28T10:00:00.000Z");
const HOUR = 3_600_000;

describe("openRegistry", () => {
  it("creates runs/registry.sqlite in WAL mode at the latest schema version", () => {
    reg = openRegistry(runsDir);
    expect(reg.path).toBe(join(runsDir, REGISTRY_FILE));
    reg.close();
    const db = new Database(join(runsDir, REGISTRY_FILE), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(["configs", "errors", "families", "figures", "metrics", "runs", "schema_migrations", "stages", "targets", "warnings"]);
    expect((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it("numbers migrations 1, 2, 3, ... and applies each once when reopened", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    openRegistry(runsDir).close();
    reg = openRegistry(runsDir);
    const db = new Database(join(runsDir, REGISTRY_FILE), { readonly: true });
    expect((db.prepare("SELECT count(*) AS n FROM schema_migrations").get() as { n: number }).n).toBe(MIGRATIONS.length);
    db.close();
  });

  it("brings a version 1 registry forward keeping its rows, and then accepts no_result runs", () => {
    const path = join(runsDir, REGISTRY_FILE);
    const old = new Database(path);
    old.exec(MIGRATIONS[0].sql);
    old.pragma("user_version = 1");
    const row = (id: string, status: string) =>
      old.prepare(
        `INSERT INTO runs VALUES (?, ?, 'n', NULL, '/x', ?, NULL, '2026-11-28T10:00:00.000Z', NULL, NULL, 'h', NULL, 1, NULL, NULL, '0.1.0', 'v20', '[]', '/', 0, 0, '[]', 's', 's', 'now')`,
      ).run(id, id, status);
    row("a", "succeeded");
    old.prepare("INSERT INTO targets VALUES ('a', 'fwd_ret_5', 0)").run();
    expect(() => row("b", "no_result")).toThrow(/CHECK constraint/);
    old.close();
    openRegistry(runsDir).close();
    const db = new Database(path);
    db.pragma("foreign_keys = ON");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT id, status FROM runs").all()).toEqual([{ id: "a", status: "succeeded" }]);
    // The rows that refer to a run survived the rebuild and still cascade with it.
    expect(db.prepare("SELECT target FROM targets WHERE run_id = 'a'").all()).toEqual([{ target: "fwd_ret_5" }]);
    db.prepare("UPDATE runs SET status = 'no_result' WHERE id = 'a'").run();
    db.prepare("DELETE FROM runs WHERE id = 'a'").run();
    expect((db.prepare("SELECT count(*) AS n FROM targets").get() as { n: number }).n).toBe(0);
    db.close();
  });

  it("refuses a registry written by a newer FoxML, saying what to do", () => {
    const db = new Database(join(runsDir, REGISTRY_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openRegistry(runsDir)).toThrow(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this FoxML understands`));
    try {
      openRegistry(runsDir);
    } catch (e) {
      expect(e).toBeInstanceOf(FoxmlError);
      expect((e as FoxmlError).hint).toMatch(/delete the registry file/);
    }
  });

  it("moves a damaged registry file aside and rebuilds it from the folders", async () => {
    await makeRun(runsDir);
    writeFileSync(join(runsDir, REGISTRY_FILE), "this is not an SQLite database, just text that is long enough to have a header ".repeat(20));
    reg = openRegistry(runsDir);
    expect(reg.notes.join("\n")).toMatch(/was damaged .* moved to .*registry\.sqlite\.damaged-\d+ and rebuilt/);
    expect(reg.sync().added).toHaveLength(1);
    expect(readdirSync(runsDir).some((n) => n.startsWith(`${REGISTRY_FILE}.damaged-`))).toBe(true);
  });

  it("falls back to an in-memory index when asked and the file cannot be opened; otherwise a FoxmlError naming it", async () => {
    const run = await makeRun(runsDir);
    // A folder where the database file should be: SQLite cannot open it (chmod would not stop root).
    mkdirSync(join(runsDir, REGISTRY_FILE));
    expect(() => openRegistry(runsDir)).toThrow(FoxmlError);
    expect(() => openRegistry(runsDir)).toThrow(/cannot use the run registry .*registry\.sqlite/);
    reg = openRegistry(runsDir, { inMemoryFallback: true });
    expect(reg.path).toBe(":memory:");
    expect(reg.notes.join("\n")).toMatch(/cannot be written .* using a temporary in-memory index/);
    expect(reg.sync().added).toEqual([run.id]);
    expect(reg.getRun(run.id).status).toBe("succeeded");
  });

  it("is an InputError naming the folder when the runs folder does not exist", () => {
    expect(() => openRegistry(join(tmp.path, "nope"))).toThrow(InputError);
    expect(() => openRegistry(join(tmp.path, "nope"))).toThrow(/the runs folder .*nope does not exist/);
    writeFileSync(join(tmp.path, "file"), "");
    expect(() => openRegistry(join(tmp.path, "file"))).toThrow(/is not a folder/);
  });
});

describe("registerRun", () => {
  it("indexes the manifest and summary: identity, config hash, fingerprint, seed, figures, stages, targets, families", async () => {
    const run = await makeRun(runsDir, {
      seed: 11,
      start: T0,
      stages: [
        { name: "data", figures: { symbols: 30, panel_mib: 1.5 }, outcome: "30 symbols", warnings: ["short history", "short history", "gap"] },
        { name: "ranking", figures: { best_target: "fwd_ret_5", best_ic: 0.031 } },
      ],
      headline: { best_ic: 0.031, nan_figure: Number.NaN },
    });
    const rec = registerRun(run.dir);
    expect(rec.id).toBe(run.id);
    reg = openRegistry(runsDir);
    const r = reg.getRun(run.id);
    const manifest = readJson(join(run.dir, "manifest.json"));
    expect(r).toMatchObject({
      id: run.id,
      name: "default",
      experiment: "study",
      dir: run.dir,
      status: "succeeded",
      createdAt: "2026-11-28T10:00:01.000Z",
      configHash: manifest.config.hash,
      dataFingerprint: "f".repeat(64),
      seed: 11,
      gitCommit: null,
      foxmlVersion: manifest.versions.foxml,
      command: ["run", "--set", "pipeline.determinism.seed=11"],
      warningsTotal: 3,
      targets: ["fwd_ret_5", "fwd_ret_20"],
      families: [{ name: "gbdt", variant: "balanced" }],
    });
    expect(r.headline).toEqual({ best_ic: 0.031, nan_figure: "NaN" });
    expect(r.stages.map((s) => [s.name, s.status, s.outcome])).toEqual([
      ["data", "succeeded", "30 symbols"],
      ["ranking", "succeeded", null],
    ]);
    expect(r.stages[0].figures).toEqual({ symbols: 30, panel_mib: 1.5 });
    expect(r.stages[1].figures).toEqual({ best_target: "fwd_ret_5", best_ic: 0.031 });
    expect(r.stages[0].warnings).toEqual([
      { message: "short history", count: 2, examples: ["symbol=AAPL"] },
      { message: "gap", count: 1, examples: ["symbol=AAPL"] },
    ]);
    expect(r.durationS).toBeGreaterThan(0);
  });

  it("is idempotent: registering twice leaves the same rows", async () => {
    const run = await makeRun(runsDir);
    registerRun(run.dir);
    const dump = () => {
      const db = new Database(join(runsDir, REGISTRY_FILE), { readonly: true });
      const out = ["runs", "stages", "figures", "warnings", "errors", "targets", "families", "metrics", "configs"].map((t) =>
        db
          .prepare(`SELECT * FROM ${t}`)
          .all()
          .map((row) => JSON.stringify({ ...(row as object), indexed_at: undefined }))
          .sort(),
      );
      db.close();
      return out;
    };
    const first = dump();
    registerRun(run.dir);
    registerRun(run.dir);
    expect(dump()).toEqual(first);
  });

  it("follows a run from start to finish: running, then succeeded with its figures", async () => {
    const run = await makeRun(runsDir, { status: "running", headline: {} });
    registerRun(run.dir);
    reg = openRegistry(runsDir);
    expect(reg.getRun(run.id)).toMatchObject({ status: "running", finishedAt: null, durationS: null, headline: {} });
    // The same folder, finished by hand the way Run.finish rewrites summary.json.
    const summary = readJson(join(run.dir, "summary.json"));
    writeFileSync(join(run.dir, "summary.json"), JSON.stringify({ ...summary, status: "succeeded", finished_at: "2026-11-28T10:20:00.000Z", duration_s: 300, headline: { best_ic: 0.04 } }));
    registerRun(run.dir);
    expect(reg.getRun(run.id)).toMatchObject({ status: "succeeded", durationS: 300, headline: { best_ic: 0.04 } });
  });

  it("refuses a damaged folder with an InputError naming the file", async () => {
    const run = await makeRun(runsDir);
    writeFileSync(join(run.dir, "summary.json"), "{ not json");
    expect(() => registerRun(run.dir)).toThrow(InputError);
    expect(() => registerRun(run.dir)).toThrow(/summary\.json: not valid JSON/);
  });

  it("tryRegisterRun turns any problem into a warning and reports whether it worked", async () => {
    const run = await makeRun(runsDir);
    const warnings: string[] = [];
    expect(tryRegisterRun(run.dir, (m) => warnings.push(m))).toBe(true);
    expect(warnings).toEqual([]);
    rmSync(join(run.dir, "manifest.json"));
    expect(tryRegisterRun(run.dir, (m) => warnings.push(m))).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^the run was not added to the run registry: .* has no manifest\.json/);
  });

  it("as foxml run uses it: registered running at start, and failed with its error at the end", async () => {
    const { createRun } = await import("../../src/runs/run.js");
    const run = createRun({ runsDir, name: "pipeline", config: { resolved: baseConfig() }, seed: 1, argv: ["run"], git: false });
    const warnings: string[] = [];
    expect(tryRegisterRun(run.dir, (m) => warnings.push(m))).toBe(true);
    reg = openRegistry(runsDir);
    expect(reg.getRun(run.id).status).toBe("running");
    try {
      await run.execute(async () => {
        await run.summary.runStage("data", () => {
          throw new InputError("no bars in range");
        });
      });
    } catch {
      // the run's failure is the caller's to report
    } finally {
      tryRegisterRun(run.dir, (m) => warnings.push(m));
    }
    const r = reg.getRun(run.id);
    expect(r.status).toBe("failed");
    expect(r.stages[0]).toMatchObject({ name: "data", status: "failed", errors: [{ type: "InputError", message: "no bars in range", hint: null }] });
    expect(r.runErrors).toEqual([{ type: "InputError", message: "no bars in range", hint: null }]);
    expect(warnings).toEqual([]);
  });

  it("reads targets, families and per-target/family metrics from summary.json when it lists them", async () => {
    const run = await makeRun(runsDir);
    const summary = readJson(join(run.dir, "summary.json"));
    summary.targets = ["fwd_ret_5"];
    summary.families = [{ name: "linear", variant: "ridge" }];
    summary.metrics = [
      { stage: "training", target: "fwd_ret_5", family: "linear", key: "ic", value: 0.021 },
      { stage: "ranking", target: "fwd_ret_5", key: "ic_ir", value: 0.4 },
      { stage: "training", target: "fwd_ret_5", family: "linear", key: "note", value: "converged" },
    ];
    writeFileSync(join(run.dir, "summary.json"), JSON.stringify(summary));
    registerRun(run.dir);
    reg = openRegistry(runsDir);
    const r = reg.getRun(run.id);
    expect(r.targets).toEqual(["fwd_ret_5"]);
    expect(r.families).toEqual([{ name: "linear", variant: "ridge" }]);
    expect(r.metrics).toEqual([
      { stage: "ranking", target: "fwd_ret_5", family: "", key: "ic_ir", value: 0.4 },
      { stage: "training", target: "fwd_ret_5", family: "linear", key: "ic", value: 0.021 },
      { stage: "training", target: "fwd_ret_5", family: "linear", key: "note", value: "converged" },
    ]);

    summary.metrics.push({ stage: "training", target: "fwd_ret_5", family: "linear", key: "ic", value: 0.5 });
    writeFileSync(join(run.dir, "summary.json"), JSON.stringify(summary));
    expect(() => registerRun(run.dir)).toThrow(/metrics lists ic twice for stage "training", target "fwd_ret_5", family "linear"/);
  });

  it("refuses a run folder that is not directly inside the registry's runs folder", async () => {
    const other = join(tmp.path, "elsewhere");
    const run = await makeRun(other);
    reg = openRegistry(runsDir);
    expect(() => reg!.registerRun(run.dir)).toThrow(/is not directly inside the runs folder/);
  });
});

describe("listRuns", () => {
  beforeEach(async () => {
    await makeRun(runsDir, { name: "baseline", start: T0, seed: 1 });
    await makeRun(runsDir, { name: "sweep-a", start: T0 + HOUR, seed: 2 });
    await makeRun(runsDir, { name: "sweep-b", start: T0 + 2 * HOUR, seed: 3, status: "failed" });
    await makeRun(runsDir, { name: "sweep-b", start: T0 + 3 * HOUR, seed: 4, status: "running" });
    reg = openRegistry(runsDir);
    reg.sync();
  });
  const ids = (l: { runs: { id: string }[] }) => l.runs.map((r) => r.id);

  it("lists every run newest first with headline figures", () => {
    const list = reg!.listRuns();
    expect(ids(list)).toEqual(["20261128T130001Z-sweep-b", "20261128T120001Z-sweep-b", "20261128T110001Z-sweep-a", "20261128T100001Z-baseline"]);
    expect(list.total).toBe(4);
    expect(list.runs.map((r) => r.status)).toEqual(["running", "failed", "succeeded", "succeeded"]);
    expect(list.runs[3].headline).toEqual({ best_ic: 0.05, symbols: 30 });
  });

  it("filters by name (exact or glob), status and start time, and limits", () => {
    expect(ids(reg!.listRuns({ name: "sweep-b" }))).toEqual(["20261128T130001Z-sweep-b", "20261128T120001Z-sweep-b"]);
    expect(ids(reg!.listRuns({ name: "sweep" }))).toEqual([]);
    expect(ids(reg!.listRuns({ name: "sweep-*" }))).toHaveLength(3);
    expect(ids(reg!.listRuns({ status: "failed" }))).toEqual(["20261128T120001Z-sweep-b"]);
    expect(ids(reg!.listRuns({ status: "succeeded", name: "sweep-*" }))).toEqual(["20261128T110001Z-sweep-a"]);
    expect(ids(reg!.listRuns({ since: "2026-11-28T11:00:01Z" }))).toHaveLength(3);
    expect(ids(reg!.listRuns({ since: new Date(T0 + 2 * HOUR + 2000) }))).toEqual(["20261128T130001Z-sweep-b"]);
    const limited = reg!.listRuns({ limit: 2 });
    expect(ids(limited)).toEqual(["20261128T130001Z-sweep-b", "20261128T120001Z-sweep-b"]);
    expect(limited.total).toBe(4);
  });

  it("rejects a bad limit, status or time with an InputError", () => {
    expect(() => reg!.listRuns({ limit: 0 })).toThrow(InputError);
    expect(() => reg!.listRuns({ status: "done" as never })).toThrow(/unknown run status "done"/);
    expect(() => reg!.listRuns({ since: "yesterday" })).toThrow(/invalid time "yesterday"/);
  });
});

describe("getRun: id prefixes", () => {
  beforeEach(async () => {
    await makeRun(runsDir, { start: T0 });
    await makeRun(runsDir, { start: T0 + HOUR });
    await makeRun(runsDir, { start: T0 + HOUR, name: "other" });
    reg = openRegistry(runsDir);
    reg.sync();
  });

  it("finds a run by its full id, a unique prefix or its folder path", () => {
    expect(reg!.getRun("20261128T100001Z-default").id).toBe("20261128T100001Z-default");
    expect(reg!.getRun("20261128T10").id).toBe("20261128T100001Z-default");
    expect(reg!.getRun("20261128T110001Z-o").id).toBe("20261128T110001Z-other");
    expect(reg!.getRun(join(runsDir, "20261128T110001Z-default") + "/").id).toBe("20261128T110001Z-default");
  });

  it("says which runs an ambiguous prefix matches, and that an unknown one matches none", () => {
    expect(() => reg!.getRun("20261128T11")).toThrow('"20261128T11" matches 2 runs: 20261128T110001Z-default, 20261128T110001Z-other');
    expect(() => reg!.getRun("2027")).toThrow(/no run with an id starting with "2027" in .*runs/);
    expect(() => reg!.getRun("")).toThrow(/no run id given/);
    try {
      reg!.getRun("2026");
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).hint).toMatch(/type more of the id/);
    }
  });
});

describe("syncRegistry", () => {
  it("adds new folders, skips unchanged ones, re-reads changed ones", async () => {
    const a = await makeRun(runsDir, { start: T0 });
    const b = await makeRun(runsDir, { start: T0 + HOUR });
    expect(syncRegistry(runsDir)).toMatchObject({ added: [a.id, b.id], updated: [], unchanged: 0, problems: [] });
    expect(syncRegistry(runsDir)).toMatchObject({ added: [], updated: [], unchanged: 2 });
    const summary = readJson(join(b.dir, "summary.json"));
    summary.headline.best_ic = 0.09;
    writeFileSync(join(b.dir, "summary.json"), JSON.stringify(summary));
    expect(syncRegistry(runsDir)).toMatchObject({ added: [], updated: [b.id], unchanged: 1 });
    reg = openRegistry(runsDir);
    expect(reg.getRun(b.id).headline.best_ic).toBe(0.09);
  });

  it("marks deleted folders missing (hidden from the default list), and restores them when they come back", async () => {
    const a = await makeRun(runsDir, { start: T0 });
    const b = await makeRun(runsDir, { start: T0 + HOUR });
    syncRegistry(runsDir);
    renameSync(b.dir, join(tmp.path, "parked"));
    reg = openRegistry(runsDir, { now: () => new Date("2026-12-01T00:00:00Z") });
    expect(reg.sync()).toMatchObject({ missing: [b.id], added: [], unchanged: 1 });
    expect(reg.listRuns().runs.map((r) => r.id)).toEqual([a.id]);
    expect(reg.listRuns().missingHidden).toBe(1);
    const missing = reg.listRuns({ status: "missing" }).runs;
    expect(missing.map((r) => [r.id, r.status, r.runStatus, r.missingSince])).toEqual([[b.id, "missing", "succeeded", "2026-12-01T00:00:00.000Z"]]);
    // Still shown and comparable from what the registry kept.
    expect(reg.getRun(b.id).headline).toEqual({ best_ic: 0.05, symbols: 30 });
    expect(reg.sync().missing).toEqual([]);

    renameSync(join(tmp.path, "parked"), b.dir);
    expect(reg.sync()).toMatchObject({ restored: [b.id], missing: [] });
    expect(reg.listRuns().runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(reg.pruneMissing()).toEqual([]);
  });

  it("pruneMissing forgets runs whose folders are gone", async () => {
    const a = await makeRun(runsDir, { start: T0 });
    syncRegistry(runsDir);
    rmSync(a.dir, { recursive: true });
    reg = openRegistry(runsDir);
    reg.sync();
    expect(reg.pruneMissing()).toEqual([a.id]);
    expect(reg.listRuns({ status: "missing" }).total).toBe(0);
    expect(() => reg!.getRun(a.id)).toThrow(/no run with an id/);
  });

  it("reports a damaged summary.json and skips the folder; the others are indexed", async () => {
    const good = await makeRun(runsDir, { start: T0 });
    const bad = await makeRun(runsDir, { start: T0 + HOUR });
    syncRegistry(runsDir);
    writeFileSync(join(bad.dir, "summary.json"), JSON.stringify({ ...readJson(join(bad.dir, "summary.json")), status: "exploded" }));
    const report = syncRegistry(runsDir);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ id: bad.id, dir: bad.dir });
    expect(report.problems[0].message).toMatch(/summary\.json: invalid run summary: status: /);
    reg = openRegistry(runsDir);
    expect(reg.listRuns().runs.map((r) => r.id)).toEqual([good.id]);
    // Reported again until fixed; never silently indexed.
    expect(reg.sync().problems.map((p) => p.id)).toEqual([bad.id]);
  });

  it("reports a folder whose files cannot be read at all, without stopping the sync", async () => {
    const good = await makeRun(runsDir, { start: T0 });
    mkdirSync(join(runsDir, "odd", "manifest.json"), { recursive: true });
    const report = syncRegistry(runsDir);
    expect(report.added).toEqual([good.id]);
    expect(report.problems.map((p) => p.id)).toEqual(["odd"]);
    expect(report.problems[0].message).toMatch(/EISDIR|directory/);
  });

  it("ignores hidden entries, plain files and empty folders; reports a folder with a summary but no manifest", async () => {
    const run = await makeRun(runsDir, { start: T0 });
    mkdirSync(join(runsDir, ".trash"));
    mkdirSync(join(runsDir, "empty"));
    writeFileSync(join(runsDir, "notes.txt"), "hello");
    mkdirSync(join(runsDir, "half"));
    writeFileSync(join(runsDir, "half", "summary.json"), "{}");
    const report = syncRegistry(runsDir);
    expect(report.added).toEqual([run.id]);
    expect(report.problems.map((p) => [p.id, p.message.includes("has no manifest.json")])).toEqual([["half", true]]);
  });

  it("picks up a data fingerprint recorded after registration (manifest rewritten)", async () => {
    const run = await makeRun(runsDir, { dataFingerprint: null, status: "running" });
    registerRun(run.dir);
    run.setDataFingerprint({ sha256: "a".repeat(64), files: [] });
    expect(syncRegistry(runsDir).updated).toEqual([run.id]);
    reg = openRegistry(runsDir);
    expect(reg.getRun(run.id).dataFingerprint).toBe("a".repeat(64));
  });

  it("rebuilds the same index from the folders after the registry file is deleted", async () => {
    await makeRun(runsDir, { start: T0 });
    await makeRun(runsDir, { start: T0 + HOUR, config: baseConfig(3), seed: 3 });
    syncRegistry(runsDir);
    reg = openRegistry(runsDir);
    const before = JSON.stringify(reg.listRuns());
    reg.close();
    for (const f of readdirSync(runsDir)) if (f.startsWith(REGISTRY_FILE)) rmSync(join(runsDir, f));
    expect(existsSync(join(runsDir, REGISTRY_FILE))).toBe(false);
    reg = openRegistry(runsDir);
    expect(reg.sync().added).toHaveLength(2);
    expect(JSON.stringify(reg.listRuns())).toBe(before);
  });
});
