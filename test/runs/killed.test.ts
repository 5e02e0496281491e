import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SummarySchema } from "../../src/runs/summary.js";
import { readJson, readJsonl, tempDir } from "./helpers.js";

const repoRoot = resolve(import.meta.dirname, "../..");
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir("foxml-killed-");
});
afterEach(() => tmp.remove());

describe("a run killed mid-stage", () => {
  it("leaves every logged record in logs.jsonl and a valid summary.json showing where it stopped", () => {
    const runsDir = join(tmp.path, "runs");
    const script = join(tmp.path, "child.ts");
    writeFileSync(
      script,
      `import { createRun } from ${JSON.stringify(join(repoRoot, "src/runs/run.ts"))};
const run = createRun({ runsDir: ${JSON.stringify(runsDir)}, name: "killed", config: { resolved: { a: 1 } }, seed: 1, argv: [], git: false });
run.summary.stageFinished("data", { outcome: "loaded" });
run.summary.stageStarted("training");
for (let i = 0; i < 100; i++) run.log.forStage("training").info("epoch", { epoch: i });
process.kill(process.pid, "SIGKILL");
`,
    );
    let signal: string | null = null;
    try {
      execFileSync(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, stdio: "pipe" });
    } catch (e) {
      signal = (e as { signal: string | null }).signal;
    }
    expect(signal).toBe("SIGKILL");
    const [id] = readdirSync(runsDir);
    const dir = join(runsDir, id);
    const epochs = readJsonl(join(dir, "logs.jsonl")).filter((r) => r.msg === "epoch");
    expect(epochs.map((r) => r.epoch)).toEqual([...Array(100).keys()]);
    const summary = readJson(join(dir, "summary.json"));
    expect(SummarySchema.safeParse(summary).success).toBe(true);
    expect(summary.status).toBe("running");
    expect(summary.stages.data.status).toBe("succeeded");
    expect(summary.stages.training.status).toBe("running");
    expect(readdirSync(dir).sort()).toEqual(["logs.jsonl", "manifest.json", "summary.json"]);
  });
});
