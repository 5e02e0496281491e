import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openRegistry, type RunRegistry } from "../../src/registry/index.js";
import { InputError } from "../../src/util/errors.js";
import { baseConfig, makeRun, readJson, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let runsDir: string;
let reg: RunRegistry;
beforeEach(() => {
  tmp = tempDir("foxml-compare-");
  runsDir = join(tmp.path, "runs");
  mkdirSync(runsDir);
});
afterEach(() => {
  reg?.close();
  tmp.remove();
});

const T0 = Date.parse("2026-11-28T10:00:00.000Z");
const HOUR = 3_600_000;

async function threeRuns() {
  const a = await makeRun(runsDir, {
    start: T0,
    seed: 7,
    headline: { best_ic: 0.05, symbols: 30, interval: "1d" },
    stages: [{ name: "data", figures: { bars: 1000 } }, { name: "ranking", figures: { passing: 4 } }],
  });
  const b = await makeRun(runsDir, {
    start: T0 + HOUR,
    seed: 8,
    config: baseConfig(8, { families: [{ name: "gbdt", variant: "balanced", hyperparameters: { depth: 8 } }] }),
    headline: { best_ic: 0.04, symbols: 30, interval: "1d", selected: 12 },
    stages: [{ name: "data", figures: { bars: 1000 } }, { name: "ranking", figures: { passing: 6 } }],
  });
  const c = await makeRun(runsDir, { start: T0 + 2 * HOUR, seed: 7, dataFingerprint: "e".repeat(64), headline: { best_ic: 0, symbols: 29, interval: "1h" } });
  reg = openRegistry(runsDir);
  reg.sync();
  return { a, b, c };
}

describe("compareRuns", () => {
  it("lists config differences key path by key path, with one value per run", async () => {
    const { a, b } = await threeRuns();
    const cmp = reg.compareRuns([a.id, b.id]);
    expect(cmp.runs.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(cmp.config.sameHash).toBe(false);
    expect(cmp.config.differences).toEqual([
      { path: "families[gbdt].hyperparameters.depth", values: ["6", "8"] },
      { path: "pipeline.determinism.seed", values: ["7", "8"] },
    ]);
    expect(cmp.seed).toBe("different");
    expect(cmp.dataFingerprint).toBe("equal");
    expect(cmp.gitCommit).toBe("unknown");
  });

  it("puts headline and stage figures side by side with deltas against the first run", async () => {
    const { a, b, c } = await threeRuns();
    const cmp = reg.compareRuns([a.id, b.id, c.id]);
    const byKey = Object.fromEntries(cmp.headline.map((f) => [f.key, f]));
    expect(Object.keys(byKey)).toEqual(["best_ic", "symbols", "interval", "selected"]);
    expect(byKey.best_ic.values).toEqual([0.05, 0.04, 0]);
    expect(byKey.best_ic.deltas[0]).toBeNull();
    expect(byKey.best_ic.deltas[1]).toBeCloseTo(-0.01, 12);
    expect(byKey.best_ic.relative[1]).toBeCloseTo(-0.2, 12);
    expect(byKey.best_ic.deltas[2]).toBeCloseTo(-0.05, 12);
    expect(byKey.symbols).toMatchObject({ values: [30, 30, 29], deltas: [null, 0, -1], equal: false });
    expect(byKey.interval).toMatchObject({ values: ["1d", "1d", "1h"], deltas: [null, null, null], equal: false });
    expect(byKey.selected).toMatchObject({ values: [null, 12, null], deltas: [null, null, null] });
    expect(cmp.stageFigures.map((f) => [`${f.stage}.${f.key}`, f.values, f.deltas])).toEqual([
      ["data.bars", [1000, 1000, 1000], [null, 0, 0]],
      ["ranking.passing", [4, 6, null], [null, 2, null]],
      // Only the third run reports this one: it appears after the baseline's figures.
      ["data.symbols", [null, null, 30], [null, null, null]],
    ]);
    expect(cmp.dataFingerprint).toBe("different");
  });

  it("relative change is null when the baseline is zero", async () => {
    const { a, c } = await threeRuns();
    const f = reg.compareRuns([c.id, a.id]).headline.find((x) => x.key === "best_ic")!;
    expect(f.deltas[1]).toBeCloseTo(0.05, 12);
    expect(f.relative[1]).toBeNull();
  });

  it("reports identical configs as such, and an unknown data fingerprint as unknown", async () => {
    const a = await makeRun(runsDir, { start: T0 });
    const b = await makeRun(runsDir, { start: T0 + HOUR, dataFingerprint: null });
    reg = openRegistry(runsDir);
    reg.sync();
    const cmp = reg.compareRuns([a.id, b.id]);
    expect(cmp.config).toEqual({ sameHash: true, differences: [], unavailable: [] });
    expect(cmp.seed).toBe("equal");
    expect(cmp.dataFingerprint).toBe("unknown");
  });

  it("compares per-target / per-family metrics when summaries carry them", async () => {
    const { a, b } = await threeRuns();
    for (const [run, ic] of [
      [a, 0.02],
      [b, 0.03],
    ] as const) {
      const s = readJson(join(run.dir, "summary.json"));
      s.metrics = [{ stage: "training", target: "fwd_ret_5", family: "gbdt", key: "ic", value: ic }];
      writeFileSync(join(run.dir, "summary.json"), JSON.stringify(s));
    }
    reg.sync();
    const m = reg.compareRuns([a.id, b.id]).metrics;
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ stage: "training", target: "fwd_ret_5", family: "gbdt", key: "ic", values: [0.02, 0.03] });
    expect(m[0].deltas[1]).toBeCloseTo(0.01, 12);
  });

  it("still compares a run whose folder was deleted, from what the registry kept", async () => {
    const { a, b } = await threeRuns();
    rmSync(b.dir, { recursive: true });
    reg.sync();
    const cmp = reg.compareRuns([a.id, b.id]);
    expect(cmp.runs[1].status).toBe("missing");
    expect(cmp.config.differences.map((d) => d.path)).toEqual(["families[gbdt].hyperparameters.depth", "pipeline.determinism.seed"]);
  });

  it("accepts id prefixes, and refuses a single run or the same run twice", async () => {
    const { a, b } = await threeRuns();
    expect(reg.compareRuns(["20261128T10", "20261128T11"]).runs.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(() => reg.compareRuns([a.id])).toThrow(/compare needs two or more runs, got 1/);
    expect(() => reg.compareRuns([a.id, "20261128T10"])).toThrow(InputError);
    expect(() => reg.compareRuns([a.id, "20261128T10"])).toThrow(/is given twice/);
    expect(() => reg.compareRuns([a.id, "2026"])).toThrow(/matches 3 runs/);
  });
});
