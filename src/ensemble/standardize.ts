/**
 * Puts the members' predictions on one scale before they are combined. Families predict on
 * different scales (probabilities, centred ranks, raw returns, a neural network's drifting
 * output), and fold models of one family differ too, so predictions are standardized within groups
 * of cells that one model predicted at one decision: each timestamp for cross-sectional (IC)
 * targets, each source fold for targets scored by a pooled metric (AUC, pooled rank correlation),
 * where a per-timestamp rank would throw away the timing information the metric rewards.
 *
 * Standardizing reads predictions only, never labels, so it leaks nothing from a test fold.
 */
import { crossSectionalRanks } from "../leakage/association.js";
import { averageRanksInto } from "../validation/metrics/ranks.js";

/**
 * rank: centred average ranks scaled to unit variance; zscore: (x - mean) / sd;
 * centred_rank: centred average ranks in [-1/2, 1/2] (the rank average's own scale).
 */
export type Standardization = "rank" | "zscore" | "centred_rank";

/**
 * Groups of cells: "timestamp" (the rows of the time-major grid) or an explicit group id per cell
 * (-1 = ungrouped, left NaN).
 */
export type Grouping = { kind: "timestamp" } | { kind: "cells"; group: Int32Array };

/**
 * Standardized copy of a T x S prediction grid (NaN stays NaN). Centred ranks are
 * (r - 1)/(n - 1) - 1/2 with average ranks r; "rank" multiplies them by sqrt(12 (n - 1)/(n + 1)),
 * the inverse of their standard deviation. A group with a single value or no spread carries no
 * ordering: its cells get 0.
 */
export function standardize(pred: Float64Array, T: number, S: number, grouping: Grouping, how: Standardization): Float64Array {
  if (grouping.kind === "timestamp" && how !== "zscore") return timestampRanks(pred, T, S, how === "rank");
  const out = new Float64Array(T * S).fill(NaN);
  if (grouping.kind === "timestamp") {
    const scratch = new Scratch(S);
    for (let t = 0; t < T; t++) {
      let n = 0;
      for (let s = 0; s < S; s++) {
        const c = t * S + s;
        if (Number.isFinite(pred[c])) {
          scratch.vals[n] = pred[c];
          scratch.at[n++] = c;
        }
      }
      standardizeGroup(scratch, n, how, out);
    }
    return out;
  }
  const groups = groupCells(grouping.group);
  const scratch = new Scratch(groups.reduce((m, g) => Math.max(m, g.length), 0));
  for (const cells of groups) {
    let n = 0;
    for (const c of cells) {
      if (Number.isFinite(pred[c])) {
        scratch.vals[n] = pred[c];
        scratch.at[n++] = c;
      }
    }
    standardizeGroup(scratch, n, how, out);
  }
  return out;
}

/** Per-timestamp centred ranks through the pre-scan's fast ranking (native sort, binary search for ties). */
function timestampRanks(pred: Float64Array, T: number, S: number, unitVariance: boolean): Float64Array {
  let src = pred;
  for (let c = 0; c < pred.length; c++) {
    if (pred[c] === Infinity || pred[c] === -Infinity) {
      src = pred.map((v) => (Number.isFinite(v) ? v : NaN));
      break;
    }
  }
  const out = crossSectionalRanks(src, T, S);
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    for (let s = 0; s < S; s++) if (out[row + s] === out[row + s]) n++;
    if (n === 0) continue;
    const scale = n > 1 && unitVariance ? Math.sqrt((12 * (n - 1)) / (n + 1)) : 1;
    for (let s = 0; s < S; s++) {
      const r = out[row + s];
      // a row of equal values ranks (n + 1) / 2 everywhere, which centres to 0
      if (r === r) out[row + s] = n > 1 ? ((r - 1) / (n - 1) - 0.5) * scale : 0;
    }
  }
  return out;
}

class Scratch {
  readonly vals: Float64Array;
  readonly at: Int32Array;
  readonly order: Int32Array;
  readonly ranks: Float64Array;
  constructor(n: number) {
    this.vals = new Float64Array(n);
    this.at = new Int32Array(n);
    this.order = new Int32Array(n);
    this.ranks = new Float64Array(n);
  }
}

/** Cells of each group id >= 0, in cell order. */
function groupCells(group: Int32Array): Int32Array[] {
  let G = 0;
  for (const g of group) if (g + 1 > G) G = g + 1;
  const counts = new Int32Array(G);
  for (const g of group) if (g >= 0) counts[g]++;
  const out = Array.from({ length: G }, (_, g) => new Int32Array(counts[g]));
  counts.fill(0);
  for (let c = 0; c < group.length; c++) {
    const g = group[c];
    if (g >= 0) out[g][counts[g]++] = c;
  }
  return out;
}

function standardizeGroup(sc: Scratch, n: number, how: Standardization, out: Float64Array): void {
  const { vals, at } = sc;
  if (n === 0) return;
  let tied = true;
  for (let i = 1; i < n && tied; i++) if (vals[i] !== vals[0]) tied = false;
  if (tied) {
    for (let i = 0; i < n; i++) out[at[i]] = 0;
    return;
  }
  if (how === "zscore") {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += vals[i];
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (vals[i] - mean) * (vals[i] - mean);
    const sd = Math.sqrt(ss / (n - 1));
    for (let i = 0; i < n; i++) out[at[i]] = sd > 0 ? (vals[i] - mean) / sd : 0;
    return;
  }
  averageRanksInto(vals, n, sc.order, sc.ranks);
  const scale = how === "rank" ? Math.sqrt((12 * (n - 1)) / (n + 1)) : 1;
  for (let i = 0; i < n; i++) out[at[i]] = ((sc.ranks[i] - 1) / (n - 1) - 0.5) * scale;
}
