/**
 * The pipeline's other training paths, wired end to end on a small generated market: a
 * hyperparameter search, a sequence family (windows of the selected features), the cascade
 * strategy, and multi-task training across the kept targets.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { StatusFile, TrainingFile } from "../../src/artifacts/run-files.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-strategies-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const data = join(tmp, "market");
const EXPERIMENT = "test/fixtures/experiments/strategies.yaml";

beforeAll(async () => {
  expect(await main(["data", "synth", data, "--seed", "11", "--symbols", "30", "--bars", "900", "--plant-signals"], captureIo())).toBe(0);
}, 120_000);

async function train(name: string, sets: string[] = []): Promise<string> {
  const out = join(tmp, name);
  const io = captureIo();
  const code = await main(["train", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent", ...sets], io);
  expect(io.stderr).toBe("");
  expect(code).toBe(0);
  const dirs = readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"));
  return join(out, dirs[0]);
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

describe("training paths through the pipeline", () => {
  it("runs a search per family, a sequence family and the cascade; `foxml train` stops before the report", async () => {
    const dir = await train("cascade", ["--set", 'pipeline.training.strategy={"kind":"cascade","classifier":{"family":"logistic"},"regressor":{"family":"ridge"}}']);
    const status = read<StatusFile>(join(dir, "model_family_status.json"));
    expect(status.counts.failed).toBe(0);
    const ridge = read<TrainingFile>(join(dir, "training", "fwd_ret_5", "ridge.json"));
    expect(ridge.hpo?.trials).toBe(3);
    expect(ridge.hpo?.history).toHaveLength(3);
    const lstm = read<TrainingFile>(join(dir, "training", "fwd_ret_5", "lstm.json"));
    expect(lstm.score).not.toBeNull();
    const cascade = read<TrainingFile>(join(dir, "training", "fwd_ret_5", "cascade.json"));
    expect(cascade.family).toBe("cascade");
    expect(cascade.folds.length).toBeGreaterThan(0);
    const evaluation = read<{ models: Array<{ name: string }>; trials: number }>(join(dir, "evaluation", "fwd_ret_5.json"));
    expect(evaluation.models.map((m) => m.name)).toEqual(expect.arrayContaining(["ridge", "lstm", "cascade", "stacking", "rank_average"]));
    // Trials for the deflated Sharpe count every configuration tried: 3 per searched family.
    expect(evaluation.trials).toBeGreaterThanOrEqual(3 + 3 + 1);
    expect(existsSync(join(dir, "report.html"))).toBe(false);
    expect(read<{ stages: Record<string, unknown> }>(join(dir, "summary.json")).stages.report).toBeUndefined();
  }, 600_000);

  it("trains one multi-task network across the kept targets", async () => {
    const dir = await train("multi", ["--set", "pipeline.training.strategy={\"kind\":\"multi_task\",\"epochs\":3}", "--set", "pipeline.training.hpo.enabled=false", "--set", "pipeline.ranking.enabled=false"]);
    for (const t of ["fwd_ret_5", "fwd_ret_20"]) {
      const mt = read<TrainingFile>(join(dir, "training", t, "multi_task.json"));
      expect(mt.family).toBe("multi_task");
      expect(mt.score).not.toBeNull();
    }
    const status = read<StatusFile>(join(dir, "model_family_status.json"));
    expect(status.records.filter((r) => r.family === "multi_task" && r.stage === "training")).toHaveLength(2);
  }, 600_000);
});
