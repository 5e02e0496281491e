import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import { GbdtModel } from "../gbdt/model.js";
import { ngboostParamsSchema, type NgboostParams } from "./params.js";

/** Bumped whenever the JSON layout changes; `load` accepts this version only. */
export const NGBOOST_FORMAT = "foxml-ngboost";
export const NGBOOST_FORMAT_VERSION = 1;

export interface NgboostModelInfo {
  family: string;
  task: "regression";
  featureNames: string[];
  params: NgboostParams;
  /** The trees model (y - shift) / scale; loc and scale are mapped back. */
  target: { shift: number; scale: number };
  /** Floor of the log scale on the standardized target. */
  minLogScale: number;
  /** Line-search step of each kept iteration (before the learning rate). */
  steps: number[];
  bestIteration: number;
  validNll: number | null;
}

export interface NormalPrediction {
  loc: Float64Array;
  /** Standard deviation of the predicted Normal, on the target's scale. */
  scale: Float64Array;
}

/**
 * A fitted NGBoost model: one GBDT forest with two outputs (output 0 = loc, output 1 = log scale,
 * trees interleaved as the booster stores multi-output forests), so prediction, importance and
 * TreeSHAP come from the GBDT model unchanged.
 */
export class NgboostModel implements TrainedModel {
  readonly family: string;

  constructor(
    readonly info: NgboostModelInfo,
    readonly forest: GbdtModel,
  ) {
    this.family = info.family;
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  /** The predicted Normal of each row: location (the point prediction) and scale. */
  predictDistribution(X: Float32Array, nRows: number): NormalPrediction {
    const raw = this.forest.predictRaw(X, nRows);
    const { shift, scale } = this.info.target;
    const loc = new Float64Array(nRows);
    const sd = new Float64Array(nRows);
    for (let r = 0; r < nRows; r++) {
      loc[r] = shift + scale * raw[r];
      sd[r] = scale * Math.exp(Math.max(this.info.minLogScale, raw[nRows + r]));
    }
    return { loc, scale: sd };
  }

  /** The predicted mean (the Normal's location). */
  predict(X: Float32Array, nRows: number): Float64Array {
    return this.predictDistribution(X, nRows).loc;
  }

  /** The predicted standard deviation: every prediction's uncertainty, for sizing positions. */
  predictScale(X: Float32Array, nRows: number): Float64Array {
    return this.predictDistribution(X, nRows).scale;
  }

  /** Gain (default) or split counts summed over the loc and scale trees. */
  importance(kind: string = "gain"): Record<string, number> {
    if (kind !== "gain" && kind !== "split") throw new InputError(`unknown importance kind "${kind}" for an ngboost model`, 'use "gain" or "split"');
    return this.forest.importance(kind);
  }

  toJSON(): unknown {
    return { format: NGBOOST_FORMAT, version: NGBOOST_FORMAT_VERSION, ...this.info, forest: this.forest.toJSON() };
  }

  static fromJSON(json: unknown): NgboostModel {
    const parsed = modelJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${NGBOOST_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by NgboostModel.toJSON (format version ${NGBOOST_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, forest, ...info } = parsed.data;
    const model = GbdtModel.fromJSON(forest);
    if (model.info.numOutputs !== 2) throw new InputError(`${NGBOOST_FORMAT} model: the forest has ${model.info.numOutputs} outputs, expected 2 (loc, log scale)`);
    return new NgboostModel(info, model);
  }
}

const modelJsonSchema = z.strictObject({
  format: z.literal(NGBOOST_FORMAT),
  version: z.literal(NGBOOST_FORMAT_VERSION),
  family: z.string(),
  task: z.literal("regression"),
  featureNames: z.array(z.string()).min(1),
  params: ngboostParamsSchema,
  target: z.strictObject({ shift: z.number(), scale: z.number().gt(0) }),
  minLogScale: z.number(),
  steps: z.array(z.number()),
  bestIteration: z.number().int(),
  validNll: z.number().nullable(),
  forest: z.unknown(),
});
