/**
 * The skill figures behind the ranking: t-statistics from blocks of time stay honest when labels
 * overlap (where the pooled metrics' own t-statistics do not), per-symbol skill finds the symbols a
 * model gets right and wrong, and agreement compares predictions by rank.
 */
import { describe, expect, it } from "vitest";
import { blockCount, timeBlocks } from "../../src/leakage/association.js";
import { modelTask, scorePredictions } from "../../src/leakage/quick-model.js";
import { blockSkills, blockStarts, predictionAgreement, symbolSkills, tOfMean } from "../../src/ranking/skill.js";
import { Rng } from "../../src/util/random.js";

const IC_TASK = modelTask({ type: "regression", rankingCompatible: true }, 20);
const POOLED_TASK = modelTask({ type: "regression", rankingCompatible: true }, 2);
const AUC_TASK = modelTask({ type: "binary", rankingCompatible: false }, 20);

/**
 * No relation at all: a persistent predictor (AR(1)) against an H-bar forward sum of independent
 * shocks, so neighbouring labels share H - 1 shocks.
 */
function nullWorld(seed: number, T: number, S: number, H: number): { p: Float64Array; y: Float64Array; sign: Float64Array } {
  const rng = new Rng(seed);
  const e = new Float64Array((T + H) * S);
  rng.fillNormal(e);
  const y = new Float64Array(T * S).fill(NaN);
  const sign = new Float64Array(T * S).fill(NaN);
  const p = new Float64Array(T * S);
  for (let s = 0; s < S; s++) {
    let a = 0;
    for (let t = 0; t < T; t++) {
      a = 0.9 * a + rng.normal();
      p[t * S + s] = a;
      if (t + H >= T) continue;
      let sum = 0;
      for (let k = 1; k <= H; k++) sum += e[(t + k) * S + s];
      y[t * S + s] = sum;
      sign[t * S + s] = sum > 0 ? 1 : 0;
    }
  }
  return { p, y, sign };
}

const rms = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + b * b, 0) / x.length);

describe("block t-statistics", () => {
  it("stay near N(0, 1) without skill when labels overlap, where pooled t-statistics are inflated", () => {
    const T = 800;
    const S = 20;
    const H = 20;
    const starts = blockStarts(timeBlocks(T, blockCount(T, H)));
    const block: number[] = [];
    const naive: number[] = [];
    for (let seed = 0; seed < 12; seed++) {
      const w = nullWorld(seed, T, S, H);
      block.push(tOfMean(blockSkills(w.p, w.sign, T, S, AUC_TASK, starts)));
      naive.push(scorePredictions(w.p, w.sign, T, S, AUC_TASK, H).t);
      block.push(tOfMean(blockSkills(w.p, w.y, T, S, POOLED_TASK, starts)));
      naive.push(scorePredictions(w.p, w.y, T, S, POOLED_TASK, H).t);
    }
    expect(block.every(Number.isFinite)).toBe(true);
    expect(rms(block)).toBeLessThan(1.6);
    expect(rms(naive)).toBeGreaterThan(2.2);
  });

  it("are large with real skill, for every metric", () => {
    const T = 400;
    const S = 20;
    const rng = new Rng(3);
    const y = new Float64Array(T * S);
    rng.fillNormal(y);
    const p = y.map((v) => v + 3 * rng.normal());
    const sign = y.map((v) => (v > 0 ? 1 : 0));
    const starts = blockStarts(timeBlocks(T, blockCount(T, 1)));
    expect(starts.length - 1).toBe(20);
    for (const [task, label] of [
      [IC_TASK, y],
      [POOLED_TASK, y],
      [AUC_TASK, sign],
    ] as const) {
      const b = blockSkills(p, label, T, S, task, starts);
      expect(tOfMean(b), task.metric).toBeGreaterThan(8);
    }
  });

  it("cut time into contiguous blocks and need four of them", () => {
    expect(Array.from(blockStarts(Int32Array.of(0, 0, 1, 1, 1, 2)))).toEqual([0, 2, 5, 6]);
    expect(tOfMean([0.1, 0.2, NaN])).toBeNaN();
    expect(tOfMean([0.1, 0.2, 0.3, 0.2])).toBeCloseTo(0.2 / (Math.sqrt(0.02 / 3) / 2), 10);
    expect(tOfMean([0.1, 0.1, 0.1, 0.1])).toBe(Infinity);
  });
});

describe("symbolSkills", () => {
  const T = 300;
  const S = 8;
  const rng = new Rng(11);
  const y = new Float64Array(T * S);
  rng.fillNormal(y);

  it("finds the symbols a cross-sectional model ranks wrongly", () => {
    const p = Float64Array.from(y);
    for (let t = 0; t < T; t++) p[t * S] = -y[t * S]; // symbol 0 upside down
    const k = symbolSkills(p, y, T, S, IC_TASK);
    expect(k[0]).toBeLessThan(-0.5);
    for (let s = 1; s < S; s++) expect(k[s]).toBeGreaterThan(0.8);
  });

  it("scores each symbol's own rows by the pooled metrics", () => {
    const p = Float64Array.from(y);
    for (let t = 0; t < T; t++) for (let s = 4; s < S; s++) p[t * S + s] = -y[t * S + s];
    const rc = symbolSkills(p, y, T, S, POOLED_TASK);
    expect(Array.from(rc, (v) => Math.round(v))).toEqual([1, 1, 1, 1, -1, -1, -1, -1]);
    const sign = y.map((v) => (v > 0 ? 1 : 0));
    const a = symbolSkills(p, sign, T, S, AUC_TASK);
    for (let s = 0; s < 4; s++) expect(a[s]).toBeCloseTo(0.5, 10);
    for (let s = 4; s < S; s++) expect(a[s]).toBeCloseTo(-0.5, 10);
  });

  it("is NaN for a symbol with too few scored rows", () => {
    const p = Float64Array.from(y);
    for (let t = 5; t < T; t++) p[t * S + 2] = NaN;
    expect(symbolSkills(p, y, T, S, POOLED_TASK)[2]).toBeNaN();
    expect(symbolSkills(p, y, T, S, IC_TASK)[2]).toBeNaN();
  });
});

describe("predictionAgreement", () => {
  const T = 200;
  const S = 10;
  const rng = new Rng(5);
  const a = new Float64Array(T * S);
  rng.fillNormal(a);
  const b = new Float64Array(T * S);
  rng.fillNormal(b);

  it("is 1 for a monotone transform (a probability against a log-odds score) and near 0 for unrelated predictions", () => {
    const prob = a.map((v) => 1 / (1 + Math.exp(-v)));
    for (const task of [IC_TASK, POOLED_TASK, AUC_TASK]) {
      expect(predictionAgreement(a, prob, T, S, task)).toBeCloseTo(1, 10);
      expect(Math.abs(predictionAgreement(a, b, T, S, task))).toBeLessThan(0.05);
    }
  });
});
