/**
 * `foxml run` on one instrument, as a new user tries a single FX pair: 6 years of 30-minute bars of
 * one symbol, with a planted predictable component (sig_h5 predicts the 5-bar forward return) and
 * without one (no signal and no drift). Too few symbols per timestamp for a cross-section, so the
 * evaluation backtests the time-series strategies (sign, vol_scaled) with costs: the planted
 * series gets a clearly positive Sharpe ratio, PSR and DSR, the null one nothing significant, and
 * the report shows them. Three symbols (still no cross-section) take the same path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { EvaluationFileOut } from "../../src/evaluation/evaluate.js";
import { readEvaluationFile } from "../../src/evaluation/series-file.js";
import type { RunSummaryData } from "../../src/runs/summary.js";
import { json, runDir } from "../pipeline/run-folder.js";

const tmp = mkdtempSync(join(tmpdir(), "foxml-ts-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EXPERIMENT = `name: one-instrument
description: one or a few instruments, 30-minute bars
targets: [fwd_ret_5]
families:
  - name: ridge
pipeline:
  ranking:
    families:
      - name: ridge
        hyperparameters: { missing_indicator: false }
  selection:
    top_m: 8
    methods:
      tree_gain: { enabled: false }
      tree_shap: { enabled: false }
      permutation: { enabled: false }
      boruta: { enabled: false }
      stability: { enabled: false }
  evaluation:
    backtest: { cost_bps: 1, slippage_bps: 1 }
  nesting: { mode: "off" }
`;

/** Generator settings: `symbols` instruments listed throughout, no drift, optionally the planted signal. */
const market = (symbols: number, end: string, plant: boolean) => `symbols: ${symbols}
interval: 30m
start: 2018-01-02
end: ${end}
listing: { late_fraction: 0, delist_fraction: 0 }
returns: { drift: { mean: 0, sd: 0 } }
signals:
  plant: ${plant}
  features:
    - { name: sig_h5, horizon: 5, ic: 0.15 }
`;

async function runOn(name: string, symbols: number, end: string, plant: boolean, extra: string[] = []): Promise<{ code: number; dir: string }> {
  const settings = join(tmp, `${name}.synth.yaml`);
  writeFileSync(settings, market(symbols, end, plant));
  const data = join(tmp, `${name}-data`);
  expect(await main(["data", "synth", data, "--config", settings, "--seed", "4"], captureIo())).toBe(0);
  const out = join(tmp, `${name}-run`);
  const code = await main(["run", "--data", data, "--experiment", join(tmp, "exp.yaml"), "--out", out, "--log-level", "silent", ...extra], captureIo());
  return { code, dir: runDir(out) };
}

const evaluation = (dir: string) => readEvaluationFile<EvaluationFileOut>(join(dir, "evaluation", "fwd_ret_5.json"));

beforeAll(() => writeFileSync(join(tmp, "exp.yaml"), EXPERIMENT));

describe("one instrument, 6 years of 30-minute bars, a planted predictable component", () => {
  let run = { code: -1, dir: "" };
  beforeAll(async () => {
    run = await runOn("planted", 1, "2023-12-29", true);
  }, 600_000);

  it("succeeds and backtests the time-series strategies, chosen because a timestamp holds one symbol", () => {
    expect(run.code).toBe(0);
    const summary = json<RunSummaryData>(join(run.dir, "summary.json"));
    expect(summary.status).toBe("succeeded");
    expect(summary.headline.bars).toBeGreaterThan(19_000);
    const e = evaluation(run.dir);
    expect(e.strategy_set).toBe("time_series");
    expect(e.typical_cross_section).toBe(1);
    expect(e.strategies.map((s) => s.name)).toEqual(["sign", "vol_scaled"]);
    expect(e.notes.join(" ")).toMatch(/time-series strategies \(sign, vol_scaled\): a timestamp typically holds 1 labelled symbol/);
    // the headline Sharpe ratio of the run is the first strategy's, no longer null
    const sharpe = summary.metrics?.find((m) => m.stage === "evaluation" && m.key === "sharpe");
    expect(sharpe?.value).toBeGreaterThan(0.5);
  });

  it("finds the signal as a portfolio: positive Sharpe, significant PSR and DSR, costs and turnover charged", () => {
    const ridge = evaluation(run.dir).models.find((m) => m.name === "ridge")!;
    expect(ridge.score).toBeGreaterThan(0.05);
    expect(ridge.backtests.map((b) => b.strategy)).toEqual(["sign", "vol_scaled"]);
    for (const b of ridge.backtests) {
      expect(b.sharpe_basis, b.strategy).toBe("timing");
      expect(b.sharpe!, b.strategy).toBeGreaterThan(0.5);
      expect(b.probabilistic_sharpe!, b.strategy).toBeGreaterThan(0.95);
      expect(b.deflated_sharpe!, b.strategy).toBeGreaterThan(0.9);
      expect(b.max_drawdown!, b.strategy).toBeGreaterThan(0);
      expect(b.turnover!, b.strategy).toBeGreaterThan(10);
      expect(b.total_cost!, b.strategy).toBeGreaterThan(0);
      expect(b.step, b.strategy).toBe(5);
      // a timing book, long about as often as short
      expect(Math.abs(b.average_net_exposure!), b.strategy).toBeLessThan(0.5 * b.average_gross_exposure!);
      expect(b.equity.values.length, b.strategy).toBeGreaterThan(10);
    }
  });

  it("shows them in the report", () => {
    const html = readFileSync(join(run.dir, "report.html"), "utf8");
    expect(html).toContain("<td>sign</td>");
    expect(html).toContain("<td>vol_scaled</td>");
  });
});

describe("one instrument without a predictable component", () => {
  let run = { code: -1, dir: "" };
  beforeAll(async () => {
    // nothing would pass selection on noise: train on every feature so there is a model to trade
    run = await runOn("null", 1, "2023-12-29", false, ["--set", "pipeline.selection.enabled=false", "--set", "pipeline.ranking.enabled=false"]);
  }, 600_000);

  it("trades it but finds nothing significant", () => {
    expect(run.code).toBe(0);
    const e = evaluation(run.dir);
    expect(e.strategy_set).toBe("time_series");
    const ridge = e.models.find((m) => m.name === "ridge")!;
    expect(ridge.backtests).toHaveLength(2);
    for (const b of ridge.backtests) {
      expect(b.sharpe, b.strategy).not.toBeNull();
      expect(b.probabilistic_sharpe!, b.strategy).toBeLessThan(0.95);
      expect(b.deflated_sharpe!, b.strategy).toBeLessThan(0.95);
    }
  });
});

describe("three instruments, 2 years of 30-minute bars, a planted predictable component", () => {
  let run = { code: -1, dir: "" };
  beforeAll(async () => {
    run = await runOn("three", 3, "2019-12-31", true);
  }, 600_000);

  it("too few for a cross-section: time-series books over the three, each at a third of the weight", () => {
    expect(run.code).toBe(0);
    const e = evaluation(run.dir);
    expect(e.strategy_set).toBe("time_series");
    expect(e.typical_cross_section).toBe(3);
    const ridge = e.models.find((m) => m.name === "ridge")!;
    for (const b of ridge.backtests) {
      expect(b.description, b.strategy).toMatch(/\/ 3/);
      expect(b.sharpe!, b.strategy).toBeGreaterThan(0.5);
      expect(b.probabilistic_sharpe!, b.strategy).toBeGreaterThan(0.95);
      expect(b.average_gross_exposure!, b.strategy).toBeLessThan(1.05);
    }
  });
});
