/** Test oracle: a frozen copy of the tree learner as of 2026-12-07 (before the WebAssembly kernels); the fast learner must grow the same trees. */
import type { FeatureBins } from "../../../../src/models/gbdt/binning.js";
import { subtractHistogram, type PackedCodes } from "./histogram.js";
import type { Rng } from "../../../../src/models/gbdt/rng.js";
import { bestCategoricalSplit, bestNumericSplit, emptyCandidate, leafGain, leafOutput, type NodeSums, type SplitCandidate, type SplitConfig } from "./split.js";
import { addNode, emptyTree, type Tree } from "../../../../src/models/gbdt/tree.js";

/**
 * Grows one tree on binned data: leaf-wise (best gain first, up to num_leaves, LightGBM) or
 * depth-wise (level by level, XGBoost). Rows of each leaf stay contiguous in `rows` (partitioned in
 * place, stable, so each leaf's rows stay in ascending order for cache-friendly reads). A split
 * builds the histogram of its smaller child only; the larger child's is the parent's minus it.
 */

export interface BinnedTrainData {
  /** Bin codes, row-major and packed (see histogram.ts). */
  readonly matrix: PackedCodes;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly bins: readonly FeatureBins[];
  /** Start of each feature's bins in a histogram. */
  readonly offsets: Int32Array;
  readonly nBinsOf: Int32Array;
  readonly totalBins: number;
}

/** Where histograms are built: on this thread, or split by feature across worker threads. */
export interface HistogramEngine {
  /** Row indices, partitioned by the learner; shared with workers. */
  readonly rows: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly nSlots: number;
  slot(i: number): Float64Array;
  /** Histogram of rows[start, start+count) over features[0, nFeatures) into slot. */
  build(slot: number, start: number, count: number, features: Int32Array, nFeatures: number): void;
  /**
   * Optional multi-threaded stable partition; returns the left count, or -1 to let the learner
   * partition on its own thread. Must give exactly the single-thread result.
   */
  partition?(start: number, count: number, feature: number, thresholdBin: number, missBin: number, defaultLeft: boolean, catBins: Int32Array | null): number;
}

export interface GrowOptions {
  policy: "leafwise" | "depthwise";
  numLeaves: number;
  /** <= 0: no limit. */
  maxDepth: number;
  learningRate: number;
  split: SplitConfig;
  featureFractionByNode: number;
  extraTrees: boolean;
  /** Hessian sums are exact row counts (unit hessians, no weights). */
  exactCounts: boolean;
}

/** Seconds spent per phase, accumulated over a training run (for profiles; timing costs ~0.1 us per node). */
export interface PhaseTimes {
  histograms: number;
  splits: number;
  partition: number;
}

export function newPhaseTimes(): PhaseTimes {
  return { histograms: 0, splits: 0, partition: 0 };
}

export interface GrownTree {
  tree: Tree;
  /** Per leaf node: its rows are rows[start, start+count). */
  leafNodes: number[];
  leafStart: number[];
  leafCount: number[];
}

interface Leaf {
  node: number;
  start: number;
  count: number;
  sums: NodeSums;
  depth: number;
  slot: number;
  best: SplitCandidate | null;
}

export class TreeLearner {
  private readonly scratch: Int32Array;
  private readonly free: number[] = [];

  readonly times: PhaseTimes = newPhaseTimes();

  constructor(
    private readonly data: BinnedTrainData,
    private readonly opts: GrowOptions,
    private readonly engine: HistogramEngine,
  ) {
    this.scratch = new Int32Array(data.nRows);
  }

  /**
   * Grows a tree on the bag (ascending row indices; null = all rows) with gradients already in
   * engine.grad/hess. `treeFeatures` (ascending) are the features this tree may use.
   */
  grow(bag: Int32Array | null, treeFeatures: Int32Array, rng: Rng): GrownTree {
    const { engine, opts } = this;
    const rows = engine.rows;
    const m = bag ? bag.length : this.data.nRows;
    if (bag) rows.set(bag);
    else for (let i = 0; i < m; i++) rows[i] = i;
    this.free.length = 0;
    for (let s = engine.nSlots - 1; s >= 0; s--) this.free.push(s);

    let g = 0;
    let h = 0;
    for (let i = 0; i < m; i++) {
      g += engine.grad[rows[i]];
      h += engine.hess[rows[i]];
    }
    const tree = emptyTree();
    const rootNode = addNode(tree, leafOutput(g, h, opts.split) * opts.learningRate, m, h);
    const root: Leaf = { node: rootNode, start: 0, count: m, sums: { g, h, n: m }, depth: 0, slot: -1, best: null };
    const leaves: Leaf[] = [root];
    if (this.canSplit(root)) {
      root.slot = this.takeSlot();
      this.build(root.slot, 0, m, treeFeatures);
      root.best = this.findBest(root, treeFeatures, rng);
    }
    let nLeaves = 1;
    while (nLeaves < opts.numLeaves) {
      const k = this.pick(leaves);
      if (k < 0) break;
      const leaf = leaves[k];
      const [l, r] = this.split(tree, leaf, treeFeatures, rng);
      leaves[k] = l;
      leaves.push(r);
      nLeaves++;
    }
    for (const leaf of leaves) if (leaf.slot >= 0) this.free.push(leaf.slot);
    const order = leaves.slice().sort((a, b) => a.node - b.node);
    return { tree, leafNodes: order.map((x) => x.node), leafStart: order.map((x) => x.start), leafCount: order.map((x) => x.count) };
  }

  private canSplit(leaf: Leaf): boolean {
    const { opts } = this;
    if (opts.maxDepth > 0 && leaf.depth >= opts.maxDepth) return false;
    return leaf.count >= 2 * opts.split.minDataInLeaf && leaf.sums.h >= 2 * opts.split.minSumHessian;
  }

  private pick(leaves: Leaf[]): number {
    let best = -1;
    for (let k = 0; k < leaves.length; k++) {
      const b = leaves[k].best;
      if (!b) continue;
      if (best < 0) {
        best = k;
        continue;
      }
      const cur = leaves[best];
      if (this.opts.policy === "leafwise") {
        if (b.gain > cur.best!.gain || (b.gain === cur.best!.gain && leaves[k].node < cur.node)) best = k;
      } else if (leaves[k].depth < cur.depth || (leaves[k].depth === cur.depth && leaves[k].node < cur.node)) best = k;
    }
    return best;
  }

  private takeSlot(): number {
    const s = this.free.pop();
    return s === undefined ? -1 : s;
  }

  private split(tree: Tree, leaf: Leaf, treeFeatures: Int32Array, rng: Rng): [Leaf, Leaf] {
    const { opts, engine, data } = this;
    const s = leaf.best!;
    const fb = data.bins[s.feature];
    const nl = this.partition(leaf, s);
    const nr = leaf.count - nl;
    const lr = opts.learningRate;
    const ln = addNode(tree, leafOutput(s.left.g, s.left.h, opts.split) * lr, nl, s.left.h);
    const rn = addNode(tree, leafOutput(s.right.g, s.right.h, opts.split) * lr, nr, s.right.h);
    const p = leaf.node;
    tree.left[p] = ln;
    tree.right[p] = rn;
    tree.feature[p] = s.feature;
    tree.gain[p] = s.gain;
    if (fb.kind === "numeric") {
      tree.threshold[p] = fb.bounds[s.thresholdBin];
      tree.defaultLeft[p] = s.defaultLeft;
    } else {
      tree.categories[p] = Array.from(s.catBins!, (b) => fb.categories[b]).sort((a, b) => a - b);
      tree.defaultLeft[p] = false;
    }
    const left: Leaf = { node: ln, start: leaf.start, count: nl, sums: { ...s.left, n: nl }, depth: leaf.depth + 1, slot: -1, best: null };
    const right: Leaf = { node: rn, start: leaf.start + nl, count: nr, sums: { ...s.right, n: nr }, depth: leaf.depth + 1, slot: -1, best: null };
    const lOk = this.canSplit(left);
    const rOk = this.canSplit(right);
    const nf = treeFeatures.length;
    if (lOk || rOk) {
      const [small, large] = nl <= nr ? [left, right] : [right, left];
      if (leaf.slot >= 0) {
        small.slot = this.takeSlot();
        if (small.slot >= 0) {
          this.build(small.slot, small.start, small.count, treeFeatures);
          const t0 = performance.now();
          subtractHistogram(engine.slot(leaf.slot), engine.slot(small.slot), data.offsets, data.nBinsOf, treeFeatures, 0, nf);
          this.times.histograms += (performance.now() - t0) / 1000;
          large.slot = leaf.slot;
          leaf.slot = -1;
        }
      }
      for (const c of [small, large]) {
        if (c.slot < 0 && this.canSplit(c)) {
          c.slot = leaf.slot >= 0 ? leaf.slot : this.takeSlot();
          if (c.slot === leaf.slot) leaf.slot = -1;
          if (c.slot >= 0) this.build(c.slot, c.start, c.count, treeFeatures);
        }
      }
      for (const c of [left, right]) {
        if (c.slot >= 0 && this.canSplit(c)) c.best = this.findBest(c, treeFeatures, rng);
      }
    }
    if (leaf.slot >= 0) this.free.push(leaf.slot);
    // A child that cannot split any more gives its histogram back at once.
    for (const c of [left, right]) {
      if (c.slot >= 0 && !c.best) {
        this.free.push(c.slot);
        c.slot = -1;
      }
    }
    return [left, right];
  }

  private build(slot: number, start: number, count: number, features: Int32Array): void {
    const t0 = performance.now();
    this.engine.build(slot, start, count, features, features.length);
    this.times.histograms += (performance.now() - t0) / 1000;
  }

  /** Stable in-place partition of the leaf's rows; returns the left count. */
  private partition(leaf: Leaf, s: SplitCandidate): number {
    const t0 = performance.now();
    const nl = this.partitionRows(leaf, s);
    this.times.partition += (performance.now() - t0) / 1000;
    return nl;
  }

  private partitionRows(leaf: Leaf, s: SplitCandidate): number {
    if (this.engine.partition) {
      const fb = this.data.bins[s.feature];
      const nl = this.engine.partition(leaf.start, leaf.count, s.feature, s.thresholdBin, fb.nBins - 1, s.defaultLeft, s.catBins);
      if (nl >= 0) return nl;
    }
    const { matrix, nRows, bins } = this.data;
    const rows = this.engine.rows;
    const scratch = this.scratch;
    const f = s.feature;
    // This feature's codes: one field of its group's packed words.
    const g = Math.floor(f / matrix.pack);
    const word = matrix.packed.subarray(g * nRows, (g + 1) * nRows);
    const shift = (f - g * matrix.pack) * (32 / matrix.pack);
    const mask = matrix.pack === 4 ? 255 : 65535;
    const fb = bins[f];
    const miss = fb.nBins - 1;
    const end = leaf.start + leaf.count;
    let nl = 0;
    let nr = 0;
    // Branch-free: each row is written to both sides and only the matching cursor advances, so a
    // 50/50 split costs no branch mispredictions.
    const start = leaf.start;
    if (fb.kind === "numeric") {
      const t = s.thresholdBin;
      const missLeft = s.defaultLeft ? 1 : 0;
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const b = (word[r] >>> shift) & mask;
        // Arithmetic, not conditional: (b <= t) | (b === miss & missLeft); the missing bin is above t.
        const left = (((t - b) >>> 31) ^ 1) | ((((b ^ miss) - 1) >>> 31) & missLeft);
        rows[start + nl] = r;
        scratch[nr] = r;
        nl += left;
        nr += 1 - left;
      }
    } else {
      const goLeft = new Uint8Array(fb.nBins);
      for (const b of s.catBins!) goLeft[b] = 1;
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const left = goLeft[(word[r] >>> shift) & mask];
        rows[start + nl] = r;
        scratch[nr] = r;
        nl += left;
        nr += 1 - left;
      }
    }
    rows.set(scratch.subarray(0, nr), leaf.start + nl);
    return nl;
  }

  private findBest(leaf: Leaf, treeFeatures: Int32Array, rng: Rng): SplitCandidate | null {
    const t0 = performance.now();
    const best = this.findBestSplit(leaf, treeFeatures, rng);
    this.times.splits += (performance.now() - t0) / 1000;
    return best;
  }

  private findBestSplit(leaf: Leaf, treeFeatures: Int32Array, rng: Rng): SplitCandidate | null {
    const { opts, data } = this;
    const hist = this.engine.slot(leaf.slot);
    const sums = leaf.sums;
    const countFactor = opts.exactCounts ? 1 : sums.h > 0 ? sums.n / sums.h : 0;
    const parentGain = leafGain(sums.g, sums.h, opts.split);
    const best = emptyCandidate();
    let features = treeFeatures;
    if (opts.featureFractionByNode < 1) {
      const k = Math.max(1, Math.round(opts.featureFractionByNode * treeFeatures.length));
      const pick = rng.sampleSorted(treeFeatures.length, k);
      features = pick.map((i) => treeFeatures[i]);
    }
    for (let j = 0; j < features.length; j++) {
      const f = features[j];
      const fb = data.bins[f];
      if (fb.kind === "numeric") {
        const nb = fb.nBins - 1;
        if (nb < 2) continue;
        const only = opts.extraTrees ? rng.nextInt(nb - 1) : -1;
        bestNumericSplit(hist, data.offsets[f], fb, f, sums, countFactor, opts.split, parentGain, only, best);
      } else {
        const draw = opts.extraTrees ? rng.nextFloat() : -1;
        bestCategoricalSplit(hist, data.offsets[f], fb, f, sums, countFactor, opts.split, parentGain, draw, best);
      }
    }
    return best.feature >= 0 ? best : null;
  }
}
