import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import type { Network, NetworkBuilder } from "./arch/network.js";
import { INFERENCE } from "./layers/basic.js";
import { Scaler } from "./data/scaler.js";
import { RowSource, WindowSource, checkTabular, type BatchSource } from "./data/source.js";
import { ParamStore, type SavedWeight } from "./layers/params.js";
import type { TrainingParams } from "./params.js";
import { nnBackendSync, tf } from "./runtime/backend.js";
import { checkSequenceData, type SequenceData } from "./sequence-data.js";
import { outputTransform } from "./train/loss.js";
import { forwardAll, type EpochRecord } from "./train/trainer.js";

/** Bumped whenever the JSON layout changes; `load` accepts this version only. */
export const NN_FORMAT = "foxml-nn";
export const NN_FORMAT_VERSION = 1;

export interface NnModelInfo {
  family: string;
  kind: "tabular" | "sequence";
  /** The validated hyperparameters the network was built from. */
  params: TrainingParams & Record<string, unknown>;
  /** Names of the tabular columns a `predict` row holds, in order. */
  featureNames: string[];
  /** Names of one bar's features: what a sequence grid must hold, in order. */
  stepFeatureNames: string[];
  /** Bars per window (1 for tabular families); a `predict` row is `steps` bars of `stepFeatures` values, oldest first. */
  steps: number;
  stepFeatures: number;
  outDim: number;
  scaler: { mean: number[]; scale: number[]; clip: number };
  /** Regression: prediction = raw * scale + shift. */
  targetScale: { shift: number; scale: number };
  training: { history: EpochRecord[]; bestEpoch: number; batchSize: number; steps: number; backend: string; stoppedEarly: boolean };
}

const PREDICT_BATCH = 1024;

export class NnModel implements TrainedModel {
  readonly family: string;
  private readonly scaler: Scaler;
  private net: Network | null;
  private netBackend: string | null;

  constructor(
    readonly info: NnModelInfo,
    private readonly weights: Map<string, SavedWeight>,
    private readonly builder: NetworkBuilder<any>,
    /** The trained network, when the model was just fitted: reused instead of rebuilt. */
    net?: Network,
    backend?: string,
  ) {
    this.family = info.family;
    this.scaler = Scaler.fromJSON(info.scaler);
    this.net = net ?? null;
    this.netBackend = net ? (backend ?? tf.getBackend()) : null;
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  private network(): Network {
    const backend = nnBackendSync();
    if (this.net && this.netBackend === backend) return this.net;
    this.net?.params.dispose();
    this.net = this.builder(ParamStore.fromSaved(this.weights), inputShapeOf(this.info), this.info.outDim, this.info.params);
    this.netBackend = backend;
    return this.net;
  }

  /**
   * Predictions for tabular rows. For a sequence family each row is one flattened window
   * [steps x stepFeatures], oldest bar first.
   */
  predict(X: Float32Array, nRows: number): Float64Array {
    checkTabular({ X, nRows, nFeatures: this.nFeatures }, `${this.family} predict`);
    return this.predictFrom(new RowSource(X, nRows, this.nFeatures, this.scaler, this.info.steps));
  }

  /** Predictions for the rows of a sequence dataset, windows gathered from its grid. */
  predictSequence(data: Pick<SequenceData, "grid" | "rows">): Float64Array {
    this.checkSequenceInput(data);
    return this.predictFrom(new WindowSource(data.grid, data.rows, this.info.steps, this.scaler));
  }

  /** The named per-row score of tabular rows (see `scoreNames`), e.g. "reconstruction_error". */
  score(name: string, X: Float32Array, nRows: number): Float64Array {
    checkTabular({ X, nRows, nFeatures: this.nFeatures }, `${this.family} score`);
    const fn = this.network().scores?.[name];
    if (!fn) throw new InputError(`${this.family} has no score "${name}"`, `its scores: ${this.scoreNames().join(", ") || "(none)"}`);
    const src = new RowSource(X, nRows, this.nFeatures, this.scaler, this.info.steps);
    return Float64Array.from(forwardAll(src, 1, PREDICT_BATCH, fn));
  }

  scoreNames(): string[] {
    return Object.keys(this.network().scores ?? {});
  }

  private checkSequenceInput(data: Pick<SequenceData, "grid" | "rows">): void {
    if (this.info.kind !== "sequence") throw new InputError(`${this.family} is a tabular family: predict with rows (predict), not a sequence grid`);
    checkSequenceData({ ...data, y: new Float64Array(0) }, `${this.family} predict`, false);
    const names = data.grid.featureNames;
    if (data.grid.nFeatures !== this.info.stepFeatures) {
      throw new InputError(`${this.family} predict: grid has ${data.grid.nFeatures} features, the model was trained on ${this.info.stepFeatures}`);
    }
    const want = this.info.stepFeatureNames;
    const strip = (n: string): string => n.replace(/@lag0$/, "");
    const bad = names.findIndex((n, i) => strip(n) !== strip(want[i]));
    if (bad >= 0) throw new InputError(`${this.family} predict: grid feature ${bad} is "${names[bad]}", the model expects "${want[bad]}"`, "give the features in the order the model was trained with");
  }

  private predictFrom(src: BatchSource): Float64Array {
    const { objective } = this.info.params;
    const K = objective === "multiclass" ? this.info.outDim : 1;
    const net = this.network();
    const raw = forwardAll(src, K, PREDICT_BATCH, (x) => outputTransform(net.forward(x, INFERENCE).out, objective));
    const out = new Float64Array(raw.length);
    const { shift, scale } = this.info.targetScale;
    if (objective === "regression" || objective === "huber") for (let i = 0; i < raw.length; i++) out[i] = raw[i] * scale + shift;
    else out.set(raw);
    return out;
  }

  /** Frees the network's tensors; the model rebuilds them if used again. */
  dispose(): void {
    this.net?.params.dispose();
    this.net = null;
    this.netBackend = null;
  }

  toJSON(): unknown {
    const weights = [...this.weights.entries()].map(([name, w]) => ({ name, shape: w.shape, data: encodeF32(w.data) }));
    return { format: NN_FORMAT, version: NN_FORMAT_VERSION, ...this.info, weights };
  }

  static fromJSON(json: unknown, builder: NetworkBuilder<any>, paramsSchema: z.ZodType<unknown>): NnModel {
    const parsed = modelJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${NN_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by NnModel.toJSON (format version ${NN_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, weights: raw, ...info } = parsed.data;
    const p = paramsSchema.safeParse(info.params);
    if (!p.success) throw new InputError(`model JSON: params do not validate for ${info.family}: ${p.error.issues[0].path.join(".")}: ${p.error.issues[0].message}`);
    const weights = decodeWeights(raw, "model JSON");
    if (info.stepFeatureNames.length !== info.stepFeatures) throw new InputError(`model JSON: ${info.stepFeatureNames.length} step feature names for ${info.stepFeatures} features per step`);
    if (info.scaler.mean.length !== info.stepFeatures || info.scaler.scale.length !== info.stepFeatures) throw new InputError(`model JSON: scaler has ${info.scaler.mean.length} features, expected ${info.stepFeatures}`);
    if (info.steps * info.stepFeatures !== info.featureNames.length && info.kind === "tabular") throw new InputError(`model JSON: ${info.featureNames.length} feature names for ${info.steps} x ${info.stepFeatures} inputs`);
    const full = { ...info, params: p.data as NnModelInfo["params"] };
    const check = ParamStore.checker(weights);
    builder(check, inputShapeOf(full), full.outDim, full.params);
    const extra = check.unusedSaved();
    if (extra.length > 0) throw new InputError(`model JSON has weights the ${info.family} network does not use: ${extra.slice(0, 5).join(", ")}`, "the file was written by a different network layout");
    return new NnModel(full, weights, builder);
  }

  /** Saved weights (copies of the trained values) by name. */
  static weightsOf(net: Network): Map<string, SavedWeight> {
    const m = new Map<string, SavedWeight>();
    for (const e of net.params.entries()) m.set(e.name, { shape: e.shape, data: e.data });
    return m;
  }
}

function inputShapeOf(info: Pick<NnModelInfo, "steps" | "stepFeatures" | "kind">): number[] {
  return info.steps > 1 || info.kind === "sequence" ? [info.steps, info.stepFeatures] : [info.stepFeatures];
}

/** Saved weights ({name, shape, base64 data}) by name, each checked against its shape. */
export function decodeWeights(raw: ReadonlyArray<{ name: string; shape: number[]; data: string }>, what: string): Map<string, SavedWeight> {
  const weights = new Map<string, SavedWeight>();
  for (const w of raw) {
    const data = decodeF32(w.data);
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new InputError(`${what}: weight "${w.name}" has ${data.length} values, its shape [${w.shape}] needs ${n}`);
    weights.set(w.name, { shape: w.shape, data });
  }
  return weights;
}

export function encodeF32(a: Float32Array): string {
  // Little-endian bytes (every platform Node supports for this project is little-endian).
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function decodeF32(s: string): Float32Array {
  const b = Buffer.from(s, "base64");
  if (b.byteLength % 4 !== 0) throw new InputError("model JSON: a weight's data is not a whole number of float32 values");
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

const finiteArr = z.array(z.number());
const modelJsonSchema = z.strictObject({
  format: z.literal(NN_FORMAT),
  version: z.literal(NN_FORMAT_VERSION),
  family: z.string().min(1),
  kind: z.enum(["tabular", "sequence"]),
  params: z.record(z.string(), z.unknown()),
  featureNames: z.array(z.string()),
  stepFeatureNames: z.array(z.string()),
  steps: z.number().int().min(1),
  stepFeatures: z.number().int().min(1),
  outDim: z.number().int().min(1),
  scaler: z.strictObject({ mean: finiteArr, scale: finiteArr, clip: z.number().min(0) }),
  targetScale: z.strictObject({ shift: z.number(), scale: z.number() }),
  training: z.strictObject({
    history: z.array(
      z.strictObject({ epoch: z.number(), trainLoss: z.number(), validLoss: z.number().nullable(), learningRate: z.number(), steps: z.number(), seconds: z.number() }),
    ),
    bestEpoch: z.number().int().min(0),
    batchSize: z.number().int().min(1),
    steps: z.number().int().min(0),
    backend: z.string(),
    stoppedEarly: z.boolean(),
  }),
  weights: z.array(z.strictObject({ name: z.string(), shape: z.array(z.number().int().min(1)), data: z.string() })),
});
