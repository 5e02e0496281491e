import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NestedSummaryFile } from "../../src/artifacts/run-files.js";
import { buildReportHtml } from "../../src/report/index.js";
import { readRun } from "../../src/report/read-run.js";
import { tempDir } from "../runs/helpers.js";
import { buildFixtureRun, HOSTILE } from "./fixture.js";

const NESTED: NestedSummaryFile = {
  mode: "walk_forward",
  outer_folds: [
    { fold: 0, test_start: "2021-01-04T00:00:00.000Z", test_end: "2022-06-30T00:00:00.000Z", bars: 375 },
    { fold: 1, test_start: "2022-07-01T00:00:00.000Z", test_end: "2023-12-29T00:00:00.000Z", bars: 376 },
  ],
  targets: [
    {
      target: "fwd_ret_5",
      metric: "ic",
      no_skill: 0,
      kept_folds: 1,
      folds: 2,
      best: HOSTILE,
      trials: 12,
      models: [
        { name: HOSTILE, kind: "family", score: 0.0123, score_t: 1.25, deflated_sharpe: 0.21, sharpe: 0.4, not_nested_score: 0.0456, not_nested_score_t: 3.5, not_nested_deflated_sharpe: 0.93 },
      ],
    },
  ],
  seconds: 12.5,
  notes: ["the leakage scan's feature exclusions were decided on every period"],
};

describe("report: the nested (honest) figures", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir("foxml-report-nested-");
  });
  afterAll(() => tmp.remove());

  it("shows each nested figure beside the not-nested one, and labels the per-target tables not nested", async () => {
    const dir = buildFixtureRun(join(tmp.path, "with"), { hostile: true });
    mkdirSync(join(dir, "nested"), { recursive: true });
    writeFileSync(join(dir, "nested", "nested.json"), JSON.stringify(NESTED));
    const page = await buildReportHtml(dir);
    expect(page).toContain('id="nested"');
    expect(page).toContain("These are the nested figures</strong> (mode walk_forward)");
    expect(page).toContain("rerun inside each of 2 outer walk-forward folds");
    for (const v of ["+0.0123", "1.25", "0.21", "+0.0456", "3.50", "0.93", "1/2"]) expect(page).toContain(`>${v}<`);
    expect(page).toContain("2021-01-04 00:00:00 UTC");
    expect(page).toContain("(not nested: optimistic");
    expect(page).not.toContain(HOSTILE);
  });

  it("says the figures are not nested when the run has no nested file", async () => {
    const dir = buildFixtureRun(join(tmp.path, "without"));
    const page = await buildReportHtml(dir);
    expect(page).toContain("Nested figures: not available.");
    expect(page).not.toContain("(not nested: optimistic");
    expect(readRun(dir).missing).not.toContain("nested/nested.json");
  });

  it("a damaged nested file is an error naming it", () => {
    const dir = buildFixtureRun(join(tmp.path, "damaged"));
    mkdirSync(join(dir, "nested"), { recursive: true });
    writeFileSync(join(dir, "nested", "nested.json"), JSON.stringify({ ...NESTED, mode: "sideways" }));
    expect(() => readRun(dir)).toThrow(/nested\.json: does not have the expected shape: mode/);
  });
});
