import { InputError } from "../../util/errors.js";
import type { FitContext, TabularData } from "../family.js";
import { binMatrix, type FeatureBins } from "./binning.js";
import type { PackedCodes } from "./histogram.js";
import { binInParallel, createEngine } from "./parallel.js";
import { TreeLearner, type BinnedTrainData, type GrowOptions, type GrownTree, type PhaseTimes } from "./learner.js";
import { makeMetric } from "./metrics.js";
import { GbdtModel, type GbdtModelInfo } from "./model.js";
import { makeObjective, weightedQuantile } from "./objectives.js";
import type { GbdtParams } from "./params.js";
import { deriveSeed, Rng } from "./rng.js";
import type { SplitConfig } from "./split.js";
import { leafOf, type Tree } from "./tree.js";
import { checkTabular } from "./validate.js";

/**
 * The boosting loop: gradients from the objective, one tree per output per iteration on the
 * binned data, shrinkage, bagging and feature sampling from seeded streams, validation metric and
 * early stopping. `boosting: "rf"` fits every tree to the gradients at the starting score and
 * averages them instead (random forest / extra trees on the same tree learner).
 */

export interface EvalRecord {
  iteration: number;
  value: number;
}

/** Wall-clock seconds per phase of one training run. */
export interface TrainProfile {
  binning: number;
  gradients: number;
  histograms: number;
  splits: number;
  partition: number;
  scoreUpdates: number;
  validation: number;
  total: number;
}

export interface TrainOutput {
  model: GbdtModel;
  /** Validation metric per iteration (empty without validation data). */
  evals: EvalRecord[];
  profile: TrainProfile;
}

/** What the boosting loop needs from a tree learner and its engine (a test hook can swap both). */
export interface TreeGrower {
  readonly rows: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly times: PhaseTimes;
  grow(bag: Int32Array | null, treeFeatures: Int32Array, rng: Rng): GrownTree;
  close(): void;
}

export type GrowerFactory = (data: BinnedTrainData, opts: GrowOptions, threads: number) => Promise<TreeGrower>;

async function fastGrower(data: BinnedTrainData, opts: GrowOptions, threads: number): Promise<TreeGrower> {
  const engine = await createEngine(data, opts.numLeaves, opts.maxDepth, threads);
  const learner = new TreeLearner(data, opts, engine);
  return { rows: engine.rows, grad: engine.grad, hess: engine.hess, times: learner.times, grow: (b, f, r) => learner.grow(b, f, r), close: () => engine.close() };
}

let growerFactory: GrowerFactory = fastGrower;

/** Test hook: train with another tree learner (the frozen oracle copy); null restores the real one. */
export function setGrowerForTests(f: GrowerFactory | null): void {
  growerFactory = f ?? fastGrower;
}

export async function trainGbdt(family: string, train: TabularData, p: GbdtParams, ctx: FitContext, valid?: TabularData): Promise<TrainOutput> {
  const tStart = performance.now();
  const secondsSince = (t: number): number => (performance.now() - t) / 1000;
  checkTabular(train, "training data");
  if (valid) {
    checkTabular(valid, "validation data");
    if (valid.nFeatures !== train.nFeatures || valid.featureNames.some((n, i) => n !== train.featureNames[i])) {
      throw new InputError("validation data has different features than the training data", "both sets need the same feature columns in the same order");
    }
  }
  const n = train.nRows;
  const F = train.nFeatures;
  const categorical = new Set<number>();
  for (const name of p.categorical_feature) {
    const i = train.featureNames.indexOf(name);
    if (i < 0) throw new InputError(`categorical_feature "${name}" is not a feature of the training data`, `features: ${train.featureNames.slice(0, 20).join(", ")}${F > 20 ? ", ..." : ""}`);
    categorical.add(i);
  }
  const objective = makeObjective(p, train.y, train.group, "training data");
  if (valid) makeObjective(p, valid.y, valid.group, "validation data");
  const K = objective.numOutputs;
  const metric = makeMetric(p);
  if (p.early_stopping_rounds > 0 && !valid) {
    ctx.log?.warn({ family, early_stopping_rounds: p.early_stopping_rounds }, "early_stopping_rounds is set but no validation data was given: training all n_estimators rounds");
  }

  const tBin = performance.now();
  const { bins, matrix } = await binInParallel(train.X, n, F, train.featureNames, categorical, {
    maxBin: p.max_bin,
    minDataInBin: p.min_data_in_bin,
    sampleCount: p.bin_construct_sample_cnt,
    seed: deriveSeed(ctx.seed, 1),
  }, ctx.threads);
  const data = binnedData(train, bins, matrix);
  const binning = secondsSince(tBin);
  let gradients = 0;
  let scoreUpdates = 0;
  let validation = 0;

  const fromAverage = !train.initScore && p.boost_from_average;
  const base = fromAverage ? objective.initScores(train.y, train.weight) : new Float64Array(K);
  const score = startScores(train, base, K);
  const validScore = valid ? startScores(valid, base, K) : null;

  const isRf = p.boosting === "rf";
  const lr = isRf ? 1 : p.learning_rate;
  const splitCfg: SplitConfig = {
    lambdaL1: p.lambda_l1,
    lambdaL2: p.lambda_l2,
    maxDeltaStep: p.max_delta_step,
    minDataInLeaf: p.min_data_in_leaf,
    minSumHessian: p.min_sum_hessian_in_leaf,
    minGainToSplit: p.min_gain_to_split,
    maxCatToOnehot: p.max_cat_to_onehot,
    maxCatThreshold: p.max_cat_threshold,
    catSmooth: p.cat_smooth,
    catL2: p.cat_l2,
    minDataPerGroup: p.min_data_per_group,
  };
  const grower = await growerFactory(data, {
      policy: p.grow_policy,
      numLeaves: p.num_leaves,
      maxDepth: p.max_depth,
      learningRate: lr,
      split: splitCfg,
      featureFractionByNode: p.feature_fraction_bynode,
      extraTrees: p.extra_trees,
      exactCounts: objective.unitHessian && !train.weight,
    }, ctx.threads);
  try {

    const bagRng = new Rng(deriveSeed(ctx.seed, 2));
    const featRng = new Rng(deriveSeed(ctx.seed, 3));
    const allFeatures = Int32Array.from({ length: F }, (_, i) => i);
    const gradAll = K === 1 ? grower.grad : new Float64Array(K * n);
    const hessAll = K === 1 ? grower.hess : new Float64Array(K * n);
    const trees: Tree[] = [];
    const evals: EvalRecord[] = [];
    let bag: Int32Array | null = null;
    let bestIter = -1;
    let bestValue = NaN;
    let inBag: Uint8Array | null = null;
    if (isRf) objective.gradHess(score, train.y, train.weight, gradAll, hessAll);

    for (let it = 0; it < p.n_estimators; it++) {
      if (ctx.signal?.aborted) throw new InputError("training was cancelled");
      if (p.bagging_freq > 0 && p.bagging_fraction < 1 && it % p.bagging_freq === 0) {
        bag = bagRng.sampleSorted(n, Math.max(1, Math.round(p.bagging_fraction * n)));
        inBag = new Uint8Array(n);
        for (const r of bag) inBag[r] = 1;
      }
      const treeFeatures = p.feature_fraction < 1 ? featRng.sampleSorted(F, Math.max(1, Math.round(p.feature_fraction * F))) : allFeatures;
      const tGrad = performance.now();
      if (!isRf) objective.gradHess(score, train.y, train.weight, gradAll, hessAll);
      gradients += secondsSince(tGrad);
      for (let k = 0; k < K; k++) {
        if (K > 1) {
          grower.grad.set(gradAll.subarray(k * n, (k + 1) * n));
          grower.hess.set(hessAll.subarray(k * n, (k + 1) * n));
        }
        const treeRng = new Rng(deriveSeed(ctx.seed, 1000 + it * K + k));
        const grown = grower.grow(bag, treeFeatures, treeRng);
        const tree = grown.tree;
        if (objective.renewQuantile !== undefined) renewLeaves(grown, grower.rows, train, score, objective.renewQuantile, lr);
        trees.push(tree);
        const tScore = performance.now();
        if (!isRf) {
          const o = k * n;
          const rows = grower.rows;
          for (let j = 0; j < grown.leafNodes.length; j++) {
            const v = tree.value[grown.leafNodes[j]];
            const end = grown.leafStart[j] + grown.leafCount[j];
            for (let i = grown.leafStart[j]; i < end; i++) score[o + rows[i]] += v;
          }
          if (inBag) {
            for (let r = 0; r < n; r++) if (inBag[r] === 0) score[o + r] += tree.value[leafOf(tree, train.X, r * F)];
          }
        }
        scoreUpdates += secondsSince(tScore);
        const tValid = performance.now();
        if (valid && validScore) {
          const nv = valid.nRows;
          for (let r = 0; r < nv; r++) validScore[k * nv + r] += tree.value[leafOf(tree, valid.X, r * F)];
        }
        validation += secondsSince(tValid);
      }
      const tMetric = performance.now();
      if (valid && validScore) {
        const nv = valid.nRows;
        let raw = validScore;
        if (isRf) {
          raw = new Float64Array(validScore.length);
          const start = valid.initScore ? startScores(valid, base, K) : null;
          for (let k = 0; k < K; k++) {
            for (let r = 0; r < nv; r++) {
              const s0 = start ? start[k * nv + r] : base[k];
              raw[k * nv + r] = s0 + (validScore[k * nv + r] - s0) / (it + 1);
            }
          }
        }
        const value = metric.evaluate(objective.transform(raw, nv), valid.y, valid.weight, valid.group);
        evals.push({ iteration: it, value });
        const better = bestIter < 0 || (metric.higherIsBetter ? value > bestValue : value < bestValue);
        if (better) {
          bestIter = it;
          bestValue = value;
        }
        ctx.log?.debug({ iteration: it, metric: metric.name, value }, "gbdt iteration");
        validation += secondsSince(tMetric);
        if (p.early_stopping_rounds > 0 && it - bestIter >= p.early_stopping_rounds) break;
      }
      // Let an AbortSignal and other tasks through between iterations.
      if (it % 16 === 15) await new Promise((r) => setImmediate(r));
    }
    const keep = p.early_stopping_rounds > 0 && bestIter >= 0 ? (bestIter + 1) * K : trees.length;
    if (keep < trees.length) trees.length = keep;
    const info: GbdtModelInfo = {
      family,
      objective: typeof p.objective === "string" ? p.objective : `custom:${p.objective.name}`,
      numOutputs: K,
      baseScore: Array.from(base),
      averageTrees: isRf,
      featureNames: train.featureNames.slice(),
      categoricalFeatures: [...categorical].sort((a, b) => a - b),
      params: { alpha: p.alpha, huber_delta: p.huber_delta, learning_rate: lr, objective: typeof p.objective === "string" ? p.objective : "custom" },
      bestIteration: bestIter >= 0 ? bestIter : trees.length / K - 1,
      metric: valid && Number.isFinite(bestValue) ? { name: metric.name, best: bestValue } : null,
    };
    const customTransform = typeof p.objective === "string" ? undefined : p.objective.transform;
    const lt = grower.times;
    const profile: TrainProfile = { binning, gradients, histograms: lt.histograms, splits: lt.splits, partition: lt.partition, scoreUpdates, validation, total: secondsSince(tStart) };
    return { model: new GbdtModel(info, trees, customTransform), evals, profile };
  } finally {
    grower.close();
  }
}

export function binnedData(train: TabularData, bins: FeatureBins[], matrix: PackedCodes = binMatrix(train.X, train.nRows, train.nFeatures, bins)): BinnedTrainData {
  const F = train.nFeatures;
  const offsets = new Int32Array(F);
  const nBinsOf = new Int32Array(F);
  let total = 0;
  for (let f = 0; f < F; f++) {
    offsets[f] = total;
    nBinsOf[f] = bins[f].nBins;
    total += bins[f].nBins;
  }
  return { matrix, nRows: train.nRows, nFeatures: F, bins, offsets, nBinsOf, totalBins: total };
}

/** Output-major starting scores: the data's own init scores (row-major [row][output]) or the base. */
function startScores(d: TabularData, base: Float64Array, K: number): Float64Array {
  const n = d.nRows;
  const s = new Float64Array(K * n);
  if (d.initScore) {
    for (let r = 0; r < n; r++) for (let k = 0; k < K; k++) s[k * n + r] = d.initScore[r * K + k];
  } else {
    for (let k = 0; k < K; k++) s.fill(base[k], k * n, (k + 1) * n);
  }
  return s;
}

/** L1 / quantile: each leaf's output becomes the alpha-quantile of its rows' residuals (LightGBM). */
function renewLeaves(grown: { tree: Tree; leafNodes: number[]; leafStart: number[]; leafCount: number[] }, rows: Int32Array, train: TabularData, score: Float64Array, alpha: number, lr: number): void {
  for (let j = 0; j < grown.leafNodes.length; j++) {
    const cnt = grown.leafCount[j];
    if (cnt === 0) continue;
    const res = new Float64Array(cnt);
    const w = train.weight ? new Float64Array(cnt) : undefined;
    for (let i = 0; i < cnt; i++) {
      const r = rows[grown.leafStart[j] + i];
      res[i] = train.y[r] - score[r];
      if (w) w[i] = train.weight![r];
    }
    grown.tree.value[grown.leafNodes[j]] = weightedQuantile(res, w, alpha) * lr;
  }
}
