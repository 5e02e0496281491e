import { InputError } from "../../util/errors.js";
import { loadAs } from "../family-load.js";
import type { Family, FitContext, TabularData } from "../family.js";
import { checkLinearData, checkSameFeatures, normalizedWeights } from "../linear/checks.js";
import { fitLinear } from "../linear/fit.js";
import { logisticParamsSchema, ridgeParamsSchema } from "../linear/params.js";
import { Preprocessor } from "../linear/preprocess.js";
import { FtrlState, lossOf } from "./core.js";
import { FtrlModel, settingsOf } from "./model.js";
import { ftrlParamsSchema, type FtrlParams } from "./params.js";

/**
 * FTRL-Proximal as a family: a batch ridge / logistic fit as the warm start (its coefficients,
 * and the squared gradients of one pass over the training rows at them, so the first online steps
 * are as small as if the model had seen the data), then `passes` online passes in row order
 * (time order in the pipeline: the latest rows move the weights last).
 */

export const FTRL_FAMILY = "ftrl";

async function fitFtrl(train: TabularData, p: FtrlParams, ctx: FitContext, valid?: TabularData): Promise<FtrlModel> {
  const binary = p.objective === "binary";
  const where = `${FTRL_FAMILY} training data`;
  checkLinearData(train, where, binary ? "classification" : "regression");
  if (valid) {
    checkLinearData(valid, `${FTRL_FAMILY} validation data`, binary ? "classification" : "regression");
    checkSameFeatures(train, valid, FTRL_FAMILY);
  }
  if (binary) {
    for (let i = 0; i < train.nRows; i++) {
      if (train.y[i] > 1) throw new InputError(`${where}: label at row ${i} is ${train.y[i]}; ftrl is binary or regression`, "use logistic for multiclass targets");
    }
  }
  const n = train.nRows;
  const F = train.nFeatures;
  const v = normalizedWeights(train, 0, n, where);
  const pre = Preprocessor.fit(train, { start: 0, end: n, v }, { fitIntercept: true, standardize: true, missingIndicator: false, winsorize: p.winsorize });
  const target = binary ? { shift: 0, scale: 1 } : targetScale(train.y, v);
  const state = new FtrlState(settingsOf(p), F + 1);
  const model = new FtrlModel({ family: FTRL_FAMILY, task: binary ? "binary" : "regression", featureNames: train.featureNames.slice(), params: p, target, trainRows: n, lastPassLoss: NaN }, pre, state);
  // Sample weights enter the online steps scaled to mean 1, so weighting does not change the step size.
  const stepWeight = (i: number) => v[i] * n;
  const yOf = (i: number) => (binary ? train.y[i] : (train.y[i] - target.shift) / target.scale);

  if (p.warm_start === "batch") {
    const w0 = await batchWeights(train, p, pre, target, ctx, valid);
    // n from one pass of gradients at the warm start, then z solved so the weights equal it.
    const g = new Float64Array(F + 1);
    const tmp = new FtrlState(settingsOf(p), F + 1);
    tmp.w.set(w0);
    for (let i = 0; i < n; i++) {
      const x = model.designRow(train.X, i);
      const base = (tmp.output(x) - yOf(i)) * stepWeight(i);
      for (let j = 0; j <= F; j++) {
        const gj = base * (j === 0 ? 1 : x[j]);
        g[j] += gj * gj;
      }
    }
    state.n.set(g);
    state.setWeights(w0);
  }
  let lastLoss = NaN;
  for (let pass = 0; pass < p.passes; pass++) {
    if (ctx.signal?.aborted) throw new InputError("training was cancelled");
    let loss = 0;
    for (let i = 0; i < n; i++) loss += state.step(model.designRow(train.X, i), yOf(i), stepWeight(i)) * v[i];
    lastLoss = loss;
    ctx.log?.debug({ family: FTRL_FAMILY, pass, loss }, "ftrl pass");
  }
  model.info.lastPassLoss = lastLoss;
  state.updates = 0;
  if (valid) {
    const pv = model.predict(valid.X, valid.nRows);
    let loss = 0;
    for (let i = 0; i < valid.nRows; i++) loss += binary ? lossOf(pv[i], valid.y[i], true) : lossOf((pv[i] - target.shift) / target.scale, (valid.y[i] - target.shift) / target.scale, false);
    ctx.log?.debug({ family: FTRL_FAMILY, validLoss: loss / valid.nRows }, "ftrl validation loss");
  }
  return model;
}

/** Weighted mean and standard deviation of the target (scale 1 for a constant target). */
function targetScale(y: Float64Array, v: Float64Array): { shift: number; scale: number } {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += v[i] * y[i];
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += v[i] * (y[i] - m) ** 2;
  const sd = Math.sqrt(ss);
  return { shift: m, scale: sd > 0 ? sd : 1 };
}

/** The batch ridge / logistic solution mapped onto FTRL's design (standardized, intercept first). */
async function batchWeights(train: TabularData, p: FtrlParams, pre: Preprocessor, target: { shift: number; scale: number }, ctx: FitContext, valid?: TabularData): Promise<Float64Array> {
  const common = { lambda: p.warm_lambda, missing_indicator: false, winsorize: p.winsorize };
  const linear =
    p.objective === "binary"
      ? await fitLinear({ family: `${FTRL_FAMILY}_warm_start`, kind: "logistic" }, train, logisticParamsSchema.parse(common), ctx, valid)
      : await fitLinear({ family: `${FTRL_FAMILY}_warm_start`, kind: "ridge" }, train, ridgeParamsSchema.parse(common), ctx, valid);
  const c = linear.coefficients();
  const F = train.nFeatures;
  const w = new Float64Array(F + 1);
  let b = c.intercept[0];
  for (let j = 0; j < F; j++) {
    const r = c.raw[0][j];
    w[j + 1] = (r * pre.scale[j]) / target.scale;
    b += r * pre.center[j];
  }
  w[0] = (b - target.shift) / target.scale;
  return w;
}

/** The FTRL family: fit returns an FtrlModel (with update(), coefficients()). */
export interface FtrlFamily extends Family<FtrlParams> {
  fit(train: TabularData, params: FtrlParams, ctx: FitContext, valid?: TabularData): Promise<FtrlModel>;
  load(json: unknown): FtrlModel;
}

export const ftrlFamily: FtrlFamily = {
  name: FTRL_FAMILY,
  kind: "tabular",
  tasks: ["regression", "binary"],
  paramsSchema: ftrlParamsSchema,
  fit: fitFtrl,
  load: (json: unknown) => loadAs(FTRL_FAMILY, FtrlModel.fromJSON, json),
};
