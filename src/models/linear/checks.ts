import { InputError } from "../../util/errors.js";
import type { TabularData } from "../family.js";
import { checkTabular } from "../gbdt/validate.js";

/**
 * Input checks for the linear families, on top of the shared shape checks: values a linear model
 * cannot use (±Infinity features, non-finite targets, labels outside the classes) are errors naming
 * the row and column, never silently turned into wrong coefficients.
 */

export function checkLinearData(d: TabularData, where: string, task: "regression" | "classification"): void {
  checkTabular(d, where);
  checkFeatureValues(d.X, d.nRows, d.nFeatures, d.featureNames, where);
  for (let i = 0; i < d.nRows; i++) {
    const y = d.y[i];
    if (!Number.isFinite(y)) {
      throw new InputError(`${where}: target at row ${i} is ${y}`, "drop rows whose target is missing before fitting (a linear model needs a finite target on every row)");
    }
    if (task === "classification" && (!Number.isInteger(y) || y < 0)) {
      throw new InputError(`${where}: label at row ${i} is ${y}`, "classification labels must be class indices 0, 1, ..., K-1");
    }
  }
  if (d.weight) {
    let total = 0;
    for (let i = 0; i < d.nRows; i++) total += d.weight[i];
    if (!(total > 0)) throw new InputError(`${where}: sample weights sum to ${total}`, "at least one row needs a positive weight");
  }
}

/** NaN means missing and is handled by the model; ±Infinity is an error that names row and feature. */
export function checkFeatureValues(X: Float32Array, nRows: number, F: number, names: readonly string[], where: string): void {
  for (let i = 0; i < nRows * F; i++) {
    const x = X[i];
    if (x === Infinity || x === -Infinity) {
      const row = Math.floor(i / F);
      const f = i - row * F;
      throw new InputError(`${where}: feature "${names[f]}" (column ${f}) at row ${row} is ${x}`, "replace infinite values (e.g. a division by zero in a feature) with NaN or a finite value");
    }
  }
}

/** A validation set must carry the training features, same names in the same order. */
export function checkSameFeatures(train: TabularData, valid: TabularData, family: string): void {
  const a = train.featureNames;
  const b = valid.featureNames;
  if (a.length !== b.length) throw new InputError(`${family}: validation data has ${b.length} features, training data ${a.length}`, "pass the same feature columns, in the same order");
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new InputError(`${family}: validation feature ${i} is "${b[i]}", training feature ${i} is "${a[i]}"`, "pass the same feature columns, in the same order");
  }
}

/** Weights of rows [start, end) scaled to sum to 1 (unit weights when absent). */
export function normalizedWeights(d: TabularData, start: number, end: number, where: string): Float64Array {
  const n = end - start;
  const v = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += v[i] = d.weight ? d.weight[start + i] : 1;
  if (!(total > 0)) throw new InputError(`${where}: rows ${start}..${end - 1} have total weight ${total}`, "at least one row needs a positive weight");
  for (let i = 0; i < n; i++) v[i] /= total;
  return v;
}
