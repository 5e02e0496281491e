import { subsampleCells } from "../../validation/cells.js";
import { matchesAny } from "../../util/glob.js";
import { InputError } from "../../util/errors.js";
import { Rng } from "../../util/random.js";
import { loadAs } from "../family-load.js";
import type { Family, FitContext, TabularData } from "../family.js";
import { checkLinearData, checkSameFeatures, normalizedWeights } from "../linear/checks.js";
import { Preprocessor } from "../linear/preprocess.js";
import { appendColumns, baseParams, fitBase, scaledWeights, type BaseJson } from "./base.js";
import { fitGmm, responsibilities, selectGmmByBic, type BicEntry } from "./gmm.js";
import { GmmRegimeModel, regimeColumn } from "./gmm-model.js";
import { gmmRegimeParamsSchema, type GmmRegimeParams } from "./gmm-params.js";

/**
 * gmm_regime: a Gaussian mixture on standardized market-state features (the number of regimes
 * chosen by BIC on the training rows), regime probabilities appended to the features, and a base
 * model per regime weighted by its responsibilities (or one pooled model).
 */

export const GMM_REGIME_FAMILY = "gmm_regime";

/** Indices of the state features among the inputs: matching names, else all; at most `max`. */
export function stateFeatureIndex(names: readonly string[], patterns: readonly string[], max: number): number[] {
  let idx = names.map((n, i) => (matchesAny(n, patterns) ? i : -1)).filter((i) => i >= 0);
  if (idx.length === 0) idx = names.map((_, i) => i);
  return idx.slice(0, max);
}

function stateRows(d: TabularData, index: readonly number[]): TabularData {
  const m = index.length;
  const X = new Float32Array(d.nRows * m);
  for (let r = 0; r < d.nRows; r++) for (let j = 0; j < m; j++) X[r * m + j] = d.X[r * d.nFeatures + index[j]];
  return { nRows: d.nRows, nFeatures: m, featureNames: index.map((i) => d.featureNames[i]), X, y: d.y, weight: d.weight };
}

async function fitGmmRegime(train: TabularData, p: GmmRegimeParams, ctx: FitContext, valid?: TabularData): Promise<GmmRegimeModel> {
  const where = `${GMM_REGIME_FAMILY} training data`;
  checkLinearData(train, where, p.objective === "binary" ? "classification" : "regression");
  if (valid) checkSameFeatures(train, valid, GMM_REGIME_FAMILY);
  const base = baseParams(GMM_REGIME_FAMILY, p);
  const n = train.nRows;
  const F = train.nFeatures;
  const rng = new Rng(ctx.seed).fork(GMM_REGIME_FAMILY);
  const stateIndex = stateFeatureIndex(train.featureNames, p.state_features, p.max_state_features);
  const d = stateIndex.length;
  const st = stateRows(train, stateIndex);
  const v = normalizedWeights(train, 0, n, where);
  const statePre = Preprocessor.fit(st, { start: 0, end: n, v }, { fitIntercept: true, standardize: true, missingIndicator: false, winsorize: p.winsorize });
  const Z = new Float64Array(n * d);
  for (let r = 0; r < n; r++) statePre.fillRow(st.X, r, Z.subarray(r * d, (r + 1) * d));

  // EM on a seeded subsample (in row order), weights scaled to mean 1 so BIC counts rows.
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const emRows = n > p.max_em_rows ? subsampleCells(all, p.max_em_rows, rng.fork("rows")) : all;
  const m = emRows.length;
  if (m < p.max_states * 5) throw new InputError(`${where}: ${m} rows are too few for up to ${p.max_states} regimes in ${d} dimensions`, "use more data or a smaller max_states");
  const Zem = new Float64Array(m * d);
  const wem = new Float64Array(m);
  let wsum = 0;
  for (let i = 0; i < m; i++) {
    Zem.set(Z.subarray(emRows[i] * d, (emRows[i] + 1) * d), i * d);
    wsum += wem[i] = v[emRows[i]];
  }
  for (let i = 0; i < m; i++) wem[i] *= m / wsum;
  const em = { covariance: p.covariance, maxIter: p.max_iter, tol: p.tol, regCovar: p.reg_covar };
  let gmm;
  let bic: BicEntry[];
  if (p.min_states === p.max_states) {
    gmm = fitGmm(Zem, m, d, { ...em, k: p.min_states }, rng.fork("em"), wem);
    bic = [];
  } else {
    const sel = selectGmmByBic(Zem, m, d, p.min_states, p.max_states, em, rng.fork("em"), wem);
    gmm = sel.best;
    bic = sel.table;
  }
  const K = gmm.k;
  ctx.log?.debug({ family: GMM_REGIME_FAMILY, regimes: K, bic }, "gmm_regime: regimes chosen");

  const names = [...train.featureNames, ...Array.from({ length: K }, (_, k) => regimeColumn(k))];
  const augment = (data: TabularData, resp: Float64Array, weight?: Float64Array): TabularData => ({
    nRows: data.nRows,
    nFeatures: F + K,
    featureNames: names,
    X: appendColumns(data.X, data.nRows, F, resp, K),
    y: data.y,
    weight,
  });
  const resp = responsibilities(gmm, Z, n).resp;
  let vResp: Float64Array | undefined;
  if (valid) {
    const vs = stateRows(valid, stateIndex);
    const Zv = new Float64Array(valid.nRows * d);
    for (let r = 0; r < valid.nRows; r++) statePre.fillRow(vs.X, r, Zv.subarray(r * d, (r + 1) * d));
    vResp = responsibilities(gmm, Zv, valid.nRows).resp;
  }
  const tr = augment(train, resp, train.weight);
  const va = valid && vResp ? augment(valid, vResp, valid.weight) : undefined;
  const pooled = await fitBase(base, tr, ctx, va);
  const pooledJson: BaseJson = { family: base.name, model: pooled.toJSON() };
  const perRegime = [];
  const perRegimeJson: (BaseJson | null)[] = [];
  if (p.per_regime && K > 1) {
    for (let k = 0; k < K; k++) {
      let share = 0;
      for (let r = 0; r < n; r++) share += v[r] * resp[r * K + k];
      if (share < p.min_regime_share) {
        perRegime.push(null);
        perRegimeJson.push(null);
        continue;
      }
      const wk = scaledWeights(n, (r) => resp[r * K + k], train.weight);
      const vk = va && vResp ? { ...va, weight: scaledWeights(va.nRows, (r) => vResp![r * K + k], valid!.weight) } : undefined;
      const model = await fitBase(base, { ...tr, weight: wk }, ctx, vk);
      perRegime.push(model);
      perRegimeJson.push({ family: base.name, model: model.toJSON() });
    }
  }
  return new GmmRegimeModel(
    { family: GMM_REGIME_FAMILY, task: p.objective, featureNames: train.featureNames.slice(), params: p, stateIndex, bic },
    statePre,
    gmm,
    pooled,
    perRegime,
    { pooled: pooledJson, perRegime: perRegimeJson },
  );
}

export interface GmmRegimeFamily extends Family<GmmRegimeParams> {
  fit(train: TabularData, params: GmmRegimeParams, ctx: FitContext, valid?: TabularData): Promise<GmmRegimeModel>;
  load(json: unknown): GmmRegimeModel;
}

export const gmmRegimeFamily: GmmRegimeFamily = {
  name: GMM_REGIME_FAMILY,
  kind: "tabular",
  tasks: ["regression", "binary"],
  paramsSchema: gmmRegimeParamsSchema,
  fit: fitGmmRegime,
  load: (json: unknown) => loadAs(GMM_REGIME_FAMILY, GmmRegimeModel.fromJSON, json),
};
