import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRegistry, registerRun, REGISTRY_FILE } from "../../src/registry/index.js";
import { FoxmlError } from "../../src/util/errors.js";
import { makeRun, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let runsDir: string;
beforeEach(() => {
  tmp = tempDir("foxml-registry-conc-");
  runsDir = join(tmp.path, "runs");
  mkdirSync(runsDir);
});
afterEach(() => tmp.remove());

const T0 = Date.parse("2026-11-28T10:00:00.000Z");

describe("two connections", () => {
  it("a writer waits for the other's transaction; past the busy timeout it gets a clear error, readers are never blocked", async () => {
    const a = await makeRun(runsDir, { start: T0 });
    const b = await makeRun(runsDir, { start: T0 + 60_000 });
    registerRun(a.dir);
    const holder = new Database(join(runsDir, REGISTRY_FILE));
    holder.exec("BEGIN IMMEDIATE");
    holder.prepare("UPDATE runs SET name = name").run();
    const reg = openRegistry(runsDir, { busyTimeoutMs: 50 });
    try {
      const started = Date.now();
      expect(() => reg.registerRun(b.dir)).toThrow(FoxmlError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(40);
      expect(() => reg.registerRun(b.dir)).toThrow(/the run registry .*registry\.sqlite is busy/);
      // WAL: reading while another connection writes.
      expect(reg.listRuns().runs.map((r) => r.id)).toEqual([a.id]);
      holder.exec("COMMIT");
      reg.registerRun(b.dir);
      expect(reg.listRuns().runs.map((r) => r.id)).toEqual([b.id, a.id]);
    } finally {
      holder.close();
      reg.close();
    }
  });

  it("two processes registering and syncing the same runs at once both succeed and leave a consistent index", async () => {
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await makeRun(runsDir, { start: T0 + i * 60_000, seed: i }));
    const worker = resolve(import.meta.dirname, "register-worker.ts");
    const spawnWorker = (dirs: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ["--import", "tsx", worker, runsDir, "3", ...dirs], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => done({ code, stderr }));
      });
    const dirs = runs.map((r) => r.dir);
    const results = await Promise.all([spawnWorker(dirs), spawnWorker([...dirs].reverse())]);
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    const db = new Database(join(runsDir, REGISTRY_FILE), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);
    expect((db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n).toBe(4);
    // Each run's figures once: no duplicate or leftover rows from interleaved replacements.
    expect((db.prepare("SELECT count(*) AS n FROM figures WHERE kind = 'headline'").get() as { n: number }).n).toBe(8);
    db.close();
  }, 30_000);
});
