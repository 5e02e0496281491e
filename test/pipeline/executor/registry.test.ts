import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executeJob, jobResultPath, loadJobResult, PROBE_KIND } from "../../../src/pipeline/executor/registry.js";
import type { JobSpec } from "../../../src/pipeline/executor/types.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function spec(runDir: string, over: Partial<JobSpec> = {}): JobSpec {
  return { kind: PROBE_KIND, stage: "probe", key: "a/b", runDir, fingerprint: "fp1", params: { payload: 1 }, memoryBytes: 0, codeVersion: "t", ...over };
}

describe("executeJob", () => {
  it("runs a job once, then reuses its saved result under the same fingerprint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "foxml-reg-"));
    dirs.push(dir);
    expect((await executeJob(spec(dir))).reused).toBe(false);
    expect((await executeJob(spec(dir))).reused).toBe(true);
    expect(loadJobResult(spec(dir))).toMatchObject({ spun: true });
    // another fingerprint means other inputs: recomputed
    expect((await executeJob(spec(dir, { fingerprint: "fp2" }))).reused).toBe(false);
  });

  it("saves nothing when the job fails, and a damaged result is recomputed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "foxml-reg-"));
    dirs.push(dir);
    const failing = spec(dir, { key: "f", params: { failTimes: 1 } });
    await expect(executeJob(failing)).rejects.toThrow(/fails on purpose/);
    expect(existsSync(jobResultPath(failing))).toBe(false);
    expect((await executeJob(failing)).reused).toBe(false);
    writeFileSync(jobResultPath(failing), "{not json");
    expect(loadJobResult(failing)).toBeUndefined();
    expect((await executeJob(failing)).reused).toBe(false);
    // no temporary files are left beside the result
    expect(readdirSync(dirname(jobResultPath(failing)))).toEqual(["f.json"]);
  });

  it("names an unknown kind as a code mismatch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "foxml-reg-"));
    dirs.push(dir);
    await expect(executeJob(spec(dir, { kind: "nope" }))).rejects.toThrow(/unknown job kind "nope".*does not match/);
  });
});
