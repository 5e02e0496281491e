/**
 * Permutation importance on the validation folds: the fold's model (fitted on its training cells)
 * predicts the fold's test cells, then again with one feature's values shuffled; the importance is
 * the drop of the out-of-sample score (the target's metric: IC, AUC or rank correlation), averaged
 * over repeats and folds. Negative values mean the model did better without the feature.
 *
 * How a feature is shuffled decides what information is destroyed. For IC-scored targets we shuffle
 * within each timestamp's cross-section: the IC credits only how a prediction orders symbols at one
 * timestamp, and a within-timestamp shuffle destroys exactly that ordering while keeping every
 * timestamp's distribution of the feature (its level and spread in that regime), so the model is
 * never fed combinations that cannot occur (a calm-market value on a crisis day), and every
 * timestamp keeps its full cross-section, so the IC is computed on the same cells as the baseline.
 * Shuffling across time within a symbol would instead keep a slow per-symbol characteristic (size,
 * sector-like levels) almost intact and call it unimportant although it ranks symbols every day.
 * A feature that is the same for every symbol at a timestamp (a market-wide level) gets exactly zero
 * under the cross-sectional shuffle, which is right for the IC: alone it cannot order symbols.
 * Pooled metrics (AUC for binary targets, rank correlation for small universes) also credit a
 * feature's time-series information, so for them the feature is shuffled across the sampled test
 * timestamps within each symbol.
 */
import { z } from "zod";
import { GbdtModel } from "../../models/gbdt/model.js";
import { getFamily } from "../../models/registry.js";
import { MIN_CROSS_SECTION } from "../../leakage/association.js";
import { tabularRows } from "../../training/cv-fit.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import { auc, icSeriesByTime, spearman } from "../../validation/metrics/index.js";
import type { CvData } from "../../training/cv-data.js";
import type { MethodContext, MethodResult, SelectionMethod } from "../method.js";
import { checkAborted, fitFolds, gbdtModelShape, parseMethodParams, sampleTimestamps } from "./tree-importance.js";

export const permutationParamsSchema = z.strictObject({
  ...gbdtModelShape(),
  family: z
    .string()
    .default("lightgbm")
    .describe("any tabular model family (GBDT, linear or tabular neural); GBDT families start from small selection defaults"),
  repeats: z.number().int().min(1).max(100).default(3).describe("shuffles per feature and fold (seeded); their drops are averaged"),
  max_test_rows: z
    .number()
    .int()
    .min(10)
    .default(6000)
    .describe("test cells scored over all folds at most (whole timestamps sampled with the seed); cost = features x repeats x these rows"),
  shuffle: z
    .enum(["auto", "cross_section", "time"])
    .default("auto")
    .describe("shuffle each feature within each timestamp's cross-section, or across time within each symbol; auto = cross_section for IC-scored targets, time otherwise"),
});
export type PermutationParams = z.output<typeof permutationParamsSchema>;

/** Rows of the sampled test cells split into shuffle groups: rows order[starts[g] .. starts[g+1]). */
interface Groups {
  order: Int32Array;
  starts: Int32Array;
}

export const permutationMethod: SelectionMethod = async (ctx: MethodContext): Promise<MethodResult> => {
  const p = parseMethodParams(permutationParamsSchema, ctx.params, "permutation");
  const names = ctx.features;
  const F = names.length;
  const scores: Record<string, number> = Object.fromEntries(names.map((f) => [f, 0]));
  if (F === 0) return { scores };
  if (getFamily(p.family).kind !== "tabular") {
    throw new InputError(`selection method permutation: family ${p.family} is a sequence family`, "pipeline.selection.methods.permutation.family must be a tabular family (e.g. lightgbm, ridge, mlp)");
  }
  const { data } = ctx;
  const mode = p.shuffle === "auto" ? (data.task.metric === "ic" ? "cross_section" : "time") : p.shuffle;
  const fits = await fitFolds(ctx, p);
  const rng = new Rng(ctx.seed).fork("selection:permutation");
  const perFold = Math.max(1, Math.floor(p.max_test_rows / Math.max(1, fits.fits.length)));
  const drops: number[][] = names.map(() => []);
  const baseline: number[] = [];
  let scored = 0;
  for (const fit of fits.fits) {
    checkAborted(ctx.signal);
    const cells = sampleTimestamps(data.test[fit.fold], data.S, perFold, rng.fork(`rows:${fit.fold}`));
    if (cells.length === 0) continue;
    const rows = tabularRows(cells, names, ctx.grids, data.y);
    const times = Int32Array.from(cells, (c) => Math.floor(c / data.S));
    const score = scorer(data, rows.y, times);
    const base = score(fit.model.predict(rows.X, rows.nRows));
    if (!Number.isFinite(base)) continue;
    baseline.push(base);
    scored += cells.length;
    const groups = mode === "cross_section" ? timeGroups(times) : symbolGroups(cells, data.S);
    const used = fit.model instanceof GbdtModel ? fit.model.importance("split") : undefined;
    // A tree model re-walks only the trees that split on the shuffled feature (same numbers).
    const byColumn = fit.model instanceof GbdtModel ? fit.model.columnPredictor(rows.X, rows.nRows) : undefined;
    const Xp = Float32Array.from(rows.X);
    const scratch = new Float32Array(rows.nRows);
    for (let f = 0; f < F; f++) {
      // A feature no split uses cannot change a tree model's predictions: its drop is exactly 0.
      if (used !== undefined && !(used[names[f]] > 0)) {
        for (let r = 0; r < p.repeats; r++) drops[f].push(0);
        continue;
      }
      const stream = rng.fork(`shuffle:${fit.fold}:${names[f]}`);
      for (let r = 0; r < p.repeats; r++) {
        shuffleColumn(rows.X, Xp, F, f, groups, scratch, stream);
        const s = score(byColumn !== undefined ? byColumn(Xp, f) : fit.model.predict(Xp, rows.nRows));
        drops[f].push(Number.isFinite(s) ? base - s : 0);
      }
      for (let i = 0; i < rows.nRows; i++) Xp[i * F + f] = rows.X[i * F + f];
    }
  }
  const std: Record<string, number> = {};
  const z: Record<string, number | null> = {};
  names.forEach((name, f) => {
    const d = drops[f];
    const n = d.length;
    const mean = n > 0 ? d.reduce((a, b) => a + b, 0) / n : 0;
    const sd = n > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    scores[name] = mean;
    std[name] = sd;
    z[name] = sd > 0 ? mean / (sd / Math.sqrt(n)) : null;
  });
  return {
    scores,
    details: {
      family: p.family,
      metric: data.task.metric,
      shuffle: mode,
      repeats: p.repeats,
      scored_rows: scored,
      baseline_scores: baseline,
      std,
      z,
      model_score: fits.score.value,
    },
  };
};

/** The target's metric on the sampled test rows (higher is better), as cvFit scores folds. */
function scorer(data: CvData, y: Float64Array, times: Int32Array): (pred: Float64Array) => number {
  const metric = data.task.metric;
  if (metric === "ic") {
    return (pred) => {
      const { ic } = icSeriesByTime(pred, y, times, { minObs: MIN_CROSS_SECTION });
      let sum = 0;
      let n = 0;
      for (const v of ic) {
        if (v === v) {
          sum += v;
          n++;
        }
      }
      return n > 0 ? sum / n : NaN;
    };
  }
  if (metric === "auc") return (pred) => auc(y, pred);
  return (pred) => spearman(pred, y);
}

/** Shuffle groups = runs of one timestamp (rows are time-major). */
function timeGroups(times: Int32Array): Groups {
  const starts: number[] = [];
  for (let i = 0; i < times.length; i++) if (i === 0 || times[i] !== times[i - 1]) starts.push(i);
  starts.push(times.length);
  return { order: Int32Array.from({ length: times.length }, (_, i) => i), starts: Int32Array.from(starts) };
}

/** Shuffle groups = the rows of one symbol. */
function symbolGroups(cells: Int32Array, S: number): Groups {
  const count = new Int32Array(S + 1);
  for (const c of cells) count[(c % S) + 1]++;
  for (let s = 0; s < S; s++) count[s + 1] += count[s];
  const starts = Int32Array.from(count);
  const next = count.slice(0, S);
  const order = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) order[next[cells[i] % S]++] = i;
  return { order, starts };
}

/** Writes column f of X, shuffled within each group, into column f of Xp. */
function shuffleColumn(X: Float32Array, Xp: Float32Array, F: number, f: number, g: Groups, scratch: Float32Array, rng: Rng): void {
  const { order, starts } = g;
  for (let k = 0; k + 1 < starts.length; k++) {
    const a = starts[k];
    const n = starts[k + 1] - a;
    if (n < 2) continue;
    for (let i = 0; i < n; i++) scratch[i] = X[order[a + i] * F + f];
    rng.shuffle(scratch.subarray(0, n));
    for (let i = 0; i < n; i++) Xp[order[a + i] * F + f] = scratch[i];
  }
}
