import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { SelectionMetric } from "./params.js";

/**
 * The regularization path a linear model was chosen from, kept with the model so feature
 * selection can read which features enter first (the lasso's ranking) and how the held-out score
 * moved with lambda.
 */

export interface PathSelection {
  /** How lambda was chosen: on the validation set, on the time-ordered holdout, or fixed by the user. */
  source: "validation" | "holdout" | "fixed";
  metric: SelectionMetric | null;
  rule: "min" | "one_se";
  /** Held-out loss per lambda (lower is better; correlations and AUC negated); Infinity where undefined. */
  scores: number[] | null;
  /** Standard error of each score. */
  se: number[] | null;
  /** Holdout only: rows [0, innerRows) fitted, then gapRows skipped, then holdoutRows scored. */
  innerRows: number | null;
  gapRows: number | null;
  holdoutRows: number | null;
}

export interface LinearPath {
  /** Decreasing. */
  lambdas: number[];
  /** Design columns: features, then `<feature>__missing` indicators. */
  columnNames: string[];
  nOutputs: number;
  /** Per lambda: output-major [nOutputs x nColumns] coefficients on the design scale (standardized features when standardize is on). */
  coef: Float64Array[];
  /** Per lambda: one intercept per output, design scale. */
  intercept: Float64Array[];
  converged: boolean[];
  /** Index of the chosen lambda. */
  selected: number;
  selection: PathSelection;
}

export interface PathEntry {
  feature: string;
  /** First lambda index at which the feature (or its missing indicator) has a nonzero coefficient; -1 = never. */
  lambdaIndex: number;
  lambda: number | null;
}

/**
 * Input features ordered by when they enter the path (largest lambda first); features entering at
 * the same lambda are ordered by coefficient size there, then name. Features that never enter come
 * last, by name, with lambdaIndex -1.
 */
export function entryOrder(path: LinearPath, featureNames: readonly string[], indicatorOf: Int32Array): PathEntry[] {
  const F = featureNames.length;
  const p = path.columnNames.length;
  const K = path.nOutputs;
  const first = new Int32Array(F).fill(-1);
  const size = new Float64Array(F);
  for (let l = 0; l < path.lambdas.length; l++) {
    const c = path.coef[l];
    for (let j = 0; j < p; j++) {
      const f = j < F ? j : indicatorOf[j - F];
      if (first[f] >= 0 && first[f] < l) continue;
      let m = 0;
      for (let k = 0; k < K; k++) m += Math.abs(c[k * p + j]);
      if (m === 0) continue;
      first[f] = l;
      size[f] += m;
    }
  }
  const idx = Array.from({ length: F }, (_, f) => f);
  idx.sort((a, b) => {
    const ea = first[a] < 0 ? Infinity : first[a];
    const eb = first[b] < 0 ? Infinity : first[b];
    if (ea !== eb) return ea - eb;
    if (size[a] !== size[b]) return size[b] - size[a];
    return featureNames[a] < featureNames[b] ? -1 : featureNames[a] > featureNames[b] ? 1 : 0;
  });
  return idx.map((f) => ({ feature: featureNames[f], lambdaIndex: first[f], lambda: first[f] >= 0 ? path.lambdas[first[f]] : null }));
}

const finiteOrNull = (a: number[] | null) => (a ? a.map((x) => (Number.isFinite(x) ? x : null)) : null);

export function pathToJson(path: LinearPath): PathJson {
  return {
    lambdas: path.lambdas,
    coef: path.coef.map((c) => Array.from(c)),
    intercept: path.intercept.map((c) => Array.from(c)),
    converged: path.converged,
    selected: path.selected,
    selection: { ...path.selection, scores: finiteOrNull(path.selection.scores), se: finiteOrNull(path.selection.se) },
  };
}

export function pathFromJson(json: PathJson, columnNames: string[], nOutputs: number): LinearPath {
  const L = json.lambdas.length;
  const p = columnNames.length;
  if (json.coef.length !== L || json.intercept.length !== L || json.converged.length !== L) {
    throw new InputError(`linear model JSON: path has ${L} lambdas but ${json.coef.length} coefficient rows, ${json.intercept.length} intercept rows and ${json.converged.length} flags`);
  }
  json.coef.forEach((c, l) => {
    if (c.length !== nOutputs * p) throw new InputError(`linear model JSON: path.coef.${l} has ${c.length} values, expected ${nOutputs} x ${p}`);
  });
  json.intercept.forEach((c, l) => {
    if (c.length !== nOutputs) throw new InputError(`linear model JSON: path.intercept.${l} has ${c.length} values, expected ${nOutputs}`);
  });
  if (json.selected >= L) throw new InputError(`linear model JSON: path.selected ${json.selected} is not one of the ${L} lambdas`);
  const s = json.selection;
  const unNull = (a: (number | null)[] | null) => (a ? a.map((x) => x ?? Infinity) : null);
  return {
    lambdas: json.lambdas,
    columnNames,
    nOutputs,
    coef: json.coef.map((c) => Float64Array.from(c)),
    intercept: json.intercept.map((c) => Float64Array.from(c)),
    converged: json.converged,
    selected: json.selected,
    selection: { ...s, scores: unNull(s.scores), se: unNull(s.se) },
  };
}

export const pathJsonSchema = z.strictObject({
  lambdas: z.array(z.number().min(0)).min(1),
  coef: z.array(z.array(z.number())),
  intercept: z.array(z.array(z.number())),
  converged: z.array(z.boolean()),
  selected: z.number().int().min(0),
  selection: z.strictObject({
    source: z.enum(["validation", "holdout", "fixed"]),
    metric: z.enum(["mse", "ic", "rank_ic", "logloss", "auc"]).nullable(),
    rule: z.enum(["min", "one_se"]),
    scores: z.array(z.number().nullable()).nullable(),
    se: z.array(z.number().nullable()).nullable(),
    innerRows: z.number().int().min(0).nullable(),
    gapRows: z.number().int().min(0).nullable(),
    holdoutRows: z.number().int().min(0).nullable(),
  }),
});

export type PathJson = z.infer<typeof pathJsonSchema>;
