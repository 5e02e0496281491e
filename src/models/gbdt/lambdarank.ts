import { InputError } from "../../util/errors.js";

/**
 * LambdaRank with NDCG (LightGBM's formulation): within each query group (for a quant, each
 * timestamp's cross-section of symbols), every pair with different relevance pushes the scores
 * apart by the logistic pairwise loss, weighted by how much swapping the pair would change NDCG.
 */

export const MAX_RELEVANCE = 31;

/** Start offsets of the contiguous groups plus a final n; errors if a group id comes back later. */
export function groupBounds(group: Int32Array, where = "data"): Int32Array {
  const starts: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < group.length; i++) {
    if (i === 0 || group[i] !== group[i - 1]) {
      if (seen.has(group[i])) {
        throw new InputError(`${where}: group ${group[i]} is not contiguous (it comes back at row ${i})`, "sort rows by group (timestamp) so each group's rows are together");
      }
      seen.add(group[i]);
      starts.push(i);
    }
  }
  starts.push(group.length);
  return Int32Array.from(starts);
}

export function checkRankingLabels(y: Float64Array, where: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] > MAX_RELEVANCE) {
      throw new InputError(`${where}: objective lambdarank needs integer relevance grades 0..${MAX_RELEVANCE}, row ${i} has ${y[i]}`, "bucket a continuous target into grades first (e.g. per-timestamp quantiles)");
    }
  }
}

const gain = (label: number): number => 2 ** label - 1;
const discount = (pos: number): number => 1 / Math.log2(2 + pos);

/** discount(p) for p < n and gain(g) for every grade, computed once per call (the same doubles: the pair loop's results are unchanged). */
export function discountTable(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let p = 0; p < n; p++) t[p] = discount(p);
  return t;
}
export const GAINS = Float64Array.from({ length: MAX_RELEVANCE + 1 }, (_, g) => gain(g));

/** Ideal DCG at k of a group's labels. */
export function maxDcgAt(y: Float64Array, start: number, end: number, k: number): number {
  const labels = Array.from(y.subarray(start, end)).sort((a, b) => b - a);
  let dcg = 0;
  for (let p = 0; p < Math.min(k, labels.length); p++) dcg += gain(labels[p]) * discount(p);
  return dcg;
}

/** The straightforward form: the test oracle of LambdarankGradients (lambdarank-fast.ts), which training uses. */
export function lambdarankGradients(score: Float64Array, y: Float64Array, w: Float64Array | undefined, group: Int32Array, truncation: number, g: Float64Array, h: Float64Array): void {
  const bounds = groupBounds(group);
  g.fill(0, 0, y.length);
  h.fill(0, 0, y.length);
  let order = new Int32Array(0);
  let maxCnt = 0;
  for (let q = 0; q + 1 < bounds.length; q++) maxCnt = Math.max(maxCnt, bounds[q + 1] - bounds[q]);
  const disc = discountTable(maxCnt);
  for (let q = 0; q + 1 < bounds.length; q++) {
    const start = bounds[q];
    const cnt = bounds[q + 1] - start;
    if (cnt < 2) continue;
    const maxDcg = maxDcgAt(y, start, start + cnt, truncation);
    if (maxDcg <= 0) continue;
    const invMaxDcg = 1 / maxDcg;
    if (order.length < cnt) order = new Int32Array(cnt);
    const ord = order.subarray(0, cnt);
    for (let i = 0; i < cnt; i++) ord[i] = start + i;
    ord.sort((a, b) => score[b] - score[a] || a - b);
    const best = score[ord[0]];
    const worst = score[ord[cnt - 1]];
    let sumLambdas = 0;
    const top = Math.min(cnt - 1, truncation);
    for (let i = 0; i < top; i++) {
      const a = ord[i];
      const ya = y[a];
      const di = disc[i];
      for (let j = i + 1; j < cnt; j++) {
        const b = ord[j];
        const yb = y[b];
        if (ya === yb) continue;
        const aHigh = ya > yb;
        const hi = aHigh ? a : b;
        const lo = aHigh ? b : a;
        const ds = score[hi] - score[lo];
        let dNdcg = (GAINS[aHigh ? ya : yb] - GAINS[aHigh ? yb : ya]) * Math.abs(di - disc[j]) * invMaxDcg;
        // Pairs already far apart matter less (LightGBM's lambdarank_norm).
        if (best !== worst) dNdcg /= 0.01 + Math.abs(ds);
        const pl = 1 / (1 + Math.exp(ds));
        const ph = pl * (1 - pl);
        const lambda = -pl * dNdcg;
        const hess = ph * dNdcg;
        g[hi] += lambda;
        h[hi] += hess;
        g[lo] -= lambda;
        h[lo] += hess;
        sumLambdas -= 2 * lambda;
      }
    }
    if (sumLambdas > 0) {
      const norm = Math.log2(1 + sumLambdas) / sumLambdas;
      for (let i = start; i < start + cnt; i++) {
        g[i] *= norm;
        h[i] *= norm;
      }
    }
  }
  for (let i = 0; i < y.length; i++) {
    h[i] = Math.max(h[i], 1e-16);
    if (w) {
      g[i] *= w[i];
      h[i] *= w[i];
    }
  }
}

/** Mean NDCG@k over groups (groups with no relevant row count as 1, as LightGBM does). */
export function ndcgAt(pred: Float64Array, y: Float64Array, group: Int32Array, k: number): number {
  const bounds = groupBounds(group);
  let sum = 0;
  let nq = 0;
  for (let q = 0; q + 1 < bounds.length; q++) {
    const start = bounds[q];
    const end = bounds[q + 1];
    const maxDcg = maxDcgAt(y, start, end, k);
    nq++;
    if (maxDcg <= 0) {
      sum += 1;
      continue;
    }
    const ord: number[] = [];
    for (let i = start; i < end; i++) ord.push(i);
    ord.sort((a, b) => pred[b] - pred[a] || a - b);
    let dcg = 0;
    for (let p = 0; p < Math.min(k, ord.length); p++) dcg += gain(y[ord[p]]) * discount(p);
    sum += dcg / maxDcg;
  }
  return nq > 0 ? sum / nq : 0;
}
