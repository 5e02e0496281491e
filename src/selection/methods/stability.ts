/**
 * Stability selection (Meinshausen & Bühlmann, 2010) with complementary pairs (Shah & Samworth,
 * 2013): an L1-penalized linear model is fitted on many half-samples of a fold's training
 * timestamps, and a feature's score is how often it is selected. Half-samples are drawn as whole
 * blocks of consecutive timestamps, never single rows: labels of overlapping forward returns and
 * most features are serially correlated, so a row sample would put near-copies of the same
 * observation in both halves and make noise look stable.
 *
 * Each half-sample's lasso path runs from the largest penalty down until more than q features are
 * active. The "path region" is indexed by model size (k = 1..q active features) rather than by the
 * raw penalty, whose scale differs between half-samples: the feature's frequency at size k is the
 * share of half-samples in which it is active at the last point of the path with at most k active
 * features, and its score is the maximum over k (Meinshausen and Bühlmann's max over the region).
 * With threshold pi and q selected per half-sample, the expected number of falsely selected
 * features is at most q^2 / ((2 pi - 1) p) under their exchangeability assumption (in details).
 */
import { z } from "zod";
import { LinearModel } from "../../models/linear/model.js";
import { getFamily } from "../../models/registry.js";
import { subsampleCells } from "../../validation/cells.js";
import { tabularRows } from "../../training/cv-fit.js";
import { Rng } from "../../util/random.js";
import type { MethodContext, MethodResult, SelectionMethod } from "../method.js";
import { checkAborted, finiteLabelCells, parseMethodParams } from "./tree-importance.js";

export const stabilityParamsSchema = z.strictObject({
  family: z
    .enum(["auto", "lasso", "elastic_net"])
    .default("auto")
    .describe("penalty: lasso (L1) or elastic net; auto = lasso"),
  l1_ratio: z.number().gt(0).max(1).default(0.5).describe("elastic_net only: share of the L1 penalty"),
  binary_model: z
    .enum(["linear_probability", "logistic"])
    .default("linear_probability")
    .describe(
      "binary targets: the penalized least-squares path on the 0/1 label (a linear probability model), or penalized logistic regression. Both paths start alike (the first feature to enter is the one with the largest |covariance| with the label in both); the logistic path costs about ten times as much",
    ),
  pairs: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(20)
    .describe("complementary pairs of half-samples fitted (each pair splits one fold's training time blocks in two at random; folds in turn)"),
  block_bars: z
    .union([z.literal("auto"), z.number().int().min(1)])
    .default("auto")
    .describe('timestamps per block of time sampled together; "auto" = max(20, the target\'s label window)'),
  max_rows: z.number().int().min(100).default(10_000).describe("cells per half-sample at most (seeded subsample of the half's cells)"),
  q: z
    .union([z.literal("auto"), z.number().int().min(1)])
    .default("auto")
    .describe('features selected per half-sample at the end of the path region; "auto" = ceil(sqrt(number of features))'),
  threshold: z
    .number()
    .gt(0.5)
    .max(1)
    .default(0.6)
    .describe("selection frequency at or above which a feature counts as stably selected (reported; the score is the frequency)"),
  n_lambda: z.number().int().min(2).max(1000).default(50).describe("points on each half-sample's penalty path"),
  lambda_min_ratio: z
    .number()
    .gt(0)
    .lt(1)
    .default(1e-3)
    .describe("the path's smallest penalty as a fraction of the label's standard deviation (the path usually stops earlier, at q active features)"),
});
export type StabilityParams = z.output<typeof stabilityParamsSchema>;

export const stabilityMethod: SelectionMethod = async (ctx: MethodContext): Promise<MethodResult> => {
  const p = parseMethodParams(stabilityParamsSchema, ctx.params, "stability");
  const names = ctx.features;
  const F = names.length;
  const scores: Record<string, number> = Object.fromEntries(names.map((f) => [f, 0]));
  if (F === 0) return { scores, details: { selected: [] } };
  const { data } = ctx;
  const q = Math.min(F, p.q === "auto" ? Math.ceil(Math.sqrt(F)) : p.q);
  const blockBars = p.block_bars === "auto" ? Math.max(20, data.target.window) : p.block_bars;
  const binary = data.task.objective === "binary";
  const logistic = binary && p.binary_model === "logistic";
  const family = getFamily(logistic ? "logistic" : p.family === "elastic_net" ? "elastic_net" : "lasso");
  const folds = data.train.map((cells) => finiteLabelCells(cells, data.fitY)).filter((c) => c.length >= 20);
  const rng = new Rng(ctx.seed).fork("selection:stability");
  // sel[(k - 1) * F + f]: half-samples where f is active at the last path point with <= k active.
  const sel = new Float64Array(q * F);
  let fitted = 0;
  let activeSum = 0;
  for (let pair = 0; pair < p.pairs && folds.length > 0; pair++) {
    const halves = complementaryHalves(folds[pair % folds.length], data.S, blockBars, rng.fork(`pair:${pair}`));
    for (let h = 0; h < 2; h++) {
      checkAborted(ctx.signal);
      const b = pair * 2 + h;
      const cells = subsampleCells(halves[h], p.max_rows, rng.fork(`rows:${b}`));
      if (cells.length < 20) continue;
      const rows = tabularRows(cells, names, ctx.grids, data.fitY);
      const sd = standardDeviation(rows.y);
      if (!(sd > 0)) continue;
      const lambda = p.lambda_min_ratio * sd;
      const common = { lambda, n_lambda: p.n_lambda, max_active: q, missing_indicator: false };
      const penalty = p.family === "elastic_net" ? { penalty: "elasticnet", l1_ratio: p.l1_ratio } : { penalty: "l1" };
      const hp = logistic ? { ...common, ...penalty } : p.family === "elastic_net" ? { ...common, l1_ratio: p.l1_ratio } : common;
      const model = await family.fit(rows, family.paramsSchema.parse(hp), { seed: rng.fork(`fit:${b}`).nextUint32(), threads: ctx.threads, signal: ctx.signal });
      if (!(model instanceof LinearModel)) throw new Error(`stability: family ${family.name} did not produce a linear model`);
      activeSum += recordSelections(model, F, q, sel);
      fitted++;
    }
  }
  const frequency: Record<string, number> = {};
  const selected: string[] = [];
  names.forEach((name, f) => {
    let best = 0;
    for (let k = 0; k < q; k++) best = Math.max(best, sel[k * F + f]);
    scores[name] = fitted > 0 ? best / fitted : 0;
    frequency[name] = fitted > 0 ? sel[(q - 1) * F + f] / fitted : 0;
    if (fitted > 0 && scores[name] >= p.threshold) selected.push(name);
  });
  selected.sort((a, b) => scores[b] - scores[a] || (a < b ? -1 : a > b ? 1 : 0));
  return {
    scores,
    details: {
      family: family.name,
      penalty: p.family === "elastic_net" ? "elastic_net" : "lasso",
      subsamples: fitted,
      block_bars: blockBars,
      q,
      mean_selected: fitted > 0 ? activeSum / fitted : 0,
      threshold: p.threshold,
      selected,
      frequency_at_q: frequency,
      expected_false_selections_bound: (q * q) / ((2 * p.threshold - 1) * F),
    },
  };
};

/**
 * Splits the fold's training cells into two halves of whole time blocks (block = floor(t / bars);
 * blocks shrink when the fold has fewer than four of them), chosen at random: complementary halves.
 */
export function complementaryHalves(cells: Int32Array, S: number, blockBars: number, rng: Rng): [Int32Array, Int32Array] {
  const first = Math.floor(cells[0] / S);
  const last = Math.floor(cells[cells.length - 1] / S);
  let bars = blockBars;
  const blocksOf = (b: number) => {
    const ids = new Set<number>();
    for (const c of cells) ids.add(Math.floor(Math.floor(c / S) / b));
    return ids;
  };
  let ids = blocksOf(bars);
  while (ids.size < 4 && bars > 1) {
    bars = Math.max(1, Math.floor(Math.min(bars, last - first + 1) / 4));
    ids = blocksOf(bars);
  }
  const list = [...ids].sort((a, b) => a - b);
  const half = new Set<number>();
  const perm = rng.permutation(list.length);
  for (let i = 0; i < Math.floor(list.length / 2); i++) half.add(list[perm[i]]);
  const a: number[] = [];
  const b: number[] = [];
  for (const c of cells) (half.has(Math.floor(Math.floor(c / S) / bars)) ? a : b).push(c);
  return [Int32Array.from(a), Int32Array.from(b)];
}

/** Records the active sets along the model's path for sizes 1..q; returns the active count at the end. */
function recordSelections(model: LinearModel, F: number, q: number, sel: Float64Array): number {
  const path = model.path();
  const P = path.columnNames.length;
  const L = path.lambdas.length;
  const nnz = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    const c = path.coef[l];
    for (let j = 0; j < P; j++) {
      let on = false;
      for (let k = 0; k < path.nOutputs; k++) if (c[k * P + j] !== 0) on = true;
      if (on) nnz[l]++;
    }
  }
  let endActive = 0;
  for (let k = 1; k <= q; k++) {
    let at = -1;
    for (let l = L - 1; l >= 0; l--) {
      if (nnz[l] <= k) {
        at = l;
        break;
      }
    }
    if (at < 0) continue;
    const c = path.coef[at];
    for (let j = 0; j < Math.min(P, F); j++) {
      let on = false;
      for (let o = 0; o < path.nOutputs; o++) if (c[o * P + j] !== 0) on = true;
      if (on) sel[(k - 1) * F + j]++;
    }
    if (k === q) endActive = nnz[at];
  }
  return endActive;
}

function standardDeviation(y: Float64Array): number {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let s = 0;
  for (const v of y) s += (v - m) ** 2;
  return Math.sqrt(s / y.length);
}
