/**
 * Mutual information between each feature and the fitted target, on a seeded subsample of each
 * fold's training cells, averaged over folds.
 *
 * Estimator: equal-frequency bins (a copula transform) with the Miller–Madow bias correction,
 * rather than the Kraskov k-nearest-neighbour estimator. Reasons:
 *  - cost: binning is O(n log n) per feature (one sort) and O(n) per pair, where KSG needs a
 *    neighbour search per row; tens of thousands of cells x dozens of features x folds stay well
 *    under a second;
 *  - robustness: equal-frequency bins see only ranks, so fat-tailed returns and outliers cannot
 *    move the estimate, and features with many ties (counts, flags, clipped values) are handled by
 *    giving tied values one bin, where KSG's distances break down on ties;
 *  - binary targets need no special case (the target simply has two bins);
 *  - what selection needs is the ordering of features, and every feature is binned alike; the
 *    binning bias that remains after Miller–Madow (~(cells - 1) / 2n) is the same order for all.
 * A missing feature value gets a bin of its own: missingness that tells about the target counts.
 *
 * For targets fitted as cross-sectional ranks, features are ranked across symbols per timestamp
 * too (by default): the target carries no information across time, and a feature's level moving
 * with the market would only blur its bins.
 */
import { z } from "zod";
import { crossSectionalRanks } from "../../leakage/association.js";
import { subsampleCells } from "../../validation/cells.js";
import { Rng } from "../../util/random.js";
import type { MethodContext, MethodResult } from "../method.js";

export const mutualInfoParamsSchema = z.strictObject({
  max_rows: z.number().int().min(200).default(20_000).describe("training cells per fold the estimate uses (seeded subsample)"),
  bins: z
    .union([z.literal("auto"), z.number().int().min(2).max(64)])
    .default("auto")
    .describe('equal-frequency bins per feature and per regression target; "auto" = 3 to 10, so each joint bin expects at least ~50 cells'),
  target_bins: z
    .number()
    .int()
    .min(2)
    .max(64)
    .default(2)
    .describe("equal-frequency bins of a regression target; 2 = above / below its median, so only information about the direction counts (more bins also reward features that merely predict how extreme the target is, e.g. volatility)"),
  feature_transform: z
    .enum(["auto", "cross_sectional_rank", "raw"])
    .default("auto")
    .describe("bin features by their rank across symbols per timestamp, or by their raw values; auto = cross-sectional rank when the target is fitted as one"),
});
export type MutualInfoParams = z.output<typeof mutualInfoParamsSchema>;

/** Fewest cells a fold needs for an estimate. */
const MIN_ROWS = 100;

export async function mutualInfoMethod(ctx: MethodContext): Promise<MethodResult> {
  const p = mutualInfoParamsSchema.parse(ctx.params);
  const { data, features, grids } = ctx;
  const { T, S } = data;
  const rankFeatures = p.feature_transform === "cross_sectional_rank" || (p.feature_transform === "auto" && data.task.fitTo === "cross_sectional_rank");
  const rng = new Rng(ctx.seed).fork("selection:mutual_info");
  const folds: Array<{ cells: Int32Array; yCode: Int32Array; yBins: number; bins: number }> = [];
  for (let k = 0; k < data.train.length; k++) {
    const all = subsampleCells(data.train[k], p.max_rows, rng.fork(k));
    // Cells whose fitted target is undefined (a timestamp with one symbol) cannot be used.
    let n = 0;
    for (const c of all) if (Number.isFinite(data.fitY[c])) n++;
    if (n < MIN_ROWS) continue;
    const cells = new Int32Array(n);
    n = 0;
    for (const c of all) if (Number.isFinite(data.fitY[c])) cells[n++] = c;
    const bins = p.bins === "auto" ? autoBins(n) : p.bins;
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) yv[i] = data.fitY[cells[i]];
    const yCode = new Int32Array(n);
    const yBins = data.task.objective === "binary" ? classCodes(yv, yCode) : quantileCodes(yv, p.target_bins, yCode);
    folds.push({ cells, yCode, yBins, bins });
  }
  if (folds.length === 0) throw new Error(`mutual_info: no fold has ${MIN_ROWS} training cells with a defined target`);

  const F = features.length;
  const mean = new Float64Array(F);
  const perFold = folds.map(() => new Float64Array(F));
  const maxN = Math.max(...folds.map((f) => f.cells.length));
  const xv = new Float64Array(maxN);
  const xCode = new Int32Array(maxN);
  for (let f = 0; f < F; f++) {
    if (ctx.signal?.aborted) throw new Error("aborted");
    const g = grids.get(features[f]);
    if (g === undefined) throw new Error(`mutual_info: feature "${features[f]}" has no grid`);
    const values = rankFeatures ? unitRanks(g, T, S) : g;
    for (let k = 0; k < folds.length; k++) {
      const { cells, yCode, yBins, bins } = folds[k];
      const n = cells.length;
      for (let i = 0; i < n; i++) xv[i] = values[cells[i]];
      const xBins = quantileCodes(xv.subarray(0, n), bins, xCode);
      perFold[k][f] = mutualInformation(xCode, xBins, yCode, yBins, n);
      mean[f] += perFold[k][f] / folds.length;
    }
  }
  const scores: Record<string, number> = {};
  for (let f = 0; f < F; f++) scores[features[f]] = Math.max(0, mean[f]);
  return {
    scores,
    details: {
      estimator: "equal-frequency bins, Miller-Madow bias correction (nats)",
      feature_transform: rankFeatures ? "cross_sectional_rank" : "raw",
      folds: folds.map((fd) => ({ rows: fd.cells.length, bins: fd.bins, target_bins: fd.yBins })),
      mi: Object.fromEntries(features.map((n, f) => [n, mean[f]])),
    },
  };
}

/** Bins so that each of bins^2 joint cells expects at least ~50 rows, between 3 and 10. */
export function autoBins(n: number): number {
  return Math.max(3, Math.min(10, Math.floor(Math.sqrt(n / 50))));
}

/** Per-timestamp ranks scaled to (0, 1) (NaN where the value is missing). */
function unitRanks(g: Float32Array, T: number, S: number): Float64Array {
  const r = crossSectionalRanks(Float64Array.from(g), T, S);
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let s = 0, c = t * S; s < S; s++, c++) if (r[c] === r[c]) n++;
    for (let s = 0, c = t * S; s < S; s++, c++) if (r[c] === r[c]) r[c] = (r[c] - 0.5) / n;
  }
  return r;
}

/** Class labels 0/1 as codes; returns the number of codes (2). */
function classCodes(y: Float64Array, out: Int32Array): number {
  for (let i = 0; i < y.length; i++) out[i] = y[i] > 0.5 ? 1 : 0;
  return 2;
}

/**
 * Equal-frequency codes: finite values go to bins cut at their quantiles (tied values share a bin,
 * so a bin may hold more than its share), missing values to one extra bin after the last.
 * Returns the number of codes used (bins, plus one when values are missing).
 */
export function quantileCodes(v: ArrayLike<number>, bins: number, out: Int32Array): number {
  const n = v.length;
  let m = 0;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) if (v[i] === v[i]) sorted[m++] = v[i];
  const s = sorted.subarray(0, m).sort();
  const edges: number[] = [];
  // A cut at the minimum would leave the first bin empty: cut above the run of tied minima instead.
  const aboveMin = m > 0 ? s[upperBound(s, s[0])] : NaN;
  for (let j = 1; j < bins; j++) {
    if (m === 0) break;
    let e = s[Math.floor((j * m) / bins)];
    if (e <= s[0]) e = aboveMin;
    if (e === undefined || !(e === e)) continue;
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  const nb = edges.length + 1;
  let missing = false;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!(x === x)) {
      out[i] = nb;
      missing = true;
      continue;
    }
    // number of edges <= x
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return nb + (missing ? 1 : 0);
}

/** First index whose value is > x in the sorted array (its length when none is). */
function upperBound(s: Float64Array, x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Plug-in mutual information of two code vectors (nats), minus the Miller–Madow bias
 * (occupied joint cells - occupied x cells - occupied y cells + 1) / 2n. Can be slightly negative
 * for independent variables.
 */
export function mutualInformation(x: Int32Array, nx: number, y: Int32Array, ny: number, n: number): number {
  if (n === 0) return NaN;
  const joint = new Float64Array(nx * ny);
  const cx = new Float64Array(nx);
  const cy = new Float64Array(ny);
  for (let i = 0; i < n; i++) {
    joint[x[i] * ny + y[i]]++;
    cx[x[i]]++;
    cy[y[i]]++;
  }
  let mi = 0;
  let mxy = 0;
  for (let a = 0; a < nx; a++) {
    if (cx[a] === 0) continue;
    for (let b = 0; b < ny; b++) {
      const c = joint[a * ny + b];
      if (c === 0) continue;
      mxy++;
      mi += c * Math.log((c * n) / (cx[a] * cy[b]));
    }
  }
  let mx = 0;
  let my = 0;
  for (const c of cx) if (c > 0) mx++;
  for (const c of cy) if (c > 0) my++;
  return mi / n - (mxy - mx - my + 1) / (2 * n);
}
