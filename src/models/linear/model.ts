import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import { checkPredictInput } from "../gbdt/validate.js";
import { checkFeatureValues } from "./checks.js";
import { sigmoid } from "./logistic-loss.js";
import { softmaxOutputMajor } from "../link.js";
import { type LinearPath, type PathEntry, type PathSelection, entryOrder, pathJsonSchema, pathFromJson, pathToJson } from "./path.js";
import { Preprocessor, preprocessorJsonSchema } from "./preprocess.js";

/** Bumped whenever the JSON layout changes; `load` accepts this version only. */
export const LINEAR_FORMAT = "foxml-linear";
export const LINEAR_FORMAT_VERSION = 1;

export type LinearTask = "regression" | "binary" | "multiclass";

export interface LinearFitInfo {
  solver: string;
  /** Coordinate passes, Newton steps or L-BFGS iterations over the whole path. */
  iterations: number;
  /** False when any lambda on the path hit the iteration cap. */
  converged: boolean;
  trainRows: number;
}

export interface LinearModelInfo {
  family: string;
  task: LinearTask;
  /** 2 for binary, K for multiclass, 0 for regression. */
  numClasses: number;
  featureNames: string[];
  /** Penalty strength and L1 share of the chosen fit. */
  lambda: number;
  l1Ratio: number;
  fit: LinearFitInfo;
}

/** Coefficients on both scales, per output. */
export interface LinearCoefficients {
  /** Design columns: features, then `<feature>__missing` indicators. */
  names: string[];
  /** Per output: intercept for raw (clipped, imputed) feature values. */
  intercept: number[];
  /** Per output: change in the prediction (link scale) per unit of the raw feature value. */
  raw: Float64Array[];
  /** Per output: change per training standard deviation of the feature (comparable across features). */
  standardized: Float64Array[];
}

/**
 * A fitted linear model: preprocessing, coefficients on the design scale for each output (one for
 * regression and binary, K for multiclass), and the regularization path it was chosen from.
 */
export class LinearModel implements TrainedModel {
  readonly family: string;
  readonly nOutputs: number;

  constructor(
    readonly info: LinearModelInfo,
    readonly pre: Preprocessor,
    /** Output-major [nOutputs x nCols], design scale. */
    private readonly coef: Float64Array,
    private readonly intercept: Float64Array,
    private readonly pathData: LinearPath,
  ) {
    this.family = info.family;
    this.nOutputs = intercept.length;
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  /** Link-scale scores, output-major [nOutputs x nRows]. */
  predictRaw(X: Float32Array, nRows: number): Float64Array {
    checkPredictInput(X, nRows, this.nFeatures);
    checkFeatureValues(X, nRows, this.nFeatures, this.info.featureNames, "predict");
    const p = this.pre.nCols;
    const K = this.nOutputs;
    const row = new Float64Array(p);
    const out = new Float64Array(K * nRows);
    for (let r = 0; r < nRows; r++) {
      this.pre.fillRow(X, r, row);
      for (let k = 0; k < K; k++) {
        let s = this.intercept[k];
        const off = k * p;
        for (let j = 0; j < p; j++) s += this.coef[off + j] * row[j];
        out[k * nRows + r] = s;
      }
    }
    return out;
  }

  /** Regression: values; binary: P(class 1); multiclass: row-major [row][class] probabilities. */
  predict(X: Float32Array, nRows: number): Float64Array {
    const raw = this.predictRaw(X, nRows);
    if (this.info.task === "regression") return raw;
    if (this.info.task === "binary") return raw.map(sigmoid);
    return softmaxOutputMajor(raw, this.nOutputs, nRows);
  }

  coefficients(): LinearCoefficients {
    const p = this.pre.nCols;
    const { center, scale, std } = this.pre;
    const intercept: number[] = [];
    const raw: Float64Array[] = [];
    const standardized: Float64Array[] = [];
    for (let k = 0; k < this.nOutputs; k++) {
      const r = new Float64Array(p);
      const s = new Float64Array(p);
      let b = this.intercept[k];
      for (let j = 0; j < p; j++) {
        const c = this.coef[k * p + j];
        if (scale[j] === 0 || c === 0) continue;
        r[j] = c / scale[j];
        s[j] = r[j] * std[j];
        b -= r[j] * center[j];
      }
      intercept.push(b);
      raw.push(r);
      standardized.push(s);
    }
    return { names: this.pre.columnNames, intercept, raw, standardized };
  }

  /**
   * Per input feature name, higher = more important:
   * - "coef" (default): |coefficient per training standard deviation|, its missing indicator's
   *   added, summed over classes;
   * - "path_entry": how early the feature enters the regularization path, 1 - index / nLambdas
   *   (0 when it never enters): the lasso's ranking of features.
   */
  importance(kind: string = "coef"): Record<string, number> {
    const F = this.nFeatures;
    const acc = new Float64Array(F);
    if (kind === "coef") {
      const { standardized } = this.coefficients();
      for (const s of standardized) {
        for (let j = 0; j < F; j++) acc[j] += Math.abs(s[j]);
        this.pre.indicatorOf.forEach((f, q) => (acc[f] += Math.abs(s[F + q])));
      }
    } else if (kind === "path_entry") {
      const L = this.pathData.lambdas.length;
      for (const e of this.entryOrder()) if (e.lambdaIndex >= 0) acc[this.info.featureNames.indexOf(e.feature)] = 1 - e.lambdaIndex / L;
    } else {
      throw new InputError(`unknown importance kind "${kind}" for a linear model`, 'use "coef" or "path_entry"');
    }
    const out: Record<string, number> = {};
    this.info.featureNames.forEach((name, f) => (out[name] = acc[f]));
    return out;
  }

  /** The regularization path (copies): coefficients per lambda, largest lambda first. */
  path(): LinearPath {
    const d = this.pathData;
    return {
      ...d,
      lambdas: [...d.lambdas],
      columnNames: [...d.columnNames],
      coef: d.coef.map((c) => Float64Array.from(c)),
      intercept: d.intercept.map((c) => Float64Array.from(c)),
      converged: [...d.converged],
      selection: { ...d.selection, scores: d.selection.scores && [...d.selection.scores], se: d.selection.se && [...d.selection.se] },
    };
  }

  /** Input features in the order they enter the path (see `entryOrder` in path.ts). */
  entryOrder(): PathEntry[] {
    return entryOrder(this.pathData, this.info.featureNames, this.pre.indicatorOf);
  }

  get selection(): PathSelection {
    return this.pathData.selection;
  }

  toJSON(): LinearModelJson {
    return {
      format: LINEAR_FORMAT,
      version: LINEAR_FORMAT_VERSION,
      ...this.info,
      intercept: Array.from(this.intercept),
      coef: Array.from(this.coef),
      preprocess: this.pre.toJSON(),
      path: pathToJson(this.pathData),
    };
  }

  static fromJSON(json: unknown): LinearModel {
    const parsed = modelJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `not a valid ${LINEAR_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
        `expected a JSON object written by LinearModel.toJSON (format version ${LINEAR_FORMAT_VERSION})`,
      );
    }
    const { format: _f, version: _v, intercept, coef, preprocess, path, ...info } = parsed.data;
    const pre = Preprocessor.fromJSON(preprocess, info.featureNames);
    const K = intercept.length;
    const expectOut = info.task === "multiclass" ? info.numClasses : 1;
    if (K !== expectOut) throw new InputError(`linear model JSON: ${K} intercepts for a ${info.task} model with ${expectOut} output(s)`);
    if (coef.length !== K * pre.nCols) throw new InputError(`linear model JSON: coef has ${coef.length} values, expected ${K} x ${pre.nCols}`);
    const pathData = pathFromJson(path, pre.columnNames, K);
    return new LinearModel(info, pre, Float64Array.from(coef), Float64Array.from(intercept), pathData);
  }
}

const modelJsonSchema = z.strictObject({
  format: z.literal(LINEAR_FORMAT),
  version: z.literal(LINEAR_FORMAT_VERSION),
  family: z.string(),
  task: z.enum(["regression", "binary", "multiclass"]),
  numClasses: z.number().int().min(0),
  featureNames: z.array(z.string()),
  lambda: z.number().min(0),
  l1Ratio: z.number().min(0).max(1),
  fit: z.strictObject({ solver: z.string(), iterations: z.number().int().min(0), converged: z.boolean(), trainRows: z.number().int().min(0) }),
  intercept: z.array(z.number()),
  coef: z.array(z.number()),
  preprocess: preprocessorJsonSchema,
  path: pathJsonSchema,
});

export type LinearModelJson = z.infer<typeof modelJsonSchema>;
