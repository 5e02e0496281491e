/**
 * Stacking judged on the members' own folds. For test fold k the meta-learner is fitted only on
 * cells at the training times of fold k (data.train[k]), using the members' out-of-fold
 * predictions there and the target the members were fitted to (data.fitY); it then predicts fold
 * k's test cells from the members' out-of-fold predictions at those cells. No label of fold k's
 * test cells reaches its prediction.
 *
 * The residual optimism: the out-of-fold predictions at fold k's training cells were made by other
 * folds' models, and under purged k-fold (and CPCV) those models trained on fold k's test period.
 * The meta-learner fits only M weights on thousands of such rows, so what it can carry of that
 * period is small, but it is not nothing. Under walk-forward the earlier folds' models never saw a
 * later test period, and `training_cells: clean` (or auto) uses only such predictions. Which kind
 * each fold got is recorded in its outcome and in the notes.
 */
import { cleanSourceMatrix } from "./folds.js";
import { fitMeta, moments, reportedWeights, type MetaModel } from "./meta.js";
import type { StackerConfig } from "./schema.js";
import { scoreCells } from "./score.js";
import { standardize } from "./standardize.js";
import type { EnsembleContext, EnsembleFold, EnsembleResult } from "./types.js";

export function stacking(ctx: EnsembleContext, config: StackerConfig): EnsembleResult {
  const { data, members, grouping, source } = ctx;
  const { T, S } = data;
  const M = members.length;
  const names = members.map((m) => m.name);
  const Z = members.map((m) => standardize(m.oof, T, S, grouping, config.features));
  const fitY = data.fitY;
  // cells usable as meta-learner rows: every member predicted them and the target is known
  const usable = new Uint8Array(T * S);
  for (let c = 0; c < T * S; c++) {
    if (!Number.isFinite(fitY[c])) continue;
    let ok = true;
    for (let m = 0; m < M && ok; m++) if (!(Z[m][c] === Z[m][c])) ok = false;
    usable[c] = ok ? 1 : 0;
  }
  const clean = cleanSourceMatrix(data);
  const pooled = grouping.kind !== "timestamp";
  const oof = new Float64Array(T * S).fill(NaN);
  const folds: EnsembleFold[] = [];
  const equalFolds: number[] = [];
  const optimisticFolds: number[] = [];
  for (let k = 0; k < data.folds.length; k++) {
    const test = data.test[k];
    if (test.length === 0) continue;
    const { cells, allClean } = metaRows(data.train[k], usable, source, clean[k], config);
    let model: MetaModel | undefined;
    if (cells.length >= config.min_rows) model = usableModel(fitMeta(moments(Z, fitY, cells), config));
    // Pooled metrics compare predictions across folds: each fold's meta-learner has its own
    // intercept (the training base rate) and scale, which would shift whole folds against each
    // other, so there the prediction is the normalized weights times the standardized members.
    if (model !== undefined && pooled) model = { intercept: 0, coef: reportedWeights(model.coef) };
    const foldPred = new Float64Array(T * S).fill(NaN);
    for (const c of test) {
      const p = model === undefined ? equalWeight(Z, c) : predict(model, Z, c);
      foldPred[c] = p;
      oof[c] = p;
    }
    const fitted = model !== undefined;
    if (!fitted) equalFolds.push(data.folds[k].index);
    else if (!allClean) optimisticFolds.push(data.folds[k].index);
    folds.push({
      index: data.folds[k].index,
      trainRows: fitted ? cells.length : 0,
      testRows: test.length,
      score: scoreCells(data, foldPred, test),
      weights: named(names, fitted ? reportedWeights(model!.coef) : equal(M)),
      combination: fitted ? "fitted" : "equal_weights",
      clean: fitted ? allClean : null,
    });
  }
  const notes: string[] = [];
  if (optimisticFolds.length > 0) {
    notes.push(
      `folds ${optimisticFolds.join(", ")}: the meta-learner was fitted on out-of-fold predictions of member models that trained on the fold's test period ` +
        `(${data.plan.kind}); its ${M} weights can carry a little of that period, a small optimism walk-forward validation does not have`,
    );
  }
  if (pooled) {
    notes.push("pooled metric: each fold's stacked score is its normalized weights times the members' predictions standardized within the fold, so folds share one scale (not a calibrated forecast)");
  }
  if (equalFolds.length > 0) {
    notes.push(`folds ${equalFolds.join(", ")}: fewer than ${config.min_rows} usable out-of-fold training cells (or no member related to the target), so the members' equal-weight average`);
  }
  // the weights a model trained on all the data would use: the meta-learner on every out-of-fold cell
  let all = 0;
  for (let c = 0; c < usable.length; c++) if (usable[c] && source[c] >= 0) all++;
  const cells = new Int32Array(all);
  all = 0;
  for (let c = 0; c < usable.length; c++) if (usable[c] && source[c] >= 0) cells[all++] = c;
  const final = cells.length >= config.min_rows ? usableModel(fitMeta(moments(Z, fitY, cells), config)) : undefined;
  return {
    name: "stacking",
    method: "stacking",
    members: names,
    oof,
    folds,
    score: scoreCells(data, oof),
    weights: named(names, final ? reportedWeights(final.coef) : equal(M)),
    forecast: equalFolds.length === 0 && !pooled,
    notes,
  };
}

/** The fold's meta-learner rows under the configured policy, and whether they are all clean. */
function metaRows(
  train: Int32Array,
  usable: Uint8Array,
  source: Int32Array,
  cleanRow: readonly boolean[],
  config: Pick<StackerConfig, "training_cells" | "min_rows">,
): { cells: Int32Array; allClean: boolean } {
  let nAll = 0;
  let nClean = 0;
  for (const c of train) {
    if (!usable[c] || source[c] < 0) continue;
    nAll++;
    if (cleanRow[source[c]]) nClean++;
  }
  const useClean = config.training_cells === "clean" || (config.training_cells === "auto" && nClean >= config.min_rows);
  const n = useClean ? nClean : nAll;
  const cells = new Int32Array(n);
  let i = 0;
  for (const c of train) {
    if (!usable[c] || source[c] < 0) continue;
    if (useClean && !cleanRow[source[c]]) continue;
    cells[i++] = c;
  }
  return { cells, allClean: useClean || nClean === nAll };
}

/** A fitted model, or undefined when every coefficient is zero (no member related to the target). */
function usableModel(model: MetaModel): MetaModel | undefined {
  for (const v of model.coef) if (v !== 0) return model;
  return undefined;
}

function predict(model: MetaModel, Z: readonly Float64Array[], c: number): number {
  let p = model.intercept;
  let any = false;
  for (let m = 0; m < Z.length; m++) {
    const z = Z[m][c];
    // a member without a prediction here counts as neutral (0 on the standardized scale)
    if (z === z) {
      p += model.coef[m] * z;
      any = true;
    }
  }
  return any ? p : NaN;
}

function equalWeight(Z: readonly Float64Array[], c: number): number {
  let sum = 0;
  let n = 0;
  for (const g of Z) {
    const z = g[c];
    if (z === z) {
      sum += z;
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

function equal(M: number): Float64Array {
  return new Float64Array(M).fill(1 / M);
}

function named(names: readonly string[], w: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((n, i) => (out[n] = w[i]));
  return out;
}
