import { InputError } from "../../util/errors.js";
import type { TabularData } from "../family.js";

/** Shape and value checks on tabular input, with errors that name the array, row and column. */
export function checkTabular(d: TabularData, where: string): void {
  const { nRows, nFeatures } = d;
  if (!Number.isInteger(nRows) || nRows < 1) throw new InputError(`${where}: needs at least one row (nRows = ${nRows})`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new InputError(`${where}: needs at least one feature (nFeatures = ${nFeatures})`);
  if (d.X.length !== nRows * nFeatures) throw new InputError(`${where}: X has ${d.X.length} values, expected nRows x nFeatures = ${nRows * nFeatures}`);
  if (d.featureNames.length !== nFeatures) throw new InputError(`${where}: ${d.featureNames.length} feature names for ${nFeatures} features`);
  const seen = new Set<string>();
  for (const name of d.featureNames) {
    if (seen.has(name)) throw new InputError(`${where}: feature name "${name}" appears twice`);
    seen.add(name);
  }
  if (d.y.length !== nRows) throw new InputError(`${where}: y has ${d.y.length} values for ${nRows} rows`);
  if (d.weight) {
    if (d.weight.length !== nRows) throw new InputError(`${where}: weight has ${d.weight.length} values for ${nRows} rows`);
    for (let i = 0; i < nRows; i++) {
      if (!(d.weight[i] >= 0) || !Number.isFinite(d.weight[i])) throw new InputError(`${where}: weight at row ${i} is ${d.weight[i]}`, "sample weights must be finite and >= 0");
    }
  }
  if (d.group && d.group.length !== nRows) throw new InputError(`${where}: group has ${d.group.length} values for ${nRows} rows`);
  if (d.initScore) {
    if (d.initScore.length % nRows !== 0) throw new InputError(`${where}: initScore has ${d.initScore.length} values, not a multiple of ${nRows} rows`);
    for (let i = 0; i < d.initScore.length; i++) {
      if (!Number.isFinite(d.initScore[i])) throw new InputError(`${where}: initScore value ${i} is ${d.initScore[i]}`);
    }
  }
}

export function checkPredictInput(X: Float32Array, nRows: number, nFeatures: number): void {
  if (!Number.isInteger(nRows) || nRows < 0) throw new InputError(`predict: nRows must be a non-negative integer, got ${nRows}`);
  if (X.length !== nRows * nFeatures) {
    throw new InputError(`predict: X has ${X.length} values, expected ${nRows} rows x ${nFeatures} features = ${nRows * nFeatures}`, "pass the same feature columns, in the same order, as in training");
  }
}
