/**
 * The one place NGBoost touches the GBDT engine's internals: bin the training rows once, then grow
 * one tree at a time on gradients and hessians the caller computed (the booster's own loop fixes
 * one objective per output, and a custom objective has one output; NGBoost needs two, coupled).
 * Kept thin so a change to the engine's internals is fixed here only.
 */
import type { TabularData } from "../family.js";
import { binnedData } from "../gbdt/booster.js";
import { TreeLearner, type GrownTree } from "../gbdt/learner.js";
import { binInParallel, createEngine, type ClosableEngine } from "../gbdt/parallel.js";
import { deriveSeed, Rng } from "../gbdt/rng.js";
import { leafOf, type Tree } from "../gbdt/tree.js";

export interface TreeFitterOptions {
  numLeaves: number;
  maxDepth: number;
  lambdaL2: number;
  minDataInLeaf: number;
  minGainToSplit: number;
  maxBin: number;
}

export class TreeFitter {
  private constructor(
    private readonly train: TabularData,
    private readonly engine: ClosableEngine,
    private readonly learner: TreeLearner,
  ) {}

  static async create(train: TabularData, o: TreeFitterOptions, seed: number, threads: number): Promise<TreeFitter> {
    const { bins, matrix } = await binInParallel(train.X, train.nRows, train.nFeatures, train.featureNames, new Set(), { maxBin: o.maxBin, minDataInBin: 3, sampleCount: 200_000, seed: deriveSeed(seed, 1) }, threads);
    const data = binnedData(train, bins, matrix);
    const engine = await createEngine(data, o.numLeaves, o.maxDepth, threads);
    const learner = new TreeLearner(
      data,
      {
        policy: "leafwise",
        numLeaves: o.numLeaves,
        maxDepth: o.maxDepth,
        learningRate: 1,
        split: {
          lambdaL1: 0,
          lambdaL2: o.lambdaL2,
          maxDeltaStep: 0,
          minDataInLeaf: o.minDataInLeaf,
          minSumHessian: 1e-3,
          minGainToSplit: o.minGainToSplit,
          maxCatToOnehot: 4,
          maxCatThreshold: 32,
          catSmooth: 10,
          catL2: 10,
          minDataPerGroup: 100,
        },
        featureFractionByNode: 1,
        extraTrees: false,
        exactCounts: false,
      },
      engine,
    );
    return new TreeFitter(train, engine, learner);
  }

  /**
   * Grows a tree on grad/hess (length nRows) over the bag (ascending rows, null = all) and writes
   * its output for every training row into `out`. Leaf values are -G / (H + lambda_l2).
   */
  grow(grad: Float64Array, hess: Float64Array, bag: Int32Array | null, features: Int32Array, seed: number, out: Float64Array): Tree {
    this.engine.grad.set(grad);
    this.engine.hess.set(hess);
    const grown: GrownTree = this.learner.grow(bag, features, new Rng(seed));
    const { tree } = grown;
    const rows = this.engine.rows;
    const n = this.train.nRows;
    const F = this.train.nFeatures;
    const done = bag ? new Uint8Array(n) : null;
    for (let j = 0; j < grown.leafNodes.length; j++) {
      const v = tree.value[grown.leafNodes[j]];
      const end = grown.leafStart[j] + grown.leafCount[j];
      for (let i = grown.leafStart[j]; i < end; i++) {
        out[rows[i]] = v;
        if (done) done[rows[i]] = 1;
      }
    }
    if (done) for (let r = 0; r < n; r++) if (done[r] === 0) out[r] = tree.value[leafOf(tree, this.train.X, r * F)];
    return tree;
  }

  close(): void {
    this.engine.close();
  }
}

/** Output of a tree for each row of X (row-major, F features). */
export function treeOutputs(tree: Tree, X: Float32Array, nRows: number, F: number, out: Float64Array): void {
  for (let r = 0; r < nRows; r++) out[r] = tree.value[leafOf(tree, X, r * F)];
}

export { deriveSeed, Rng as GbdtRng };
