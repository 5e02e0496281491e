/**
 * Nested validation's known answers, end to end through `foxml train`:
 *  - on a generated market with no signal at all, every nested out-of-sample figure is noise: the
 *    mean IC within two standard errors of zero and no significant backtest (deflated Sharpe below
 *    0.5), for every target and model, while the run did evaluate something;
 *  - on a market with planted signals, nesting still finds them: the planted targets are kept in
 *    every outer fold, the planted features are selected on each fold's training part, and the
 *    nested out-of-sample IC is real.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { EvaluationFile, NestedSummaryFile, NestedTargetFile, TargetConfidence } from "../../src/pipeline/artifacts.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-nested-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPERIMENT = "test/fixtures/experiments/nested.yaml";

function json<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

async function trainRun(name: string, synth: string[], sets: string[]): Promise<string> {
  const data = join(tmp, `${name}-market`);
  expect(await main(["data", "synth", data, ...synth], captureIo())).toBe(0);
  const out = join(tmp, name);
  const io = captureIo();
  const code = await main(["train", "--data", data, "--experiment", EXPERIMENT, "--out", out, "--log-level", "silent", ...sets], io);
  expect(io.stderr).toBe("");
  expect(code).toBe(0);
  const dirs = readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"));
  expect(dirs).toHaveLength(1);
  return join(out, dirs[0]);
}

describe("nested validation on a market with no signal", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await trainRun("null", ["--seed", "11", "--symbols", "20", "--bars", "1000"], ["--set", 'targets=["fwd_ret_1","fwd_ret_3","fwd_ret_5","fwd_ret_10"]']);
  }, 900_000);

  it("evaluates something, every figure is noise, and the headlines say the figures are nested", () => {
    const summary = json<NestedSummaryFile>(join(dir, "nested", "nested.json"));
    expect(summary.mode).toBe("walk_forward");
    expect(summary.outer_folds).toHaveLength(3);
    // Not vacuous: targets were kept in outer folds and their families predicted there.
    expect(summary.targets.length).toBeGreaterThanOrEqual(2);
    let models = 0;
    let backtests = 0;
    for (const t of summary.targets) {
      expect(t.kept_folds).toBeGreaterThan(0);
      // The deflated Sharpe counts every candidate target and configuration tried.
      expect(t.trials).toBeGreaterThanOrEqual(4 * 2);
      const ev = json<EvaluationFile & { notes: string[] }>(join(dir, "nested", "evaluation", `${t.target}.json`));
      expect(ev.notes.some((n) => n.startsWith("nested (walk_forward)"))).toBe(true);
      for (const m of ev.models) {
        models++;
        expect(m.metrics.ic_t, `${t.target} ${m.name} IC t`).not.toBeNull();
        expect(Math.abs(m.metrics.ic_t!), `${t.target} ${m.name}: mean IC ${m.metrics.ic} is ${m.metrics.ic_t} standard errors from zero`).toBeLessThan(2);
        for (const b of m.backtests) {
          if (b.deflated_sharpe === null) continue;
          backtests++;
          expect(b.deflated_sharpe, `${t.target} ${m.name} ${b.strategy}`).toBeLessThan(0.5);
        }
      }
    }
    expect(models).toBeGreaterThanOrEqual(4);
    expect(backtests).toBeGreaterThanOrEqual(4);
    const headline = json<{ headline: Record<string, unknown> }>(join(dir, "summary.json")).headline;
    expect(headline.figures).toBe("nested: walk-forward, 3 outer folds");
    expect(headline.best_score_not_nested).toBeDefined();
    const conf = json<TargetConfidence[]>(join(dir, "target_confidence.json"));
    expect(conf.map((c) => c.target).sort()).toEqual(summary.targets.map((t) => t.target).sort());
    for (const c of conf) expect(c.tier).not.toBe("high");
  });

  it("records each outer fold's inner choices, purged before the test block", () => {
    for (const t of ["fwd_ret_1", "fwd_ret_3", "fwd_ret_5", "fwd_ret_10"]) {
      const f = json<NestedTargetFile>(join(dir, "nested", `${t}.json`));
      expect(f.folds).toHaveLength(3);
      // Each fold's inner ranking keeps at most top_n = 2 targets.
      for (const fold of f.folds) {
        expect(fold.purged).toBeGreaterThanOrEqual(Number(t.split("_")[2]));
        if (fold.kept) {
          expect(fold.features.length).toBeGreaterThan(0);
          expect(fold.members.map((m) => m.name)).toEqual(["ridge", "lightgbm"]);
          for (const m of fold.members) expect(m.trials).toBe(3);
        } else expect(fold.members).toEqual([]);
      }
      expect(f.kept_folds).toBe(f.folds.filter((x) => x.kept).length);
    }
    const kept = [0, 1, 2].map((k) => ["fwd_ret_1", "fwd_ret_3", "fwd_ret_5", "fwd_ret_10"].filter((t) => json<NestedTargetFile>(join(dir, "nested", `${t}.json`)).folds[k].kept).length);
    for (const n of kept) expect(n).toBeLessThanOrEqual(2);
  });
});

describe("nested validation on a market with planted signals", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await trainRun("planted", ["--seed", "7", "--symbols", "30", "--bars", "1500", "--plant-signals"], []);
  }, 900_000);

  it("keeps the planted targets in every outer fold, selects their planted features there, and finds their skill", () => {
    const summary = json<NestedSummaryFile>(join(dir, "nested", "nested.json"));
    for (const [target, feature] of [
      ["fwd_ret_5", "sig_h5"],
      ["fwd_ret_20", "sig_h20"],
    ] as const) {
      const f = json<NestedTargetFile>(join(dir, "nested", `${target}.json`));
      expect(f.kept_folds, target).toBe(3);
      for (const fold of f.folds) expect(fold.features, `${target} fold ${fold.fold}`).toContain(feature);
      const row = summary.targets.find((t) => t.target === target)!;
      const ridge = row.models.find((m) => m.name === "ridge")!;
      // Planted ICs are 0.1 (h = 5) and 0.06 (h = 20): found out of sample, not inflated to a leak's level.
      expect(ridge.score!).toBeGreaterThan(0.03);
      expect(ridge.score!).toBeLessThan(0.2);
      expect(ridge.score_t!).toBeGreaterThan(2);
    }
    // The unpredictable long horizon is not kept in every fold.
    const f60 = json<NestedTargetFile>(join(dir, "nested", "fwd_ret_60.json"));
    expect(f60.kept_folds).toBeLessThan(3);
    expect(existsSync(join(dir, "nested", "evaluation", "fwd_ret_5.json"))).toBe(true);
  });
});
