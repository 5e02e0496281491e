/**
 * A tabular family's rows from the panel's feature grids: what every fit on cells of the panel
 * (the leakage quick model, cv-fit, the final model, trading's predictions) hands a family.
 */
import type { TabularData } from "./family.js";

/** Row-major float32 rows of the given cells, with their labels from `y` (NaN without one). */
export function tabularRows(cells: Int32Array, names: readonly string[], grids: ReadonlyMap<string, Float32Array>, y?: Float64Array): TabularData {
  const F = names.length;
  const n = cells.length;
  const X = new Float32Array(n * F);
  for (let f = 0; f < F; f++) {
    const g = grids.get(names[f]);
    if (g === undefined) throw new Error(`feature "${names[f]}" has no grid`);
    for (let i = 0, o = f; i < n; i++, o += F) X[o] = g[cells[i]];
  }
  const yy = new Float64Array(n);
  if (y === undefined) yy.fill(NaN);
  else for (let i = 0; i < n; i++) yy[i] = y[cells[i]];
  return { nRows: n, nFeatures: F, featureNames: [...names], X, y: yy };
}
