import { z } from "zod";
import { InputError } from "../../../util/errors.js";
import { Scaler, type ScalerJson, type TargetScale } from "../data/scaler.js";
import { RowSource, checkTabular } from "../data/source.js";
import { ACTIVATIONS, INFERENCE } from "../layers/basic.js";
import { ParamStore, type SavedWeight } from "../layers/params.js";
import { decodeWeights, encodeF32 } from "../model.js";
import { nnBackendSync, type NnBackend } from "../runtime/backend.js";
import type { Network } from "../arch/network.js";
import { forwardAll, type EpochRecord } from "../train/trainer.js";
import { buildMultiTaskNetwork, type MultiTaskArch } from "./network.js";

/**
 * A fitted multi-task network: the scaler, each head's target scale and the weights, with
 * predictions for every head and a versioned JSON form (`foxml-multi-task` v1) that loads back into
 * identical predictions.
 */

export const MULTI_TASK_FORMAT = "foxml-multi-task";
export const MULTI_TASK_FORMAT_VERSION = 1;

export interface MultiTaskHead {
  name: string;
  objective: "regression" | "binary";
  /** Relative weight in the loss (>= 0); normalised to sum to 1 over the heads. */
  weight: number;
}

/** One epoch of training, with each head's held-out loss (null without held-out rows; NaN for a head with no held-out target). */
export interface MultiEpochRecord extends EpochRecord {
  validHeadLosses: number[] | null;
}

export interface MultiTaskTraining {
  history: MultiEpochRecord[];
  bestEpoch: number;
  batchSize: number;
  steps: number;
  stoppedEarly: boolean;
  backend: string;
}

export interface MultiTaskInfo {
  heads: MultiTaskHead[];
  arch: MultiTaskArch;
  featureNames: string[];
  scaler: ScalerJson;
  /** Per head: prediction = raw * scale + shift (regression heads; identity for binary heads). */
  targetScales: TargetScale[];
  training: MultiTaskTraining;
}

const PREDICT_BATCH = 1024;

export class MultiTaskNet {
  private readonly scaler: Scaler;
  private net: Network | null;
  private netBackend: string | null;
  private disposed = false;

  constructor(
    readonly info: MultiTaskInfo,
    private readonly weights: Map<string, SavedWeight>,
    net?: Network,
    backend?: NnBackend,
  ) {
    this.scaler = Scaler.fromJSON(info.scaler);
    this.net = net ?? null;
    this.netBackend = net ? (backend ?? nnBackendSync()) : null;
  }

  get heads(): readonly MultiTaskHead[] {
    return this.info.heads;
  }
  get history(): MultiEpochRecord[] {
    return this.info.training.history;
  }
  get bestEpoch(): number {
    return this.info.training.bestEpoch;
  }
  get stoppedEarly(): boolean {
    return this.info.training.stoppedEarly;
  }
  get targetScales(): readonly TargetScale[] {
    return this.info.targetScales;
  }
  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  private network(): Network {
    const backend = nnBackendSync();
    if (this.net && this.netBackend === backend) return this.net;
    this.net?.params.dispose();
    this.net = buildMultiTaskNetwork(ParamStore.fromSaved(this.weights), this.nFeatures, this.info.heads.length, this.info.arch);
    this.netBackend = backend;
    return this.net;
  }

  /** Predictions, row-major [nRows x K]: regression heads on their target's scale, binary heads as probabilities. */
  predict(X: Float32Array, nRows: number): Float64Array {
    if (this.disposed) throw new Error("multi-task network: predict after dispose");
    checkTabular({ X, nRows, nFeatures: this.nFeatures }, "multi-task network: prediction rows");
    const K = this.info.heads.length;
    const net = this.network();
    const raw = forwardAll(new RowSource(X, nRows, this.nFeatures, this.scaler), K, PREDICT_BATCH, (x) => net.forward(x, INFERENCE).out);
    const out = new Float64Array(nRows * K);
    const { heads, targetScales: sc } = this.info;
    for (let i = 0; i < nRows * K; i++) {
      const k = i % K;
      out[i] = heads[k].objective === "binary" ? 1 / (1 + Math.exp(-raw[i])) : raw[i] * sc[k].scale + sc[k].shift;
    }
    return out;
  }

  /** Frees the network's weights; a disposed model cannot predict. */
  dispose(): void {
    this.net?.params.dispose();
    this.net = null;
    this.disposed = true;
  }

  toJSON(): Record<string, unknown> {
    const weights = [...this.weights.entries()].map(([name, w]) => ({ name, shape: w.shape, data: encodeF32(w.data) }));
    return { format: MULTI_TASK_FORMAT, version: MULTI_TASK_FORMAT_VERSION, ...this.info, weights };
  }

  static fromJSON(json: unknown): MultiTaskNet {
    const parsed = jsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${MULTI_TASK_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by MultiTaskNet.toJSON (format version ${MULTI_TASK_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, weights: raw, ...info } = parsed.data;
    const weights = decodeWeights(raw, "multi-task model JSON");
    const F = info.featureNames.length;
    if (info.scaler.mean.length !== F || info.scaler.scale.length !== F) throw new InputError(`multi-task model JSON: scaler has ${info.scaler.mean.length} features, expected ${F}`);
    if (info.targetScales.length !== info.heads.length) throw new InputError(`multi-task model JSON: ${info.targetScales.length} target scales for ${info.heads.length} heads`);
    const check = ParamStore.checker(weights);
    buildMultiTaskNetwork(check, F, info.heads.length, info.arch);
    const extra = check.unusedSaved();
    if (extra.length > 0) throw new InputError(`multi-task model JSON has weights the network does not use: ${extra.slice(0, 5).join(", ")}`, "the file was written by a different network layout");
    return new MultiTaskNet(info as MultiTaskInfo, weights);
  }
}

const units = z.array(z.number().int().min(1));
const jsonSchema = z.strictObject({
  format: z.literal(MULTI_TASK_FORMAT),
  version: z.literal(MULTI_TASK_FORMAT_VERSION),
  heads: z.array(z.strictObject({ name: z.string().min(1), objective: z.enum(["regression", "binary"]), weight: z.number().min(0) })).min(1),
  arch: z.strictObject({ hidden_units: units.min(1), head_units: units, activation: z.enum(ACTIVATIONS), layer_norm: z.boolean(), dropout: z.number().min(0).lt(1) }),
  featureNames: z.array(z.string()),
  scaler: z.strictObject({ mean: z.array(z.number()), scale: z.array(z.number()), clip: z.number().min(0) }),
  targetScales: z.array(z.strictObject({ shift: z.number(), scale: z.number() })),
  training: z.strictObject({
    history: z.array(
      z.strictObject({
        epoch: z.number(),
        trainLoss: z.number(),
        validLoss: z.number().nullable(),
        validHeadLosses: z.array(z.number().nullable()).nullable(),
        learningRate: z.number(),
        steps: z.number(),
        seconds: z.number(),
      }),
    ),
    bestEpoch: z.number().int().min(0),
    batchSize: z.number().int().min(1),
    steps: z.number().int().min(0),
    stoppedEarly: z.boolean(),
    backend: z.string(),
  }),
  weights: z.array(z.strictObject({ name: z.string(), shape: z.array(z.number().int().min(1)), data: z.string() })),
});
