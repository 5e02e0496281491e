/**
 * GBDT gain and TreeSHAP importances: on the synthetic market the planted signal (sig_h5 for
 * fwd_ret_5) outranks every pure-noise column; the SHAP aggregation is checked against the fold
 * models' own contributions (which add up to the raw prediction); fits are shared between methods;
 * the same seed gives the same numbers whatever the thread count.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { GbdtModel } from "../../src/models/gbdt/model.js";
import type { CvData } from "../../src/training/cv-data.js";
import { tabularRows } from "../../src/training/cv-fit.js";
import { InputError } from "../../src/util/errors.js";
import type { MethodContext } from "../../src/selection/method.js";
import { fitFolds, sampleTimestamps, treeGainMethod, treeGainParamsSchema, treeShapMethod, treeShapParamsSchema } from "../../src/selection/methods/tree-importance.js";
import { Rng } from "../../src/util/random.js";
import { fixture, NOISE, type Fixture } from "./helpers.js";

let fx: Fixture;
let data: CvData;
const ctxOf = (params: Record<string, unknown> = {}, over: Partial<MethodContext> = {}): MethodContext => ({
  data,
  features: fx.names,
  grids: fx.grids,
  seed: 3,
  threads: 1,
  params,
  ...over,
});

beforeAll(() => {
  fx = fixture();
  data = fx.cv("fwd_ret_5");
});

describe("tree gain", () => {
  it("ranks the planted signal above every noise feature, with shares summing to 1", async () => {
    const r = await treeGainMethod(ctxOf());
    expect(Object.keys(r.scores).sort()).toEqual([...fx.names].sort());
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
    const share = r.details!.share as Record<string, number>;
    expect(Object.values(share).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(r.details!.folds_fitted).toBe(3);
    expect(r.details!.model_score as number).toBeGreaterThan(0.03);
  }, 60_000);

  it("shares one set of fold fits between methods with the same model settings", async () => {
    const p = treeGainParamsSchema.parse({});
    const a = fitFolds(ctxOf(), p);
    expect(fitFolds(ctxOf(), { ...p })).toBe(a);
    const b = fitFolds(ctxOf(), { ...p, max_train_rows: 5000 });
    const c = fitFolds(ctxOf({}, { seed: 4 }), p);
    expect(b).not.toBe(a);
    expect(c).not.toBe(a);
    const [fits, fewer] = await Promise.all([a, b, c]);
    expect(Math.max(...fewer.trainRows)).toBeLessThanOrEqual(Math.floor(5000 / 3));
    // Each fold's model saw at most its share of max_train_rows, and only that fold's training cells.
    for (const f of fits.fits) expect(f.model).toBeInstanceOf(GbdtModel);
    for (const n of fits.trainRows) expect(n).toBeLessThanOrEqual(Math.floor(p.max_train_rows / 3));
  }, 60_000);

  it("refuses unknown keys and families, naming the config key, and ignores the block's enabled/weight", async () => {
    await expect(treeGainMethod(ctxOf({ bogus: 1 }))).rejects.toThrow(/pipeline\.selection\.methods\.tree_gain.*bogus/);
    await expect(treeGainMethod(ctxOf({ family: "ridge" }))).rejects.toThrow(InputError);
    await expect(treeGainMethod(ctxOf({ family: "ridge" }))).rejects.toThrow(/tree_gain\.family/);
    const r = await treeGainMethod(ctxOf({ enabled: true, weight: 0.5 }));
    expect(r.scores.sig_h5).toBeGreaterThan(0);
  }, 60_000);

  it("returns an empty result for no features", async () => {
    expect(await treeGainMethod(ctxOf({}, { features: [] }))).toEqual({ scores: {} });
  });
});

describe("TreeSHAP", () => {
  it("ranks the planted signal above every noise feature, overall and for most symbols", async () => {
    const r = await treeShapMethod(ctxOf());
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
    const by = r.bySymbol!;
    const keys = Object.keys(by);
    expect(keys.length).toBe(data.S);
    expect(keys.every((k) => /^\d+$/.test(k) && Number(k) < data.S)).toBe(true);
    const wins = keys.filter((k) => NOISE.every((n) => by[k].sig_h5 > by[k][n])).length;
    expect(wins / keys.length).toBeGreaterThan(0.8);
    // The planted signal is N(0, 1) written positively into later returns.
    expect((r.details!.direction as Record<string, number>).sig_h5).toBeGreaterThan(0.5);
  }, 60_000);

  it("equals the mean |contribution| of the fold models on the test cells, contributions adding up to the raw prediction", async () => {
    // A small CvData, so every test cell is explained and the sums can be redone here.
    const small = fx.cv("fwd_ret_5", { maxRows: 1500 });
    const params = { max_explained_rows: 1_000_000 };
    const r = await treeShapMethod(ctxOf(params, { data: small }));
    const fits = await fitFolds(ctxOf({}, { data: small }), treeShapParamsSchema.parse(params));
    const F = fx.names.length;
    const sum = new Float64Array(F);
    const symSum = new Map<number, { rows: number; abs: Float64Array }>();
    let rows = 0;
    let worstAdditivity = 0;
    for (const fit of fits.fits) {
      const model = fit.model as GbdtModel;
      const cells = small.test[fit.fold];
      const X = tabularRows(cells, fx.names, fx.grids, small.fitY).X;
      const phi = model.contributions(X, cells.length);
      const raw = model.predictRaw(X, cells.length);
      for (let i = 0; i < cells.length; i++) {
        let total = 0;
        for (let f = 0; f <= F; f++) total += phi[i * (F + 1) + f];
        worstAdditivity = Math.max(worstAdditivity, Math.abs(total - raw[i]));
        const s = cells[i] % small.S;
        const e = symSum.get(s) ?? { rows: 0, abs: new Float64Array(F) };
        e.rows++;
        for (let f = 0; f < F; f++) {
          sum[f] += Math.abs(phi[i * (F + 1) + f]);
          e.abs[f] += Math.abs(phi[i * (F + 1) + f]);
        }
        symSum.set(s, e);
      }
      rows += cells.length;
    }
    expect(rows).toBeGreaterThan(500);
    expect(worstAdditivity).toBeLessThan(1e-9);
    expect(r.details!.explained_rows).toBe(rows);
    fx.names.forEach((n, f) => expect(r.scores[n]).toBeCloseTo(sum[f] / rows, 12));
    for (const [s, e] of symSum) fx.names.forEach((n, f) => expect(r.bySymbol![String(s)][n]).toBeCloseTo(e.abs[f] / e.rows, 12));
  }, 60_000);

  it("is deterministic for a seed and independent of the thread count", async () => {
    const a = await treeShapMethod(ctxOf({ max_train_rows: 6000, max_explained_rows: 600 }));
    const b = await treeShapMethod(ctxOf({ max_train_rows: 6000, max_explained_rows: 600 }, { threads: 2, grids: new Map(fx.grids) }));
    expect(b.scores).toEqual(a.scores);
    expect(b.bySymbol).toEqual(a.bySymbol);
  }, 60_000);

  it("works for a binary target (log-odds contributions)", async () => {
    const bin = fx.cv("fwd_sign_5");
    const r = await treeShapMethod(ctxOf({ max_explained_rows: 1500, max_train_rows: 9000 }, { data: bin }));
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
  }, 60_000);
});

describe("sampleTimestamps", () => {
  it("keeps whole timestamps, at most maxRows cells, in time-major order", () => {
    const S = 7;
    const cells = Int32Array.from({ length: 30 * S }, (_, i) => i).filter((c) => c % 5 !== 0);
    const out = sampleTimestamps(cells, S, 40, new Rng(1));
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out.length).toBeGreaterThan(30);
    const times = new Set(Array.from(out, (c) => Math.floor(c / S)));
    for (const t of times) {
      const full = Array.from(cells).filter((c) => Math.floor(c / S) === t);
      expect(Array.from(out).filter((c) => Math.floor(c / S) === t)).toEqual(full);
    }
    expect(Array.from(out)).toEqual([...out].sort((a, b) => a - b));
    expect(sampleTimestamps(cells, S, 1000, new Rng(1))).toBe(cells);
  });
});
