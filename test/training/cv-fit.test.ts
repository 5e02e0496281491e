/**
 * Cross-validated fitting of any family: planted signals are found out of sample by tree, linear,
 * tabular-neural and sequence families alike; pure noise is not; the same seed gives the same numbers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Panel } from "../../src/data/types.js";
import { historyRows, type FeatureSet } from "../../src/features/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { makeCvData, testedCells, type CvData } from "../../src/training/cv-data.js";
import { cvFit, paramsForTask, UnsupportedTaskError, validationTail } from "../../src/training/cv-fit.js";
import { purgeForTarget } from "../../src/validation/splitters/index.js";
import { features, leakageConfig, syntheticPanel } from "../leakage/helpers.js";
import { typicalCrossSection } from "../../src/leakage/quick-model.js";

let panel: Panel;
let fs: FeatureSet;
let data: CvData;
const target = buildTarget("fwd_ret_5");

beforeAll(() => {
  panel = syntheticPanel({ signals: { plant: true } }).panel;
  fs = features(panel, { include: ["sig_h5", "sig_h20", "noise_1", "noise_2", "ret_1", "mom_20"] });
  data = makeCvData({
    T: panel.T,
    S: panel.S,
    target,
    y: target.compute(panel),
    splitter: { kind: "purged_kfold", n_splits: 3 },
    purge: purgeForTarget(target, leakageConfig(), Math.max(...fs.specs.map(historyRows))),
    seed: 5,
  });
});

describe("cvFit", () => {
  it("tests every valid cell exactly once under purged k-fold", () => {
    const tested = testedCells(data);
    let valid = 0;
    for (const v of data.valid) valid += v;
    expect(tested.length).toBe(valid);
    const all = data.test.reduce((a, c) => a + c.length, 0);
    expect(all).toBe(valid);
  });

  it("finds the planted signal with lightgbm, ridge and mlp, and not with noise alone", async () => {
    const hp = { lightgbm: { n_estimators: 60, num_leaves: 15, min_data_in_leaf: 50 }, ridge: {}, mlp: { epochs: 5 } } as Record<string, Record<string, unknown>>;
    for (const family of ["lightgbm", "ridge", "mlp"]) {
      const r = await cvFit({ data, features: fs.names, grids: fs.grids, family, hyperparameters: hp[family], seed: 1, threads: 1, purpose: "test" });
      expect(r.score.value, family).toBeGreaterThan(0.05);
      expect(r.folds.length).toBe(3);
    }
    const noise = await cvFit({ data, features: ["noise_1", "noise_2"], grids: fs.grids, family: "ridge", hyperparameters: {}, seed: 1, threads: 1, purpose: "test" });
    expect(Math.abs(noise.score.value)).toBeLessThan(0.03);
  }, 60_000);

  it("fits a sequence family from windows of the same features", async () => {
    const r = await cvFit({ data, features: ["sig_h5", "sig_h20", "noise_1"], grids: fs.grids, family: "lstm", hyperparameters: { lookback: 4, hidden_units: [8], epochs: 3 }, seed: 1, threads: 1, purpose: "test" });
    expect(r.score.value).toBeGreaterThan(0.03);
  }, 60_000);

  it("is deterministic for a seed and prunes when told to", async () => {
    const run = (onFold?: () => boolean) => cvFit({ data, features: fs.names, grids: fs.grids, family: "lightgbm", hyperparameters: { n_estimators: 20 }, seed: 3, threads: 1, purpose: "det", onFold, validFraction: 0.2 });
    const a = await run();
    const b = await run();
    expect(Array.from(a.oof)).toEqual(Array.from(b.oof));
    const p = await run(() => false);
    expect(p.pruned).toBe(true);
    expect(p.folds.length).toBe(1);
  }, 60_000);

  it("refuses a family that cannot learn the target's task, naming both", () => {
    const bin = buildTarget("fwd_sign_5");
    const d = { task: { ...data.task, objective: "binary" as const } };
    expect(() => paramsForTask("ridge", {}, d)).toThrow(UnsupportedTaskError);
    expect(() => paramsForTask("ridge", {}, d)).toThrow(/ridge does not learn binary/);
    expect((paramsForTask("lightgbm", {}, d) as { objective: string }).objective).toBe("binary");
    expect(bin.type).toBe("binary");
  });

  it("holds out the latest training times for early stopping, purged by the label window", () => {
    const S = 2;
    const cells = Int32Array.from({ length: 40 }, (_, i) => i); // times 0..19
    const split = validationTail(cells, S, 0.25, 3)!;
    const vt = new Set(Array.from(split.valid, (c) => Math.floor(c / S)));
    expect([...vt]).toEqual([15, 16, 17, 18, 19]);
    const maxFit = Math.max(...Array.from(split.fit, (c) => Math.floor(c / S)));
    expect(maxFit + 3).toBeLessThan(15);
  });
});

describe("makeCvData on a ragged cross-section", () => {
  it("uses no cell whose fitted value is undefined (a timestamp holding a single label has no cross-sectional rank)", async () => {
    // Intraday bars with gaps leave timestamps where one symbol alone has a label.
    const y = target.compute(panel);
    const { T, S } = panel;
    const lone = [40, 41, 90, 200];
    for (const t of lone) for (let s = 1; s < S; s++) y[t * S + s] = NaN;
    const ragged = makeCvData({ T, S, target, y, splitter: { kind: "purged_kfold", n_splits: 3 }, purge: purgeForTarget(target, leakageConfig()), seed: 5 });
    expect(ragged.task.fitTo).toBe("cross_sectional_rank");
    for (const t of lone) expect(ragged.valid[t * S], `time ${t}`).toBe(0);
    for (const cells of [...ragged.train, ...ragged.test]) for (const c of cells) expect(Number.isFinite(ragged.fitY[c])).toBe(true);
    // ... so every family fits, where a NaN label used to fail it.
    const r = await cvFit({ data: ragged, features: ["sig_h5", "noise_1"], grids: fs.grids, family: "ridge", hyperparameters: {}, seed: 1, threads: 1, purpose: "test" });
    expect(r.score.value).toBeGreaterThan(0.05);
  }, 60_000);
});

describe("the task follows the cross-section the labels really have", () => {
  it("six symbols seldom listed together are scored as a time series, not by a per-timestamp IC", () => {
    const { T, S } = panel;
    const y = target.compute(panel);
    expect(makeCvData({ T, S, target, y, splitter: { kind: "purged_kfold", n_splits: 3 }, purge: purgeForTarget(target, leakageConfig()), seed: 5 }).task.metric).toBe("ic");
    // Keep three symbols' labels per timestamp (rotating), as on a panel of listings that overlap little.
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) if ((s + t) % S >= 3) y[t * S + s] = NaN;
    expect(typicalCrossSection(y, T, S)).toBe(3);
    const sparse = makeCvData({ T, S, target, y, splitter: { kind: "purged_kfold", n_splits: 3 }, purge: purgeForTarget(target, leakageConfig()), seed: 5 });
    expect(sparse.task.metric).toBe("rank_correlation");
    expect(sparse.task.fitTo).toBe("target");
  });
});
