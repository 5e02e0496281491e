/**
 * Rank averaging: the weighted mean of the members' centred ranks (per timestamp for IC-scored
 * targets, per source fold for pooled metrics). Nothing is fitted, so it cannot leak; its folds
 * are the members' folds, scored the same way.
 */
import { scoreCells, ownTestCells } from "./score.js";
import { standardize } from "./standardize.js";
import type { EnsembleContext, EnsembleFold, EnsembleResult } from "./types.js";

/**
 * `weights` by member position, non-negative, not all zero. At a cell where some members have no
 * prediction the mean is over those that have one (weights renormalized).
 */
export function rankAverage(ctx: EnsembleContext, weights: Float64Array): EnsembleResult {
  const { data, members, grouping, source } = ctx;
  const { T, S } = data;
  const M = members.length;
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) throw new Error("rankAverage: the weights are all zero");
  const ranks = members.map((m) => standardize(m.oof, T, S, grouping, "centred_rank"));
  const oof = new Float64Array(T * S).fill(NaN);
  for (let c = 0; c < T * S; c++) {
    let sum = 0;
    let wsum = 0;
    for (let m = 0; m < M; m++) {
      const r = ranks[m][c];
      if (r === r && weights[m] > 0) {
        sum += weights[m] * r;
        wsum += weights[m];
      }
    }
    if (wsum > 0) oof[c] = sum / wsum;
  }
  const named: Record<string, number> = {};
  members.forEach((m, i) => (named[m.name] = weights[i] / total));
  const folds: EnsembleFold[] = [];
  for (let k = 0; k < data.folds.length; k++) {
    const cells = ownTestCells(data.test[k], source, k);
    if (cells.length === 0) continue;
    folds.push({ index: data.folds[k].index, trainRows: 0, testRows: cells.length, score: scoreCells(data, oof, cells), weights: named, combination: "fixed", clean: null });
  }
  return {
    name: "rank_average",
    method: "rank_average",
    members: members.map((m) => m.name),
    oof,
    folds,
    score: scoreCells(data, oof),
    weights: named,
    forecast: false,
    notes: [],
  };
}
