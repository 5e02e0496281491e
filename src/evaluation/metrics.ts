/**
 * The research-core metrics of one model's out-of-fold predictions on one target: cross-sectional
 * IC and rank IC with their ICIR and block t-statistic, R^2 for forecasts of regression targets,
 * ROC AUC for binary targets, hit rate, and the target's own metric (the one the stages rank by).
 * All against the raw label (data.y), as cvFit scores, except R^2, which is against what the
 * models were fitted to (data.fitY: the centred cross-sectional rank for IC-scored targets).
 */
import { MIN_CROSS_SECTION } from "../leakage/association.js";
import { scorePredictions } from "../leakage/quick-model.js";
import type { CvData } from "../training/cv-data.js";
import { auc, hitRate, icSeries, regressionMetrics, summarizeSeries } from "../validation/metrics/index.js";
import { standardize } from "../ensemble/standardize.js";

export interface ResearchMetrics {
  ic: number;
  rankIc: number;
  /** Mean IC / its standard deviation across timestamps (per timestamp, not annualized). */
  icir: number;
  /** t-statistic of the mean IC across contiguous time blocks (as the ranking stage computes it). */
  icT: number;
  r2: number;
  auc: number;
  hitRate: number;
  /** The target's metric (ic, auc or pooled rank correlation) and its t-statistic against no skill. */
  score: number;
  scoreT: number;
  /** Cells scored. */
  n: number;
}

/** The predictions at `cells` only, NaN elsewhere (a fold's view of an out-of-fold grid). */
export function restrictTo(pred: Float64Array, cells: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pred.length).fill(NaN);
  for (let i = 0; i < cells.length; i++) out[cells[i]] = pred[cells[i]];
  return out;
}

/**
 * Metrics of `pred` (T x S, NaN where there is no prediction). `forecast` says whether the
 * predictions are on the scale of the fitted target, so that R^2 means something.
 */
export function researchMetrics(pred: Float64Array, data: CvData, forecast: boolean): ResearchMetrics {
  const { T, S, task } = data;
  const window = data.target.window;
  const score = scorePredictions(pred, data.y, T, S, task, window);
  let n = 0;
  for (let c = 0; c < pred.length; c++) if (Number.isFinite(pred[c]) && Number.isFinite(data.y[c])) n++;
  const out: ResearchMetrics = { ic: NaN, rankIc: NaN, icir: NaN, icT: NaN, r2: NaN, auc: NaN, hitRate: NaN, score: score.value, scoreT: score.t, n };
  if (n === 0) return out;
  if (S >= MIN_CROSS_SECTION) {
    const ic = summarizeSeries(icSeries(pred, data.y, T, S, { method: "pearson", minObs: MIN_CROSS_SECTION }));
    out.ic = ic.mean;
    out.icir = ic.ir;
    out.rankIc = summarizeSeries(icSeries(pred, data.y, T, S, { method: "spearman", minObs: MIN_CROSS_SECTION })).mean;
    out.icT = task.metric === "ic" ? score.t : scorePredictions(pred, data.y, T, S, { ...task, metric: "ic" }, window).t;
  }
  if (forecast && task.r2 && task.objective === "regression") out.r2 = regressionMetrics(pred, data.fitY).r2;
  if (task.objective === "binary") out.auc = auc(data.y, pred);
  out.hitRate = hitRateOf(pred, data);
  return out;
}

/**
 * Share of cells on the right side. IC-scored targets: the prediction and the label on the same
 * side of their timestamp's cross-sectional median (the label's side is the sign of its centred
 * rank, data.fitY). Binary targets: the prediction above its median exactly when the label is 1.
 * Other (pooled) regression targets: the prediction and the label with the same sign.
 * Cells exactly at a median carry no direction and are left out.
 */
export function hitRateOf(pred: Float64Array, data: CvData): number {
  const { T, S, task } = data;
  if (task.metric === "ic") {
    const side = standardize(pred, T, S, { kind: "timestamp" }, "centred_rank");
    return hitRate(side, data.fitY);
  }
  if (task.objective === "binary") {
    const finite: number[] = [];
    for (let c = 0; c < pred.length; c++) if (Number.isFinite(pred[c]) && Number.isFinite(data.y[c])) finite.push(pred[c]);
    if (finite.length === 0) return NaN;
    finite.sort((a, b) => a - b);
    const mid = finite.length >> 1;
    const median = finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
    const centred = new Float64Array(pred.length);
    const label = new Float64Array(pred.length);
    for (let c = 0; c < pred.length; c++) {
      centred[c] = pred[c] - median;
      label[c] = data.y[c] - 0.5;
    }
    return hitRate(centred, label);
  }
  return hitRate(pred, data.y);
}
