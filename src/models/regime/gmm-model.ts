import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import { checkPredictInput } from "../gbdt/validate.js";
import { Preprocessor, preprocessorJsonSchema } from "../linear/preprocess.js";
import { appendColumns, baseJsonSchema, loadBase, type BaseJson } from "./base.js";
import { responsibilities, type BicEntry, type Gmm } from "./gmm.js";
import { gmmRegimeParamsSchema, type GmmRegimeParams } from "./gmm-params.js";

export const GMM_REGIME_FORMAT = "foxml-gmm-regime";
export const GMM_REGIME_FORMAT_VERSION = 1;

export interface GmmRegimeInfo {
  family: string;
  task: "regression" | "binary";
  featureNames: string[];
  params: GmmRegimeParams;
  /** Inputs the mixture reads, by index into featureNames. */
  stateIndex: number[];
  bic: BicEntry[];
}

/** Names of the regime-probability columns the base models see after the input features. */
export const regimeColumn = (k: number): string => `__regime_p${k}`;

/**
 * Gaussian-mixture regimes on standardized state features; the regime probabilities of a row are
 * appended to its features, and the prediction is the pooled base model's, or the per-regime
 * models' mixed by those probabilities.
 */
export class GmmRegimeModel implements TrainedModel {
  readonly family: string;

  constructor(
    readonly info: GmmRegimeInfo,
    readonly statePre: Preprocessor,
    readonly gmm: Gmm,
    readonly pooled: TrainedModel,
    /** Per regime: its own model, or null for the pooled one. Empty when not per regime. */
    readonly perRegime: (TrainedModel | null)[],
    private readonly baseJson: { pooled: BaseJson; perRegime: (BaseJson | null)[] },
  ) {
    this.family = info.family;
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  /** Regime probabilities per row, row-major [nRows x k]. */
  regimeProbabilities(X: Float32Array, nRows: number): Float64Array {
    checkPredictInput(X, nRows, this.nFeatures);
    const d = this.info.stateIndex.length;
    const F = this.nFeatures;
    const sub = new Float32Array(nRows * d);
    for (let r = 0; r < nRows; r++) for (let j = 0; j < d; j++) sub[r * d + j] = X[r * F + this.info.stateIndex[j]];
    const Z = new Float64Array(nRows * d);
    for (let r = 0; r < nRows; r++) this.statePre.fillRow(sub, r, Z.subarray(r * d, (r + 1) * d));
    return responsibilities(this.gmm, Z, nRows).resp;
  }

  predict(X: Float32Array, nRows: number): Float64Array {
    const K = this.gmm.k;
    const p = this.regimeProbabilities(X, nRows);
    const aug = appendColumns(X, nRows, this.nFeatures, p, K);
    const pooled = this.pooled.predict(aug, nRows);
    if (this.perRegime.length === 0) return pooled;
    const out = new Float64Array(nRows);
    for (let k = 0; k < K; k++) {
      const m = this.perRegime[k];
      const pk = m ? m.predict(aug, nRows) : pooled;
      for (let r = 0; r < nRows; r++) out[r] += p[r * K + k] * pk[r];
    }
    return out;
  }

  /** The pooled base model's importance of the input features (regime columns left out). */
  importance(kind?: string): Record<string, number> {
    const imp = this.pooled.importance?.(kind) ?? {};
    return Object.fromEntries(this.info.featureNames.map((n) => [n, imp[n] ?? 0]));
  }

  toJSON(): unknown {
    const g = this.gmm;
    return {
      format: GMM_REGIME_FORMAT,
      version: GMM_REGIME_FORMAT_VERSION,
      ...this.info,
      statePreprocess: this.statePre.toJSON(),
      gmm: { k: g.k, d: g.d, covariance: g.covariance, weights: Array.from(g.weights), means: Array.from(g.means), factors: Array.from(g.factors), meanLogLik: g.meanLogLik, iterations: g.iterations, converged: g.converged },
      base: this.baseJson,
    };
  }

  static fromJSON(json: unknown): GmmRegimeModel {
    const parsed = jsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${GMM_REGIME_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by GmmRegimeModel.toJSON (format version ${GMM_REGIME_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, statePreprocess, gmm: gj, base, ...info } = parsed.data;
    const { k, d } = gj;
    const want = gj.covariance === "full" ? k * d * d : k * d;
    if (gj.weights.length !== k || gj.means.length !== k * d || gj.factors.length !== want || info.stateIndex.length !== d) {
      throw new InputError(`${GMM_REGIME_FORMAT} model: mixture arrays do not match k = ${k}, d = ${d}`);
    }
    if (info.stateIndex.some((i) => i >= info.featureNames.length)) throw new InputError(`${GMM_REGIME_FORMAT} model: stateIndex points past the features`);
    const gmm: Gmm = { ...gj, weights: Float64Array.from(gj.weights), means: Float64Array.from(gj.means), factors: Float64Array.from(gj.factors) };
    const statePre = Preprocessor.fromJSON(statePreprocess, info.stateIndex.map((i) => info.featureNames[i]));
    const perRegime = base.perRegime.map((b) => (b ? loadBase(b) : null));
    return new GmmRegimeModel(info, statePre, gmm, loadBase(base.pooled), perRegime, base);
  }
}

const jsonSchema = z.strictObject({
  format: z.literal(GMM_REGIME_FORMAT),
  version: z.literal(GMM_REGIME_FORMAT_VERSION),
  family: z.string(),
  task: z.enum(["regression", "binary"]),
  featureNames: z.array(z.string()).min(1),
  params: gmmRegimeParamsSchema,
  stateIndex: z.array(z.number().int().min(0)).min(1),
  bic: z.array(z.strictObject({ k: z.number().int(), bic: z.number(), meanLogLik: z.number(), converged: z.boolean() })),
  statePreprocess: preprocessorJsonSchema,
  gmm: z.strictObject({
    k: z.number().int().min(1),
    d: z.number().int().min(1),
    covariance: z.enum(["full", "diag"]).describe("full or diagonal covariance per mixture component"),
    weights: z.array(z.number()),
    means: z.array(z.number()),
    factors: z.array(z.number()),
    meanLogLik: z.number(),
    iterations: z.number().int(),
    converged: z.boolean(),
  }),
  base: z.strictObject({ pooled: baseJsonSchema, perRegime: z.array(baseJsonSchema.nullable()) }),
});
