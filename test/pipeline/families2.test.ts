/**
 * multi_task, ensemble, meta_learning, reward_based and gan as ordinary families of an experiment: each
 * is trained per target, recorded in model_family_status.json, saved as a final model that loads
 * back through its family into the same predictions, and shown in the report.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import "../../src/models/index.js";
import { getFamily } from "../../src/models/registry.js";
import type { StatusFile, TrainingFile } from "../../src/artifacts/run-files.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-families2-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const data = join(tmp, "market");
const FAMILIES = ["multi_task", "ensemble", "meta_learning", "reward_based", "gan"];

beforeAll(async () => {
  expect(await main(["data", "synth", data, "--seed", "12", "--symbols", "12", "--bars", "600", "--plant-signals"], captureIo())).toBe(0);
}, 120_000);

const read = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

describe("the new families in a pipeline run", () => {
  it("trains, records, saves and reports each of them like any family", async () => {
    const out = join(tmp, "run");
    const io = captureIo();
    const code = await main(["run", "--data", data, "--experiment", "test/fixtures/experiments/families2.yaml", "--out", out, "--log-level", "silent"], io);
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    const dir = join(out, readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"))[0]);
    const status = read<StatusFile>(join(dir, "model_family_status.json"));
    expect(status.counts.failed).toBe(0);
    const report = readFileSync(join(dir, "report.html"), "utf8");
    let saved = 0;
    for (const fam of FAMILIES) {
      const records = status.records.filter((r) => r.family === fam && r.stage === "training");
      expect(records.length, fam).toBeGreaterThan(0);
      expect(report, fam).toContain(fam);
      for (const target of ["fwd_ret_5", "fwd_ret_20"]) {
        const file = read<TrainingFile>(join(dir, "training", target, `${fam}.json`));
        expect(file.family).toBe(fam);
        expect(file.score, `${fam} ${target}`).not.toBeNull();
        if (file.model_path !== null) {
          saved++;
          // the final model loads through its family and saves back to the same JSON
          const json = read<unknown>(join(dir, file.model_path));
          const model = getFamily(fam).load(json);
          expect(model.family).toBe(fam);
          expect(JSON.parse(JSON.stringify(model.toJSON()))).toEqual(json);
          // the features foxml trade rebuilds for it
          expect((json as { featureNames: string[] }).featureNames.length, fam).toBeGreaterThan(0);
        }
      }
    }
    // on the short horizon every one of them found the planted signal (an IC above the naive
    // baseline's 0) and saved a final model
    for (const fam of FAMILIES) {
      const file = read<TrainingFile>(join(dir, "training", "fwd_ret_5", `${fam}.json`));
      expect(file.status, fam).toBe("succeeded");
      expect(file.score!, fam).toBeGreaterThan(0.02);
      expect(file.model_path, fam).not.toBeNull();
    }
    expect(saved).toBeGreaterThanOrEqual(FAMILIES.length);
    // multi_task on one target learned the other as an auxiliary head
    const mt = read<TrainingFile>(join(dir, "training", "fwd_ret_5", "multi_task.json"));
    const mtJson = read<{ network: { heads: Array<{ name: string }> } }>(join(dir, mt.model_path!));
    expect(mtJson.network.heads.map((h) => h.name)).toEqual(["primary", "fwd_ret_20"]);
  }, 600_000);
});
