/**
 * Cross-validated fitting of any registered family on a CvData: one model per fold, predicting its
 * test cells out of sample, scored fold by fold. Every stage that fits models (target ranking,
 * permutation importance, training, hyperparameter search, stacking) goes through here, so a family
 * is fitted the same way wherever it appears.
 *
 * Tabular families get row-major rows of the named feature grids; sequence families (cnn1d, lstm,
 * gru, transformer) get windows gathered from one bar-major grid of the same features.
 */
import "../models/index.js";
import type { FitContext, TrainedModel } from "../models/family.js";
import { getFamily } from "../models/registry.js";
import { featureGridFromColumns, type FeatureGrid, type SequenceData } from "../models/nn/sequence-data.js";
import { hasBothClasses, scorePredictions, type Score } from "../leakage/quick-model.js";
import { tabularRows } from "../models/rows.js";
import { InputError } from "../util/errors.js";
import { skillT } from "../ranking/skill.js";
import { Rng } from "../util/random.js";
import type { CvData } from "./cv-data.js";
import { fitRows } from "./fit-rows.js";

// Row building lives with the quick model's, so there is one copy; stages import it from here.
export { tabularRows };

/** A family that cannot learn this target's task (e.g. ridge on a binary target). */
export class UnsupportedTaskError extends InputError {}

export interface CvFitInput {
  data: CvData;
  features: readonly string[];
  grids: ReadonlyMap<string, Float32Array>;
  family: string;
  /** Hyperparameters before the family's schema (defaults filled by it); the objective follows the task. */
  hyperparameters: Record<string, unknown>;
  seed: number;
  threads: number;
  /** Seed stream label: two fits with different purposes never share random numbers. */
  purpose: string;
  /** Share of each fold's training times (the latest) held out for early stopping; 0 = none. */
  validFraction?: number;
  /** Called after each fold; return false to stop (the fit is then marked pruned). */
  onFold?: (fold: number, score: Score) => boolean | void;
  /** Keep the fitted models (default false: they are dropped after predicting). */
  keepModels?: boolean;
  signal?: AbortSignal;
  log?: FitContext["log"];
}

export interface FoldOutcome {
  index: number;
  trainRows: number;
  testRows: number;
  score: Score;
}

export interface CvFitResult {
  family: string;
  /** Out-of-fold predictions (T x S, NaN outside the tested cells). */
  oof: Float64Array;
  folds: FoldOutcome[];
  /** Score of all out-of-fold predictions together; its t is across blocks of tested time (skillT). */
  score: Score;
  /** Importance summed over folds (gain for trees, |coefficient| for linear), by feature. */
  importance: Record<string, number>;
  models?: TrainedModel[];
  /** True when onFold stopped the fit early. */
  pruned: boolean;
  /** The hyperparameters after the family's schema. */
  params: unknown;
}

/** The family's hyperparameters for this task, validated; errors name the family and the key. */
export function paramsForTask(familyName: string, hyperparameters: Record<string, unknown>, data: Pick<CvData, "task">): unknown {
  const family = getFamily(familyName);
  const objective = data.task.objective;
  if (!family.tasks.includes(objective)) {
    throw new UnsupportedTaskError(`family ${familyName} does not learn ${objective} targets (it learns: ${family.tasks.join(", ")})`, "pick a family for this target type");
  }
  const hp: Record<string, unknown> = { ...hyperparameters };
  // Regression targets keep a configured regression-type objective (quantile, huber); class
  // targets set theirs where the family has an objective at all (logistic has none).
  if (objective === "binary" && probeAcceptsObjective(family.paramsSchema)) hp.objective = "binary";
  if (objective === "regression" && (hp.objective === "binary" || hp.objective === "multiclass")) hp.objective = "regression";
  const parsed = family.paramsSchema.safeParse(hp);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new InputError(`family ${familyName}: invalid hyperparameters: ${msg}`, `check families[].hyperparameters for ${familyName}`);
  }
  return parsed.data;
}

function probeAcceptsObjective(schema: { safeParse(v: unknown): { success: boolean; data?: unknown } }): boolean {
  const r = schema.safeParse({});
  return r.success && typeof r.data === "object" && r.data !== null && "objective" in (r.data as object);
}


/**
 * Splits time-major training cells into an earlier part and a validation tail (the latest
 * `fraction` of their distinct times), with the training part purged by the label window so no
 * training label reads into the validation period.
 */
export function validationTail(cells: Int32Array, S: number, fraction: number, window: number): { fit: Int32Array; valid: Int32Array } | undefined {
  if (fraction <= 0 || cells.length === 0) return undefined;
  const times: number[] = [];
  for (const c of cells) {
    const t = Math.floor(c / S);
    if (times.length === 0 || times[times.length - 1] !== t) times.push(t);
  }
  const nValid = Math.floor(times.length * fraction);
  if (nValid < 2 || times.length - nValid < 4) return undefined;
  const cut = times[times.length - nValid];
  let nFit = 0;
  let nVal = 0;
  for (const c of cells) {
    const t = Math.floor(c / S);
    if (t >= cut) nVal++;
    else if (t + window < cut) nFit++;
  }
  const fit = new Int32Array(nFit);
  const valid = new Int32Array(nVal);
  nFit = 0;
  nVal = 0;
  for (const c of cells) {
    const t = Math.floor(c / S);
    if (t >= cut) valid[nVal++] = c;
    else if (t + window < cut) fit[nFit++] = c;
  }
  return { fit, valid };
}

function sequenceRows(grid: FeatureGrid, cells: Int32Array, y: Float64Array): SequenceData {
  const yy = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) yy[i] = y[cells[i]];
  return { grid, rows: cells, y: yy };
}

export async function cvFit(input: CvFitInput): Promise<CvFitResult> {
  const { data, features, grids } = input;
  const { T, S } = data;
  const family = getFamily(input.family);
  const params = paramsForTask(input.family, input.hyperparameters, data);
  if (features.length === 0) throw new InputError(`family ${input.family}: no features to fit on`, "check the feature selection settings");
  const sequence = family.kind === "sequence";
  const grid = sequence ? featureGridFromColumns(features.map((n) => grids.get(n) ?? missing(n)), features, T, S) : undefined;
  const oof = new Float64Array(T * S).fill(NaN);
  const importance: Record<string, number> = Object.fromEntries(features.map((n) => [n, 0]));
  const rng = new Rng(input.seed).fork(`fit:${input.purpose}:${input.family}`);
  const folds: FoldOutcome[] = [];
  const models: TrainedModel[] = [];
  let pruned = false;
  const fitY = data.fitY;
  for (let k = 0; k < data.folds.length; k++) {
    if (input.signal?.aborted) throw new Error("aborted");
    const trainCells = data.train[k];
    const testCells = data.test[k];
    if (trainCells.length < 10 || testCells.length === 0) continue;
    const split = validationTail(trainCells, S, input.validFraction ?? 0, data.target.window);
    const fitCells = split?.fit ?? trainCells;
    const ctx: FitContext = { seed: rng.fork(k).nextUint32(), threads: input.threads, signal: input.signal, log: input.log, labelWindow: data.target.window };
    let model: TrainedModel;
    let pred: Float64Array;
    if (sequence && grid !== undefined) {
      const tr = sequenceRows(grid, fitCells, fitY);
      if (data.task.objective === "binary" && !hasBothClasses(tr.y)) continue;
      const va = split ? sequenceRows(grid, split.valid, fitY) : undefined;
      model = await (family.fit as unknown as (a: SequenceData, p: unknown, c: FitContext, v?: SequenceData) => Promise<TrainedModel>)(tr, params, ctx, va);
      pred = (model as unknown as { predictSequence(d: Pick<SequenceData, "grid" | "rows">): Float64Array }).predictSequence({ grid, rows: testCells });
    } else {
      const heldOut = split ? [testCells, split.valid] : [testCells];
      const tr = fitRows(fitCells, features, grids, data, { family, heldOut });
      if (data.task.objective === "binary" && !hasBothClasses(tr.y)) continue;
      const va = split ? fitRows(split.valid, features, grids, data, { family, heldOut: [testCells] }) : undefined;
      model = await family.fit(tr, params, ctx, va);
      const te = tabularRows(testCells, features, grids, fitY);
      pred = model.predict(te.X, te.nRows);
    }
    const foldPred = new Float64Array(T * S).fill(NaN);
    for (let i = 0; i < testCells.length; i++) {
      oof[testCells[i]] = pred[i];
      foldPred[testCells[i]] = pred[i];
    }
    const imp = importanceOf(model);
    for (const n of features) importance[n] += imp[n] ?? 0;
    const score = scorePredictions(foldPred, data.y, T, S, data.task, data.target.window);
    folds.push({ index: data.folds[k].index, trainRows: fitCells.length, testRows: testCells.length, score });
    if (input.keepModels) models.push(model);
    if (input.onFold?.(k, score) === false) {
      pruned = true;
      break;
    }
  }
  if (folds.length === 0) {
    throw new InputError(`family ${input.family} on target ${data.target.name}: no fold had enough training rows to fit`, "use more data or fewer folds");
  }
  // The t-statistic comes from skill per block of tested time, whatever the metric: pooled AUC and
  // rank correlations would count overlapping labels as independent evidence.
  const score = { ...scorePredictions(oof, data.y, T, S, data.task, data.target.window), t: skillT(oof, data) };
  const out: CvFitResult = { family: input.family, oof, folds, score, importance, pruned, params };
  if (input.keepModels) out.models = models;
  return out;
}

function importanceOf(model: TrainedModel): Record<string, number> {
  if (model.importance === undefined) return {};
  try {
    return model.importance("gain");
  } catch {
    return model.importance();
  }
}

function missing(name: string): never {
  throw new Error(`feature "${name}" has no grid`);
}
