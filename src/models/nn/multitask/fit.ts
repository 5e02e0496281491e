import { InputError } from "../../../util/errors.js";
import { Rng } from "../../../util/random.js";
import type { FitContext } from "../../family.js";
import { Scaler, fitTargetScale, type TargetScale } from "../data/scaler.js";
import { RowSource, checkTabular } from "../data/source.js";
import { INFERENCE } from "../layers/basic.js";
import { ParamStore } from "../layers/params.js";
import type { TrainingParams } from "../params.js";
import { nnReady, tf } from "../runtime/backend.js";
import { resetKernelArena } from "../kernels/runtime.js";
import type { Network } from "../arch/network.js";
import { trainNetwork, type TrainSet } from "../train/trainer.js";
import { headLossSums, multiTaskLoss, type HeadLossSpec } from "./loss.js";
import { NnModel } from "../model.js";
import { MultiTaskNet, type MultiEpochRecord, type MultiTaskHead } from "./model.js";
import { buildMultiTaskNetwork, type MultiTaskArch } from "./network.js";

/**
 * Fits one multi-task network: rows of features, and a [rows x K] target matrix in which a missing
 * target (NaN) is masked out of its head's loss. Inputs are standardised on the training rows
 * (NaN-safe, clipped, as for every neural family); each regression head's target is standardised
 * on its own training values, so heads of different scales pull on the shared trunk alike.
 * Training is the shared neural trainer (`train/trainer.ts`) with the masked, weighted head loss.
 */

export type { MultiTaskHead } from "./model.js";

export interface MultiTaskRows {
  nRows: number;
  nFeatures: number;
  featureNames: readonly string[];
  /** Row-major [nRows x nFeatures], NaN = missing. */
  X: Float32Array;
  /** Row-major [nRows x K] targets, NaN where a head has no target for the row. */
  Y: Float64Array;
}

/** The optimiser, schedule and stopping fields the shared trainer reads. */
export type LoopParams = Pick<
  TrainingParams,
  | "epochs"
  | "batch_size"
  | "max_steps_per_epoch"
  | "optimizer"
  | "learning_rate"
  | "weight_decay"
  | "beta1"
  | "beta2"
  | "adam_epsilon"
  | "lr_schedule"
  | "warmup_steps"
  | "lr_decay"
  | "lr_min_ratio"
  | "grad_clip_norm"
  | "early_stopping_patience"
  | "min_delta"
  | "memory_budget_mb"
>;

export interface MultiTaskParams extends MultiTaskArch, LoopParams {
  loss: "mse" | "huber";
  huber_delta: number;
  input_clip: number;
}

export async function fitMultiTask(train: MultiTaskRows, heads: readonly MultiTaskHead[], params: MultiTaskParams, ctx: Pick<FitContext, "seed" | "log" | "signal">, valid?: MultiTaskRows): Promise<MultiTaskNet> {
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
  const toSet = (d: MultiTaskRows): TrainSet => {
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
  const arch: MultiTaskArch = { hidden_units: [...params.hidden_units], head_units: [...params.head_units], activation: params.activation, layer_norm: params.layer_norm, dropout: params.dropout };
  const net = buildMultiTaskNetwork(store, F, K, arch);
  const spec: HeadLossSpec = {
    binary: tf.tensor1d(heads.map((h) => (h.objective === "binary" ? 1 : 0)), "float32"),
    weights: tf.tensor1d(heads.map((h) => h.weight / wsum), "float32"),
    loss: params.loss,
    huberDelta: params.huber_delta,
  };
  const trainSet = toSet(train);
  const validSet = valid ? toSet(valid) : undefined;
  const headValid: Array<number[] | null> = [];
  let result;
  try {
    result = await trainNetwork(trainSet, validSet, {
      family: "multi_task",
      net,
      params: trainingParams(params),
      seed: ctx.seed,
      log: ctx.log,
      signal: ctx.signal,
      targetWidth: K,
      loss: (out, y, _w, m) => multiTaskLoss(out, y, m!, spec),
      // Each head's own held-out loss, for the history (early stopping reads the weighted total).
      onEpoch: () => void headValid.push(validSet ? evaluateHeads(net, validSet, spec, K) : null),
    });
  } catch (e) {
    store.dispose();
    throw e;
  } finally {
    spec.binary.dispose();
    spec.weights.dispose();
  }
  const history: MultiEpochRecord[] = result.history.map((r, i) => ({ ...r, validHeadLosses: headValid[i] ?? null }));
  return new MultiTaskNet(
    {
      heads: heads.map((h) => ({ ...h })),
      arch,
      featureNames: [...train.featureNames],
      scaler: scaler.toJSON(),
      targetScales: scales,
      training: { history, bestEpoch: result.bestEpoch, batchSize: result.batchSize, steps: result.steps, stoppedEarly: result.stoppedEarly, backend },
    },
    NnModel.weightsOf(net),
    net,
    backend,
  );
}

/** The shared trainer's parameters: the loop fields, and neutral values for what the custom loss replaces. */
function trainingParams(p: MultiTaskParams): TrainingParams {
  return {
    ...pickLoop(p),
    objective: "regression",
    num_class: 1,
    huber_delta: p.huber_delta,
    dropout: p.dropout,
    input_clip: p.input_clip,
    standardize_target: true,
  };
}

function pickLoop(p: LoopParams): LoopParams {
  const { epochs, batch_size, max_steps_per_epoch, optimizer, learning_rate, weight_decay, beta1, beta2, adam_epsilon, lr_schedule, warmup_steps, lr_decay, lr_min_ratio, grad_clip_norm, early_stopping_patience, min_delta, memory_budget_mb } = p;
  return { epochs, batch_size, max_steps_per_epoch, optimizer, learning_rate, weight_decay, beta1, beta2, adam_epsilon, lr_schedule, warmup_steps, lr_decay, lr_min_ratio, grad_clip_norm, early_stopping_patience, min_delta, memory_budget_mb };
}

/** Each head's held-out loss in inference mode: its mean over its own rows (NaN for a head with none). */
function evaluateHeads(net: Network, set: TrainSet, spec: HeadLossSpec, K: number): number[] {
  const src = set.source;
  const n = src.n;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const b = Math.max(1, Math.min(n, 1024));
  const xbuf = new Float32Array(b * src.sampleSize);
  const sum = new Float64Array(K);
  const cnt = new Float64Array(K);
  for (let pos = 0; pos < n; pos += b) {
    const count = Math.min(b, n - pos);
    src.fill(idx, pos, count, xbuf);
    resetKernelArena();
    const [s, c] = tf.tidy(() => {
      const x = tf.tensor(xbuf.subarray(0, count * src.sampleSize), [count, ...src.sampleShape], "float32");
      const y = tf.tensor2d(set.y.subarray(pos * K, (pos + count) * K), [count, K], "float32");
      const m = tf.tensor2d(set.mask!.subarray(pos * K, (pos + count) * K), [count, K], "float32");
      const r = headLossSums(net.forward(x, INFERENCE).out, y, m, spec);
      return [r.sum.dataSync() as Float32Array, r.count.dataSync() as Float32Array];
    });
    for (let k = 0; k < K; k++) {
      sum[k] += s[k];
      cnt[k] += c[k];
    }
  }
  resetKernelArena();
  return Array.from(sum, (v, k) => (cnt[k] > 0 ? v / cnt[k] : NaN));
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
