import { FoxmlError, InputError } from "../../util/errors.js";
import type { FitContext, TabularData } from "../family.js";
import { checkLinearData, checkSameFeatures, normalizedWeights } from "./checks.js";
import { elasticNetPath, gaussianLambdaMax, gaussianProblem, ridgeLambdaMax, ridgePath } from "./gaussian.js";
import { defaultMinRatio, gridTo, logGrid, usableLambdaMax, type PathFit } from "./grid.js";
import { logisticNull, logisticPath } from "./logistic.js";
import type { LogisticProblem } from "./logistic-loss.js";
import { LinearModel, type LinearTask } from "./model.js";
import type { ElasticNetParams, LassoParams, LinearParams, LogisticParams, RidgeParams, SelectionMetric } from "./params.js";
import type { LinearPath, PathSelection } from "./path.js";
import { Preprocessor, type RowRange } from "./preprocess.js";
import { pickLambda, scorePath, type PathScores, type ScoredRows } from "./select.js";

/**
 * Fitting a linear family: checks, preprocessing fitted on the training rows, the regularization
 * path, and the choice of lambda — on the validation set when one is given, otherwise on a
 * time-ordered holdout at the end of the training rows (after a purge gap), never a shuffled CV.
 * With a holdout, the inner part gets its own preprocessing, so nothing about the holdout rows leaks
 * into the fit that scores them; the final model is the full-training path at the chosen lambda.
 */

export type LinearKind = "ridge" | "lasso" | "elastic_net" | "logistic";

export interface LinearSpec {
  family: string;
  kind: LinearKind;
}

/** A preprocessed training part, ready to fit a path on. */
interface Prepared {
  pre: Preprocessor;
  lambdaMax: number;
  run(lambdas: number[]): PathFit;
}

interface Settings {
  l1Ratio: number;
  solver: string;
  link: "identity" | "logit" | "softmax";
  task: LinearTask;
  K: number;
  nOut: number;
}

const COVARIANCE_MAX_COLUMNS = 500;
const CHOLESKY_MAX_COLUMNS = 1000;
const SMOOTH_MIN_RATIO = 1e-6;
const MIN_PART_ROWS = 10;

export async function fitLinear(spec: LinearSpec, train: TabularData, params: LinearParams, ctx: FitContext, valid?: TabularData): Promise<LinearModel> {
  const { family, kind } = spec;
  const isClass = kind === "logistic";
  checkLinearData(train, `${family} training data`, isClass ? "classification" : "regression");
  if (valid) {
    checkLinearData(valid, `${family} validation data`, isClass ? "classification" : "regression");
    checkSameFeatures(train, valid, family);
  }
  const n = train.nRows;
  const K = isClass ? classCount(train, valid, params as LogisticParams, family) : 0;
  const nOut = K > 2 ? K : 1;
  const trainOffset = offsetsOf(train, nOut, `${family} training data`);
  const validOffset = valid ? offsetsOf(valid, nOut, `${family} validation data`) : null;
  const preOpts = { fitIntercept: params.fit_intercept, standardize: params.standardize, missingIndicator: params.missing_indicator, winsorize: params.winsorize };
  const st = settingsFor(kind, params, K, designColumns(train, params.missing_indicator));

  // A path fitted to choose lambda may stop where smaller lambdas stop helping; a path to a fixed
  // lambda must reach it.
  const stopEarly = params.lambda === "auto";
  const prepare = (start: number, end: number): Prepared => {
    const range: RowRange = { start, end, v: normalizedWeights(train, start, end, `${family} training data`) };
    const pre = Preprocessor.fit(train, range, preOpts);
    if (!isClass) {
      const y = new Float64Array(end - start);
      for (let i = 0; i < y.length; i++) y[i] = train.y[start + i] - (trainOffset ? trainOffset[start + i] : 0);
      const form = st.solver === "cholesky" || st.solver === "cd_covariance" ? "covariance" : "naive";
      const prob = gaussianProblem(train, pre, range, y, form, params.fit_intercept);
      if (kind === "ridge") return { pre, lambdaMax: ridgeLambdaMax(prob), run: (l) => ridgePath(prob, l, params.tol, params.max_iter) };
      const opts = { tol: params.tol, maxPasses: params.max_iter, maxActive: (params as LassoParams).max_active, stopEarly };
      return { pre, lambdaMax: gaussianLambdaMax(prob, st.l1Ratio), run: (l) => elasticNetPath(prob, l, st.l1Ratio, opts) };
    }
    const prob = logisticProblem(train, pre, range, trainOffset, K, nOut, params.fit_intercept, family);
    const { lambdaMax } = logisticNull(prob, st.l1Ratio, params.max_iter);
    const opts = { l1Ratio: st.l1Ratio, solver: st.solver as "newton_cd" | "lbfgs", tol: params.tol, maxIter: params.max_iter, maxActive: (params as LogisticParams).max_active, stopEarly };
    return { pre, lambdaMax, run: (l) => logisticPath(prob, l, opts) };
  };

  const full = prepare(0, n);
  const lambdas = lambdaGrid(kind, params, st.l1Ratio, usableLambdaMax(full.lambdaMax), n, full.pre.nCols);
  checkAbort(ctx);
  const fullPath = full.run(lambdas);
  const metric = params.selection_metric as SelectionMetric;
  const auto = params.lambda === "auto";
  let selection: PathSelection = { source: "fixed", metric: null, rule: params.lambda_selection, scores: null, se: null, innerRows: null, gapRows: null, holdoutRows: null };
  let selected = fullPath.lambdas.length - 1;

  if (valid) {
    const rows = scoredRows(full.pre, valid, 0, valid.nRows, validOffset, `${family} validation data`);
    const s = scorePath(rows, fullPath, nOut, st.link, metric);
    selection = { ...selection, source: auto ? "validation" : "fixed", metric, scores: s.scores, se: s.se };
    if (auto) selected = pickLambda(s, params.lambda_selection);
  } else if (auto) {
    const holdoutRows = Math.max(1, Math.round(params.holdout_fraction * n));
    const gapRows = params.holdout_gap_rows === "auto" ? Math.ceil(0.01 * n) : params.holdout_gap_rows;
    const innerRows = n - holdoutRows - gapRows;
    if (innerRows < MIN_PART_ROWS || holdoutRows < MIN_PART_ROWS) {
      // The gap is the label window purged between the inner fit and the holdout; on a short fold
      // it can swallow the rows, and "inner -1406" would not say why.
      const why =
        innerRows < MIN_PART_ROWS && gapRows + MIN_PART_ROWS * 2 > n
          ? `the purge gap of ${gapRows} rows between its inner fit and its holdout (the label window) leaves ${Math.max(0, innerRows)} inner rows`
          : `inner ${innerRows}, gap ${gapRows}, holdout ${holdoutRows}`;
      throw new InputError(
        `${family}: ${n} training rows are too few to choose lambda on a holdout (${why}; the inner fit and the holdout each need ${MIN_PART_ROWS} rows)`,
        "use a longer history or fewer folds, set lambda to a number, or lower holdout_gap_rows",
      );
    }
    checkAbort(ctx);
    const inner = prepare(0, innerRows);
    const innerPath = inner.run(fullPath.lambdas);
    const s = padScores(scorePath(scoredRows(inner.pre, train, n - holdoutRows, n, trainOffset, `${family} holdout`), innerPath, nOut, st.link, metric), fullPath.lambdas.length);
    selected = pickLambda(s, params.lambda_selection);
    selection = { ...selection, source: "holdout", metric, scores: s.scores, se: s.se, innerRows, gapRows, holdoutRows };
  }

  const converged = fullPath.converged.every(Boolean);
  if (!converged) {
    const bad = fullPath.lambdas.filter((_, l) => !fullPath.converged[l]);
    ctx.log?.warn({ family, solver: st.solver, lambdas: bad.slice(0, 5), count: bad.length }, "linear solver hit max_iter before converging; raise max_iter or tol");
  }
  const path: LinearPath = {
    lambdas: fullPath.lambdas,
    columnNames: full.pre.columnNames,
    nOutputs: nOut,
    coef: fullPath.coef,
    intercept: fullPath.intercept,
    converged: fullPath.converged,
    selected,
    selection,
  };
  ctx.log?.info(
    { family, lambda: fullPath.lambdas[selected], selected, nLambdas: fullPath.lambdas.length, source: selection.source, solver: st.solver, iterations: fullPath.iterations },
    "linear model fitted",
  );
  return new LinearModel(
    {
      family,
      task: st.task,
      numClasses: isClass ? K : 0,
      featureNames: [...train.featureNames],
      lambda: fullPath.lambdas[selected],
      l1Ratio: st.l1Ratio,
      fit: { solver: st.solver, iterations: fullPath.iterations, converged, trainRows: n },
    },
    full.pre,
    fullPath.coef[selected],
    fullPath.intercept[selected],
    path,
  );
}

function settingsFor(kind: LinearKind, params: LinearParams, K: number, nCols: number): Settings {
  const regression = { link: "identity" as const, task: "regression" as const, K: 0, nOut: 1 };
  switch (kind) {
    case "ridge": {
      const s = (params as RidgeParams).solver;
      return { ...regression, l1Ratio: 0, solver: s === "auto" ? (nCols <= CHOLESKY_MAX_COLUMNS ? "cholesky" : "cg") : s };
    }
    case "lasso":
    case "elastic_net": {
      const s = (params as LassoParams | ElasticNetParams).solver;
      const form = s === "auto" ? (nCols <= COVARIANCE_MAX_COLUMNS ? "covariance" : "naive") : s;
      return { ...regression, l1Ratio: kind === "lasso" ? 1 : (params as ElasticNetParams).l1_ratio, solver: `cd_${form}` };
    }
    case "logistic": {
      const lp = params as LogisticParams;
      const l1Ratio = lp.penalty === "l2" ? 0 : lp.penalty === "l1" ? 1 : (lp.l1_ratio ?? 0.5);
      const solver = lp.solver === "auto" ? (l1Ratio === 0 ? "lbfgs" : "newton_cd") : lp.solver;
      if (solver === "lbfgs" && l1Ratio > 0) throw new InputError(`logistic: solver lbfgs needs a pure L2 penalty (l1_ratio is ${l1Ratio})`, "use solver newton_cd");
      return { l1Ratio, solver, link: K > 2 ? "softmax" : "logit", task: K > 2 ? "multiclass" : "binary", K, nOut: K > 2 ? K : 1 };
    }
  }
}

function lambdaGrid(kind: LinearKind, params: LinearParams, l1Ratio: number, lambdaMax: number, n: number, p: number): number[] {
  const smooth = kind === "ridge" || l1Ratio === 0;
  // A smooth penalty's largest lambda is a convention (1e3 x the L1 one), so its grid runs deeper.
  const minRatio = params.lambda_min_ratio === "auto" ? (smooth ? SMOOTH_MIN_RATIO : defaultMinRatio(n, p)) : params.lambda_min_ratio;
  if (params.lambda === "auto") return logGrid(lambdaMax, minRatio, params.n_lambda);
  // A smooth penalty needs no warm-start path: one solve at the requested lambda.
  return smooth ? [params.lambda] : gridTo(lambdaMax, params.lambda, params.n_lambda);
}

function classCount(train: TabularData, valid: TabularData | undefined, params: LogisticParams, family: string): number {
  let maxLabel = 0;
  for (let i = 0; i < train.nRows; i++) maxLabel = Math.max(maxLabel, train.y[i]);
  const K = params.num_class ?? Math.max(2, maxLabel + 1);
  for (const [d, where] of [[train, "training"], [valid, "validation"]] as const) {
    if (!d) continue;
    for (let i = 0; i < d.nRows; i++) {
      if (d.y[i] >= K) throw new InputError(`${family} ${where} data: label at row ${i} is ${d.y[i]}, but num_class is ${K}`, "labels must be 0..num_class-1");
    }
  }
  return K;
}

/** Offsets (init scores) output-major [nOut x n], or null. */
function offsetsOf(d: TabularData, nOut: number, where: string): Float64Array | null {
  if (!d.initScore) return null;
  const n = d.nRows;
  if (d.initScore.length !== n * nOut) throw new InputError(`${where}: initScore has ${d.initScore.length} values, expected ${n} rows x ${nOut} outputs`);
  const out = new Float64Array(n * nOut);
  for (let i = 0; i < n; i++) for (let k = 0; k < nOut; k++) out[k * n + i] = d.initScore[i * nOut + k];
  return out;
}

function sliceOffsets(offset: Float64Array | null, nTotal: number, start: number, end: number, nOut: number): Float64Array | null {
  if (!offset) return null;
  const n = end - start;
  const out = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) out.set(offset.subarray(k * nTotal + start, k * nTotal + end), k * n);
  return out;
}

function logisticProblem(d: TabularData, pre: Preprocessor, range: RowRange, offset: Float64Array | null, K: number, nOut: number, fitIntercept: boolean, family: string): LogisticProblem {
  const { start, end, v } = range;
  const n = end - start;
  const label = new Int32Array(n);
  const classWeight = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    label[i] = d.y[start + i];
    classWeight[label[i]] += v[i];
  }
  for (let k = 0; k < K; k++) {
    if (!(classWeight[k] > 0)) {
      const part = start === 0 && end === d.nRows ? "training rows" : `training rows ${start}..${end - 1} (the part fitted before the holdout)`;
      throw new InputError(`${family}: class ${k} of ${K} has no ${part} with positive weight`, "every class needs training rows: set num_class to the classes present, or pass a validation set / a fixed lambda");
    }
  }
  const skip = new Uint8Array(pre.nCols);
  for (let j = 0; j < pre.nCols; j++) skip[j] = pre.isConstant(j) ? 1 : 0;
  return {
    Xc: pre.columnMajor(d.X, start, end),
    n,
    p: pre.nCols,
    v,
    label,
    K,
    nOut,
    offset: sliceOffsets(offset, d.nRows, start, end, nOut),
    skip,
    fitIntercept,
  };
}

function scoredRows(pre: Preprocessor, d: TabularData, start: number, end: number, offset: Float64Array | null, where: string): ScoredRows {
  const nOut = offset ? offset.length / d.nRows : 1;
  return {
    design: pre.rowMajor(d.X, start, end),
    n: end - start,
    p: pre.nCols,
    y: d.y.subarray(start, end),
    v: normalizedWeights(d, start, end, where),
    offset: sliceOffsets(offset, d.nRows, start, end, nOut),
  };
}

/** The inner path may stop early (max_active): missing lambdas score as unusable. */
function padScores(s: PathScores, L: number): PathScores {
  const scores = [...s.scores];
  const se = [...s.se];
  while (scores.length < L) {
    scores.push(Infinity);
    se.push(0);
  }
  return { scores, se };
}

/** Design width before preprocessing: features plus one indicator per feature with a NaN. */
function designColumns(d: TabularData, indicators: boolean): number {
  if (!indicators) return d.nFeatures;
  const F = d.nFeatures;
  const hasNaN = new Uint8Array(F);
  for (let i = 0; i < d.X.length; i++) if (d.X[i] !== d.X[i]) hasNaN[i % F] = 1;
  let m = 0;
  for (const h of hasNaN) m += h;
  return F + m;
}

function checkAbort(ctx: FitContext): void {
  if (ctx.signal?.aborted) throw new FoxmlError("linear model fit aborted", { exitCode: 1 });
}
