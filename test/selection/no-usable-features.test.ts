/**
 * A target for which no feature beats noise, through the whole pipeline: on a generated market with
 * nothing planted (and a strict gate), selection keeps no feature; the target is recorded as
 * no_signal with the reason in model_family_status.json and the summary's warnings, and the gate and
 * training skip it with that reason instead of training it on every feature.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { SelectionFile, StatusFile } from "../../src/artifacts/run-files.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-nofeat-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPERIMENT = `name: nofeat
targets: [fwd_ret_5]
families:
  - name: ridge
pipeline:
  ranking:
    top_n: 1
  selection:
    methods:
      boruta: { iterations: 6 }
      stability: { pairs: 8 }
    significance:
      correction: holm
      alpha: 0.0001
`;

describe("a target with no usable features", () => {
  it("is no_signal at selection with the reason, and skipped by the gate and training", async () => {
    const data = join(tmp, "market");
    expect(await main(["data", "synth", data, "--seed", "3", "--symbols", "20", "--bars", "700"], captureIo())).toBe(0);
    const experiment = join(tmp, "nofeat.yaml");
    writeFileSync(experiment, EXPERIMENT);
    const out = join(tmp, "out");
    const io = captureIo();
    const code = await main(["run", "--data", data, "--experiment", experiment, "--out", out, "--log-level", "silent"], io);
    // Nothing usable is an honest answer, but not a result: the run ends no_result (exit 1) and says why.
    expect(io.stderr).toMatch(/^error: no target has usable features: no candidate feature beat noise at selection's significance gate for fwd_ret_5/);
    expect(io.stderr).toMatch(/\nhint: .*pipeline\.selection\.significance/);
    expect(code).toBe(1);
    const dir = join(out, readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"))[0]);
    const sel = JSON.parse(readFileSync(join(dir, "selection", "fwd_ret_5", "selection.json"), "utf8")) as SelectionFile;
    expect(sel.selected).toEqual([]);
    expect(sel.no_usable_features).toMatch(/^no usable features: none of the \d+ candidates beats noise/);
    const status = JSON.parse(readFileSync(join(dir, "model_family_status.json"), "utf8")) as StatusFile;
    const rec = (stage: string) => status.records.filter((r) => r.stage === stage && r.target === "fwd_ret_5");
    expect(rec("selection")).toMatchObject([{ status: "no_signal", error: { type: "NoUsableFeatures", message: sel.no_usable_features } }]);
    expect(rec("leakage")).toMatchObject([{ status: "skipped", error: { type: "NoUsableFeatures" } }]);
    expect(rec("training")).toMatchObject([{ status: "skipped", error: { type: "NoUsableFeatures" } }]);
    expect(existsSync(join(dir, "training", "fwd_ret_5"))).toBe(false);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { stages: Record<string, { warnings: Array<{ message: string; examples?: string[] }> }> };
    const warning = summary.stages.selection.warnings.find((w) => /no usable features/.test(w.message));
    expect(warning?.examples?.[0]).toMatch(/fwd_ret_5/);
    expect(summary.stages.gate.warnings.some((w) => /no usable features/.test(w.message))).toBe(true);
    expect((summary as unknown as { status: string }).status).toBe("no_result");
  }, 600_000);
});
