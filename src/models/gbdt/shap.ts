import { treeDepth, type Tree } from "./tree.js";

/**
 * TreeSHAP (Lundberg et al., "Consistent individualized feature attribution for tree ensembles",
 * algorithm 2): exact Shapley values of one tree's output for one row in polynomial time, with node
 * covers (hessian sums, as XGBoost) as the background distribution. The unique-feature paths live in
 * flat typed arrays, one segment per recursion level, so nothing is allocated per node.
 */
export class TreeShapper {
  private feat = new Int32Array(0);
  private zero = new Float64Array(0);
  private one = new Float64Array(0);
  private w = new Float64Array(0);
  private readonly cache = new Map<Tree, { expected: number; depth: number }>();

  /** Adds each feature's contribution into phi[feature] and the tree's expected output into phi[nFeatures]. */
  explain(t: Tree, X: ArrayLike<number>, base: number, phi: Float64Array, nFeatures: number): void {
    let c = this.cache.get(t);
    if (c === undefined) {
      c = { expected: expectedValue(t, 0), depth: treeDepth(t) };
      this.cache.set(t, c);
    }
    phi[nFeatures] += c.expected;
    if (t.left[0] === -1) return;
    const D = c.depth + 2;
    const need = ((D + 1) * (D + 2)) / 2;
    if (this.feat.length < need) {
      this.feat = new Int32Array(need);
      this.zero = new Float64Array(need);
      this.one = new Float64Array(need);
      this.w = new Float64Array(need);
    }
    this.recurse(t, X, base, phi, 0, 0, 0, 1, 1, -1);
  }

  private recurse(t: Tree, X: ArrayLike<number>, base: number, phi: Float64Array, node: number, p: number, d: number, zero: number, one: number, feature: number): void {
    this.extend(p, d, zero, one, feature);
    if (t.left[node] === -1) {
      const v = t.value[node];
      for (let i = 1; i <= d; i++) {
        const s = this.unwoundSum(p, d, i);
        phi[this.feat[p + i]] += s * (this.one[p + i] - this.zero[p + i]) * v;
      }
      return;
    }
    const f = t.feature[node];
    const left = t.left[node];
    const right = t.right[node];
    const hot = goesLeft(t, node, X[base + f]) ? left : right;
    const cold = hot === left ? right : left;
    const cover = t.hess[left] + t.hess[right];
    let inZero = 1;
    let inOne = 1;
    let k = 1;
    while (k <= d && this.feat[p + k] !== f) k++;
    if (k <= d) {
      inZero = this.zero[p + k];
      inOne = this.one[p + k];
      this.unwind(p, d, k);
      d--;
    }
    const hotFrac = cover > 0 ? t.hess[hot] / cover : 0.5;
    const coldFrac = cover > 0 ? t.hess[cold] / cover : 0.5;
    const q = p + d + 1;
    this.copy(p, q, d + 1);
    this.recurse(t, X, base, phi, hot, q, d + 1, hotFrac * inZero, inOne, f);
    this.copy(p, q, d + 1);
    this.recurse(t, X, base, phi, cold, q, d + 1, coldFrac * inZero, 0, f);
  }

  private copy(from: number, to: number, n: number): void {
    this.feat.copyWithin(to, from, from + n);
    this.zero.copyWithin(to, from, from + n);
    this.one.copyWithin(to, from, from + n);
    this.w.copyWithin(to, from, from + n);
  }

  private extend(p: number, d: number, zero: number, one: number, feature: number): void {
    const w = this.w;
    this.feat[p + d] = feature;
    this.zero[p + d] = zero;
    this.one[p + d] = one;
    w[p + d] = d === 0 ? 1 : 0;
    for (let i = d - 1; i >= 0; i--) {
      w[p + i + 1] += (one * w[p + i] * (i + 1)) / (d + 1);
      w[p + i] = (zero * w[p + i] * (d - i)) / (d + 1);
    }
  }

  private unwind(p: number, d: number, i: number): void {
    const w = this.w;
    const one = this.one[p + i];
    const zero = this.zero[p + i];
    let next = w[p + d];
    for (let j = d - 1; j >= 0; j--) {
      if (one !== 0) {
        const tmp = w[p + j];
        w[p + j] = (next * (d + 1)) / ((j + 1) * one);
        next = tmp - (w[p + j] * zero * (d - j)) / (d + 1);
      } else {
        w[p + j] = (w[p + j] * (d + 1)) / (zero * (d - j));
      }
    }
    for (let j = i; j < d; j++) {
      this.feat[p + j] = this.feat[p + j + 1];
      this.zero[p + j] = this.zero[p + j + 1];
      this.one[p + j] = this.one[p + j + 1];
    }
  }

  private unwoundSum(p: number, d: number, i: number): number {
    const w = this.w;
    const one = this.one[p + i];
    const zero = this.zero[p + i];
    let next = w[p + d];
    let total = 0;
    for (let j = d - 1; j >= 0; j--) {
      if (one !== 0) {
        const tmp = (next * (d + 1)) / ((j + 1) * one);
        total += tmp;
        next = w[p + j] - (tmp * zero * (d - j)) / (d + 1);
      } else if (zero !== 0) {
        total += w[p + j] / zero / ((d - j) / (d + 1));
      }
    }
    return total;
  }
}

function expectedValue(t: Tree, node: number): number {
  if (t.left[node] === -1) return t.value[node];
  const l = t.left[node];
  const r = t.right[node];
  const c = t.hess[l] + t.hess[r];
  if (!(c > 0)) return (expectedValue(t, l) + expectedValue(t, r)) / 2;
  return (t.hess[l] * expectedValue(t, l) + t.hess[r] * expectedValue(t, r)) / c;
}

function goesLeft(t: Tree, node: number, v: number): boolean {
  const cats = t.categories[node];
  if (cats) return v === v && cats.includes(v);
  if (v !== v) return t.defaultLeft[node];
  return v < t.threshold[node];
}
