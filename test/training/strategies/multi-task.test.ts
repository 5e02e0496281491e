/**
 * Multi-task training: one network with a head per target finds each planted horizon's signal out
 * of sample, the same seed gives the same numbers, the common folds are purged with the longest
 * label window, and bad settings are refused naming the key.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { CvData } from "../../../src/training/cv-data.js";
import { multiTaskCv, multiTaskStrategySchema, sharedFoldPlan, type MultiTaskConfig } from "../../../src/training/strategies/index.js";
import { InputError } from "../../../src/util/errors.js";
import { fixture, type Fixture } from "./helpers.js";

let f: Fixture;
let d5: CvData;
let d20: CvData;
const cfg = (o: Record<string, unknown> = {}): MultiTaskConfig => multiTaskStrategySchema.parse({ kind: "multi_task", ...o });
/** Small and quick, but enough to learn the planted signals on 40 symbols x 600 bars. */
const QUICK = { epochs: 8, learning_rate: 3e-3, hidden_units: [32] };

beforeAll(() => {
  f = fixture();
  d5 = f.data("fwd_ret_5");
  d20 = f.data("fwd_ret_20");
});

describe("multiTaskCv", () => {
  it("finds the planted signal of each horizon out of sample, on every head", async () => {
    const r = await multiTaskCv({ datas: [d5, d20], features: f.fs.names, grids: f.fs.grids, config: cfg(QUICK), seed: 1, threads: 1 });
    expect(r.targets.map((t) => t.target)).toEqual(["fwd_ret_5", "fwd_ret_20"]);
    for (const t of r.targets) {
      expect(t.metric).toBe("ic");
      expect(t.score.value, t.target).toBeGreaterThan(0.03);
      expect(t.folds.length).toBe(3);
      expect(t.weight).toBeCloseTo(0.5, 12);
    }
    expect(r.purgeWindow).toBe(20);
    expect(r.planTarget).toBe("fwd_ret_20");
    expect(r.folds.length).toBe(3);
    for (const fold of r.folds) {
      expect(fold.history.length).toBe(fold.epochs);
      expect(fold.validRows).toBeGreaterThan(0);
      expect(fold.bestEpoch).toBeGreaterThanOrEqual(1);
      expect(fold.history[0].validHeadLosses).toHaveLength(2);
    }
    // Out-of-fold predictions exist only on each target's own tested cells.
    for (const [j, d] of [d5, d20].entries()) {
      const oof = r.targets[j].oof;
      for (let c = 0; c < oof.length; c++) if (oof[c] === oof[c]) expect(d.valid[c]).toBe(1);
    }
  }, 60_000);

  it("shows no skill from noise features alone", async () => {
    const r = await multiTaskCv({ datas: [d5, d20], features: ["noise_1", "noise_2"], grids: f.fs.grids, config: cfg({ ...QUICK, epochs: 3 }), seed: 1, threads: 1 });
    for (const t of r.targets) expect(Math.abs(t.score.value), t.target).toBeLessThan(0.03);
  }, 60_000);

  it("is deterministic for a seed, and the seed matters", async () => {
    const run = (seed: number) => multiTaskCv({ datas: [d5, d20], features: f.fs.names, grids: f.fs.grids, config: cfg({ epochs: 2, hidden_units: [16], loss_weights: { fwd_ret_20: 3 } }), seed, threads: 1 });
    const a = await run(4);
    const b = await run(4);
    const c = await run(5);
    expect(a.targets[1].weight).toBeCloseTo(0.75, 12);
    for (let j = 0; j < 2; j++) {
      expect(Array.from(b.targets[j].oof)).toEqual(Array.from(a.targets[j].oof));
      expect(b.targets[j].score).toEqual(a.targets[j].score);
    }
    expect(b.folds).toEqual(a.folds);
    expect(Array.from(c.targets[0].oof)).not.toEqual(Array.from(a.targets[0].oof));
  }, 60_000);

  it("learns a binary head beside a regression head", async () => {
    const sign = f.data("fwd_sign_5_excess");
    const r = await multiTaskCv({ datas: [d5, sign], features: f.fs.names, grids: f.fs.grids, config: cfg({ ...QUICK, epochs: 4 }), seed: 2, threads: 1 });
    const bin = r.targets[1];
    expect(bin.metric).toBe("auc");
    for (const v of bin.oof) if (v === v) expect(v > 0 && v < 1).toBe(true);
    expect(bin.score.value).toBeGreaterThan(0.5);
  }, 60_000);

  it("refuses bad settings, naming the key", async () => {
    const run = (datas: CvData[], o: Record<string, unknown>) => multiTaskCv({ datas, features: f.fs.names, grids: f.fs.grids, config: cfg(o), seed: 1, threads: 1 });
    await expect(run([d5], {})).rejects.toThrow(/strategy.kind multi_task needs at least two targets, got 1 \(fwd_ret_5\)/);
    await expect(run([d5, d20], { targets: ["fwd_ret_5", "fwd_ret_60"] })).rejects.toThrow(/strategy.targets: "fwd_ret_60" is not one of the run's targets \(fwd_ret_5, fwd_ret_20\)/);
    await expect(run([d5, d20], { targets: ["fwd_ret_5", "fwd_ret_5"] })).rejects.toThrow(/strategy.targets: "fwd_ret_5" is listed twice/);
    await expect(run([d5, d20], { loss_weights: { fwd_ret_1: 2 } })).rejects.toThrow(/strategy.loss_weights.fwd_ret_1: /);
    await expect(run([d5, d20], { loss_weights: { fwd_ret_5: 0, fwd_ret_20: 0 } })).rejects.toThrow(InputError);
    await expect(run([d5, f.data("fwd_ret_20", { splitter: { kind: "purged_kfold", n_splits: 4 } })], {})).rejects.toThrow(/split by purged_kfold into 4 folds/);
  });
});

describe("sharedFoldPlan", () => {
  it("purges with the longest label window: no training time's window overlaps a test time's", () => {
    const splitters = fc.oneof(
      fc.record({ kind: fc.constant("purged_kfold" as const), n_splits: fc.integer({ min: 2, max: 6 }) }),
      fc.record({ kind: fc.constant("walk_forward" as const), n_splits: fc.integer({ min: 1, max: 5 }), mode: fc.constant("expanding" as const), gap: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(splitters, fc.integer({ min: 1, max: 20 }), (splitter, shortPurge) => {
        // The longest target deliberately under-purged: the shared plan must still be safe.
        const datas = [f.data("fwd_ret_5", { splitter }), f.data("fwd_ret_20", { splitter, purgeHorizon: shortPurge })];
        const plan = sharedFoldPlan(datas, { seed: 1 });
        expect(plan.window).toBe(20);
        for (const fold of plan.folds) {
          // label windows [t+1, t+W] and [u+1, u+W] are disjoint exactly when |t - u| >= W
          let closest = Infinity;
          for (const u of fold.testTimes) for (const t of fold.trainTimes) closest = Math.min(closest, Math.abs(t - u));
          expect(closest).toBeGreaterThanOrEqual(plan.window);
          const times = new Set(fold.trainTimes);
          expect(Array.from(fold.train).every((c) => times.has(Math.floor(c / plan.S)))).toBe(true);
        }
      }),
      { numRuns: 12 },
    );
  }, 60_000);

  it("keeps the cells where any target has a value, and caps the training rows with the seed", () => {
    const plan = sharedFoldPlan([d5, d20], { seed: 1 });
    let n5only = 0;
    for (let c = 0; c < d5.valid.length; c++) {
      expect(plan.anyValid[c]).toBe(d5.valid[c] | d20.valid[c]);
      if (d5.valid[c] && !d20.valid[c]) n5only++;
    }
    expect(n5only).toBeGreaterThan(0);
    const capped = sharedFoldPlan([d5, d20], { seed: 1, maxTrainRows: 500 });
    const again = sharedFoldPlan([d5, d20], { seed: 1, maxTrainRows: 500 });
    for (const [k, fold] of capped.folds.entries()) {
      expect(fold.train.length).toBe(500);
      expect(Array.from(fold.train)).toEqual(Array.from(again.folds[k].train));
      const all = new Set(plan.folds[k].train);
      for (const c of fold.train) expect(all.has(c)).toBe(true);
    }
  });
});
