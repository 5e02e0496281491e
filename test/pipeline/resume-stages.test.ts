/**
 * `foxml run --resume` skips whole stages whose inputs are unchanged: resuming a finished run
 * recomputes nothing and leaves every result file as it was; a changed downstream setting
 * recomputes that stage and the ones after it, and loads the ones before.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { CHAINED_STAGES } from "../../src/pipeline/stage-chain.js";
import { hashJson } from "../../src/util/hash.js";
import type { RunSummaryData, TimingRow } from "../../src/runs/summary.js";
import { json, runDir } from "./run-folder.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-resume-stages-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPERIMENT = `name: resume-stages
targets: [fwd_ret_5, fwd_ret_20]
families:
  - name: lightgbm
    variant: conservative
    hyperparameters: { n_estimators: 30 }
  - name: ridge
pipeline:
  ranking: { top_n: 2 }
  selection:
    top_m: 8
    methods:
      boruta: { iterations: 3 }
      stability: { pairs: 3 }
  training: { max_train_rows: 3000 }
  nesting: { mode: walk_forward, outer_folds: 2 }
`;

/** Every file of the run folder that holds results, with its bytes (what the run log, summary and report say about this attempt is left out). */
function resultFiles(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    if (["summary.json", "logs.jsonl", "report.html"].includes(rel)) continue;
    if (statSync(join(dir, rel)).isDirectory()) Object.assign(out, resultFiles(dir, rel));
    else out[rel] = readFileSync(join(dir, rel), "utf8");
  }
  return out;
}

const timings = (dir: string) => new Map(json<RunSummaryData>(join(dir, "summary.json")).timings.map((t): [string, TimingRow] => [t.stage, t]));

let dir = "";
let before: Record<string, string> = {};
beforeAll(async () => {
  const data = join(tmp, "market");
  expect(await main(["data", "synth", data, "--seed", "3", "--symbols", "12", "--bars", "500", "--plant-signals"], captureIo())).toBe(0);
  const experiment = join(tmp, "resume.yaml");
  writeFileSync(experiment, EXPERIMENT);
  const out = join(tmp, "runs");
  const io = captureIo();
  expect(await main(["run", "--data", data, "--experiment", experiment, "--out", out, "--log-level", "silent"], io)).toBe(0);
  dir = runDir(out);
  before = resultFiles(dir);
}, 900_000);

describe("foxml run --resume skips unchanged stages", () => {
  it("a finished run resumed recomputes nothing, says so stage by stage, and leaves every result file as it was", async () => {
    const first = timings(dir);
    for (const s of CHAINED_STAGES) expect(first.get(s)?.reused, s).toBe(false);
    expect(first.get("training")!.jobs_run).toBeGreaterThan(0);

    const io = captureIo();
    expect(await main(["run", "--resume", dir, "--log-level", "silent"], io)).toBe(0);
    const summary = json<RunSummaryData>(join(dir, "summary.json"));
    expect(summary.status).toBe("succeeded");
    expect(summary.resumed_at).toHaveLength(1);
    const again = timings(dir);
    for (const s of CHAINED_STAGES) {
      expect(again.get(s), s).toMatchObject({ status: first.get(s)!.status, reused: true, jobs_run: 0 });
    }
    // The summary tells what the stages found, as the first attempt did.
    const firstSummary = JSON.parse(before["model_family_status.json"]);
    expect(json(join(dir, "model_family_status.json"))).toEqual(firstSummary);
    expect(summary.stages.selection.outcome).not.toBeNull();
    expect(summary.headline.best_model).toBeDefined();
    expect(resultFiles(dir)).toEqual(before);
  }, 900_000);

  it("a changed evaluation setting recomputes evaluation and what follows, and loads the stages before it", async () => {
    const copy = join(tmp, "changed");
    cpSync(dir, copy, { recursive: true });
    // The run's configuration changed after it finished (here, higher trading costs).
    const manifestPath = join(copy, "manifest.json");
    const manifest = json<{ config: { hash: string; resolved: { pipeline: { evaluation: { backtest: { cost_bps: number } } } } } }>(manifestPath);
    manifest.config.resolved.pipeline.evaluation.backtest.cost_bps = 20;
    manifest.config.hash = hashJson(manifest.config.resolved);
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");

    expect(await main(["run", "--resume", copy, "--log-level", "silent"], captureIo())).toBe(0);
    const t = timings(copy);
    for (const s of ["leakage", "ranking", "selection", "gate", "training", "ensembling"]) expect(t.get(s), s).toMatchObject({ reused: true, jobs_run: 0 });
    for (const s of ["evaluation", "nested"]) expect(t.get(s)?.reused, s).toBe(false);
    // The nested stage reuses its own jobs (ranking, selection and fits per outer fold) and evaluates them afresh.
    expect(t.get("nested")!.jobs_run).toBe(0);
    expect(t.get("nested")!.jobs_reused).toBeGreaterThan(0);
    const after = resultFiles(copy);
    for (const f of Object.keys(before).filter((f) => /^(selection|gate|training|models|ensemble|leakage)\//.test(f) || f === "target_rankings.json")) {
      expect(after[f], f).toBe(before[f]);
    }
    // Higher costs: the backtests changed, the models' scores did not.
    const target = Object.keys(before).find((f) => /^evaluation\/.*\.json$/.test(f))!;
    const [e0, e1] = [JSON.parse(before[target]), JSON.parse(after[target])];
    expect(e1.models.map((m: { score: number }) => m.score)).toEqual(e0.models.map((m: { score: number }) => m.score));
    expect(e1.models[0].backtests[0].sharpe).not.toBe(e0.models[0].backtests[0].sharpe);
  }, 900_000);
});
