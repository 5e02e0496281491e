import type { Tree } from "./tree.js";

/**
 * TreeSHAP (Lundberg et al., "Consistent individualized feature attribution for tree ensembles",
 * algorithm 2): exact Shapley values of one tree's output for one row in polynomial time, with node
 * covers (hessian sums, as XGBoost) as the background distribution. Adds each feature's value into
 * phi[feature] and the tree's expected output into phi[nFeatures].
 */

interface PathElem {
  feature: number;
  zero: number;
  one: number;
  weight: number;
}

export function treeShap(t: Tree, X: ArrayLike<number>, base: number, phi: Float64Array, nFeatures: number): void {
  phi[nFeatures] += expectedValue(t, 0);
  if (t.left[0] === -1) return;
  recurse(t, X, base, phi, 0, [], 1, 1, -1);
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

function recurse(t: Tree, X: ArrayLike<number>, base: number, phi: Float64Array, node: number, parentPath: PathElem[], zero: number, one: number, feature: number): void {
  const path = parentPath.map((e) => ({ ...e }));
  extend(path, zero, one, feature);
  if (t.left[node] === -1) {
    const d = path.length - 1;
    for (let i = 1; i <= d; i++) {
      const w = unwoundSum(path, i);
      const e = path[i];
      phi[e.feature] += w * (e.one - e.zero) * t.value[node];
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
  const k = path.findIndex((e, i) => i > 0 && e.feature === f);
  if (k > 0) {
    inZero = path[k].zero;
    inOne = path[k].one;
    unwind(path, k);
  }
  const hotFrac = cover > 0 ? t.hess[hot] / cover : 0.5;
  const coldFrac = cover > 0 ? t.hess[cold] / cover : 0.5;
  recurse(t, X, base, phi, hot, path, hotFrac * inZero, inOne, f);
  recurse(t, X, base, phi, cold, path, coldFrac * inZero, 0, f);
}

function extend(path: PathElem[], zero: number, one: number, feature: number): void {
  const d = path.length;
  path.push({ feature, zero, one, weight: d === 0 ? 1 : 0 });
  for (let i = d - 1; i >= 0; i--) {
    path[i + 1].weight += (one * path[i].weight * (i + 1)) / (d + 1);
    path[i].weight = (zero * path[i].weight * (d - i)) / (d + 1);
  }
}

function unwind(path: PathElem[], i: number): void {
  const d = path.length - 1;
  const { one, zero } = path[i];
  let next = path[d].weight;
  for (let j = d - 1; j >= 0; j--) {
    if (one !== 0) {
      const tmp = path[j].weight;
      path[j].weight = (next * (d + 1)) / ((j + 1) * one);
      next = tmp - (path[j].weight * zero * (d - j)) / (d + 1);
    } else {
      path[j].weight = (path[j].weight * (d + 1)) / (zero * (d - j));
    }
  }
  for (let j = i; j < d; j++) {
    path[j].feature = path[j + 1].feature;
    path[j].zero = path[j + 1].zero;
    path[j].one = path[j + 1].one;
  }
  path.pop();
}

function unwoundSum(path: PathElem[], i: number): number {
  const d = path.length - 1;
  const { one, zero } = path[i];
  let next = path[d].weight;
  let total = 0;
  for (let j = d - 1; j >= 0; j--) {
    if (one !== 0) {
      const tmp = (next * (d + 1)) / ((j + 1) * one);
      total += tmp;
      next = path[j].weight - (tmp * zero * (d - j)) / (d + 1);
    } else if (zero !== 0) {
      total += path[j].weight / zero / ((d - j) / (d + 1));
    }
  }
  return total;
}
