/**
 * The research-core metrics of one model's out-of-fold predictions on one target: cross-sectional
 * IC and rank IC with their ICIR and block t-statistic, R^2 for forecasts of regression targets,
 * ROC AUC for binary targets, hit rate, and the target's own metric (the one the stages rank by).
 * All against the raw label (data.y), as cvFit scores, except R^2, which is against what the
 * models were fitted to (data.fitY: the centred cross-sectional rank for IC-scored targets).
 *
 * The per-timestamp IC series are computed once per model; a fold's IC figures are their means
 * over the fold's timestamps (test folds are whole timestamps, so this equals recomputing them on
 * the fold's cells alone).
 */
import { standardize } from "../ensemble/standardize.js";
import { skillT } from "../ranking/skill.js";
import { MIN_CROSS_SECTION } from "../leakage/association.js";
import { scorePredictions } from "../leakage/quick-model.js";
import type { CvData } from "../training/cv-data.js";
import { auc, hitRate, icSeries, summarizeSeries } from "../validation/metrics/index.js";

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
  /** Cells with a prediction and a label. */
  n: number;
}

/** Per-timestamp Pearson and Spearman IC of one model (NaN where undefined; all NaN below MIN_CROSS_SECTION symbols). */
export interface IcSeries {
  pearson: Float64Array;
  spearman: Float64Array;
}

export function modelIcSeries(pred: Float64Array, data: CvData): IcSeries {
  const { T, S } = data;
  if (S < MIN_CROSS_SECTION) return { pearson: new Float64Array(T).fill(NaN), spearman: new Float64Array(T).fill(NaN) };
  return {
    pearson: icSeries(pred, data.y, T, S, { method: "pearson", minObs: MIN_CROSS_SECTION }),
    spearman: icSeries(pred, data.y, T, S, { method: "spearman", minObs: MIN_CROSS_SECTION }),
  };
}

/** The predictions at `cells` only, NaN elsewhere (a fold's view of an out-of-fold grid). */
export function restrictTo(pred: Float64Array, cells: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pred.length).fill(NaN);
  for (let i = 0; i < cells.length; i++) out[cells[i]] = pred[cells[i]];
  return out;
}

/**
 * Metrics of all of `pred` (T x S, NaN where there is no prediction). `forecast` says whether the
 * predictions are on the scale of the fitted target, so that R^2 means something.
 */
export function overallMetrics(pred: Float64Array, data: CvData, forecast: boolean, ic: IcSeries): ResearchMetrics {
  const { T, S, task } = data;
  const window = data.target.window;
  const score = scorePredictions(pred, data.y, T, S, task, window);
  const out = cellMetrics(pred, data, forecast, null);
  if (out.n === 0) return out;
  out.score = score.value;
  // Significance across blocks of tested time, as every stage reports it (overlapping labels are
  // not independent evidence; pooled AUC and rank-correlation t-statistics would count them so).
  out.scoreT = skillT(pred, data);
  const p = summarizeSeries(ic.pearson);
  out.ic = p.mean;
  out.icir = p.ir;
  out.rankIc = summarizeSeries(ic.spearman).mean;
  if (S >= MIN_CROSS_SECTION) out.icT = task.metric === "ic" ? out.scoreT : scorePredictions(pred, data.y, T, S, { ...task, metric: "ic" }, window).t;
  out.hitRate = hitRateOf(pred, data);
  return out;
}

/** Metrics of the predictions at one fold's test `cells` (time-major); no t-statistics or hit rate. */
export function foldMetrics(pred: Float64Array, data: CvData, forecast: boolean, ic: IcSeries, cells: Int32Array): ResearchMetrics {
  const out = cellMetrics(pred, data, forecast, cells);
  if (out.n === 0) return out;
  const { S } = data;
  let n = 0;
  let sumP = 0;
  let nS = 0;
  let sumS = 0;
  let last = -1;
  for (const c of cells) {
    const t = Math.floor(c / S);
    if (t === last) continue;
    last = t;
    if (ic.pearson[t] === ic.pearson[t]) {
      n++;
      sumP += ic.pearson[t];
    }
    if (ic.spearman[t] === ic.spearman[t]) {
      nS++;
      sumS += ic.spearman[t];
    }
  }
  out.ic = n > 0 ? sumP / n : NaN;
  out.rankIc = nS > 0 ? sumS / nS : NaN;
  out.score = data.task.metric === "ic" ? out.ic : scorePredictions(restrictTo(pred, cells), data.y, data.T, S, data.task, data.target.window).value;
  return out;
}

/** R^2, AUC and the count over the given cells (or all cells). */
function cellMetrics(pred: Float64Array, data: CvData, forecast: boolean, cells: Int32Array | null): ResearchMetrics {
  const { task, y, fitY } = data;
  const out: ResearchMetrics = { ic: NaN, rankIc: NaN, icir: NaN, icT: NaN, r2: NaN, auc: NaN, hitRate: NaN, score: NaN, scoreT: NaN, n: 0 };
  const len = cells === null ? pred.length : cells.length;
  const wantR2 = forecast && task.r2 && task.objective === "regression";
  // R^2 against fitY in two passes over the pairs with both values finite
  let n = 0;
  let nR = 0;
  let sumY = 0;
  for (let i = 0; i < len; i++) {
    const c = cells === null ? i : cells[i];
    if (!Number.isFinite(pred[c]) || !Number.isFinite(y[c])) continue;
    n++;
    if (wantR2 && Number.isFinite(fitY[c])) {
      nR++;
      sumY += fitY[c];
    }
  }
  out.n = n;
  if (n === 0) return out;
  if (wantR2 && nR > 0) {
    const mean = sumY / nR;
    let sse = 0;
    let sst = 0;
    for (let i = 0; i < len; i++) {
      const c = cells === null ? i : cells[i];
      const p = pred[c];
      const f = fitY[c];
      if (!Number.isFinite(p) || !Number.isFinite(y[c]) || !Number.isFinite(f)) continue;
      sse += (f - p) * (f - p);
      sst += (f - mean) * (f - mean);
    }
    out.r2 = sst > 0 ? 1 - sse / sst : NaN;
  }
  if (task.objective === "binary") {
    const p = new Float64Array(n);
    const l = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < len; i++) {
      const c = cells === null ? i : cells[i];
      if (!Number.isFinite(pred[c]) || !Number.isFinite(y[c])) continue;
      p[k] = pred[c];
      l[k++] = y[c];
    }
    out.auc = auc(l, p);
  }
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
