/**
 * Permutation importance on the test folds: the planted signal's shuffle costs the most out-of-sample
 * score; a feature that is constant within each cross-section loses nothing under the cross-sectional
 * shuffle (the IC cannot see it) but does under the time shuffle when the model uses it; a feature no
 * tree splits on scores exactly zero; same seed, same numbers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CvData } from "../../src/training/cv-data.js";
import type { MethodContext } from "../../src/selection/method.js";
import { permutationMethod } from "../../src/selection/methods/permutation.js";
import { InputError } from "../../src/util/errors.js";
import { fixture, NOISE, type Fixture } from "./helpers.js";

let fx: Fixture;
let data: CvData;
const ctxOf = (params: Record<string, unknown> = {}, over: Partial<MethodContext> = {}): MethodContext => ({
  data,
  features: fx.names,
  grids: fx.grids,
  seed: 8,
  threads: 1,
  params,
  ...over,
});

beforeAll(() => {
  fx = fixture();
  data = fx.cv("fwd_ret_5");
});

describe("permutation importance", () => {
  it("costs the most score when the planted signal is shuffled, more than any noise feature", async () => {
    const r = await permutationMethod(ctxOf());
    expect(Object.keys(r.scores).sort()).toEqual([...fx.names].sort());
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
    expect(r.scores.sig_h5).toBeGreaterThan(0.03);
    const d = r.details!;
    expect(d.shuffle).toBe("cross_section");
    expect(d.metric).toBe("ic");
    expect((d.baseline_scores as number[]).length).toBe(3);
    expect((d.z as Record<string, number>).sig_h5).toBeGreaterThan(3);
  }, 60_000);

  it("gives a market-wide feature nothing under the cross-sectional shuffle, and something under the time shuffle", async () => {
    // `regime` is the same for every symbol at a timestamp; the label's sign flips with it, so a
    // model using sig_h5 needs regime to know the direction; the cross-sectional shuffle of regime
    // changes no row, the time shuffle scrambles the direction.
    const { T, S } = data;
    const regime = new Float32Array(T * S);
    for (let t = 0; t < T; t++) regime.fill(Math.floor(t / 25) % 2 === 0 ? 1 : -1, t * S, (t + 1) * S);
    const sig = fx.grids.get("sig_h5")!;
    const y = new Float64Array(T * S).fill(NaN);
    for (let c = 0; c < T * S; c++) if (data.valid[c] && Number.isFinite(sig[c])) y[c] = regime[c] * sig[c] + 0.5 * Math.sin(c * 12.9898);
    const flipped: CvData = { ...data, y, fitY: y, task: { ...data.task, fitTo: "target" } };
    const grids = new Map(fx.grids);
    grids.set("regime", regime);
    const ctx = (shuffle: string) => ctxOf({ shuffle, max_train_rows: 15_000 }, { data: flipped, grids, features: ["sig_h5", "regime", "noise_1"] });
    const cross = await permutationMethod(ctx("cross_section"));
    const time = await permutationMethod(ctx("time"));
    expect(cross.scores.regime).toBe(0);
    expect(time.scores.regime).toBeGreaterThan(0.1);
    expect(cross.scores.sig_h5).toBeGreaterThan(0.1);
    expect(time.details!.shuffle).toBe("time");
  }, 60_000);

  it("scores a feature no tree splits on as exactly zero", async () => {
    const grids = new Map(fx.grids);
    grids.set("flat", new Float32Array(data.T * data.S).fill(1));
    const r = await permutationMethod(ctxOf({ repeats: 2 }, { grids, features: ["sig_h5", "noise_1", "flat"] }));
    expect(r.scores.flat).toBe(0);
    expect((r.details!.std as Record<string, number>).flat).toBe(0);
  }, 60_000);

  it("is deterministic for a seed; another seed shuffles differently", async () => {
    const params = { max_train_rows: 6000, max_test_rows: 2000, repeats: 2 };
    const a = await permutationMethod(ctxOf(params));
    const b = await permutationMethod(ctxOf(params, { grids: new Map(fx.grids), threads: 2 }));
    expect(b.scores).toEqual(a.scores);
    const c = await permutationMethod(ctxOf(params, { seed: 9 }));
    expect(c.scores).not.toEqual(a.scores);
  }, 60_000);

  it("shuffles across time for a binary target, scored by AUC, and works with a linear family", async () => {
    const bin = fx.cv("fwd_sign_5");
    const r = await permutationMethod(ctxOf({ max_train_rows: 9000 }, { data: bin }));
    expect(r.details!.shuffle).toBe("time");
    expect(r.details!.metric).toBe("auc");
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
    const ridge = await permutationMethod(ctxOf({ family: "ridge" }));
    for (const n of NOISE) expect(ridge.scores.sig_h5, n).toBeGreaterThan(ridge.scores[n]);
  }, 60_000);

  it("refuses a sequence family and bad settings with errors naming the key", async () => {
    await expect(permutationMethod(ctxOf({ family: "lstm" }))).rejects.toThrow(InputError);
    await expect(permutationMethod(ctxOf({ family: "lstm" }))).rejects.toThrow(/sequence family/);
    await expect(permutationMethod(ctxOf({ repeats: 0 }))).rejects.toThrow(/pipeline\.selection\.methods\.permutation\.repeats/);
    await expect(permutationMethod(ctxOf({ shuffle: "rows" }))).rejects.toThrow(/permutation\.shuffle/);
  });
});
