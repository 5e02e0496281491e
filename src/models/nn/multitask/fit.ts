import { InputError } from "../../../util/errors.js";
import { Rng } from "../../../util/random.js";
import type { FitContext } from "../../family.js";
import { Scaler, fitTargetScale, type TargetScale } from "../data/scaler.js";
import { RowSource, checkTabular } from "../data/source.js";
import { INFERENCE } from "../layers/basic.js";
import { ParamStore } from "../layers/params.js";
import { nnReady, tf, type NnBackend } from "../runtime/backend.js";
import { forwardAll } from "../train/trainer.js";
import type { HeadLossSpec } from "./loss.js";
import { buildMultiTaskNetwork, type MultiTaskArch } from "./network.js";
import { trainMultiTask, type LoopParams, type MultiEpochRecord, type MultiTrainSet } from "./trainer.js";

/**
 * Fits one multi-task network: rows of features, and a [rows x K] target matrix in which a missing
 * target (NaN) is masked out of its head's loss. Inputs are standardised on the training rows
 * (NaN-safe, clipped, as for every neural family); each regression head's target is standardised
 * on its own training values, so heads of different scales pull on the shared trunk alike.
 */

export interface MultiTaskHead {
  name: string;
  objective: "regression" | "binary";
  /** Relative weight in the loss (>= 0); normalised to sum to 1 over the heads. */
  weight: number;
}

export interface MultiTaskRows {
  nRows: number;
  nFeatures: number;
  featureNames: readonly string[];
  /** Row-major [nRows x nFeatures], NaN = missing. */
  X: Float32Array;
  /** Row-major [nRows x K] targets, NaN where a head has no target for the row. */
  Y: Float64Array;
}

export interface MultiTaskParams extends MultiTaskArch, LoopParams {
  loss: "mse" | "huber";
  huber_delta: number;
  input_clip: number;
}

export interface MultiTaskModel {
  readonly heads: readonly MultiTaskHead[];
  readonly history: MultiEpochRecord[];
  readonly bestEpoch: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly stoppedEarly: boolean;
  readonly backend: NnBackend;
  /** Per-head target scaling (regression heads; identity for binary heads). */
  readonly targetScales: readonly TargetScale[];
  /** Predictions, row-major [nRows x K]: regression heads on the target's scale, binary heads as probabilities. */
  predict(X: Float32Array, nRows: number): Float64Array;
  /** Frees the network's weights. */
  dispose(): void;
}

export async function fitMultiTask(train: MultiTaskRows, heads: readonly MultiTaskHead[], params: MultiTaskParams, ctx: Pick<FitContext, "seed" | "log" | "signal">, valid?: MultiTaskRows): Promise<MultiTaskModel> {
  const K = heads.length;
  if (K === 0) throw new InputError("multi-task network: no heads");
  checkRows(train, K, "training data");
  if (valid) {
    checkRows(valid, K, "validation data");
    if (valid.nFeatures !== train.nFeatures) throw new InputError(`multi-task network: validation data has ${valid.nFeatures} features, training data ${train.nFeatures}`);
  }
  const wsum = heads.reduce((s, h) => s + h.weight, 0);
  if (!(wsum > 0) || heads.some((h) => !(h.weight >= 0) || !Number.isFinite(h.weight))) {
    throw new InputError(`multi-task network: head weights must be finite, >= 0 and not all 0 (got ${heads.map((h) => `${h.name}=${h.weight}`).join(", ")})`);
  }
  checkBinaryHeads(train, heads, "training data");
  if (valid) checkBinaryHeads(valid, heads, "validation data");

  const backend = await nnReady();
  const F = train.nFeatures;
  const scaler = Scaler.fit(train.X, F, (cb) => {
    for (let r = 0; r < train.nRows; r++) cb(r * F);
  }, params.input_clip);
  const scales = heads.map((h, k) => (h.objective === "regression" ? headScale(train, K, k) : { shift: 0, scale: 1 }));
  const toSet = (d: MultiTaskRows): MultiTrainSet => {
    const y = new Float32Array(d.nRows * K);
    const mask = new Float32Array(d.nRows * K);
    for (let i = 0; i < d.nRows * K; i++) {
      const v = d.Y[i];
      if (v !== v) continue;
      const sc = scales[i % K];
      y[i] = (v - sc.shift) / sc.scale;
      mask[i] = 1;
    }
    return { source: new RowSource(d.X, d.nRows, d.nFeatures, scaler), y, mask };
  };

  const store = ParamStore.fresh(new Rng(ctx.seed).fork("nn-init:multi_task"));
  const net = buildMultiTaskNetwork(store, train.nFeatures, K, params);
  const spec: HeadLossSpec = {
    binary: tf.tensor1d(heads.map((h) => (h.objective === "binary" ? 1 : 0)), "float32"),
    weights: tf.tensor1d(heads.map((h) => h.weight / wsum), "float32"),
    loss: params.loss,
    huberDelta: params.huber_delta,
  };
  let result;
  try {
    result = await trainMultiTask(toSet(train), valid ? toSet(valid) : undefined, { net, params, heads: K, loss: spec, seed: ctx.seed, log: ctx.log, signal: ctx.signal });
  } catch (e) {
    store.dispose();
    throw e;
  } finally {
    spec.binary.dispose();
    spec.weights.dispose();
  }
  const batch = result.batchSize;
  let disposed = false;
  return {
    heads: heads.map((h) => ({ ...h })),
    history: result.history,
    bestEpoch: result.bestEpoch,
    batchSize: batch,
    steps: result.steps,
    stoppedEarly: result.stoppedEarly,
    backend,
    targetScales: scales,
    predict(X: Float32Array, nRows: number): Float64Array {
      if (disposed) throw new Error("multi-task network: predict after dispose");
      checkTabular({ X, nRows, nFeatures: train.nFeatures }, "multi-task network: prediction rows");
      const raw = forwardAll(new RowSource(X, nRows, train.nFeatures, scaler), K, Math.max(batch, 256), (x) => net.forward(x, INFERENCE).out);
      const out = new Float64Array(nRows * K);
      for (let i = 0; i < nRows * K; i++) {
        const k = i % K;
        const v = raw[i];
        out[i] = heads[k].objective === "binary" ? 1 / (1 + Math.exp(-v)) : v * scales[k].scale + scales[k].shift;
      }
      return out;
    },
    dispose() {
      if (!disposed) store.dispose();
      disposed = true;
    },
  };
}

function checkRows(d: MultiTaskRows, K: number, what: string): void {
  checkTabular(d, `multi-task network ${what}`);
  if (d.featureNames.length !== d.nFeatures) throw new InputError(`multi-task network ${what}: ${d.nFeatures} features but ${d.featureNames.length} feature names`);
  if (d.Y.length !== d.nRows * K) throw new InputError(`multi-task network ${what}: target matrix has ${d.Y.length} values, expected ${d.nRows} rows x ${K} heads`);
  for (let i = 0; i < d.Y.length; i++) {
    const v = d.Y[i];
    if (v === Infinity || v === -Infinity) throw new InputError(`multi-task network ${what}: target of row ${Math.floor(i / K)}, head ${i % K} is ${v}`, "drop rows with infinite targets");
  }
}

function checkBinaryHeads(d: MultiTaskRows, heads: readonly MultiTaskHead[], what: string): void {
  const K = heads.length;
  heads.forEach((h, k) => {
    if (h.objective !== "binary") return;
    for (let r = 0; r < d.nRows; r++) {
      const v = d.Y[r * K + k];
      if (v === v && v !== 0 && v !== 1) throw new InputError(`multi-task network ${what}: binary head "${h.name}" needs targets 0 or 1, row ${r} has ${v}`);
    }
  });
}

function headScale(d: MultiTaskRows, K: number, k: number): TargetScale {
  let n = 0;
  for (let r = 0; r < d.nRows; r++) if (d.Y[r * K + k] === d.Y[r * K + k]) n++;
  const y = new Float64Array(n);
  n = 0;
  for (let r = 0; r < d.nRows; r++) {
    const v = d.Y[r * K + k];
    if (v === v) y[n++] = v;
  }
  return n > 0 ? fitTargetScale(y) : { shift: 0, scale: 1 };
}
