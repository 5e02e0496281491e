/**
 * The final model of a family: after cross-validation has chosen and judged its configuration, one
 * model fitted on all the target's usable cells, saved as JSON and loaded back for prediction.
 *
 * Like every cross-validation fit, it trains on at most `maxTrainRows` cells (a seeded subsample, in
 * time order) and, when `validFraction` > 0, holds out the latest share of its times (purged by the
 * label window) for early stopping or lambda selection: the same recipe the folds were scored with,
 * at the cost of not training on the most recent stretch.
 */
import "../models/index.js";
import type { FitContext, TrainedModel } from "../models/family.js";
import { getFamily } from "../models/registry.js";
import { featureGridFromColumns, type FeatureGrid, type SequenceData } from "../models/nn/sequence-data.js";
import { subsampleCells } from "../validation/cells.js";
import { InputError } from "../util/errors.js";
import { Rng } from "../util/random.js";
import type { CvData } from "./cv-data.js";
import { paramsForTask, tabularRows, validationTail } from "./cv-fit.js";
import { fitRows } from "./fit-rows.js";

export interface FinalModelInput {
  data: CvData;
  features: readonly string[];
  grids: ReadonlyMap<string, Float32Array>;
  family: string;
  /** Hyperparameters before the family's schema (the configured ones with the best found merged in). */
  hyperparameters: Record<string, unknown>;
  seed: number;
  threads: number;
  /** Training rows at most (seeded subsample); default: all. */
  maxTrainRows?: number;
  /** Latest share of the training times held out for early stopping; 0 = none. */
  validFraction: number;
  log?: FitContext["log"];
  signal?: AbortSignal;
}

export interface FinalModel {
  model: TrainedModel;
  /** model.toJSON(): what is saved, and what `predictWithModel` loads. */
  json: unknown;
  trainRows: number;
  validRows: number;
  params: unknown;
}

/** The cells of data.valid in time-major order. */
export function usableCells(data: Pick<CvData, "valid">): Int32Array {
  let n = 0;
  for (let i = 0; i < data.valid.length; i++) if (data.valid[i]) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < data.valid.length; i++) if (data.valid[i]) out[n++] = i;
  return out;
}

export async function fitFinalModel(o: FinalModelInput): Promise<FinalModel> {
  const { data, features, grids } = o;
  const family = getFamily(o.family);
  const params = paramsForTask(o.family, o.hyperparameters, data);
  if (features.length === 0) throw new InputError(`family ${o.family}: no features to fit the final model on`, "check the feature selection settings");
  const rng = new Rng(o.seed).fork(`final:${o.family}`);
  let cells = usableCells(data);
  if (o.maxTrainRows !== undefined) cells = subsampleCells(cells, o.maxTrainRows, rng.fork("rows"));
  if (cells.length < 10) {
    throw new InputError(`family ${o.family} on target ${data.target.name}: only ${cells.length} usable cells for the final model`, "use more data");
  }
  const split = validationTail(cells, data.S, o.validFraction, data.target.window);
  const fitCells = split?.fit ?? cells;
  const ctx: FitContext = { seed: rng.fork("fit").nextUint32(), threads: o.threads, signal: o.signal, log: o.log, labelWindow: data.target.window };
  let model: TrainedModel;
  if (family.kind === "sequence") {
    const grid = gridOf(features, grids, data.T, data.S);
    const tr = sequenceRows(grid, fitCells, data.fitY);
    requireClasses(data, tr.y, o.family);
    const va = split ? sequenceRows(grid, split.valid, data.fitY) : undefined;
    model = await (family.fit as unknown as (a: SequenceData, p: unknown, c: FitContext, v?: SequenceData) => Promise<TrainedModel>)(tr, params, ctx, va);
  } else {
    const tr = fitRows(fitCells, features, grids, data, { family, heldOut: split ? [split.valid] : [] });
    requireClasses(data, tr.y, o.family);
    const va = split ? fitRows(split.valid, features, grids, data, { family }) : undefined;
    model = await family.fit(tr, params, ctx, va);
  }
  return { model, json: model.toJSON(), trainRows: fitCells.length, validRows: split?.valid.length ?? 0, params };
}

/**
 * Loads a saved model with its family and predicts the given cells (t * S + s) from the named
 * feature grids. Sequence families need the grid shape to gather their windows.
 */
export function predictWithModel(
  familyName: string,
  json: unknown,
  features: readonly string[],
  grids: ReadonlyMap<string, Float32Array>,
  cells: Int32Array,
  shape?: { T: number; S: number },
): Float64Array {
  const family = getFamily(familyName);
  const model = family.load(json);
  return predictCells(model, family.kind === "sequence", features, grids, cells, shape);
}

/** Predictions of a fitted model for the given cells. */
export function predictCells(
  model: TrainedModel,
  sequence: boolean,
  features: readonly string[],
  grids: ReadonlyMap<string, Float32Array>,
  cells: Int32Array,
  shape?: { T: number; S: number },
): Float64Array {
  if (sequence) {
    if (shape === undefined) throw new Error(`predicting with the sequence model ${model.family} needs the grid shape {T, S}`);
    const grid = gridOf(features, grids, shape.T, shape.S);
    return (model as unknown as { predictSequence(d: Pick<SequenceData, "grid" | "rows">): Float64Array }).predictSequence({ grid, rows: cells });
  }
  const rows = tabularRows(cells, features, grids);
  return model.predict(rows.X, rows.nRows);
}

function gridOf(features: readonly string[], grids: ReadonlyMap<string, Float32Array>, T: number, S: number): FeatureGrid {
  return featureGridFromColumns(
    features.map((n) => {
      const g = grids.get(n);
      if (g === undefined) throw new Error(`feature "${n}" has no grid`);
      return g;
    }),
    features,
    T,
    S,
  );
}

function sequenceRows(grid: FeatureGrid, cells: Int32Array, y: Float64Array): SequenceData {
  const yy = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) yy[i] = y[cells[i]];
  return { grid, rows: cells, y: yy };
}

function requireClasses(data: CvData, y: Float64Array, family: string): void {
  if (data.task.objective !== "binary") return;
  let pos = false;
  let neg = false;
  for (const v of y) {
    if (v === 1) pos = true;
    else if (v === 0) neg = true;
  }
  if (!(pos && neg)) throw new InputError(`family ${family} on target ${data.target.name}: the final model's training rows hold only one class`, "use more data");
}
