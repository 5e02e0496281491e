import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nestingSchema } from "../../src/pipeline/nested/schema.js";
import { foldView, hideHoldout, maskToTimes, outerCvData, outerFold, outerTestBlocks } from "../../src/pipeline/nested/outer-folds.js";
import type { TargetSpec } from "../../src/targets/spec.js";
import { purgeSettings } from "../../src/validation/splitters/index.js";

const target = (window: number): TargetSpec => ({ name: `fwd_ret_${window}`, canonical: `fwd_ret_${window}`, type: "regression", rankingCompatible: true, horizon: window, executionLag: 0, window }) as unknown as TargetSpec;

describe("nested validation's outer folds", () => {
  it("cuts consecutive test blocks after min_train_share, covering the rest of the panel", () => {
    const blocks = outerTestBlocks(100, nestingSchema.parse({ outer_folds: 3, min_train_share: 0.4 }));
    expect(blocks).toEqual([
      [40, 59],
      [60, 79],
      [80, 99],
    ]);
    expect(outerTestBlocks(100, nestingSchema.parse({ mode: "holdout", holdout_share: 0.25 }))).toEqual([[75, 99]]);
    expect(outerTestBlocks(100, nestingSchema.parse({ mode: "off" }))).toEqual([]);
    expect(() => outerTestBlocks(10, nestingSchema.parse({ outer_folds: 6 }))).toThrow(/too few for 6 outer folds/);
  });

  it("no training label of an outer fold reads a bar after its test block's first decision time (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 400 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (T, K, window, buffer, embargo) => {
        const blocks = outerTestBlocks(T, nestingSchema.parse({ outer_folds: K }));
        const purge = purgeSettings({ horizon: window, purge_buffer_bars: buffer, embargo_bars: embargo });
        blocks.forEach((b, k) => {
          const fold = outerFold(k, b, purge);
          for (const t of fold.trainTimes) expect(t + window + buffer).toBeLessThanOrEqual(b[0]);
          // Everything before the purge zone is kept.
          expect(fold.trainTimes.length).toBe(Math.max(0, b[0] - (window - 1) - buffer));
        });
      }),
      { numRuns: 200 },
    );
  });

  it("masks the label grid to the fold's training times, and the outer CvData trains there and tests on the block", () => {
    const T = 50;
    const S = 3;
    const grid = Float64Array.from({ length: T * S }, (_, c) => c);
    const blocks = outerTestBlocks(T, nestingSchema.parse({ outer_folds: 2, min_train_share: 0.5 }));
    const folds = blocks.map((b, k) => outerFold(k, b, purgeSettings({ horizon: 3, purge_buffer_bars: 2, embargo_bars: 0 })));
    const masked = maskToTimes(grid, T, S, folds[0].trainTimes);
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) expect(Number.isFinite(masked[t * S + s])).toBe(t <= 25 - 3 - 2);
    const data = outerCvData({ target: target(3), grid, T, S, folds, maxTrainRows: 1000, seed: 1 });
    expect(data.plan.kind).toBe("walk_forward");
    expect(data.test[1].length).toBe((blocks[1][1] - blocks[1][0] + 1) * S);
    expect(Math.min(...[...data.test[1]].map((c) => Math.floor(c / S)))).toBe(blocks[1][0]);
    expect(Math.max(...[...data.train[1]].map((c) => Math.floor(c / S)))).toBe(blocks[1][0] - 3 - 2);
    const view = foldView(data, 1);
    expect(view.folds).toHaveLength(1);
    expect(view.train[0]).toBe(data.train[1]);
  });

  it("holdout mode hides the holdout and the purge before it from the stages; other modes change nothing", () => {
    const T = 40;
    const S = 2;
    const built = [{ target: target(4), grid: new Float64Array(T * S).fill(1) }];
    const purgeOf = (t: TargetSpec) => purgeSettings({ horizon: t.window, purge_buffer_bars: 1, embargo_bars: 0 });
    const hidden = hideHoldout(built, T, S, nestingSchema.parse({ mode: "holdout", holdout_share: 0.25 }), purgeOf);
    const finite = (g: Float64Array) => [...Array(T).keys()].filter((t) => Number.isFinite(g[t * S]));
    expect(finite(hidden[0].grid)).toEqual([...Array(26).keys()]);
    expect(hideHoldout(built, T, S, nestingSchema.parse({}), purgeOf)[0].grid).toBe(built[0].grid);
  });
});
