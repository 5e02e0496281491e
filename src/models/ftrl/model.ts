import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import { checkPredictInput } from "../gbdt/validate.js";
import { checkFeatureValues } from "../linear/checks.js";
import { Preprocessor, preprocessorJsonSchema } from "../linear/preprocess.js";
import { FtrlState, type FtrlSettings } from "./core.js";
import { ftrlParamsSchema, type FtrlParams } from "./params.js";

/** Bumped whenever the JSON layout changes; `load` accepts this version only. */
export const FTRL_FORMAT = "foxml-ftrl";
export const FTRL_FORMAT_VERSION = 1;

export interface FtrlModelInfo {
  family: string;
  task: "regression" | "binary";
  featureNames: string[];
  params: FtrlParams;
  /** Regression: the model learns (y - shift) / scale; predictions are mapped back. */
  target: { shift: number; scale: number };
  trainRows: number;
  /** Mean training loss of the last online pass (before each step: prequential), NaN without passes. */
  lastPassLoss: number;
}

export function settingsOf(p: FtrlParams): FtrlSettings {
  return { alpha: p.alpha, beta: p.beta, l1: p.l1, l2: p.l2, decay: p.decay, logistic: p.objective === "binary" };
}

/**
 * A fitted FTRL-Proximal model. Unlike the batch families it keeps learning: `update` applies one
 * online step per row (in the order given), so a live loop can predict a bar, wait for its label
 * and update. The preprocessing (imputation, clipping, standardization) stays fixed at training.
 */
export class FtrlModel implements TrainedModel {
  readonly family: string;
  private readonly row: Float64Array;

  constructor(
    readonly info: FtrlModelInfo,
    readonly pre: Preprocessor,
    readonly state: FtrlState,
  ) {
    this.family = info.family;
    this.row = new Float64Array(state.dim);
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  /** Design row r of X into this.row (index 0 = intercept slot). */
  designRow(X: Float32Array, r: number, out: Float64Array = this.row): Float64Array {
    const clip = this.info.params.clip;
    const v = out.subarray(1);
    this.pre.fillRow(X, r, v);
    for (let j = 0; j < v.length; j++) v[j] = Math.max(-clip, Math.min(clip, v[j]));
    out[0] = 1;
    return out;
  }

  /** Regression: values on the target's scale; binary: P(y = 1). */
  predict(X: Float32Array, nRows: number): Float64Array {
    checkPredictInput(X, nRows, this.nFeatures);
    checkFeatureValues(X, nRows, this.nFeatures, this.info.featureNames, `${this.family} predict`);
    const out = new Float64Array(nRows);
    const { shift, scale } = this.info.target;
    for (let r = 0; r < nRows; r++) {
      const p = this.state.output(this.designRow(X, r));
      out[r] = this.info.task === "binary" ? p : shift + scale * p;
    }
    return out;
  }

  /**
   * One online step per row, in row order (oldest first): each row is predicted, then learned.
   * Returns the mean loss of those predictions (log loss, or squared error on the standardized
   * target): the model's out-of-sample loss on rows it had not seen.
   */
  update(X: Float32Array, nRows: number, y: ArrayLike<number>, weight?: ArrayLike<number>): number {
    checkPredictInput(X, nRows, this.nFeatures);
    checkFeatureValues(X, nRows, this.nFeatures, this.info.featureNames, `${this.family} update`);
    if (y.length !== nRows) throw new InputError(`${this.family} update: ${y.length} labels for ${nRows} rows`);
    const binary = this.info.task === "binary";
    const { shift, scale } = this.info.target;
    let loss = 0;
    for (let r = 0; r < nRows; r++) {
      const v = y[r];
      if (!Number.isFinite(v) || (binary && v !== 0 && v !== 1)) {
        throw new InputError(`${this.family} update: label at row ${r} is ${v}`, binary ? "binary labels are 0 or 1" : "labels must be finite");
      }
      const wt = weight ? weight[r] : 1;
      if (!(wt >= 0) || !Number.isFinite(wt)) throw new InputError(`${this.family} update: weight at row ${r} is ${wt}`);
      loss += this.state.step(this.designRow(X, r), binary ? v : (v - shift) / scale, wt);
    }
    return nRows > 0 ? loss / nRows : NaN;
  }

  /** Coefficients per standardized feature, and the intercept (link scale, standardized target). */
  coefficients(): { intercept: number; standardized: Record<string, number> } {
    const out: Record<string, number> = {};
    this.info.featureNames.forEach((n, j) => (out[n] = this.state.w[j + 1]));
    return { intercept: this.state.w[0], standardized: out };
  }

  /** |coefficient per training standard deviation| by feature. */
  importance(): Record<string, number> {
    const out: Record<string, number> = {};
    this.info.featureNames.forEach((n, j) => (out[n] = Math.abs(this.state.w[j + 1])));
    return out;
  }

  toJSON(): FtrlModelJson {
    return {
      format: FTRL_FORMAT,
      version: FTRL_FORMAT_VERSION,
      ...this.info,
      lastPassLoss: Number.isFinite(this.info.lastPassLoss) ? this.info.lastPassLoss : null,
      updates: this.state.updates,
      preprocess: this.pre.toJSON(),
      z: Array.from(this.state.z),
      n: Array.from(this.state.n),
    };
  }

  static fromJSON(json: unknown): FtrlModel {
    const parsed = modelJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${FTRL_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by FtrlModel.toJSON (format version ${FTRL_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, preprocess, z: zs, n: ns, updates, lastPassLoss, ...info } = parsed.data;
    const dim = info.featureNames.length + 1;
    if (zs.length !== dim || ns.length !== dim) throw new InputError(`${FTRL_FORMAT} model: z and n need ${dim} entries (features + intercept), got ${zs.length} and ${ns.length}`);
    const pre = Preprocessor.fromJSON(preprocess, info.featureNames);
    if (pre.nCols !== info.featureNames.length) throw new InputError(`${FTRL_FORMAT} model: preprocessing has missing-indicator columns, which FTRL models do not use`);
    const state = new FtrlState(settingsOf(info.params), dim, Float64Array.from(zs), Float64Array.from(ns));
    state.updates = updates;
    return new FtrlModel({ ...info, lastPassLoss: lastPassLoss ?? NaN }, pre, state);
  }
}

const modelJsonSchema = z.strictObject({
  format: z.literal(FTRL_FORMAT),
  version: z.literal(FTRL_FORMAT_VERSION),
  family: z.string(),
  task: z.enum(["regression", "binary"]),
  featureNames: z.array(z.string()).min(1),
  params: ftrlParamsSchema,
  target: z.strictObject({ shift: z.number(), scale: z.number().gt(0) }),
  trainRows: z.number().int().min(0),
  lastPassLoss: z.number().nullable(),
  updates: z.number().int().min(0),
  preprocess: preprocessorJsonSchema,
  z: z.array(z.number()),
  n: z.array(z.number().min(0)),
});

export type FtrlModelJson = z.infer<typeof modelJsonSchema>;
