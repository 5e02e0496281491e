/**
 * How detection scales down large panels (seeded symbol subsets for the pre-scan, whole sampled
 * timestamps and subsampled training rows for the quick model) and how it takes a splitter.
 */
import { describe, expect, it } from "vitest";
import { cvSetup } from "../../src/leakage/dataset.js";
import { subsampleCells } from "../../src/validation/cells.js";
import { detectRound } from "../../src/leakage/index.js";
import { scanFrame } from "../../src/leakage/views.js";
import { buildTarget } from "../../src/targets/index.js";
import { Rng } from "../../src/util/random.js";
import { splitterSchema } from "../../src/validation/splitters/schema.js";
import { features, LEAK_NAMES, leakageConfig, NEUTRAL_LEAKS, syntheticPanel } from "./helpers.js";

describe("pre-scan symbol sampling", () => {
  it("keeps every symbol when the panel fits, else a seeded, sorted subset of whole symbols", () => {
    expect(Array.from(scanFrame(100, 30, 1_000_000, 1).cols)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const a = scanFrame(100, 500, 5_000, 1);
    expect(a.S).toBe(50);
    expect(a.panelS).toBe(500);
    expect(new Set(a.cols).size).toBe(50);
    expect(Array.from(a.cols)).toEqual(Array.from(a.cols).sort((x, y) => x - y));
    expect(Array.from(scanFrame(100, 500, 5_000, 1).cols)).toEqual(Array.from(a.cols));
    expect(Array.from(scanFrame(100, 500, 5_000, 2).cols)).not.toEqual(Array.from(a.cols));
    // never fewer than 20 symbols (a cross-section needs them), however small the budget
    expect(scanFrame(10_000, 500, 10_000, 1).S).toBe(20);
  });

  it("still catches every planted leak when only half of the symbols are scanned", async () => {
    const { panel } = syntheticPanel({ signals: { plant: true }, leaks: { plant: true, features: NEUTRAL_LEAKS } });
    const fs = features(panel, { include: ["sig_h5", "noise_1", ...LEAK_NAMES] });
    const cfg = leakageConfig({ quick_model: { enabled: false }, prescan: { max_cells: 12_000 } });
    const r = await detectRound({ panel, features: fs, target: buildTarget("fwd_ret_1"), leakage: cfg, seed: 1 });
    expect(r.leak).toEqual(LEAK_NAMES);
  });
});

describe("quick-model sampling", () => {
  const T = 300;
  const S = 40;
  const y = new Float64Array(T * S);
  new Rng(1).fillNormal(y);
  for (let s = 0; s < S; s++) for (let t = 0; t < 5; t++) y[(T - 1 - t) * S + s] = NaN;
  const target = buildTarget("fwd_ret_5");

  it("samples whole timestamps to fit max_rows, and training rows to max_train_rows", () => {
    const cfg = leakageConfig({ quick_model: { max_rows: 4_000, max_train_rows: 1_000 } });
    const setup = cvSetup(y, T, S, target, cfg, undefined, 0, 3);
    let cells = 0;
    for (let t = 0; t < T; t++) {
      let n = 0;
      for (let s = 0; s < S; s++) n += setup.valid[t * S + s];
      expect([0, S]).toContain(n); // whole cross-sections only
      cells += n;
    }
    expect(cells).toBe(4_000);
    expect(setup.folds).toHaveLength(3);
    for (const tr of setup.train) {
      expect(tr.length).toBeLessThanOrEqual(1_000);
      for (let i = 1; i < tr.length; i++) expect(tr[i]).toBeGreaterThan(tr[i - 1]);
    }
    // same seed, same sample
    const again = cvSetup(y, T, S, target, cfg, undefined, 0, 3);
    expect(Array.from(again.train[1])).toEqual(Array.from(setup.train[1]));
  });

  it("purges around each test block by the target's window (and the feature lookback when asked)", () => {
    const cfg = leakageConfig({ purge_buffer_bars: 0, embargo_bars: 0 });
    const plain = cvSetup(y, T, S, target, cfg, undefined, 20, 3).folds[1];
    const [a, b] = plain.testBlocks[0];
    for (const t of plain.trainTimes) expect(t < a - 4 || t > b + 4).toBe(true);
    // the features' lookback is the past only: times right after the label window train
    expect(Array.from(plain.trainTimes)).toContain(b + 5);
    const f = cvSetup(y, T, S, target, leakageConfig({ purge_buffer_bars: 0, embargo_bars: 0, include_feature_lookback_in_purge: true }), undefined, 20, 3).folds[1];
    for (const t of f.trainTimes) expect(t < a - 4 || t > b + 5 + 20).toBe(true);
  });

  it("subsampleCells keeps order and is seeded", () => {
    const cells = Int32Array.from({ length: 100 }, (_, i) => i * 3);
    const a = subsampleCells(cells, 10, new Rng(4));
    expect(a).toHaveLength(10);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(Array.from(subsampleCells(cells, 10, new Rng(4)))).toEqual(Array.from(a));
    expect(subsampleCells(cells, 200, new Rng(4))).toBe(cells);
  });

  it("takes a walk-forward splitter: only later times are tested", async () => {
    const { panel } = syntheticPanel({ symbols: 20, bars: 400, signals: { plant: true } });
    const fs = features(panel, { include: ["sig_h5", "noise_1"] });
    const splitter = splitterSchema.parse({ kind: "walk_forward", n_splits: 3 });
    const r = await detectRound({ panel, features: fs, target, leakage: leakageConfig({ sentinels: { enabled: false } }), seed: 1, splitter });
    expect(r.model!.folds).toBe(3);
    // three test windows of a quarter of the times each: the first quarter is never tested
    const labelled = target.compute(panel).filter((v) => Number.isFinite(v)).length;
    expect(r.model!.test_rows / labelled).toBeGreaterThan(0.65);
    expect(r.model!.test_rows / labelled).toBeLessThan(0.85);
  });

  it("with too little history for purged folds the quick model is skipped with the reason; the pre-scan still decides", async () => {
    // A 120-bar lookback purged after each test block (the conservative option) leaves the first
    // fold of 160 bars no training data.
    const { panel } = syntheticPanel({ symbols: 20, bars: 160, leaks: { plant: true, features: NEUTRAL_LEAKS.slice(0, 1) } });
    const fs = features(panel, { include: ["mom_120", "ret_1", "alpha_a"] });
    const r = await detectRound({ panel, features: fs, target: buildTarget("fwd_ret_1"), leakage: leakageConfig({ include_feature_lookback_in_purge: true }), seed: 1 });
    expect(r.model).toBeNull();
    expect(r.model_skipped).toMatch(/fold 0 has 0 training/);
    expect(r.model_checks).toEqual([]);
    expect(r.leak).toEqual(["alpha_a"]);
  });
});
