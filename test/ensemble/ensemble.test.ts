/**
 * Ensembles of a good member (the planted signal) and a noise member, judged on the members'
 * folds: they beat the noise member and come near the good one, stacking weights the good member,
 * and no prediction of a test fold depends on that fold's labels.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanSourceMatrix, sourceFolds } from "../../src/ensemble/folds.js";
import { ensembleMembers } from "../../src/ensemble/ensemble.js";
import { ensembleSchema, type EnsembleConfig } from "../../src/ensemble/schema.js";
import { scorePredictions } from "../../src/leakage/quick-model.js";
import type { CvData } from "../../src/training/cv-data.js";
import { InputError } from "../../src/util/errors.js";
import { cvData, featureMember, fixture, perFoldScaled, type Fixture } from "./helpers.js";

let fx: Fixture;
let data: CvData;
let good: Float64Array;
let noise: Float64Array;
const config = (input: Record<string, unknown> = {}): EnsembleConfig => ensembleSchema.parse(input);
const score = (d: CvData, p: Float64Array) => scorePredictions(p, d.y, d.T, d.S, d.task, d.target.window).value;

beforeAll(() => {
  fx = fixture();
  data = cvData(fx);
  // each fold's "model" on its own scale: standardization must make that irrelevant
  good = perFoldScaled(data, featureMember(fx, data, "sig_h5"));
  noise = featureMember(fx, data, "noise_1");
});

describe("ensembleMembers", () => {
  it("parses {} to the documented defaults", () => {
    expect(config()).toEqual({
      enabled: true,
      methods: ["stacking", "rank_average"],
      stacker: { kind: "non_negative", alpha: 0.01, features: "rank", training_cells: "auto", min_rows: 200 },
      rank_weights: {},
      min_members: 2,
    });
    expect(() => config({ stacker: { kind: "lasso" } })).toThrow();
    expect(() => config({ methods: ["stacking", "stacking"] })).toThrow(/once/);
    expect(() => config({ extra: 1 })).toThrow();
  });

  it("stacking and rank averaging of a good and a noise member beat the noise and come near the good one", () => {
    const goodScore = score(data, good);
    const noiseScore = score(data, noise);
    expect(goodScore).toBeGreaterThan(0.05);
    expect(Math.abs(noiseScore)).toBeLessThan(0.02);
    const [stack, avg] = ensembleMembers({ data, members: [{ name: "good", oof: good }, { name: "noise", oof: noise }], config: config(), seed: 1 });
    expect(stack.method).toBe("stacking");
    expect(avg.method).toBe("rank_average");
    for (const e of [stack, avg]) {
      expect(e.score.value).toBeGreaterThan(noiseScore);
      expect(e.score.value, e.name).toBeGreaterThan(0.6 * goodScore);
      expect(e.score.value).toBeCloseTo(score(data, e.oof), 12);
      expect(e.folds.map((f) => f.index)).toEqual([0, 1, 2]);
    }
    expect(stack.score.value).toBeGreaterThan(0.9 * goodScore);
    expect(stack.weights.good).toBeGreaterThan(0.8);
    expect(stack.weights.good + stack.weights.noise).toBeCloseTo(1, 12);
    for (const f of stack.folds) {
      expect(f.combination).toBe("fitted");
      expect(f.weights.good).toBeGreaterThan(f.weights.noise);
    }
    expect(avg.weights).toEqual({ good: 0.5, noise: 0.5 });
    expect(avg.forecast).toBe(false);
    expect(stack.forecast).toBe(true);
  });

  it("ridge stacking gives a member that predicts the wrong way a negative weight; non-negative gives it 0", () => {
    const wrong = featureMember(fx, data, "sig_h5", { sign: -1, scale: 0.5 });
    const members = [{ name: "noise", oof: noise }, { name: "wrong", oof: wrong }];
    const [ridge] = ensembleMembers({ data, members, config: config({ methods: ["stacking"], stacker: { kind: "ridge" } }), seed: 1 });
    expect(ridge.weights.wrong).toBeLessThan(-0.5);
    expect(ridge.score.value).toBeGreaterThan(0.05);
    const [nn] = ensembleMembers({ data, members: [{ name: "good", oof: good }, ...members], config: config({ methods: ["stacking"] }), seed: 1 });
    expect(nn.weights.wrong).toBe(0);
    expect(nn.weights.good).toBeGreaterThan(0.8);
    // no member related to the target: the non-negative fit is all zeros, so equal weights, flagged
    const wrong2 = featureMember(fx, data, "sig_h5", { sign: -1, scale: 3, offset: 1 });
    const [none] = ensembleMembers({ data, members: [{ name: "wrong", oof: wrong }, { name: "wrong2", oof: wrong2 }], config: config({ methods: ["stacking"] }), seed: 1 });
    expect(none.folds.every((f) => f.combination === "equal_weights")).toBe(true);
    expect(none.weights).toEqual({ wrong: 0.5, wrong2: 0.5 });
    expect(none.score.value).toBeLessThan(-0.05);
  });

  it("never uses a test fold's labels to predict it (property: perturbing them leaves its predictions unchanged)", () => {
    const members = [{ name: "good", oof: good }, { name: "noise", oof: noise }];
    const base = ensembleMembers({ data, members, config: config({ methods: ["stacking"], stacker: { kind: "ridge", features: "zscore" } }), seed: 1 })[0];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: data.folds.length - 1 }), fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (k, shift, salt) => {
        const y = Float64Array.from(data.y);
        const fitY = Float64Array.from(data.fitY);
        for (const c of data.test[k]) {
          const u = Math.sin(c * 12.9898 + salt) * 43758.5453;
          const noiseTerm = u - Math.floor(u);
          y[c] = y[c] + shift + noiseTerm;
          fitY[c] = fitY[c] * -2 + noiseTerm;
        }
        const changed: CvData = { ...data, y, fitY };
        const out = ensembleMembers({ data: changed, members, config: config({ methods: ["stacking"], stacker: { kind: "ridge", features: "zscore" } }), seed: 1 })[0];
        for (const c of data.test[k]) expect(Object.is(out.oof[c], base.oof[c])).toBe(true);
      }),
      { numRuns: 6 },
    );
  });

  it("under purged k-fold, flags the residual optimism; under walk-forward, fits on clean predictions and averages where there is no history", () => {
    const members = [{ name: "good", oof: good }, { name: "noise", oof: noise }];
    const [k] = ensembleMembers({ data, members, config: config({ methods: ["stacking"] }), seed: 1 });
    expect(k.folds.every((f) => f.clean === false)).toBe(true);
    expect(k.notes.join(" ")).toMatch(/trained on the fold's test period \(purged_kfold\)/);

    const wf = cvData(fx, { splitter: { kind: "walk_forward", n_splits: 3, mode: "expanding", gap: 0 } });
    const clean = cleanSourceMatrix(wf);
    for (let a = 0; a < 3; a++) for (let b = 0; b < a; b++) expect(clean[a][b]).toBe(true);
    const g = featureMember(fx, wf, "sig_h5");
    const n = featureMember(fx, wf, "noise_1");
    const [s] = ensembleMembers({ data: wf, members: [{ name: "good", oof: g }, { name: "noise", oof: n }], config: config({ methods: ["stacking"] }), seed: 1 });
    expect(s.folds[0].combination).toBe("equal_weights");
    expect(s.folds[0].clean).toBeNull();
    for (const f of s.folds.slice(1)) {
      expect(f.combination).toBe("fitted");
      expect(f.clean).toBe(true);
      expect(f.weights.good).toBeGreaterThan(0.8);
    }
    expect(s.notes.join(" ")).toMatch(/folds 0: fewer than 200/);
    expect(s.forecast).toBe(false);
    // strict policy under k-fold: no clean cells anywhere, so every fold falls back
    const [strict] = ensembleMembers({ data, members, config: config({ methods: ["stacking"], stacker: { training_cells: "clean" } }), seed: 1 });
    expect(strict.folds.every((f) => f.combination === "equal_weights")).toBe(true);
  });

  it("under CPCV, predicts every tested cell (the last testing fold's members, as cvFit leaves them) and never fits on clean cells", () => {
    const cp = cvData(fx, { splitter: { kind: "cpcv", n_groups: 4, n_test_groups: 2 } });
    const g = featureMember(fx, cp, "sig_h5");
    const n = featureMember(fx, cp, "noise_1");
    const [s, avg] = ensembleMembers({ data: cp, members: [{ name: "good", oof: g }, { name: "noise", oof: n }], config: config(), seed: 1 });
    let tested = 0;
    let predicted = 0;
    for (let c = 0; c < g.length; c++) {
      if (Number.isFinite(g[c])) tested++;
      if (Number.isFinite(s.oof[c])) predicted++;
    }
    expect(predicted).toBe(tested);
    expect(s.folds.length).toBe(6);
    expect(s.folds.every((f) => f.clean === false)).toBe(true);
    expect(s.score.value).toBeGreaterThan(0.9 * score(cp, g));
    // the rank average scores each fold on the cells whose prediction that fold made
    expect(avg.folds.reduce((a, f) => a + f.testRows, 0)).toBe(tested);
  });

  it("marks the source fold of every tested cell and none off-diagonal as clean under k-fold", () => {
    const src = sourceFolds(data);
    data.test.forEach((cells, k) => cells.forEach((c) => expect(src[c]).toBe(k)));
    const clean = cleanSourceMatrix(data);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(clean[a][b]).toBe(a === b);
  });

  it("ensembles a binary target by pooled standardization and scores it by AUC", () => {
    const bin = cvData(fx, { target: "fwd_sign_5" });
    expect(bin.task.metric).toBe("auc");
    // no per-fold offsets here: under a pooled metric they would carry the folds' base rates
    const g = featureMember(fx, bin, "sig_h5");
    const n = featureMember(fx, bin, "noise_2");
    const out = ensembleMembers({ data: bin, members: [{ name: "good", oof: g }, { name: "noise", oof: n }], config: config(), seed: 1 });
    const goodAuc = score(bin, g);
    expect(goodAuc).toBeGreaterThan(0.52);
    for (const e of out) {
      expect(e.score.value).toBeGreaterThan(score(bin, n));
      expect(e.score.value - 0.5).toBeGreaterThan(0.5 * (goodAuc - 0.5));
      expect(e.forecast).toBe(false);
    }
    expect(out[0].score.value - 0.5).toBeGreaterThan(0.9 * (goodAuc - 0.5));
  });

  it("is deterministic, respects min_members, disabled and rank weights, and rejects bad members", () => {
    const members = [{ name: "good", oof: good }, { name: "noise", oof: noise }];
    const a = ensembleMembers({ data, members, config: config(), seed: 1 });
    const b = ensembleMembers({ data, members, config: config(), seed: 2 });
    expect(a.map((e) => Array.from(e.oof))).toEqual(b.map((e) => Array.from(e.oof)));
    expect(ensembleMembers({ data, members, config: config({ enabled: false }), seed: 1 })).toEqual([]);
    expect(ensembleMembers({ data, members, config: config({ min_members: 3 }), seed: 1 })).toEqual([]);
    const empty = new Float64Array(data.T * data.S).fill(NaN);
    const withEmpty = ensembleMembers({ data, members: [...members, { name: "failed", oof: empty }], config: config(), seed: 1 });
    expect(withEmpty[0].members).toEqual(["good", "noise"]);
    expect(withEmpty[0].notes.join(" ")).toMatch(/left out.*failed/);
    const [avg] = ensembleMembers({ data, members, config: config({ methods: ["rank_average"], rank_weights: { good: 3, noise: 1 } }), seed: 1 });
    expect(avg.weights).toEqual({ good: 0.75, noise: 0.25 });
    expect(() => ensembleMembers({ data, members, config: config({ methods: ["rank_average"], rank_weights: { other: 1 } }), seed: 1 })).toThrow(InputError);
    expect(() => ensembleMembers({ data, members: [{ name: "x", oof: new Float64Array(3) }, ...members], config: config(), seed: 1 })).toThrow(/expected T\*S/);
    expect(() => ensembleMembers({ data, members: [members[0], members[0]], config: config(), seed: 1 })).toThrow(/twice/);
  });

  it("returns plain data only (the job store serializes it)", () => {
    const out = ensembleMembers({ data, members: [{ name: "good", oof: good }, { name: "noise", oof: noise }], config: config(), seed: 1 });
    const plain = (v: unknown): boolean =>
      v === null || ["number", "string", "boolean"].includes(typeof v) || ArrayBuffer.isView(v) || (Array.isArray(v) ? v.every(plain) : typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype && Object.values(v as object).every(plain));
    expect(plain(out)).toBe(true);
  });
});
