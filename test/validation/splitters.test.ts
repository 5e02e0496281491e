import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/util/errors.js";
import {
  binomial,
  contiguousBlocks,
  cpcvPathCount,
  cpcvSplits,
  DEFAULT_SPLITTER,
  eligibleTimes,
  foldCells,
  foldRows,
  purgedKFoldSplits,
  purgedRange,
  purgeForTarget,
  purgeSettings,
  splitterSchema,
  splitTimes,
  walkForwardSplits,
  type Fold,
  type PurgeSettings,
} from "../../src/validation/splitters/index.js";
import { leakageSchema } from "../../src/config/schema/leakage.js";

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const P = (horizon: number, extra: Partial<PurgeSettings> = {}): PurgeSettings => ({ horizon, bufferBars: 0, embargoBars: 0, ...extra });

describe("purge zone", () => {
  it("removes label-window overlap before, label overlap + embargo after (+ the lookback only when asked)", () => {
    expect(purgedRange(10, 14, P(1))).toEqual([10, 14]); // 1-bar labels never overlap neighbours
    expect(purgedRange(10, 14, P(3))).toEqual([8, 16]);
    expect(purgedRange(10, 14, P(3, { bufferBars: 1, embargoBars: 2 }))).toEqual([7, 19]);
    // the conservative option, lookback L: features at t read t-L..t; must not read test label bars up to b + h
    expect(purgedRange(10, 14, P(3, { featureLookback: 5 }))).toEqual([8, 22]);
    expect(purgedRange(10, 14, P(3, { featureLookback: 0 }))).toEqual([8, 17]);
  });

  it("builds settings from the pipeline.leakage keys and rejects bad numbers", () => {
    expect(purgeSettings({ horizon: 5, purge_buffer_bars: 2, embargo_bars: 3 })).toEqual({ horizon: 5, bufferBars: 2, embargoBars: 3 });
    expect(purgeSettings({ horizon: 5, include_feature_lookback_in_purge: true, featureLookback: 20 }).featureLookback).toBe(20);
    expect(() => purgeSettings({ horizon: 5, include_feature_lookback_in_purge: true })).toThrow(InputError);
    expect(() => purgeSettings({ horizon: 0 })).toThrow(/horizon/);
    expect(() => purgeSettings({ horizon: 2, embargo_bars: -1 })).toThrow(/embargo_bars/);
  });

  it("takes a target's label window (execution lag + horizon) as the purge horizon, and the lookback only when asked", () => {
    const leakage = { purge_buffer_bars: 5, embargo_bars: 5, include_feature_lookback_in_purge: false };
    expect(purgeForTarget({ window: 7 }, leakage, 20)).toEqual({ horizon: 7, bufferBars: 5, embargoBars: 5 });
    expect(purgeForTarget({ window: 7 }, { ...leakage, include_feature_lookback_in_purge: true }, 20)).toEqual({ horizon: 7, bufferBars: 5, embargoBars: 5, featureLookback: 20 });
  });

  it("is off for the lookback in the default configuration: the purge is label window + buffer + embargo", () => {
    const leakage = leakageSchema.parse({});
    expect(leakage.include_feature_lookback_in_purge).toBe(false);
    // The panel: 98 timestamps, 5-bar target, 90-bar feature. With the lookback every fold
    // starved; without it the 5 folds keep most of the history.
    const plan = splitTimes(DEFAULT_SPLITTER, 98, purgeForTarget({ window: 5 }, leakage, 90));
    expect(plan.folds.length).toBe(5);
    expect(plan.adapted).toBeNull();
    for (const f of plan.folds) expect(f.trainTimes.length).toBeGreaterThanOrEqual(98 - 20 - 2 * 4 - 2 * 5 - 5);
    expect(() => splitTimes(DEFAULT_SPLITTER, 98, purgeForTarget({ window: 5 }, { ...leakage, include_feature_lookback_in_purge: true }, 90))).toThrow(
      /fold 0 has 0 training .*feature lookback 90/,
    );
  });

  it("finds contiguous blocks", () => {
    expect(contiguousBlocks([1, 2, 3, 7, 9, 10])).toEqual([
      [1, 3],
      [7, 7],
      [9, 10],
    ]);
  });
});

describe("purged k-fold", () => {
  it("tests contiguous groups and purges around them (known answer)", () => {
    const folds = purgedKFoldSplits(20, 4, P(2, { embargoBars: 1 }));
    expect(folds.map((f) => Array.from(f.testTimes))).toEqual([range(0, 4), range(5, 9), range(10, 14), range(15, 19)]);
    // fold 1: test 5..9, removed 4 (label 5..6 overlaps) and 10 (overlap) + 11 (embargo)
    expect(Array.from(folds[1].trainTimes)).toEqual([...range(0, 3), ...range(12, 19)]);
    expect(folds[1].purgedCount).toBe(3);
    expect(Array.from(folds[0].trainTimes)).toEqual(range(7, 19));
    expect(Array.from(folds[3].trainTimes)).toEqual(range(0, 13));
  });

  it("works on eligible times with holes, purging by time not by position", () => {
    const eligible = [0, 1, 2, 3, 10, 11, 12, 13];
    const folds = purgedKFoldSplits(eligible, 2, P(3));
    // test 0..3 removes training times up to 3 + 2 = 5: nothing eligible there
    expect(Array.from(folds[0].trainTimes)).toEqual([10, 11, 12, 13]);
    // test 10..13 removes from 8: nothing eligible
    expect(Array.from(folds[1].trainTimes)).toEqual([0, 1, 2, 3]);
  });

  it("says which setting to change when the purge leaves nothing to train on", () => {
    expect(() => purgedKFoldSplits(10, 2, P(8))).toThrow(/fold 0 has 0 training/);
    expect(() => purgedKFoldSplits(3, 5, P(1))).toThrow(/cannot make 5 folds/);
  });
});

describe("walk-forward", () => {
  it("expanding: trains on everything before the test minus the purge; most recent data tested", () => {
    const folds = walkForwardSplits(20, { mode: "expanding", testSize: 4, nSplits: 3 }, P(3));
    expect(folds.map((f) => Array.from(f.testTimes))).toEqual([range(8, 11), range(12, 15), range(16, 19)]);
    expect(Array.from(folds[0].trainTimes)).toEqual(range(0, 5)); // 6, 7 purged (labels reach 8+)
    expect(Array.from(folds[2].trainTimes)).toEqual(range(0, 13));
  });

  it("rolling: keeps the last train_size times; gap adds bars between train and test", () => {
    const folds = walkForwardSplits(20, { mode: "rolling", testSize: 4, trainSize: 5, gap: 2 }, P(1));
    // test 16..19: times 14, 15 are the gap, training is the 5 times before; an earlier window at
    // 4..7 would have only 2 training times and is not made
    expect(folds.map((f) => Array.from(f.trainTimes))).toEqual([range(1, 5), range(5, 9), range(9, 13)]);
    expect(folds.map((f) => Array.from(f.testTimes))).toEqual([range(8, 11), range(12, 15), range(16, 19)]);
  });

  it("derives test_size from n_splits like a time-series split and errors when windows do not fit", () => {
    const folds = walkForwardSplits(30, { mode: "expanding", nSplits: 5 }, P(1));
    expect(folds.map((f) => f.testTimes.length)).toEqual([5, 5, 5, 5, 5]);
    expect(folds[0].testTimes[0]).toBe(5);
    expect(() => walkForwardSplits(30, { mode: "expanding", testSize: 10, nSplits: 4 }, P(1))).toThrow(/only 2 of n_splits = 4/);
    expect(() => walkForwardSplits(30, { mode: "rolling", testSize: 10 }, P(1))).toThrow(/train_size/);
  });
});

describe("combinatorial purged CV", () => {
  it("makes C(N, k) splits and C(N-1, k-1) paths, each covering every group once", () => {
    for (const [N, k] of [
      [6, 2],
      [5, 1],
      [7, 3],
      [4, 3],
    ]) {
      const plan = cpcvSplits(N * 10, N, k, P(2, { embargoBars: 1 }));
      expect(plan.folds.length).toBe(binomial(N, k));
      expect(plan.paths.length).toBe(cpcvPathCount(N, k));
      expect(cpcvPathCount(N, k)).toBe((k / N) * binomial(N, k));
      const used = new Set<string>();
      for (const path of plan.paths) {
        expect(path.length).toBe(N);
        path.forEach((foldIndex, g) => {
          expect(plan.folds[foldIndex].testGroups).toContain(g);
          used.add(`${foldIndex}:${g}`);
        });
      }
      // every (split, tested group) pair is used by exactly one path
      expect(used.size).toBe(binomial(N, k) * k);
    }
    expect(binomial(6, 2)).toBe(15);
    expect(cpcvPathCount(6, 2)).toBe(5);
  });

  it("purges around each test block separately", () => {
    const plan = cpcvSplits(60, 6, 2, P(3));
    const f = plan.folds.find((x) => x.testGroups!.join() === "1,4")!;
    expect(f.testBlocks).toEqual([
      [10, 19],
      [40, 49],
    ]);
    expect(Array.from(f.trainTimes)).toEqual([...range(0, 7), ...range(22, 37), ...range(52, 59)]);
  });
});

describe("splitter configuration", () => {
  it("parses each kind with defaults and rejects unknown or inconsistent keys", () => {
    expect(splitterSchema.parse({ kind: "purged_kfold" })).toEqual(DEFAULT_SPLITTER);
    expect(splitterSchema.parse({ kind: "cpcv" })).toEqual({ kind: "cpcv", n_groups: 6, n_test_groups: 2 });
    expect(splitterSchema.parse({ kind: "walk_forward", test_size: 0.1 })).toEqual({ kind: "walk_forward", mode: "expanding", test_size: 0.1, gap: 0 });
    expect(splitterSchema.safeParse({ kind: "purged_kfold", n_split: 5 }).success).toBe(false);
    expect(splitterSchema.safeParse({ kind: "cpcv", n_groups: 4, n_test_groups: 4 }).success).toBe(false);
    expect(splitterSchema.safeParse({ kind: "walk_forward", mode: "rolling" }).success).toBe(false);
    expect(splitterSchema.safeParse({ kind: "walk_forward", test_size: 2.5 }).success).toBe(false);
    expect(splitterSchema.safeParse({ kind: "holdout" }).success).toBe(false);
  });

  it("runs the configured splitter, resolving fractional sizes against the eligible times", () => {
    const wf = splitTimes(splitterSchema.parse({ kind: "walk_forward", test_size: 0.1, n_splits: 3 }), 100, P(2));
    expect(wf.folds.map((f) => f.testTimes.length)).toEqual([10, 10, 10]);
    const cp = splitTimes(splitterSchema.parse({ kind: "cpcv", n_groups: 5, n_test_groups: 2 }), 100, P(2));
    expect(cp.folds.length).toBe(10);
    expect(cp.paths!.length).toBe(4);
    expect(splitTimes(splitterSchema.parse({ kind: "walk_forward" }), 60, P(1)).folds.length).toBe(5);
  });
});

describe("fold counts adapted to a short history", () => {
  it("purged k-fold: fewer folds when there are fewer timestamps than folds, and says so", () => {
    const plan = splitTimes({ kind: "purged_kfold", n_splits: 5 }, 4, P(1));
    expect(plan.folds.length).toBe(4);
    expect(plan.requestedFolds).toBe(5);
    expect(plan.adapted).toBe("purged k-fold: 5 folds asked, 4 fit in 4 timestamps with horizon 1 bars");
    const asked = splitTimes({ kind: "purged_kfold", n_splits: 5 }, 100, P(5, { bufferBars: 5, embargoBars: 5 }));
    expect(asked.folds.length).toBe(5);
    expect(asked.adapted).toBeNull();
  });

  it("purged k-fold: a purge that starves every fold count is an error naming what to change", () => {
    // Fewer folds make larger test groups and so less training: nothing smaller can rescue this.
    expect(() => splitTimes({ kind: "purged_kfold", n_splits: 5 }, 30, P(10, { bufferBars: 5, embargoBars: 5 }))).toThrow(
      /fold \d+ has 0 training .*horizon 10 \+ buffer 5 \+ embargo 5 bars/,
    );
    try {
      splitTimes({ kind: "purged_kfold", n_splits: 5 }, 30, P(10, { bufferBars: 5, embargoBars: 5 }));
    } catch (e) {
      expect((e as InputError).hint).toMatch(/shorter horizon, smaller pipeline.leakage.purge_buffer_bars or embargo_bars/);
    }
  });

  it("walk-forward: keeps the most recent windows that have training data before them", () => {
    // 98 timestamps, 5 windows of 16 asked; a 20-bar label + buffer 5 purges 24 times before each.
    const cfg = splitterSchema.parse({ kind: "walk_forward", n_splits: 5 });
    const plan = splitTimes(cfg, 98, P(20, { bufferBars: 5, embargoBars: 5 }));
    expect(plan.requestedFolds).toBe(5);
    expect(plan.folds.length).toBe(4);
    expect(plan.adapted).toBe("walk-forward: 5 windows asked, 4 fit in 98 timestamps with horizon 20 + buffer 5 + embargo 5 bars (test windows of 16)");
    // the same windows as asked, the earliest one (which would start at 18) dropped
    expect(plan.folds.map((f) => f.testTimes[0])).toEqual([34, 50, 66, 82]);
    for (const f of plan.folds) expect(f.trainTimes[f.trainTimes.length - 1]).toBeLessThan(f.testTimes[0] - 24);
    expect(splitTimes(cfg, 98, P(1)).adapted).toBeNull();
    // no window at all still fails
    expect(() => splitTimes(cfg, 12, P(20))).toThrow(InputError);
  });

  it("CPCV: fewer test groups per split when the purge around two test blocks leaves no training", () => {
    const cfg = splitterSchema.parse({ kind: "cpcv", n_groups: 4, n_test_groups: 2 });
    // 40 timestamps in 4 groups of 10; horizon 8 + embargo 8 purges 7 before and 15 after each block
    const plan = splitTimes(cfg, 40, P(8, { embargoBars: 8 }));
    expect(plan.requestedFolds).toBe(6);
    expect(plan.folds.length).toBe(4);
    expect(plan.paths!.length).toBe(1);
    expect(plan.adapted).toMatch(/^CPCV: 2 of 4 groups per test set asked \(6 splits\), 1 fit \(4 splits\) in 40 timestamps/);
    for (const f of plan.folds) expect(f.trainTimes.length).toBeGreaterThan(0);
  });
});

describe("rows from folds", () => {
  it("maps rows of a time-major mask to train and test by their time", () => {
    // T = 6, S = 2; symbol 1 starts at t = 3
    const valid = new Uint8Array([1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(eligibleTimes(valid, 6, 2))).toEqual(range(0, 5));
    const fold: Fold = { index: 0, trainTimes: Int32Array.from([0, 1, 2]), testTimes: Int32Array.from([4, 5]), testBlocks: [[4, 5]], purgedCount: 1 };
    const cells = foldCells(fold, valid, 6, 2);
    expect(Array.from(cells.train)).toEqual([0, 2, 4]);
    expect(Array.from(cells.test)).toEqual([8, 9, 10, 11]);
    const rowTimes = [0, 1, 2, 3, 3, 4, 4, 5, 5];
    const rows = foldRows(fold, rowTimes);
    expect(Array.from(rows.train)).toEqual([0, 1, 2]);
    expect(Array.from(rows.test)).toEqual([5, 6, 7, 8]);
  });
});

/**
 * The central property: for any panel (symbols with different starts, ends and gaps), any
 * splitter and any purge settings, no training row's label window overlaps any test row's label
 * window, nothing trains within the embargo after a test block, and with the lookback included no
 * training row's features read a test label bar.
 */
describe("no leakage across folds (property)", () => {
  const panelArb = fc.record({
    T: fc.integer({ min: 30, max: 120 }),
    symbols: fc.array(
      fc.record({ start: fc.integer({ min: 0, max: 60 }), len: fc.integer({ min: 5, max: 120 }), gaps: fc.array(fc.integer({ min: 0, max: 119 }), { maxLength: 6 }) }),
      { minLength: 1, maxLength: 5 },
    ),
    horizon: fc.integer({ min: 1, max: 6 }),
    buffer: fc.integer({ min: 0, max: 3 }),
    embargo: fc.integer({ min: 0, max: 4 }),
    lookback: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    splitter: fc.oneof(
      fc.record({ kind: fc.constant("purged_kfold" as const), n_splits: fc.integer({ min: 2, max: 6 }) }),
      fc.record({ kind: fc.constant("cpcv" as const), n_groups: fc.integer({ min: 3, max: 6 }), n_test_groups: fc.integer({ min: 1, max: 2 }) }),
      // n_splits without test_size: windows the history cannot hold are dropped (adapted)
      fc.record({ kind: fc.constant("walk_forward" as const), n_splits: fc.integer({ min: 2, max: 6 }), gap: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        kind: fc.constant("walk_forward" as const),
        mode: fc.constantFrom("expanding" as const, "rolling" as const),
        test_size: fc.integer({ min: 2, max: 10 }),
        train_size: fc.integer({ min: 3, max: 30 }),
        gap: fc.integer({ min: 0, max: 3 }),
      }),
    ),
  });

  it("holds for walk-forward, purged k-fold and CPCV on panels with ragged histories", () => {
    fc.assert(
      fc.property(panelArb, (c) => {
        const { T, horizon: h } = c;
        const S = c.symbols.length;
        // a row is valid where the symbol has a bar at t and at t + h (label window complete)
        const present = new Uint8Array(T * S);
        c.symbols.forEach((sym, s) => {
          for (let t = sym.start; t < Math.min(T, sym.start + sym.len); t++) present[t * S + s] = 1;
          for (const g of sym.gaps) if (g < T) present[g * S + s] = 0;
        });
        const valid = new Uint8Array(T * S);
        for (let t = 0; t + h < T; t++) for (let s = 0; s < S; s++) valid[t * S + s] = present[t * S + s] & present[(t + h) * S + s];
        const eligible = eligibleTimes(valid, T, S);
        const purge: PurgeSettings = { horizon: h, bufferBars: c.buffer, embargoBars: c.embargo, featureLookback: c.lookback };
        let plan;
        try {
          plan = splitTimes(splitterSchema.parse(c.splitter), eligible, purge);
        } catch (e) {
          // too little data for the request is a clear user error, never a silent bad split
          if (e instanceof InputError) return;
          throw e;
        }
        const rowTimes: number[] = [];
        for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) if (valid[t * S + s]) rowTimes.push(t);
        for (const fold of plan.folds) {
          const rows = foldRows(fold, rowTimes);
          const testT = [...new Set(Array.from(rows.test, (i) => rowTimes[i]))].sort((a, b) => a - b);
          const trainT = [...new Set(Array.from(rows.train, (i) => rowTimes[i]))];
          // plain loops (no expect per pair): this runs for every pair of times of every fold
          for (const t of trainT) {
            for (const u of testT) {
              // label windows [t+1, t+h] and [u+1, u+h] must be disjoint, widened by the buffer
              const overlap = !(t + h + c.buffer < u + 1 || u + h + c.buffer < t + 1);
              const inEmbargo = t > u && t - u < h + c.buffer + c.embargo;
              const featuresReadTest = t > u && c.lookback !== undefined && t - c.lookback <= u + h + c.buffer + c.embargo;
              if (overlap || inEmbargo || featuresReadTest) {
                throw new Error(`fold ${fold.index}: train time ${t} vs test time ${u} (overlap ${overlap}, embargo ${inEmbargo}, lookback ${featuresReadTest})`);
              }
            }
          }
          if (plan.kind === "walk_forward") expect(Math.max(...trainT) < Math.min(...testT)).toBe(true);
          // train and test never share a time
          const testSet = new Set(Array.from(fold.testTimes));
          expect(Array.from(fold.trainTimes).some((t) => testSet.has(t))).toBe(false);
        }
        if (plan.kind === "purged_kfold") {
          const all = plan.folds.flatMap((f) => Array.from(f.testTimes)).sort((a, b) => a - b);
          expect(all).toEqual(Array.from(eligible));
        }
        // an adapted plan is smaller than asked and says so; a plan as asked says nothing
        expect(plan.folds.length).toBeLessThanOrEqual(plan.requestedFolds);
        expect(plan.adapted === null).toBe(plan.folds.length === plan.requestedFolds);
      }),
      { numRuns: 300, seed: 20240611 },
    );
  });
});
