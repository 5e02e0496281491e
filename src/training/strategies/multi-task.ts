/**
 * Multi-task training: ONE network with a shared trunk and one head per target, cross-validated on
 * a fold plan common to all the targets (purged with the longest label window, see fold-plan.ts).
 *
 * Rows are the cells where at least one target has a value, and a missing target is masked out of
 * its head's loss (rather than keeping only the cells where every target exists): the horizons'
 * label windows end at different bars, symbols list and delist, and a configured mask or row cap
 * can differ by target, so the intersection would throw away rows every other head can learn from,
 * while the mask costs nothing. Each head is scored alone, on its own target's cells, exactly as a
 * single-task model of that target would be.
 */
import type { FitContext } from "../../models/family.js";
import { fitMultiTask, type MultiTaskHead, type MultiTaskParams, type MultiTaskRows } from "../../models/nn/multitask/index.js";
import type { MultiEpochRecord } from "../../models/nn/multitask/index.js";
import { scorePredictions, type Score, type ScoreMetric } from "../../leakage/quick-model.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import type { CvData } from "../cv-data.js";
import { tabularRows, validationTail, type FoldOutcome } from "../cv-fit.js";
import { sharedFoldPlan, type SharedFold } from "./fold-plan.js";
import type { MultiTaskConfig } from "./schema.js";

export interface MultiTaskInput {
  /** One CvData per target (same panel, splitter, seed and purpose), built by the caller. */
  datas: readonly CvData[];
  features: readonly string[];
  grids: ReadonlyMap<string, Float32Array>;
  /** The parsed multi_task strategy block. */
  config: MultiTaskConfig;
  seed: number;
  /** Accepted for a uniform strategy signature; the network trains on one thread (results never depend on it). */
  threads: number;
  /** Training cells per fold at most (seeded subsample), as makeCvData's maxTrainRows. */
  maxTrainRows?: number;
  signal?: AbortSignal;
  log?: FitContext["log"];
}

export interface MultiTaskTargetResult {
  target: string;
  metric: ScoreMetric;
  /** The head's normalised weight in the loss. */
  weight: number;
  /** Out-of-fold predictions (T x S, NaN outside this target's tested cells). */
  oof: Float64Array;
  folds: FoldOutcome[];
  /** Score of all this target's out-of-fold predictions together. */
  score: Score;
}

export interface MultiTaskFoldResult {
  index: number;
  /** Rows the network was fitted on (a row: a cell where at least one target exists). */
  trainRows: number;
  /** Rows held out for early stopping. */
  validRows: number;
  testRows: number;
  /** Epochs run, and the one whose weights were kept. */
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Loss per epoch: weighted training loss, weighted held-out loss and each head's held-out loss (no wall times: a result is deterministic). */
  history: Omit<MultiEpochRecord, "seconds">[];
}

export interface MultiTaskResult {
  strategy: "multi_task";
  targets: MultiTaskTargetResult[];
  folds: MultiTaskFoldResult[];
  /** Epochs run per fold (the same figures as folds[].epochs). */
  epochs: number[];
  /** The longest label window (bars), which the common folds are purged with. */
  purgeWindow: number;
  /** The target whose fold plan is shared. */
  planTarget: string;
  /** The multi_task block as applied. */
  params: MultiTaskConfig;
}

/** Fewest training values a head needs in a fold to be predicted from it. */
const MIN_HEAD_ROWS = 10;

export async function multiTaskCv(input: MultiTaskInput): Promise<MultiTaskResult> {
  const { config, features, grids } = input;
  const datas = selectTargets(input.datas, config);
  const heads = headsOf(datas, config);
  if (features.length === 0) throw new InputError("multi-task: no features to fit on", "check the feature selection settings");
  for (const n of features) if (!grids.has(n)) throw new InputError(`multi-task: feature "${n}" has no grid`);
  const plan = sharedFoldPlan(datas, { seed: input.seed, maxTrainRows: input.maxTrainRows });
  const { T, S } = plan;
  const K = datas.length;
  const params = loopParams(config);
  const rng = new Rng(input.seed).fork("fit:multi_task");
  const oofs = datas.map(() => new Float64Array(T * S).fill(NaN));
  const targetFolds: FoldOutcome[][] = datas.map(() => []);
  const folds: MultiTaskFoldResult[] = [];

  for (let k = 0; k < plan.folds.length; k++) {
    if (input.signal?.aborted) throw new Error("aborted");
    const fold = plan.folds[k];
    if (fold.train.length < MIN_HEAD_ROWS || fold.test.length === 0) continue;
    const split = validationTail(fold.train, S, config.valid_fraction, plan.window);
    const fitCells = split?.fit ?? fold.train;
    const train = rowsOf(fitCells, datas, features, grids);
    const fitted = heads.map((h, j) => headIsFittable(train, K, j, h));
    if (!fitted.some(Boolean)) continue;
    const valid = split ? rowsOf(split.valid, datas, features, grids) : undefined;
    const model = await fitMultiTask(train, heads, params, { seed: rng.fork(k).nextUint32(), log: input.log, signal: input.signal }, valid);
    let pred: Float64Array;
    try {
      const test = tabularRows(fold.test, features, grids, datas[0].fitY);
      pred = model.predict(test.X, test.nRows);
    } finally {
      model.dispose();
    }
    folds.push({
      index: fold.index,
      trainRows: train.nRows,
      validRows: valid?.nRows ?? 0,
      testRows: fold.test.length,
      epochs: model.history.length,
      bestEpoch: model.bestEpoch,
      stoppedEarly: model.stoppedEarly,
      history: model.history.map(({ seconds: _s, ...r }) => r),
    });
    datas.forEach((d, j) => {
      if (!fitted[j]) {
        input.log?.warn({ target: d.target.name, fold: fold.index }, "multi-task: too few training values (or one class only) for this head in this fold; not predicted");
        return;
      }
      const out = headPredictions(fold, d, pred, K, j, oofs[j]);
      targetFolds[j].push({
        index: fold.index,
        trainRows: countValues(train.Y, K, j),
        testRows: out.n,
        score: scorePredictions(out.grid, d.y, T, S, d.task, d.target.window),
      });
    });
    input.log?.info({ fold: fold.index, trainRows: train.nRows, testRows: fold.test.length, epochs: model.history.length, bestEpoch: model.bestEpoch }, "multi-task fold fitted");
  }
  if (folds.length === 0) {
    throw new InputError(`multi-task on ${datas.map((d) => d.target.name).join(", ")}: no fold had enough training rows to fit`, "use more data or fewer folds");
  }
  const targets = datas.map((d, j) => ({
    target: d.target.name,
    metric: d.task.metric,
    weight: heads[j].weight / heads.reduce((s, h) => s + h.weight, 0),
    oof: oofs[j],
    folds: targetFolds[j],
    score: scorePredictions(oofs[j], d.y, T, S, d.task, d.target.window),
  }));
  return { strategy: "multi_task", targets, folds, epochs: folds.map((f) => f.epochs), purgeWindow: plan.window, planTarget: plan.base, params: config };
}

/** The CvDatas of the configured targets (all of them by default), in the configured order. */
function selectTargets(datas: readonly CvData[], config: MultiTaskConfig): CvData[] {
  const names = datas.map((d) => d.target.name);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new InputError(`multi-task: target "${n}" was given twice`);
    seen.add(n);
  }
  let chosen: CvData[];
  if (config.targets === undefined) chosen = [...datas];
  else {
    const dup = config.targets.find((t, i) => config.targets!.indexOf(t) !== i);
    if (dup !== undefined) throw new InputError(`strategy.targets: "${dup}" is listed twice`);
    chosen = config.targets.map((t) => {
      const d = datas.find((x) => x.target.name === t);
      if (!d) throw new InputError(`strategy.targets: "${t}" is not one of the run's targets (${names.join(", ") || "none"})`, "name targets kept by the earlier stages, or leave strategy.targets out to use them all");
      return d;
    });
  }
  if (chosen.length < 2) {
    throw new InputError(
      `strategy.kind multi_task needs at least two targets, got ${chosen.length}${chosen.length === 1 ? ` (${chosen[0].target.name})` : ""}`,
      "add targets to the experiment, or use strategy.kind: single",
    );
  }
  return chosen;
}

function headsOf(datas: readonly CvData[], config: MultiTaskConfig): MultiTaskHead[] {
  const names = new Set(datas.map((d) => d.target.name));
  for (const key of Object.keys(config.loss_weights)) {
    if (!names.has(key)) throw new InputError(`strategy.loss_weights.${key}: "${key}" is not one of the multi-task targets (${[...names].join(", ")})`);
  }
  const heads = datas.map((d) => ({ name: d.target.name, objective: d.task.objective, weight: config.loss_weights[d.target.name] ?? 1 }));
  if (heads.every((h) => h.weight === 0)) throw new InputError("strategy.loss_weights: every target's weight is 0", "give at least one target a positive weight");
  return heads;
}

function loopParams(c: MultiTaskConfig): MultiTaskParams {
  return {
    hidden_units: c.hidden_units,
    head_units: c.head_units,
    activation: c.activation,
    layer_norm: c.layer_norm,
    dropout: c.dropout,
    epochs: c.epochs,
    batch_size: c.batch_size,
    max_steps_per_epoch: c.max_steps_per_epoch,
    optimizer: c.optimizer,
    learning_rate: c.learning_rate,
    weight_decay: c.weight_decay,
    beta1: 0.9,
    beta2: 0.999,
    adam_epsilon: 1e-8,
    lr_schedule: c.lr_schedule,
    warmup_steps: c.warmup_steps,
    lr_decay: c.lr_decay,
    lr_min_ratio: c.lr_min_ratio,
    grad_clip_norm: c.grad_clip_norm,
    early_stopping_patience: c.early_stopping_patience,
    min_delta: c.min_delta,
    memory_budget_mb: c.memory_budget_mb,
    loss: c.loss,
    huber_delta: c.huber_delta,
    input_clip: c.input_clip,
  };
}

/** Feature rows of `cells` and the [rows x K] matrix of what each head fits (NaN where a target has no value). */
function rowsOf(cells: Int32Array, datas: readonly CvData[], features: readonly string[], grids: ReadonlyMap<string, Float32Array>): MultiTaskRows {
  const K = datas.length;
  const rows = tabularRows(cells, features, grids, datas[0].fitY);
  const Y = new Float64Array(cells.length * K);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    for (let j = 0; j < K; j++) Y[i * K + j] = datas[j].valid[c] ? datas[j].fitY[c] : NaN;
  }
  return { nRows: rows.nRows, nFeatures: rows.nFeatures, featureNames: rows.featureNames, X: rows.X, Y };
}

function countValues(Y: Float64Array, K: number, j: number): number {
  let n = 0;
  for (let i = j; i < Y.length; i += K) if (Y[i] === Y[i]) n++;
  return n;
}

/** Enough training values for head j (and both classes for a binary head). */
function headIsFittable(d: MultiTaskRows, K: number, j: number, h: MultiTaskHead): boolean {
  let n = 0;
  let pos = 0;
  for (let i = j; i < d.Y.length; i += K) {
    const v = d.Y[i];
    if (v !== v) continue;
    n++;
    if (v === 1) pos++;
  }
  if (n < MIN_HEAD_ROWS) return false;
  return h.objective !== "binary" || (pos > 0 && pos < n);
}

/** Writes head j's predictions on the fold's test cells where target j exists; returns the fold's grid. */
function headPredictions(fold: SharedFold, d: CvData, pred: Float64Array, K: number, j: number, oof: Float64Array): { grid: Float64Array; n: number } {
  const grid = new Float64Array(d.T * d.S).fill(NaN);
  let n = 0;
  for (let i = 0; i < fold.test.length; i++) {
    const c = fold.test[i];
    if (!d.valid[c]) continue;
    grid[c] = pred[i * K + j];
    oof[c] = pred[i * K + j];
    n++;
  }
  return { grid, n };
}
