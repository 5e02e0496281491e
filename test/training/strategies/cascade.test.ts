/**
 * Cascade training: a direction classifier gating a regressor keeps the planted signal's skill out
 * of sample; the gates follow their rules cell by cell; the direction labels are right; bad settings
 * are refused naming the key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { makeCvData, type CvData } from "../../../src/training/cv-data.js";
import { cascadeCv, cascadeStrategySchema, CASCADE_NEUTRAL, directionData, gateOne, magnitudeData, type CascadeConfig } from "../../../src/training/strategies/index.js";
import { gridTarget } from "../../leakage/helpers.js";
import { fixture, type Fixture } from "./helpers.js";

let f: Fixture;
let data: CvData;
const HP = { n_estimators: 40, num_leaves: 15, min_data_in_leaf: 50 };
const cfg = (o: Record<string, unknown> = {}): CascadeConfig =>
  cascadeStrategySchema.parse({ kind: "cascade", classifier: { hyperparameters: HP }, regressor: { hyperparameters: HP }, ...o });

beforeAll(() => {
  f = fixture();
  data = f.data("fwd_ret_5");
});

function testedCells(r: { oof: Float64Array }): number[] {
  const out: number[] = [];
  r.oof.forEach((v, c) => {
    if (v === v) out.push(c);
  });
  return out;
}

describe("cascadeCv", () => {
  it("keeps the planted signal's skill out of sample (soft gate)", async () => {
    const r = await cascadeCv({ data, features: f.fs.names, grids: f.fs.grids, config: cfg({ direction: "above_median" }), seed: 1, threads: 1 });
    expect(r.metric).toBe("ic");
    expect(r.score.value).toBeGreaterThan(0.04);
    expect(r.regressor_score.value).toBeGreaterThan(0.04);
    expect(r.classifier_score.value).toBeGreaterThan(0.51); // AUC of the direction
    expect(r.folds.length).toBe(3);
    for (const fold of r.folds) expect(fold.classifier_score.n).toBeGreaterThan(0);
    expect(r.gated_share).toBe(0);
    const wrong = testedCells(r).filter((c) => {
      const p = r.classifier_oof[c];
      const reg = r.regressor_oof[c];
      return r.oof[c] !== reg * (reg >= 0 ? p : 1 - p);
    });
    expect(wrong).toEqual([]);
    // Every valid cell is tested once under purged k-fold.
    expect(testedCells(r).length).toBe(data.valid.reduce((a, v) => a + v, 0));
  }, 60_000);

  it("hard gate: exactly neutral where the classifier's probability is at or below the threshold, the regressor's value elsewhere", async () => {
    const r = await cascadeCv({ data, features: f.fs.names, grids: f.fs.grids, config: cfg({ gate: "hard", threshold: 0.52 }), seed: 1, threads: 1 });
    let neutral = 0;
    let passed = 0;
    const wrong: number[] = [];
    for (const c of testedCells(r)) {
      const p = r.classifier_oof[c];
      const reg = r.regressor_oof[c];
      const q = reg >= 0 ? p : 1 - p;
      if (q <= 0.52) {
        if (r.oof[c] !== CASCADE_NEUTRAL) wrong.push(c);
        neutral++;
      } else {
        if (r.oof[c] !== reg) wrong.push(c);
        passed++;
      }
    }
    expect(wrong).toEqual([]);
    expect(neutral).toBeGreaterThan(0);
    expect(passed).toBeGreaterThan(0);
    expect(r.gated_share).toBeCloseTo(neutral / (neutral + passed), 12);
    expect(r.score.value).toBeGreaterThan(0.02);
  }, 60_000);

  it("with regress_on magnitude, learns the size and takes the direction from the classifier", async () => {
    const r = await cascadeCv({ data, features: f.fs.names, grids: f.fs.grids, config: cfg({ regress_on: "magnitude", direction: "above_median" }), seed: 1, threads: 1 });
    expect(testedCells(r).filter((c) => r.oof[c] !== (2 * r.classifier_oof[c] - 1) * r.regressor_oof[c])).toEqual([]);
    expect(r.score.value).toBeGreaterThan(0.04);
  }, 60_000);

  it("is deterministic for a seed", async () => {
    const run = () => cascadeCv({ data, features: ["sig_h5", "noise_1"], grids: f.fs.grids, config: cfg({ gate: "hard" }), seed: 9, threads: 1 });
    const a = await run();
    const b = await run();
    expect(Array.from(b.oof)).toEqual(Array.from(a.oof));
    expect(b.folds).toEqual(a.folds);
  }, 60_000);

  it("refuses bad settings, naming the key", async () => {
    const run = (o: Record<string, unknown>, d: CvData = data) => cascadeCv({ data: d, features: f.fs.names, grids: f.fs.grids, config: cfg(o), seed: 1, threads: 1 });
    await expect(run({ classifier: { family: "nope" } })).rejects.toThrow(/^strategy.classifier.family: unknown model family "nope"/);
    await expect(run({ classifier: { family: "ridge" } })).rejects.toThrow(/^strategy.classifier.family: family ridge does not learn binary targets/);
    await expect(run({ regressor: { family: "logistic" } })).rejects.toThrow(/^strategy.regressor.family: family logistic does not learn regression targets/);
    await expect(run({ regressor: { hyperparameters: { num_leaves: -3 } } })).rejects.toThrow(/^strategy.regressor.hyperparameters: family lightgbm: invalid hyperparameters: num_leaves/);
    await expect(run({}, f.data("fwd_sign_5"))).rejects.toThrow(/target "fwd_sign_5" is a binary target; a cascade gates a regressor/);
  });
});

describe("cascade pieces", () => {
  it("labels direction by sign or against the cross-sectional median, on the same cells and folds", () => {
    // 6 times x 3 symbols; one missing label
    const y = Float64Array.from([0.02, -0.01, 0.0, 0.05, 0.03, 0.04, -0.02, -0.03, -0.01, NaN, 0.01, -0.01, 0.1, 0.2, 0.3, -0.1, 0, 0.1]);
    const d = makeCvData({ T: 6, S: 3, target: gridTarget("y", y), y, splitter: { kind: "purged_kfold", n_splits: 2 }, purge: { horizon: 1, bufferBars: 0, embargoBars: 0 }, seed: 1 });
    const sign = directionData(d, "sign");
    expect(Array.from(sign.fitY)).toEqual([1, 0, 0, 1, 1, 1, 0, 0, 0, NaN, 1, 0, 1, 1, 1, 0, 0, 1]);
    const med = directionData(d, "above_median");
    // medians by time: 0, 0.04, -0.02, (0.01 + -0.01) / 2 = 0, 0.2, 0
    expect(Array.from(med.fitY)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 1, NaN, 1, 0, 0, 0, 1, 0, 0, 1]);
    expect(med.task.metric).toBe("auc");
    expect(med.target.type).toBe("binary");
    expect(med.target.name).toBe("y:direction");
    expect(med.train).toBe(d.train);
    expect(med.test).toBe(d.test);
    const mag = magnitudeData(d);
    expect(mag.y[1]).toBe(0.01);
    expect(mag.fitY[15]).toBe(0.1);
    expect(mag.task).toBe(d.task);
  });

  it("combines by the gate's rules", () => {
    const soft = { gate: "soft", threshold: 0.5, regress_on: "target" } as const;
    const hard = { ...soft, gate: "hard", threshold: 0.6 } as const;
    expect(gateOne(0.8, 2, soft)).toBeCloseTo(1.6, 12);
    expect(gateOne(0.8, -2, soft)).toBeCloseTo(-0.4, 12); // the classifier disagrees with a short: shrunk
    expect(gateOne(0.7, 2, hard)).toBe(2);
    expect(gateOne(0.6, 2, hard)).toBe(0); // at the threshold: gated out
    expect(gateOne(0.3, -2, hard)).toBe(-2); // 1 - p = 0.7 confirms the short
    expect(gateOne(0.3, 2, hard)).toBe(0);
    const mag = { gate: "hard", threshold: 0.6, regress_on: "magnitude" } as const;
    expect(gateOne(0.7, 2, mag)).toBe(2);
    expect(gateOne(0.3, 2, mag)).toBe(-2);
    expect(gateOne(0.5, 2, mag)).toBe(0);
    expect(gateOne(0.75, 2, { ...mag, gate: "soft" })).toBeCloseTo(1, 12);
    expect(gateOne(NaN, 2, soft)).toBeNaN();
    expect(gateOne(0.5, NaN, soft)).toBeNaN();
  });
});
