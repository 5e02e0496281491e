/**
 * FTRL, NGBoost, GMM regime and change point through the whole pipeline on a small generated market
 * with planted signals: selectable by name in an experiment, trained and scored under purged
 * folds like every family, saved, tracked in model_family_status.json and shown in the report,
 * with no special case anywhere in the pipeline.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import "../../src/models/index.js";
import { getFamily } from "../../src/models/registry.js";
import type { StatusFile, TrainingFile } from "../../src/artifacts/run-files.js";
import { json, runDir } from "../pipeline/run-folder.js";

const FAMILIES = ["ftrl", "ngboost", "gmm_regime", "change_point"];
const tmp = mkdtempSync(join(tmpdir(), "foxml-roster-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dir = "";

const EXPERIMENT = `
name: roster
targets: [fwd_ret_5]
families:
  - name: ridge
  - name: ftrl
  - name: ngboost
    hyperparameters: {n_estimators: 60, learning_rate: 0.1}
  - name: gmm_regime
    variant: conservative
  - name: change_point
    hyperparameters: {lookback: 30}
pipeline:
  ranking: {top_n: 1, min_t_stat: 0}
  selection:
    top_m: 6
    methods: {boruta: {enabled: false}, stability: {enabled: false}, permutation: {enabled: false}}
  training:
    max_train_rows: 4000
    hpo: {enabled: false}
  nesting: {mode: "off"}
`;

beforeAll(async () => {
  const data = join(tmp, "market");
  expect(await main(["data", "synth", data, "--seed", "5", "--symbols", "16", "--bars", "700", "--plant-signals"], captureIo())).toBe(0);
  const exp = join(tmp, "roster.yaml");
  writeFileSync(exp, EXPERIMENT);
  const out = join(tmp, "run");
  const io = captureIo();
  const code = await main(["run", "--data", data, "--experiment", exp, "--out", out, "--log-level", "silent"], io);
  expect(io.stderr).toBe("");
  expect(code).toBe(0);
  dir = runDir(out);
}, 900_000);

describe("the new families in an experiment", () => {
  it("train without failures, are tracked in model_family_status.json and appear in the report", () => {
    const status = json<StatusFile>(join(dir, "model_family_status.json"));
    expect(status.counts.failed, JSON.stringify(status.records.filter((r) => r.status === "failed"))).toBe(0);
    const report = readFileSync(join(dir, "report.html"), "utf8");
    for (const f of FAMILIES) {
      const rec = status.records.find((r) => r.stage === "training" && r.family === f);
      expect(rec?.status, f).toBe("succeeded");
      expect(rec?.score, f).not.toBeNull();
      const training = json<TrainingFile>(join(dir, "training", "fwd_ret_5", `${f}.json`));
      expect(training.family).toBe(f);
      expect(training.folds.length, f).toBeGreaterThan(0);
      expect(report, f).toContain(f);
    }
  });

  it("save final models that load through their family", () => {
    for (const f of FAMILIES) {
      const path = join(dir, "models", "fwd_ret_5", `${f}.json`);
      expect(existsSync(path), path).toBe(true);
      const saved = JSON.parse(readFileSync(path, "utf8")) as { featureNames: string[] };
      const model = getFamily(f).load(saved);
      expect(model.family).toBe(f);
      expect(saved.featureNames.length).toBeGreaterThan(0);
    }
  });
});
