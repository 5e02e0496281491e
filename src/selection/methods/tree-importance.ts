/**
 * Tree importances for feature selection: a small GBDT fitted on each fold's training cells, scored
 * by the gain of its splits (summed over folds) or by TreeSHAP, the mean |SHAP value| of each
 * feature on the fold's test cells (also per symbol).
 *
 * Also the pieces the other model-based methods (permutation, Boruta) share: parameter parsing with
 * errors that name the config key, the per-fold fits (cached per CvData, so gain, SHAP and
 * permutation importance with the same model settings fit once), and seeded row sampling.
 */
import { z } from "zod";
import type { TrainedModel } from "../../models/family.js";
import { GbdtModel } from "../../models/gbdt/model.js";
import { subsampleCells } from "../../validation/cells.js";
import type { Score } from "../../leakage/quick-model.js";
import type { CvData } from "../../training/cv-data.js";
import { cvFit, tabularRows } from "../../training/cv-fit.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import type { MethodContext, MethodResult, SelectionMethod } from "../method.js";

export const GBDT_SELECTION_FAMILIES = ["lightgbm", "xgboost", "random_forest", "extra_trees", "quantile_lightgbm"] as const;
export type GbdtSelectionFamily = (typeof GBDT_SELECTION_FAMILIES)[number];

/**
 * Small, fast settings per GBDT family for importance work: selection needs the ranking of
 * features, not the last basis point of accuracy, and fits many models (folds x methods).
 * min_data_in_leaf is large because daily-return labels are mostly noise; 63 bins cut the split
 * search (which dominates on a few thousand rows) by about 40% of CPU time without changing which
 * features matter.
 */
const SMALL_LEAFWISE = { n_estimators: 40, num_leaves: 15, learning_rate: 0.1, min_data_in_leaf: 100, max_bin: 63 };
export const SMALL_GBDT: Record<string, Record<string, unknown>> = {
  lightgbm: SMALL_LEAFWISE,
  quantile_lightgbm: SMALL_LEAFWISE,
  xgboost: { n_estimators: 40, max_depth: 4, learning_rate: 0.1, min_data_in_leaf: 100, max_bin: 63 },
  random_forest: { n_estimators: 40, num_leaves: 31, min_data_in_leaf: 50, max_bin: 63 },
  extra_trees: { n_estimators: 40, num_leaves: 31, min_data_in_leaf: 50, max_bin: 63 },
};

/** Settings of the model the tree methods (and permutation importance, by default) fit per fold. */
export function gbdtModelShape() {
  return {
    family: z
      .enum(GBDT_SELECTION_FAMILIES)
      .default("lightgbm")
      .describe("GBDT family fitted on each fold's training cells"),
    hyperparameters: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("the family's hyperparameters, on top of small selection defaults (lightgbm: 40 trees, 15 leaves, min_data_in_leaf 100, 63 bins)"),
    max_train_rows: z
      .number()
      .int()
      .min(100)
      .default(60_000)
      .describe("training rows over all folds at most: each fold fits on an equal share, a seeded subsample of its training cells"),
  };
}

export interface ModelSettings {
  family: string;
  hyperparameters: Record<string, unknown>;
  max_train_rows: number;
}

/** Keys of a method's config block that belong to the consensus (select.ts), not to the method. */
const BLOCK_KEYS = ["enabled", "weight"];

/**
 * Validates a method's params; errors name the key under pipeline.selection.methods.<method>. The
 * block's `enabled` and `weight` may be passed along and are ignored.
 */
export function parseMethodParams<S extends z.ZodType>(schema: S, params: Record<string, unknown>, method: string): z.output<S> {
  const own: Record<string, unknown> = { ...(params ?? {}) };
  for (const k of BLOCK_KEYS) delete own[k];
  const r = schema.safeParse(own);
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `${["pipeline.selection.methods", method, ...i.path.map(String)].join(".")}: ${i.message}`).join("; ");
  throw new InputError(`invalid settings for selection method ${method}: ${msg}`, `fix pipeline.selection.methods.${method} in the config`);
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error("aborted");
}

/** One fitted fold: `fold` indexes data.folds / data.train / data.test. */
export interface FoldFit {
  fold: number;
  model: TrainedModel;
}

export interface FoldFits {
  family: string;
  fits: FoldFit[];
  /** Out-of-sample score of the fold models' predictions together (the task's metric). */
  score: Score;
  foldScores: number[];
  trainRows: number[];
}

type FitCache = Map<string, Promise<FoldFits>>;
const fitCache = new WeakMap<CvData, WeakMap<object, FitCache>>();

/**
 * The family fitted on each fold's training cells (a seeded subsample of max_train_rows / folds
 * each; cells whose fitted label is undefined are left out). Fits with the same data, grids,
 * features, settings and seed are shared by every method asking for them while the CvData lives.
 */
export function fitFolds(ctx: MethodContext, m: ModelSettings): Promise<FoldFits> {
  const hyperparameters = { ...(SMALL_GBDT[m.family] ?? {}), ...m.hyperparameters };
  const plain = isPlainJson(hyperparameters);
  const key = JSON.stringify([m.family, hyperparameters, m.max_train_rows, ctx.seed, ctx.features]);
  let byGrids = fitCache.get(ctx.data);
  if (byGrids === undefined) fitCache.set(ctx.data, (byGrids = new WeakMap()));
  let cache = byGrids.get(ctx.grids);
  if (cache === undefined) byGrids.set(ctx.grids, (cache = new Map()));
  const hit = plain ? cache.get(key) : undefined;
  if (hit) return hit;
  const run = fitFoldsNow(ctx, m.family, hyperparameters, m.max_train_rows);
  if (plain) {
    cache.set(key, run);
    run.catch(() => cache.delete(key));
  }
  return run;
}

async function fitFoldsNow(ctx: MethodContext, family: string, hyperparameters: Record<string, unknown>, maxTrainRows: number): Promise<FoldFits> {
  const { data } = ctx;
  const perFold = Math.max(10, Math.floor(maxTrainRows / Math.max(1, data.folds.length)));
  const rng = new Rng(ctx.seed).fork("selection:model-rows");
  const train = data.train.map((cells, k) => subsampleCells(finiteLabelCells(cells, data.fitY), perFold, rng.fork(k)));
  const r = await cvFit({
    data: { ...data, train },
    features: ctx.features,
    grids: ctx.grids,
    family,
    hyperparameters,
    seed: ctx.seed,
    threads: ctx.threads,
    purpose: "selection:model",
    keepModels: true,
    signal: ctx.signal,
  });
  const position = new Map(data.folds.map((f, k) => [f.index, k]));
  const fits = (r.models ?? []).map((model, i) => ({ fold: position.get(r.folds[i].index)!, model }));
  return { family, fits, score: r.score, foldScores: r.folds.map((f) => f.score.value), trainRows: r.folds.map((f) => f.trainRows) };
}

/** The cells whose fitted label is finite (a timestamp with one labelled symbol has no rank). */
export function finiteLabelCells(cells: Int32Array, fitY: Float64Array): Int32Array {
  let n = 0;
  for (const c of cells) if (Number.isFinite(fitY[c])) n++;
  if (n === cells.length) return cells;
  const out = new Int32Array(n);
  n = 0;
  for (const c of cells) if (Number.isFinite(fitY[c])) out[n++] = c;
  return out;
}

/**
 * A seeded subset of whole timestamps of time-major cells, at most maxRows cells: every kept
 * timestamp keeps its full cross-section, so IC and per-symbol figures stay computable.
 */
export function sampleTimestamps(cells: Int32Array, S: number, maxRows: number, rng: Rng): Int32Array {
  if (cells.length <= maxRows) return cells;
  const starts: number[] = [];
  for (let i = 0; i < cells.length; i++) if (i === 0 || Math.floor(cells[i] / S) !== Math.floor(cells[i - 1] / S)) starts.push(i);
  starts.push(cells.length);
  const G = starts.length - 1;
  const keep = new Uint8Array(G);
  let used = 0;
  for (const g of rng.permutation(G)) {
    const size = starts[g + 1] - starts[g];
    if (used + size > maxRows) continue;
    keep[g] = 1;
    used += size;
  }
  const out = new Int32Array(used);
  let o = 0;
  for (let g = 0; g < G; g++) if (keep[g]) for (let i = starts[g]; i < starts[g + 1]; i++) out[o++] = cells[i];
  return out;
}

function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isPlainJson);
  return false;
}

function gbdtModel(fit: FoldFit, family: string): GbdtModel {
  if (!(fit.model instanceof GbdtModel)) throw new Error(`selection: family ${family} did not produce a GBDT model`);
  return fit.model;
}

// ---------------------------------------------------------------------------------------------
// Gain importance

export const treeGainParamsSchema = z.strictObject({ ...gbdtModelShape() });
export type TreeGainParams = z.output<typeof treeGainParamsSchema>;

/** Total split gain of each feature over the fold models (fitted on training cells only). */
export const treeGainMethod: SelectionMethod = async (ctx: MethodContext): Promise<MethodResult> => {
  const p = parseMethodParams(treeGainParamsSchema, ctx.params, "tree_gain");
  const scores: Record<string, number> = Object.fromEntries(ctx.features.map((f) => [f, 0]));
  if (ctx.features.length === 0) return { scores };
  const fits = await fitFolds(ctx, p);
  for (const fit of fits.fits) {
    const gain = gbdtModel(fit, p.family).importance("gain");
    for (const f of ctx.features) scores[f] += gain[f] ?? 0;
  }
  const total = Object.values(scores).reduce((a, b) => a + b, 0);
  const share = Object.fromEntries(ctx.features.map((f) => [f, total > 0 ? scores[f] / total : 0]));
  return { scores, details: { family: p.family, share, model_score: fits.score.value, fold_scores: fits.foldScores, folds_fitted: fits.fits.length, train_rows: fits.trainRows } };
};

// ---------------------------------------------------------------------------------------------
// TreeSHAP importance

export const treeShapParamsSchema = z.strictObject({
  ...gbdtModelShape(),
  max_explained_rows: z
    .number()
    .int()
    .min(10)
    .default(4000)
    .describe("test cells explained over all folds at most (whole timestamps sampled with the seed; TreeSHAP costs about trees x leaves x depth^2 per row)"),
});
export type TreeShapParams = z.output<typeof treeShapParamsSchema>;

/**
 * Mean |TreeSHAP value| of each feature on the folds' test cells (raw score scale: the label's units
 * for regression, log-odds for binary targets), overall and per symbol. `bySymbol` is keyed by the
 * symbol's column index in the panel as a string ("0", "1", ...): CvData carries no symbol names.
 */
export const treeShapMethod: SelectionMethod = async (ctx: MethodContext): Promise<MethodResult> => {
  const p = parseMethodParams(treeShapParamsSchema, ctx.params, "tree_shap");
  const F = ctx.features.length;
  const scores: Record<string, number> = Object.fromEntries(ctx.features.map((f) => [f, 0]));
  if (F === 0) return { scores };
  const fits = await fitFolds(ctx, p);
  const { S } = ctx.data;
  const rng = new Rng(ctx.seed).fork("selection:tree_shap:rows");
  const perFold = Math.max(1, Math.floor(p.max_explained_rows / Math.max(1, fits.fits.length)));
  const total = new Float64Array(F);
  const symAbs = new Float64Array(S * F);
  const symRows = new Float64Array(S);
  // Sums for the correlation of each feature's value with its SHAP value (the effect's direction).
  const mom = new Float64Array(6 * F);
  let rows = 0;
  for (const fit of fits.fits) {
    checkAborted(ctx.signal);
    const model = gbdtModel(fit, p.family);
    const cells = sampleTimestamps(finiteLabelCells(ctx.data.test[fit.fold], ctx.data.fitY), S, perFold, rng.fork(fit.fold));
    if (cells.length === 0) continue;
    const X = tabularRows(cells, ctx.features, ctx.grids, ctx.data.fitY).X;
    const phi = model.contributions(X, cells.length);
    const K = model.info.numOutputs;
    for (let i = 0; i < cells.length; i++) {
      const s = cells[i] % S;
      symRows[s]++;
      for (let f = 0; f < F; f++) {
        let v = 0;
        for (let k = 0; k < K; k++) v += Math.abs(phi[(i * K + k) * (F + 1) + f]);
        total[f] += v;
        symAbs[s * F + f] += v;
        const x = X[i * F + f];
        if (K === 1 && x === x) {
          const y = phi[i * (F + 1) + f];
          const o = 6 * f;
          mom[o] += 1;
          mom[o + 1] += x;
          mom[o + 2] += y;
          mom[o + 3] += x * x;
          mom[o + 4] += y * y;
          mom[o + 5] += x * y;
        }
      }
    }
    rows += cells.length;
  }
  const direction: Record<string, number | null> = {};
  ctx.features.forEach((name, f) => {
    scores[name] = rows > 0 ? total[f] / rows : 0;
    direction[name] = correlationOf(mom, f);
  });
  const bySymbol: Record<string, Record<string, number>> = {};
  for (let s = 0; s < S; s++) {
    if (symRows[s] === 0) continue;
    const rec: Record<string, number> = {};
    ctx.features.forEach((name, f) => (rec[name] = symAbs[s * F + f] / symRows[s]));
    bySymbol[String(s)] = rec;
  }
  return {
    scores,
    bySymbol,
    details: {
      family: p.family,
      explained_rows: rows,
      by_symbol_key: "symbol column index in the panel",
      direction,
      model_score: fits.score.value,
      fold_scores: fits.foldScores,
      folds_fitted: fits.fits.length,
    },
  };
};

/** Pearson correlation from the six running sums at mom[6f..6f+5]; null when undefined. */
function correlationOf(mom: Float64Array, f: number): number | null {
  const o = 6 * f;
  const n = mom[o];
  if (n < 3) return null;
  const vx = mom[o + 3] - (mom[o + 1] * mom[o + 1]) / n;
  const vy = mom[o + 4] - (mom[o + 2] * mom[o + 2]) / n;
  const cxy = mom[o + 5] - (mom[o + 1] * mom[o + 2]) / n;
  if (!(vx > 0 && vy > 0)) return null;
  return Math.max(-1, Math.min(1, cxy / Math.sqrt(vx * vy)));
}
