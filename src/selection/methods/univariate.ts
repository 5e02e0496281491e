/**
 * Univariate tests with false-discovery control: each feature alone against the fitted target,
 * one p-value per feature, Benjamini–Yekutieli q-values across features.
 *
 * The statistic is the rank IC (Spearman across the symbols of each timestamp, averaged over time;
 * with too few symbols for a cross-section, the pooled rank correlation within each block), and its
 * t-statistic comes from the spread of the IC across contiguous blocks of time, each at least two
 * label windows long (the leakage pre-scan's blocks). Overlapping labels make neighbouring
 * timestamps nearly copies of each other, so a t-test over timestamps would overstate the evidence
 * by about the square root of the window; block means are close to independent. The rank IC is
 * scale-free and untouched by fat tails, which a regression t-test on raw values is not.
 *
 * Benjamini–Yekutieli (not Benjamini–Hochberg) because the features' tests are dependent in
 * unknown ways (families of momentum windows, volatility estimators): BY controls the FDR under
 * any dependence, at the price of the harmonic factor c(m) = 1 + 1/2 + ... + 1/m.
 *
 * Cells: the union of the folds' training cells (the cells a model of this target may learn from).
 */
import { z } from "zod";
import { blockCount, MIN_BLOCKS, MIN_CROSS_SECTION } from "../../leakage/association.js";
import { CorrelationScratch, spearmanScratch } from "../../validation/metrics/index.js";
import type { MethodContext, MethodResult } from "../method.js";
import type { CvData } from "../../training/cv-data.js";
import { adjustPValues } from "../multiple-testing.js";

export const univariateParamsSchema = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.1).describe("false discovery rate of the Benjamini–Yekutieli procedure: features with q <= alpha pass"),
  blocks: z
    .union([z.literal("auto"), z.number().int().min(MIN_BLOCKS).max(1000)])
    .default("auto")
    .describe('contiguous blocks of time for the t-statistic; "auto" = about 20, each at least two label windows and ten bars long'),
  score: z
    .enum(["neg_log10_q", "one_minus_q"])
    .default("neg_log10_q")
    .describe("importance from the q-value: -log10(q) keeps ordering strong features apart; 1 - q saturates at 1"),
});
export type UnivariateParams = z.output<typeof univariateParamsSchema>;

export async function univariateMethod(ctx: MethodContext): Promise<MethodResult> {
  const p = univariateParamsSchema.parse(ctx.params);
  const { data, features } = ctx;
  const r = univariateTests(ctx, p.blocks);
  const q = r.q;
  const scores: Record<string, number> = {};
  const passed: string[] = [];
  const rec = (a: Float64Array) => Object.fromEntries(features.map((n, f) => [n, Number.isFinite(a[f]) ? a[f] : null]));
  for (let f = 0; f < features.length; f++) {
    const qf = q[f];
    scores[features[f]] = !Number.isFinite(qf) ? 0 : p.score === "one_minus_q" ? 1 - qf : Math.max(0, -Math.log10(Math.max(qf, 1e-300)));
    if (qf <= p.alpha) passed.push(features[f]);
  }
  if (passed.length === 0) ctx.log?.info("univariate: no feature passes the false-discovery test", { alpha: p.alpha, target: data.target.name });
  return {
    scores,
    details: {
      statistic: r.statistic,
      blocks: r.blocks,
      alpha: p.alpha,
      ic: rec(r.ic),
      t: rec(r.t),
      p: rec(r.p),
      q: rec(q),
      passed,
    },
  };
}

export interface UnivariateTests {
  statistic: string;
  blocks: number;
  /** Per feature (ctx.features order): mean rank IC, its block t-statistic, two-sided p, BY q. */
  ic: Float64Array;
  t: Float64Array;
  p: Float64Array;
  q: Float64Array;
}

const testCache = new WeakMap<CvData, WeakMap<object, Map<string, UnivariateTests>>>();

/**
 * Every feature's rank IC with the fitted target on the training cells and its t-test across
 * blocks of time (see the file's comment); also used by the significance gate. The same data,
 * grids, features and blocks give the same (shared, read-only) result while the CvData lives.
 */
export function univariateTests(ctx: Pick<MethodContext, "data" | "features" | "grids" | "signal">, blocks: UnivariateParams["blocks"]): UnivariateTests {
  let byGrids = testCache.get(ctx.data);
  if (byGrids === undefined) testCache.set(ctx.data, (byGrids = new WeakMap()));
  let map = byGrids.get(ctx.grids);
  if (map === undefined) byGrids.set(ctx.grids, (map = new Map()));
  const key = JSON.stringify([blocks, ctx.features]);
  let hit = map.get(key);
  if (hit === undefined) map.set(key, (hit = univariateTestsNow(ctx, blocks)));
  return hit;
}

function univariateTestsNow(ctx: Pick<MethodContext, "data" | "features" | "grids" | "signal">, blocks: UnivariateParams["blocks"]): UnivariateTests {
  const { data, features, grids } = ctx;
  const { T, S } = data;
  const mask = trainingMask(data);
  const crossSection = S >= MIN_CROSS_SECTION && data.task.metric !== "rank_correlation";
  const times: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      if (mask[t * S + s]) {
        times.push(t);
        break;
      }
    }
  }
  const nb = blocks === "auto" ? blockCount(times.length, data.target.window) : Math.min(blocks, times.length);
  if (nb < MIN_BLOCKS) {
    throw new Error(`univariate: ${times.length} training timestamps make ${nb} blocks of time; the t-test needs at least ${MIN_BLOCKS}`);
  }
  const blockOf = new Int32Array(T).fill(-1);
  for (let i = 0; i < times.length; i++) blockOf[times[i]] = Math.min(nb - 1, Math.floor((i * nb) / times.length));

  const F = features.length;
  const ic = new Float64Array(F);
  const tStat = new Float64Array(F);
  const pValue = new Float64Array(F);
  const scratch = new CorrelationScratch(crossSection ? S : maxBlockCells(mask, blockOf, T, S, nb));
  const blockSum = new Float64Array(nb);
  const blockN = new Float64Array(nb);
  for (let f = 0; f < F; f++) {
    if (ctx.signal?.aborted) throw new Error("aborted");
    const g = grids.get(features[f]);
    if (g === undefined) throw new Error(`univariate: feature "${features[f]}" has no grid`);
    const r = crossSection ? blockIcCross(g, data.fitY, mask, times, blockOf, S, scratch, blockSum, blockN) : blockIcPooled(g, data.fitY, mask, blockOf, T, S, nb, scratch, blockSum, blockN);
    ic[f] = r;
    tStat[f] = blockT(blockSum, blockN);
    pValue[f] = studentTTwoSided(tStat[f], countBlocks(blockN) - 1);
  }
  return {
    statistic: crossSection ? "cross-sectional rank IC, t across time blocks" : "pooled rank correlation per time block, t across blocks",
    blocks: nb,
    ic,
    t: tStat,
    p: pValue,
    q: benjaminiYekutieli(pValue),
  };
}

/**
 * Rank IC per timestamp, accumulated into its block. Returns the mean IC over the timestamps that
 * have one; blockSum / blockN receive the per-block sums and counts.
 */
function blockIcCross(
  g: Float32Array,
  y: Float64Array,
  mask: Uint8Array,
  times: readonly number[],
  blockOf: Int32Array,
  S: number,
  sc: CorrelationScratch,
  blockSum: Float64Array,
  blockN: Float64Array,
): number {
  blockSum.fill(0);
  blockN.fill(0);
  let sum = 0;
  let n = 0;
  for (const t of times) {
    let m = 0;
    for (let s = 0, c = t * S; s < S; s++, c++) {
      if (!mask[c]) continue;
      const x = g[c];
      const v = y[c];
      if (x === x && v === v) {
        sc.x[m] = x;
        sc.y[m] = v;
        m++;
      }
    }
    if (m < MIN_CROSS_SECTION) continue;
    const r = spearmanScratch(sc, m);
    if (!(r === r)) continue;
    blockSum[blockOf[t]] += r;
    blockN[blockOf[t]]++;
    sum += r;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/** Pooled rank correlation within each block (panels with too few symbols for a cross-section). */
function blockIcPooled(
  g: Float32Array,
  y: Float64Array,
  mask: Uint8Array,
  blockOf: Int32Array,
  T: number,
  S: number,
  nb: number,
  sc: CorrelationScratch,
  blockSum: Float64Array,
  blockN: Float64Array,
): number {
  blockSum.fill(0);
  blockN.fill(0);
  let sum = 0;
  let n = 0;
  let t = 0;
  for (let b = 0; b < nb; b++) {
    let m = 0;
    while (t < T && (blockOf[t] === b || blockOf[t] < 0)) {
      for (let s = 0, c = t * S; s < S; s++, c++) {
        if (!mask[c]) continue;
        const x = g[c];
        const v = y[c];
        if (x === x && v === v) {
          sc.x[m] = x;
          sc.y[m] = v;
          m++;
        }
      }
      t++;
    }
    if (m < MIN_CROSS_SECTION) continue;
    const r = spearmanScratch(sc, m);
    if (!(r === r)) continue;
    blockSum[b] = r;
    blockN[b] = 1;
    sum += r;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/** 1 on the cells some fold trains on. */
export function trainingMask(data: CvData): Uint8Array {
  const mask = new Uint8Array(data.T * data.S);
  for (const cells of data.train) for (const c of cells) mask[c] = 1;
  return mask;
}

function maxBlockCells(mask: Uint8Array, blockOf: Int32Array, T: number, S: number, nb: number): number {
  const count = new Int32Array(nb);
  for (let t = 0; t < T; t++) {
    if (blockOf[t] < 0) continue;
    for (let s = 0; s < S; s++) if (mask[t * S + s]) count[blockOf[t]]++;
  }
  return Math.max(1, ...count);
}

function countBlocks(blockN: Float64Array): number {
  let k = 0;
  for (const n of blockN) if (n > 0) k++;
  return k;
}

/** t-statistic of the mean of the block means against 0 (NaN with fewer than MIN_BLOCKS blocks). */
function blockT(blockSum: Float64Array, blockN: Float64Array): number {
  let k = 0;
  let sum = 0;
  for (let b = 0; b < blockSum.length; b++) {
    if (blockN[b] === 0) continue;
    sum += blockSum[b] / blockN[b];
    k++;
  }
  if (k < MIN_BLOCKS) return NaN;
  const mean = sum / k;
  let ss = 0;
  for (let b = 0; b < blockSum.length; b++) if (blockN[b] > 0) ss += (blockSum[b] / blockN[b] - mean) ** 2;
  const sd = Math.sqrt(ss / (k - 1));
  if (sd === 0) return mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
  return mean / (sd / Math.sqrt(k));
}

/**
 * Benjamini–Yekutieli adjusted p-values (q-values), as statsmodels' multipletests(method="fdr_by"):
 * q_(i) = min over j >= i of min(1, m c(m) p_(j) / j), c(m) = sum_{k<=m} 1/k. Non-finite p-values
 * are not tests: they are left out of m and get NaN.
 */
export function benjaminiYekutieli(p: ArrayLike<number>): Float64Array {
  return adjustPValues(p, "fdr_by");
}

/** Two-sided p-value of a Student t statistic with `df` degrees of freedom: P(|T| >= |t|). */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(df) || df <= 0 || Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** Natural log of the gamma function (Lanczos, g = 7, n = 9; ~15 significant digits for x > 0). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  x -= 1;
  let a = c[0];
  const tt = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(tt) - tt + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(1 - x, b, a);
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = i >> 1;
    let num: number;
    if (i === 0) num = 1;
    else if (i % 2 === 0) num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-15) break;
  }
  return (front * (f - 1)) / a;
}
