/**
 * Stability selection: the planted signal is selected in (nearly) every half-sample and more often
 * than any noise column; half-samples are complementary sets of whole time blocks; binary targets
 * go through L1 logistic regression; the same seed gives the same frequencies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CvData } from "../../src/training/cv-data.js";
import type { MethodContext } from "../../src/selection/method.js";
import { complementaryHalves, stabilityMethod } from "../../src/selection/methods/stability.js";
import { Rng } from "../../src/util/random.js";
import { fixture, NOISE, type Fixture } from "./helpers.js";

let fx: Fixture;
let data: CvData;
const ctxOf = (params: Record<string, unknown> = {}, over: Partial<MethodContext> = {}): MethodContext => ({
  data,
  features: fx.names,
  grids: fx.grids,
  seed: 4,
  threads: 1,
  params,
  ...over,
});

beforeAll(() => {
  fx = fixture();
  data = fx.cv("fwd_ret_5");
});

interface Details {
  family: string;
  subsamples: number;
  q: number;
  threshold: number;
  selected: string[];
  frequency_at_q: Record<string, number>;
  mean_selected: number;
  expected_false_selections_bound: number;
  block_bars: number;
}

describe("stability selection", () => {
  it("selects the planted signal in nearly every half-sample, more often than any noise feature", async () => {
    const r = await stabilityMethod(ctxOf());
    const d = r.details as unknown as Details;
    expect(d.subsamples).toBe(40);
    expect(d.q).toBe(Math.ceil(Math.sqrt(fx.names.length)));
    expect(d.threshold).toBe(0.6);
    expect(d.block_bars).toBe(20);
    expect(r.scores.sig_h5).toBeGreaterThanOrEqual(0.9);
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
    expect(d.selected[0]).toBe("sig_h5");
    for (const n of fx.names) {
      expect(r.scores[n]).toBeGreaterThanOrEqual(d.frequency_at_q[n]);
      expect(r.scores[n] * d.subsamples).toBeCloseTo(Math.round(r.scores[n] * d.subsamples), 9);
    }
    expect(d.mean_selected).toBeLessThanOrEqual(d.q);
    expect(d.expected_false_selections_bound).toBeCloseTo((d.q * d.q) / ((2 * 0.6 - 1) * fx.names.length), 12);
  }, 60_000);

  it("finds the 20-day signal for the 20-day target", async () => {
    const r = await stabilityMethod(ctxOf({}, { data: fx.cv("fwd_ret_20") }));
    for (const n of NOISE) expect(r.scores.sig_h20, n).toBeGreaterThan(r.scores[n]);
  }, 60_000);

  it("finds the signal of a binary target with the linear probability path, or with L1 logistic regression", async () => {
    const bin = fx.cv("fwd_sign_5");
    const lp = await stabilityMethod(ctxOf({}, { data: bin }));
    expect((lp.details as unknown as Details).family).toBe("lasso");
    for (const n of NOISE) expect(lp.scores.sig_h5, n).toBeGreaterThan(lp.scores[n]);
    const logit = await stabilityMethod(ctxOf({ pairs: 4, binary_model: "logistic" }, { data: bin }));
    expect((logit.details as unknown as Details).family).toBe("logistic");
    for (const n of NOISE) expect(logit.scores.sig_h5, n).toBeGreaterThan(logit.scores[n]);
  }, 60_000);

  it("is deterministic for a seed and independent of the thread count; q and the elastic net are honoured", async () => {
    const params = { pairs: 6, q: 2, family: "elastic_net", l1_ratio: 0.7 };
    const a = await stabilityMethod(ctxOf(params));
    const b = await stabilityMethod(ctxOf(params, { threads: 2 }));
    expect(b).toEqual(a);
    const d = a.details as unknown as Details;
    expect(d.family).toBe("elastic_net");
    expect(d.q).toBe(2);
    expect(d.mean_selected).toBeLessThanOrEqual(2);
    // At most q features active per half-sample: the frequencies at q sum to at most q.
    expect(Object.values(d.frequency_at_q).reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(2 + 1e-12);
  }, 60_000);

  it("refuses bad settings, naming the key", async () => {
    await expect(stabilityMethod(ctxOf({ threshold: 0.4 }))).rejects.toThrow(/pipeline\.selection\.methods\.stability\.threshold/);
    await expect(stabilityMethod(ctxOf({ q: 0 }))).rejects.toThrow(/stability\.q/);
    await expect(stabilityMethod(ctxOf({ pairs: 0 }))).rejects.toThrow(/stability\.pairs/);
  });
});

describe("complementary halves", () => {
  it("split the cells into two disjoint halves of whole time blocks", () => {
    const S = 3;
    // Times 0..99 except a purged gap 40..59, every symbol present.
    const cells = Int32Array.from({ length: 100 * S }, (_, i) => i).filter((c) => {
      const t = Math.floor(c / S);
      return t < 40 || t >= 60;
    });
    for (const seed of [1, 2, 3]) {
      const [a, b] = complementaryHalves(cells, S, 10, new Rng(seed));
      expect(a.length + b.length).toBe(cells.length);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from(cells));
      const blocksA = new Set(Array.from(a, (c) => Math.floor(Math.floor(c / S) / 10)));
      const blocksB = new Set(Array.from(b, (c) => Math.floor(Math.floor(c / S) / 10)));
      for (const k of blocksA) expect(blocksB.has(k)).toBe(false);
      // 8 blocks of 10 timestamps: 4 each.
      expect(blocksA.size).toBe(4);
      expect(blocksB.size).toBe(4);
    }
  });

  it("shrink the blocks when the cells span fewer than four of them", () => {
    const S = 2;
    const cells = Int32Array.from({ length: 30 * S }, (_, i) => i);
    const [a, b] = complementaryHalves(cells, S, 20, new Rng(1));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.length + b.length).toBe(cells.length);
  });
});
