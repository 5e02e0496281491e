import type { Panel } from "../../data/types.js";
import { InputError } from "../../util/errors.js";

/**
 * Input of the sequence (3D) families. Windows are never materialized: a model asks for the rows of
 * one batch and their `lookback`-bar windows are gathered from one 2D grid, so memory is the grid
 * (T x S x F floats) plus one batch, whatever the number of windows.
 */

/**
 * Features of every symbol at every time, bar-major: feature f of symbol s at time t is at
 * ((t * S) + s) * F + f, so one bar's features are contiguous and a window is `lookback` strided
 * copies of F floats. NaN = missing (the symbol had no bar, or the feature was not yet defined).
 */
export interface FeatureGrid {
  readonly T: number;
  readonly S: number;
  readonly nFeatures: number;
  readonly featureNames: readonly string[];
  readonly values: Float32Array;
}

/**
 * Rows of a sequence dataset. Row r is the (time, symbol) cell `rows[r] = t * S + s` of the grid; its
 * window is bars t - lookback + 1 .. t of symbol s, oldest first. Bars before the start of the grid
 * count as missing. The target of row r is `y[r]` (computed by the caller, leakage-safe, at t).
 */
export interface SequenceData {
  readonly grid: FeatureGrid;
  readonly rows: Int32Array;
  /** Regression value or class index (0..K-1) per row; ignored by prediction. */
  readonly y: Float64Array;
  readonly weight?: Float64Array;
}

export function isSequenceData(v: unknown): v is SequenceData {
  return typeof v === "object" && v !== null && "grid" in v && "rows" in v;
}

/** Checks shapes and ranges; `what` names the data in messages ("training data", ...). */
export function checkSequenceData(d: SequenceData, what: string, needTargets = true): void {
  const g = d.grid;
  for (const [k, v] of [["T", g.T], ["S", g.S], ["nFeatures", g.nFeatures]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`${what}: grid.${k} must be a positive integer, got ${v}`);
  }
  if (g.featureNames.length !== g.nFeatures) throw new InputError(`${what}: grid has ${g.nFeatures} features but ${g.featureNames.length} feature names`);
  if (g.values.length !== g.T * g.S * g.nFeatures) {
    throw new InputError(`${what}: grid.values has ${g.values.length} values, expected T x S x F = ${g.T} x ${g.S} x ${g.nFeatures} = ${g.T * g.S * g.nFeatures}`);
  }
  const cells = g.T * g.S;
  for (let r = 0; r < d.rows.length; r++) {
    const c = d.rows[r];
    if (c < 0 || c >= cells) throw new InputError(`${what}: row ${r} points at grid cell ${c}, outside 0..${cells - 1} (cell = t * S + s)`);
  }
  if (needTargets) {
    if (d.y.length !== d.rows.length) throw new InputError(`${what}: ${d.rows.length} rows but ${d.y.length} targets`);
    for (let r = 0; r < d.y.length; r++) {
      if (!Number.isFinite(d.y[r])) throw new InputError(`${what}: target of row ${r} (t=${Math.floor(d.rows[r] / g.S)}, symbol ${d.rows[r] % g.S}) is ${d.y[r]}`, "drop rows without a target before training");
    }
  }
  if (d.weight && d.weight.length !== d.rows.length) throw new InputError(`${what}: ${d.rows.length} rows but ${d.weight.length} weights`);
}

/** A grid from per-feature time-major [T x S] columns (the Panel layout), interleaved bar-major. */
export function featureGridFromColumns(columns: readonly (Float32Array | Float64Array)[], featureNames: readonly string[], T: number, S: number): FeatureGrid {
  const F = columns.length;
  if (featureNames.length !== F) throw new InputError(`${F} feature columns but ${featureNames.length} names`);
  const cells = T * S;
  columns.forEach((c, f) => {
    if (c.length !== cells) throw new InputError(`feature "${featureNames[f]}" has ${c.length} values, expected T x S = ${cells}`);
  });
  const values = new Float32Array(cells * F);
  for (let f = 0; f < F; f++) {
    const col = columns[f];
    for (let i = 0, o = f; i < cells; i++, o += F) values[o] = col[i];
  }
  return { T, S, nFeatures: F, featureNames: [...featureNames], values };
}

/** A grid of the named Panel columns. */
export function featureGridFromPanel(panel: Panel, featureNames: readonly string[]): FeatureGrid {
  return featureGridFromColumns(
    featureNames.map((n) => panel.column(n)),
    featureNames,
    panel.T,
    panel.S,
  );
}

/** Row cells (t * S + s) of every present (t, s) with t >= minT, time-major order. */
export function presentCells(panel: Pick<Panel, "T" | "S" | "present">, minT = 0): Int32Array {
  const out: number[] = [];
  for (let t = Math.max(0, minT); t < panel.T; t++) {
    for (let s = 0; s < panel.S; s++) if (panel.present[t * panel.S + s]) out.push(t * panel.S + s);
  }
  return Int32Array.from(out);
}
