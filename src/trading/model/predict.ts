/**
 * Predictions of a trading model as a signal: one value per cell, centred so that its sign is the
 * side (binary probabilities minus 0.5; regression and ranking scores as they are).
 */
import type { Panel } from "../../data/types.js";
import type { FeaturePlan } from "../../features/plan.js";
import { tabularRows } from "../../models/rows.js";
import { predictCells } from "../../training/final-model.js";
import { featuresAtRow } from "./features.js";
import type { TradingModel } from "./load.js";

export function centre(model: Pick<TradingModel, "task">, p: number): number {
  return model.task === "binary" ? p - 0.5 : p;
}

/**
 * The centred signal over the whole panel (T x S). NaN where the symbol has no bar, or where any
 * of the model's features is missing (its warm-up, a gap): a model is only traded on the inputs it
 * was built for, never on imputed ones.
 */
export function signalGrid(model: TradingModel, grids: ReadonlyMap<string, Float32Array>, panel: Panel): Float64Array {
  const { T, S } = panel;
  let n = 0;
  const inputs = model.featureNames.map((f) => grids.get(f)!);
  const usable = new Uint8Array(T * S);
  for (let i = 0; i < T * S; i++) usable[i] = panel.present[i] === 1 && inputs.every((g) => Number.isFinite(g[i])) ? 1 : 0;
  for (let i = 0; i < T * S; i++) n += usable[i];
  const cells = new Int32Array(n);
  n = 0;
  for (let i = 0; i < T * S; i++) if (usable[i]) cells[n++] = i;
  const pred = predictCells(model.model, model.sequence, model.featureNames, grids, cells, { T, S });
  const out = new Float64Array(T * S).fill(NaN);
  for (let k = 0; k < cells.length; k++) {
    const v = centre(model, pred[k]);
    out[cells[k]] = Number.isFinite(v) ? v : NaN;
  }
  return out;
}

/** First row with a finite signal for some symbol (T when none). */
export function firstSignalRow(signal: Float64Array, T: number, S: number): number {
  for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) if (Number.isFinite(signal[t * S + s])) return t;
  return T;
}

/**
 * The centred signal of row t alone (S values), from features built on only the rows the plan
 * needs (the live path; see featuresAtRow for `absOffset`). NaN where the symbol has no bar or a
 * feature is missing, as in signalGrid. Tabular models only.
 */
export function rowSignal(model: TradingModel, panel: Panel, t: number, plan: FeaturePlan, absOffset = 0): Float64Array {
  const S = panel.S;
  const row = featuresAtRow(panel, t, plan, model, absOffset);
  const cells = new Int32Array(S).map((_, s) => s);
  const rows = tabularRows(cells, model.featureNames, row);
  const pred = model.model.predict(rows.X, rows.nRows);
  const signal = new Float64Array(S);
  const inputs = model.featureNames.map((f) => row.get(f)!);
  for (let s = 0; s < S; s++) signal[s] = panel.present[t * S + s] === 1 && inputs.every((g) => Number.isFinite(g[s])) && Number.isFinite(pred[s]) ? centre(model, pred[s]) : NaN;
  return signal;
}
