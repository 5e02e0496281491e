/**
 * The quick model: a small GBDT fitted fold by fold under purged cross-validation, predicting
 * every test cell out of sample, and the scores of those predictions by target type.
 *
 * Regression targets are scored by the IC (mean cross-sectional Pearson correlation per
 * timestamp) and R^2; binary targets by the ROC AUC over all test rows; multiclass targets, whose
 * classes are ordered (quantile buckets, stop-loss < time-out < profit-take), are fitted as a
 * regression on the class index and scored by the IC when the target ranks symbols within a
 * timestamp, else by the pooled rank correlation.
 */
import "../models/index.js";
import { getFamily } from "../models/registry.js";
import type { TargetSpec } from "../targets/spec.js";
import { InputError } from "../util/errors.js";
import { Rng } from "../util/random.js";
import { auc, icSeries, regressionMetrics, spearman } from "../validation/metrics/index.js";
import { blockCount, crossSectionalRanks, MIN_CROSS_SECTION, timeBlocks } from "./association.js";
import { type CvSetup } from "./dataset.js";
import { cellsOfSymbols } from "../validation/cells.js";
import { tabularRows } from "../models/rows.js";
import type { LeakageConfig } from "./types.js";

export type ScoreMetric = "ic" | "auc" | "rank_correlation";

export interface ModelTask {
  metric: ScoreMetric;
  objective: "regression" | "binary";
  /**
   * What the model is fitted to. Targets scored by the IC are fitted to their cross-sectional rank
   * (centred, in [-1/2, 1/2]): the model then learns what the IC measures, and the fat tails and
   * volatility differences of raw returns no longer pull its splits towards noise (on the
   * synthetic market a planted IC of 0.1 is found this way and lost with raw returns).
   */
  fitTo: "cross_sectional_rank" | "target";
  /** The metric's value for a prediction without skill. */
  noSkill: number;
  /** True when R^2 is reported too (on what the model is fitted to). */
  r2: boolean;
}

/**
 * How many symbols a timestamp of the label grid typically holds: the median count of finite labels
 * over the timestamps that have any. What decides whether a target can be scored across symbols is
 * this, not the panel's width: six symbols that are rarely listed together are not a cross-section.
 */
export function typicalCrossSection(y: Float64Array, T: number, S: number): number {
  const counts: number[] = [];
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let s = 0; s < S; s++) if (Number.isFinite(y[t * S + s])) n++;
    if (n > 0) counts.push(n);
  }
  if (counts.length === 0) return 0;
  counts.sort((a, b) => a - b);
  return counts[Math.floor((counts.length - 1) / 2)];
}

/**
 * The task for a target on a panel of `symbols` symbols (pass typicalCrossSection of its labels). With fewer symbols than a cross-section
 * needs for an IC (MIN_CROSS_SECTION), IC-scored targets fall back to the pooled rank correlation
 * and are fitted to the target itself.
 */
export function modelTask(target: Pick<TargetSpec, "type" | "rankingCompatible">, symbols: number): ModelTask {
  if (target.type === "binary") return { metric: "auc", objective: "binary", fitTo: "target", noSkill: 0.5, r2: false };
  const crossSection = symbols >= MIN_CROSS_SECTION;
  if (target.type === "regression" && crossSection) return { metric: "ic", objective: "regression", fitTo: "cross_sectional_rank", noSkill: 0, r2: true };
  if (target.type === "regression") return { metric: "rank_correlation", objective: "regression", fitTo: "target", noSkill: 0, r2: true };
  if (target.rankingCompatible && crossSection) return { metric: "ic", objective: "regression", fitTo: "cross_sectional_rank", noSkill: 0, r2: false };
  return { metric: "rank_correlation", objective: "regression", fitTo: "target", noSkill: 0, r2: false };
}

/** The grid the model is fitted to: the target, or its centred cross-sectional rank per timestamp. */
export function fitTarget(y: Float64Array, T: number, S: number, task: ModelTask): Float64Array {
  if (task.fitTo === "target") return y;
  const ranks = crossSectionalRanks(y, T, S);
  const out = new Float64Array(T * S).fill(NaN);
  for (let t = 0; t < T; t++) {
    const row = t * S;
    let n = 0;
    for (let s = 0; s < S; s++) if (ranks[row + s] === ranks[row + s]) n++;
    if (n < 2) continue;
    for (let s = 0; s < S; s++) {
      const r = ranks[row + s];
      if (r === r) out[row + s] = (r - 1) / (n - 1) - 0.5;
    }
  }
  return out;
}

export const METRIC_TEXT: Record<ScoreMetric, string> = {
  ic: "out-of-sample IC (mean cross-sectional correlation per timestamp)",
  auc: "out-of-sample ROC AUC",
  rank_correlation: "out-of-sample rank correlation (pooled)",
};

export interface CvPrediction {
  /** Out-of-sample predictions on the test cells (T x S, NaN elsewhere). */
  pred: Float64Array;
  /** Gain importance summed over the folds, by feature name. */
  gain: Record<string, number>;
  trainRows: number;
  testRows: number;
}

export interface CvOptions {
  /** Label for the seeds of this family of fits ("base", "holdout", "without:<feature>"). */
  purpose: string;
  /** Train only on cells of these symbols (1 = use), and test only on those of `testSymbols`. */
  trainSymbols?: Uint8Array;
  testSymbols?: Uint8Array;
  threads: number;
}

function fitParams(leakage: LeakageConfig, task: ModelTask): { family: ReturnType<typeof getFamily>; params: unknown } {
  const qm = leakage.quick_model;
  const family = getFamily(qm.family);
  const parsed = family.paramsSchema.safeParse({
    objective: task.objective,
    n_estimators: qm.n_estimators,
    learning_rate: qm.learning_rate,
    num_leaves: qm.num_leaves,
    min_data_in_leaf: qm.min_data_in_leaf,
    max_bin: qm.max_bin,
    feature_fraction: qm.feature_fraction,
  });
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new InputError(`pipeline.leakage.quick_model: the ${qm.family} family rejects these settings: ${msg}`);
  }
  return { family, params: parsed.data };
}

/** Fits one model per fold and predicts its test cells. */
export async function cvPredict(
  setup: CvSetup,
  names: readonly string[],
  grids: ReadonlyMap<string, Float32Array>,
  y: Float64Array,
  leakage: LeakageConfig,
  task: ModelTask,
  seed: number,
  opts: CvOptions,
): Promise<CvPrediction> {
  const { family, params } = fitParams(leakage, task);
  const { T, S } = setup;
  const pred = new Float64Array(T * S).fill(NaN);
  const gain: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const rng = new Rng(seed).fork(`leakage:fit:${opts.purpose}`);
  let trainRows = 0;
  let testRows = 0;
  for (let k = 0; k < setup.folds.length; k++) {
    const trainCells = opts.trainSymbols ? cellsOfSymbols(setup.train[k], S, opts.trainSymbols) : setup.train[k];
    const testCells = opts.testSymbols ? cellsOfSymbols(setup.test[k], S, opts.testSymbols) : setup.test[k];
    if (trainCells.length < 2 * leakage.quick_model.min_data_in_leaf || testCells.length === 0) continue;
    const train = tabularRows(trainCells, names, grids, y);
    if (task.objective === "binary" && !hasBothClasses(train.y)) continue;
    const model = await family.fit(train, params, { seed: rng.fork(k).nextUint32(), threads: opts.threads });
    const test = tabularRows(testCells, names, grids, y);
    const p = model.predict(test.X, test.nRows);
    for (let i = 0; i < testCells.length; i++) pred[testCells[i]] = p[i];
    const imp = model.importance?.("gain") ?? {};
    for (const n of names) gain[n] += imp[n] ?? 0;
    trainRows += trainCells.length;
    testRows += testCells.length;
  }
  return { pred, gain, trainRows, testRows };
}

/** True when a binary label has both classes (a classifier cannot be fitted otherwise). */
export function hasBothClasses(y: Float64Array): boolean {
  let pos = false;
  let neg = false;
  for (const v of y) {
    if (v === 1) pos = true;
    else if (v === 0) neg = true;
    if (pos && neg) return true;
  }
  return false;
}

export interface Score {
  value: number;
  /** t-statistic against no skill (NaN when it cannot be estimated). */
  t: number;
  n: number;
}

/** Scores `pred` against `y` on the cells where both are finite, by the task's metric. */
export function scorePredictions(pred: ArrayLike<number>, y: ArrayLike<number>, T: number, S: number, task: ModelTask, window: number): Score {
  if (task.metric === "ic") {
    const ic = icSeries(pred, y, T, S, { minObs: MIN_CROSS_SECTION });
    const blocks = timeBlocks(T, blockCount(T, window));
    const B = blocks[T - 1] + 1;
    const sum = new Float64Array(B);
    const cnt = new Float64Array(B);
    let total = 0;
    let n = 0;
    for (let t = 0; t < T; t++) {
      if (!(ic[t] === ic[t])) continue;
      total += ic[t];
      n++;
      sum[blocks[t]] += ic[t];
      cnt[blocks[t]] += 1;
    }
    if (n === 0) return { value: NaN, t: NaN, n: 0 };
    const means: number[] = [];
    for (let b = 0; b < B; b++) if (cnt[b] > 0) means.push(sum[b] / cnt[b]);
    return { value: total / n, t: tStat(means), n };
  }
  const p: number[] = [];
  const yy: number[] = [];
  for (let i = 0; i < pred.length; i++) {
    if (Number.isFinite(pred[i]) && Number.isFinite(y[i])) {
      p.push(pred[i]);
      yy.push(y[i]);
    }
  }
  if (task.metric === "auc") {
    const a = auc(yy, p);
    let n1 = 0;
    for (const v of yy) if (v === 1) n1++;
    const n0 = yy.length - n1;
    const se = Math.sqrt((n1 + n0 + 1) / (12 * n1 * n0));
    return { value: a, t: (a - 0.5) / se, n: yy.length };
  }
  const r = spearman(p, yy);
  return { value: r, t: r * Math.sqrt(Math.max(0, yy.length - 2) / Math.max(1e-12, 1 - r * r)), n: yy.length };
}

function tStat(x: readonly number[]): number {
  const n = x.length;
  if (n < 4) return NaN;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return sd > 0 ? mean / (sd / Math.sqrt(n)) : mean === 0 ? 0 : Math.sign(mean) * Infinity;
}

/** Out-of-sample R^2 on the finite pairs (against what the model was fitted to). */
export function r2Of(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return regressionMetrics(pred, y).r2;
}

/** Gain shares (summing to 1), largest first. */
export function importanceShares(gain: Record<string, number>): Array<{ feature: string; share: number }> {
  const total = Object.values(gain).reduce((a, b) => a + b, 0);
  return Object.entries(gain)
    .map(([feature, g]) => ({ feature, share: total > 0 ? g / total : 0 }))
    .sort((a, b) => b.share - a.share || (a.feature < b.feature ? -1 : 1));
}
