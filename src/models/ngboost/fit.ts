import { InputError } from "../../util/errors.js";
import type { FitContext, TabularData } from "../family.js";
import { checkTabular } from "../gbdt/validate.js";
import { GbdtModel, type GbdtModelInfo } from "../gbdt/model.js";
import type { Tree } from "../gbdt/tree.js";
import { normalizedWeights } from "../linear/checks.js";
import { NgboostModel } from "./model.js";
import { normalGradients, normalNll } from "./normal.js";
import type { NgboostParams } from "./params.js";
import { deriveSeed, GbdtRng, TreeFitter, treeOutputs } from "./tree-fitter.js";

/**
 * The NGBoost loop: at the current (loc, log scale) of every row, the natural gradient of the
 * Normal NLL per parameter; one tree per parameter fitted to it (the same rows and features for
 * both); a line search on the joint step (doubling, then halving, as the reference implementation
 * does); the step shrunk by the learning rate. Early stopping on the validation NLL.
 */

export const NGBOOST_FAMILY = "ngboost";
const MAX_STEP_NORM = 5;

export async function fitNgboost(train: TabularData, p: NgboostParams, ctx: FitContext, valid?: TabularData): Promise<NgboostModel> {
  checkTabular(train, `${NGBOOST_FAMILY} training data`);
  if (valid) checkTabular(valid, `${NGBOOST_FAMILY} validation data`);
  const n = train.nRows;
  const F = train.nFeatures;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(train.y[i])) throw new InputError(`${NGBOOST_FAMILY} training data: target at row ${i} is ${train.y[i]}`, "drop rows without a target before training");
  }
  const w = normalizedWeights(train, 0, n, `${NGBOOST_FAMILY} training data`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += w[i] * train.y[i];
  let ss = 0;
  for (let i = 0; i < n; i++) ss += w[i] * (train.y[i] - mean) ** 2;
  const sd = Math.sqrt(ss);
  if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) throw new InputError(`${NGBOOST_FAMILY} training data: the target is constant (${mean})`, "a distribution needs a target that varies");
  const target = { shift: mean, scale: sd };
  const y = train.y.map((v) => (v - mean) / sd);
  const yv = valid ? valid.y.map((v) => (v - mean) / sd) : null;
  const minLog = Math.log(p.min_scale_ratio);
  // Standardized: the marginal Normal is loc 0, log scale 0.
  const loc = new Float64Array(n);
  const logS = new Float64Array(n);
  const vLoc = valid ? new Float64Array(valid.nRows) : null;
  const vLog = valid ? new Float64Array(valid.nRows) : null;
  const gLoc = new Float64Array(n);
  const gLog = new Float64Array(n);
  const unitHess = new Float64Array(n).fill(1);
  const dLoc = new Float64Array(n);
  const dLog = new Float64Array(n);
  const tvLoc = valid ? new Float64Array(valid.nRows) : null;
  const tvLog = valid ? new Float64Array(valid.nRows) : null;
  // Weighted fits: weights scale gradients and hessians, as in the booster.
  const wScale = Float64Array.from(w, (v) => v * n);
  const hess = train.weight ? wScale : unitHess;

  const fitter = await TreeFitter.create(train, { numLeaves: p.num_leaves, maxDepth: p.max_depth, lambdaL2: p.lambda_l2, minDataInLeaf: p.min_data_in_leaf, minGainToSplit: p.min_gain_to_split, maxBin: p.max_bin }, ctx.seed, ctx.threads);
  const trees: Tree[] = [];
  const steps: number[] = [];
  let bestIter = -1;
  let bestNll = Infinity;
  const bagRng = new GbdtRng(deriveSeed(ctx.seed, 2));
  const featRng = new GbdtRng(deriveSeed(ctx.seed, 3));
  const allFeatures = Int32Array.from({ length: F }, (_, i) => i);
  try {
    for (let it = 0; it < p.n_estimators; it++) {
      if (ctx.signal?.aborted) throw new InputError("training was cancelled");
      const bag = p.minibatch_frac < 1 ? bagRng.sampleSorted(n, Math.max(1, Math.round(p.minibatch_frac * n))) : null;
      const features = p.feature_fraction < 1 ? featRng.sampleSorted(F, Math.max(1, Math.round(p.feature_fraction * F))) : allFeatures;
      normalGradients(y, loc, logS, p.natural_gradient, gLoc, gLog);
      if (train.weight) {
        for (let i = 0; i < n; i++) {
          gLoc[i] *= wScale[i];
          gLog[i] *= wScale[i];
        }
      }
      const tLoc = fitter.grow(gLoc, hess, bag, features, deriveSeed(ctx.seed, 1000 + 2 * it), dLoc);
      const tLog = fitter.grow(gLog, hess, bag, features, deriveSeed(ctx.seed, 1001 + 2 * it), dLog);
      const rho = lineSearch(y, w, loc, logS, dLoc, dLog, bag, minLog);
      if (rho === 0) {
        ctx.log?.debug({ family: NGBOOST_FAMILY, iteration: it }, "ngboost: no step lowers the training NLL; stopping");
        break;
      }
      const step = p.learning_rate * rho;
      for (const t of [tLoc, tLog]) for (let j = 0; j < t.value.length; j++) t.value[j] *= step;
      for (let i = 0; i < n; i++) {
        loc[i] += step * dLoc[i];
        logS[i] = Math.max(minLog, logS[i] + step * dLog[i]);
      }
      trees.push(tLoc, tLog);
      steps.push(rho);
      if (valid && vLoc && vLog && tvLoc && tvLog && yv) {
        treeOutputs(tLoc, valid.X, valid.nRows, F, tvLoc);
        treeOutputs(tLog, valid.X, valid.nRows, F, tvLog);
        let nll = 0;
        for (let i = 0; i < valid.nRows; i++) {
          vLoc[i] += tvLoc[i];
          vLog[i] = Math.max(minLog, vLog[i] + tvLog[i]);
          nll += normalNll(yv[i], vLoc[i], vLog[i]);
        }
        nll /= valid.nRows;
        if (nll < bestNll) {
          bestNll = nll;
          bestIter = it;
        }
        if (p.early_stopping_rounds > 0 && it - bestIter >= p.early_stopping_rounds) break;
      }
      if (it % 16 === 15) await new Promise((r) => setImmediate(r));
    }
  } finally {
    fitter.close();
  }
  const keepIters = valid && p.early_stopping_rounds > 0 && bestIter >= 0 ? bestIter + 1 : steps.length;
  trees.length = 2 * keepIters;
  steps.length = keepIters;
  const info: GbdtModelInfo = {
    family: NGBOOST_FAMILY,
    objective: "custom:ngboost_normal",
    numOutputs: 2,
    baseScore: [0, 0],
    averageTrees: false,
    featureNames: train.featureNames.slice(),
    categoricalFeatures: [],
    params: { alpha: 0.5, huber_delta: 1, learning_rate: p.learning_rate, objective: "custom" },
    bestIteration: keepIters - 1,
    metric: valid && Number.isFinite(bestNll) ? { name: "normal_nll", best: bestNll } : null,
  };
  return new NgboostModel(
    { family: NGBOOST_FAMILY, task: "regression", featureNames: train.featureNames.slice(), params: p, target, minLogScale: minLog, steps, bestIteration: keepIters - 1, validNll: Number.isFinite(bestNll) ? bestNll : null },
    new GbdtModel(info, trees),
  );
}

/**
 * The step s along the trees' outputs that lowers the weighted NLL on the bag: from 1, doubled
 * while it keeps improving (up to 256), then halved until it improves and the mean step is below
 * MAX_STEP_NORM; 0 when even a tiny step does not help.
 */
function lineSearch(y: Float64Array, w: Float64Array, loc: Float64Array, logS: Float64Array, dLoc: Float64Array, dLog: Float64Array, bag: Int32Array | null, minLog: number): number {
  const m = bag ? bag.length : y.length;
  const rowAt = (k: number) => (bag ? bag[k] : k);
  const lossAt = (s: number): { loss: number; norm: number } => {
    let loss = 0;
    let norm = 0;
    let tw = 0;
    for (let k = 0; k < m; k++) {
      const i = rowAt(k);
      const a = s * dLoc[i];
      const b = s * dLog[i];
      loss += w[i] * normalNll(y[i], loc[i] + a, Math.max(minLog, logS[i] + b));
      norm += Math.sqrt(a * a + b * b);
      tw += w[i];
    }
    return { loss: loss / tw, norm: norm / m };
  };
  const init = lossAt(0).loss;
  let s = 1;
  for (;;) {
    const { loss } = lossAt(s);
    if (!Number.isFinite(loss) || loss > init || s > 256) break;
    s *= 2;
  }
  for (;;) {
    const { loss, norm } = lossAt(s);
    if (Number.isFinite(loss) && loss < init && norm < MAX_STEP_NORM) return s;
    s *= 0.5;
    if (s < 1e-8) return 0;
  }
}
