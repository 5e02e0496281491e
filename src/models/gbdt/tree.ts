/**
 * A decision tree as flat node arrays (XGBoost's layout): node 0 is the root, a node is a leaf when
 * left[i] === -1. Numeric split: left when x < threshold, missing (NaN) to the default side.
 * Categorical split: left when the integer code is in the node's category set; missing and unseen
 * codes go right.
 */
export interface Tree {
  left: number[];
  right: number[];
  /** Split feature (-1 for leaves). */
  feature: number[];
  /** Numeric threshold (0 for leaves and categorical splits). */
  threshold: number[];
  defaultLeft: boolean[];
  /** Category codes going left for categorical splits, else null. */
  categories: (number[] | null)[];
  /** Leaf output (learning rate applied); for internal nodes, the output the node would have as a leaf. */
  value: number[];
  /** Gain of the split (0 for leaves). */
  gain: number[];
  /** Training rows reaching the node. */
  count: number[];
  /** Sum of hessians of the training rows reaching the node (XGBoost's "cover"). */
  hess: number[];
}

export function emptyTree(): Tree {
  return { left: [], right: [], feature: [], threshold: [], defaultLeft: [], categories: [], value: [], gain: [], count: [], hess: [] };
}

export function addNode(t: Tree, value: number, count: number, hess: number): number {
  t.left.push(-1);
  t.right.push(-1);
  t.feature.push(-1);
  t.threshold.push(0);
  t.defaultLeft.push(false);
  t.categories.push(null);
  t.value.push(value);
  t.gain.push(0);
  t.count.push(count);
  t.hess.push(hess);
  return t.left.length - 1;
}

export function numLeaves(t: Tree): number {
  let n = 0;
  for (let i = 0; i < t.left.length; i++) if (t.left[i] === -1) n++;
  return n;
}

export function treeDepth(t: Tree, node = 0): number {
  if (t.left[node] === -1) return 0;
  return 1 + Math.max(treeDepth(t, t.left[node]), treeDepth(t, t.right[node]));
}

/** Leaf reached by one row (row-major features starting at `base`). */
export function leafOf(t: Tree, X: ArrayLike<number>, base: number): number {
  let i = 0;
  while (t.left[i] !== -1) {
    const v = X[base + t.feature[i]];
    const cats = t.categories[i];
    let goLeft: boolean;
    if (cats) goLeft = v === v && cats.includes(v);
    else if (v !== v) goLeft = t.defaultLeft[i];
    else goLeft = v < t.threshold[i];
    i = goLeft ? t.left[i] : t.right[i];
  }
  return i;
}

/**
 * All trees packed into typed arrays for fast batch prediction: one traversal loop over
 * contiguous memory, categorical sets as bitsets.
 */
export class PackedForest {
  readonly nTrees: number;
  private readonly roots: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  /** bit 0: default left; bit 1: categorical. */
  private readonly flags: Uint8Array;
  private readonly value: Float64Array;
  /** Categorical nodes: offset into `bits` (words), and word count. */
  private readonly catOffset: Int32Array;
  private readonly catWords: Int32Array;
  private readonly bits: Uint32Array;

  constructor(trees: readonly Tree[]) {
    this.nTrees = trees.length;
    let total = 0;
    let words = 0;
    for (const t of trees) {
      total += t.left.length;
      for (const c of t.categories) if (c) words += (c.length ? Math.floor(Math.max(...c) / 32) : 0) + 1;
    }
    this.roots = new Int32Array(trees.length);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.flags = new Uint8Array(total);
    this.value = new Float64Array(total);
    this.catOffset = new Int32Array(total);
    this.catWords = new Int32Array(total);
    this.bits = new Uint32Array(words);
    let base = 0;
    let w = 0;
    trees.forEach((t, k) => {
      this.roots[k] = base;
      for (let i = 0; i < t.left.length; i++) {
        const j = base + i;
        this.left[j] = t.left[i] === -1 ? -1 : base + t.left[i];
        this.right[j] = t.right[i] === -1 ? -1 : base + t.right[i];
        this.feature[j] = t.feature[i];
        this.threshold[j] = t.threshold[i];
        this.value[j] = t.value[i];
        const cats = t.categories[i];
        this.flags[j] = (t.defaultLeft[i] ? 1 : 0) | (cats ? 2 : 0);
        if (cats) {
          const nw = (cats.length ? Math.floor(Math.max(...cats) / 32) : 0) + 1;
          this.catOffset[j] = w;
          this.catWords[j] = nw;
          for (const c of cats) this.bits[w + (c >>> 5)] |= 1 << (c & 31);
          w += nw;
        }
      }
      base += t.left.length;
    });
  }

  /** Whether any split of tree k reads feature f. */
  treeUses(k: number, f: number): boolean {
    const end = k + 1 < this.nTrees ? this.roots[k + 1] : this.left.length;
    for (let i = this.roots[k]; i < end; i++) if (this.left[i] !== -1 && this.feature[i] === f) return true;
    return false;
  }

  /**
   * Adds the outputs of trees [from, to) with tree k feeding output (k % nOutputs) into
   * out ([output][row]).
   */
  addPredictions(X: Float32Array, nRows: number, nFeatures: number, out: Float64Array, nOutputs: number, from = 0, to = this.nTrees): void {
    const { left, right, feature, threshold, flags, value, catOffset, catWords, bits } = this;
    for (let k = from; k < to; k++) {
      const root = this.roots[k];
      const o = (k % nOutputs) * nRows;
      for (let r = 0; r < nRows; r++) {
        const base = r * nFeatures;
        let i = root;
        while (left[i] !== -1) {
          const v = X[base + feature[i]];
          const fl = flags[i];
          let goLeft: boolean;
          if ((fl & 2) === 0) goLeft = v === v ? v < threshold[i] : (fl & 1) === 1;
          else if (v === v && v >= 0 && v === Math.floor(v)) {
            const word = v >>> 5;
            goLeft = word < catWords[i] && (bits[catOffset[i] + word] & (1 << (v & 31))) !== 0;
          } else goLeft = false;
          i = goLeft ? left[i] : right[i];
        }
        out[o + r] += value[i];
      }
    }
  }
}
