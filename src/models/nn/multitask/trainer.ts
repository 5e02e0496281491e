import { FoxmlError } from "../../../util/errors.js";
import { Rng } from "../../../util/random.js";
import type { FitContext } from "../../family.js";
import type { Network } from "../arch/network.js";
import type { BatchSource } from "../data/source.js";
import { resetKernelArena } from "../kernels/runtime.js";
import { INFERENCE, trainingMode } from "../layers/basic.js";
import { markConstant } from "../ops/constant.js";
import { useFused } from "../ops/fused.js";
import type { TrainingParams } from "../params.js";
import { tf } from "../runtime/backend.js";
import { chooseBatchSize, estimateMemory, isOutOfMemory } from "../train/memory.js";
import { AdamW, FusedAdamW, learningRate, type Optimizer } from "../train/optimizer.js";
import { headLossSums, multiTaskLoss, type HeadLossSpec } from "./loss.js";

/**
 * The training loop of a multi-task network: the shared trainer's recipe (seeded shuffles from the
 * project PRNG, AdamW with the learning-rate schedule and gradient clipping, early stopping on the
 * best weights, a batch chosen under the memory budget and halved on out-of-memory), with a target
 * matrix [n x K] and a mask [n x K] per row instead of one target.
 */

export interface MultiTrainSet {
  source: BatchSource;
  /** Row-major [n x K] training targets (standardised for regression heads); 0 where missing. */
  y: Float32Array;
  /** Row-major [n x K]: 1 where the head's target exists. */
  mask: Float32Array;
}

/** The optimiser, schedule and stopping fields the loop reads. */
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

export interface MultiEpochRecord {
  epoch: number;
  /** Weighted loss, mean over the epoch's rows. */
  trainLoss: number;
  /** Weighted held-out loss (null without held-out rows). */
  validLoss: number | null;
  /** Held-out loss of each head (null without held-out rows; NaN for a head with no held-out target). */
  validHeadLosses: number[] | null;
  learningRate: number;
  steps: number;
}

export interface MultiTrainResult {
  history: MultiEpochRecord[];
  bestEpoch: number;
  bestValidLoss: number | null;
  batchSize: number;
  steps: number;
  stoppedEarly: boolean;
}

export interface MultiTrainOptions {
  net: Network;
  params: LoopParams;
  heads: number;
  loss: HeadLossSpec;
  seed: number;
  log?: FitContext["log"];
  signal?: AbortSignal;
}

export async function trainMultiTask(train: MultiTrainSet, valid: MultiTrainSet | undefined, o: MultiTrainOptions): Promise<MultiTrainResult> {
  const { net, params: p, heads: K } = o;
  const src = train.source;
  if (src.n === 0) throw new FoxmlError("multi-task network: no training rows", { exitCode: 2 });
  const est = estimateMemory(src.sampleSize + 2 * K, net.activationFloatsPerSample, net.params.count);
  const choice = chooseBatchSize(p.batch_size, src.n, p.memory_budget_mb * 2 ** 20, est);
  let batch = choice.batchSize;
  o.log?.info({ family: "multi_task", batchSize: batch, preferred: p.batch_size, limitedByMemory: choice.limitedByMemory, params: net.params.count, heads: K }, "nn batch size chosen");

  const opt: Optimizer = useFused() ? new FusedAdamW(net.params.vars, p) : new AdamW(net.params.vars, p);
  const rng = new Rng(o.seed).fork("multi-task-shuffle");
  const perEpoch = Math.ceil(src.n / batch);
  const plannedSteps = p.epochs * (p.max_steps_per_epoch > 0 ? Math.min(perEpoch, p.max_steps_per_epoch) : perEpoch);
  const xbuf = new Float32Array(batch * src.sampleSize);
  const ybuf = new Float32Array(batch * K);
  const mbuf = new Float32Array(batch * K);

  const history: MultiEpochRecord[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Float32Array[] | null = null;
  let bad = 0;
  let step = 0;
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const order = rng.fork(`epoch:${epoch}`).permutation(src.n);
      const maxSteps = p.max_steps_per_epoch > 0 ? p.max_steps_per_epoch : Infinity;
      let pos = 0;
      let stepsThisEpoch = 0;
      let lossSum = 0;
      let lossRows = 0;
      let lr = learningRate(p, step, plannedSteps, epoch);
      while (pos < src.n && stepsThisEpoch < maxSteps) {
        if (o.signal?.aborted) throw new FoxmlError("multi-task network: training aborted", { exitCode: 1, cause: o.signal.reason });
        const count = Math.min(batch, src.n - pos);
        src.fill(order, pos, count, xbuf);
        for (let i = 0; i < count; i++) {
          const r = order[pos + i] * K;
          for (let k = 0; k < K; k++) {
            ybuf[i * K + k] = train.y[r + k];
            mbuf[i * K + k] = train.mask[r + k];
          }
        }
        lr = learningRate(p, step, plannedSteps, epoch);
        let loss: number;
        try {
          loss = runStep(net, opt, o.loss, xbuf, ybuf, mbuf, count, src.sampleShape, K, lr, trainingMode(step, o.seed));
        } catch (e) {
          if (!isOutOfMemory(e) || batch <= 1) throw e;
          const from = batch;
          batch = Math.max(1, Math.floor(batch / 2));
          o.log?.warn({ family: "multi_task", from, to: batch }, "nn step ran out of memory: batch size halved, step retried");
          continue;
        }
        if (!Number.isFinite(loss)) {
          if (bestWeights) {
            o.log?.warn({ family: "multi_task", epoch: epoch + 1, step }, "nn training diverged (loss not finite): stopped, best weights kept");
            stoppedEarly = true;
            break;
          }
          throw new FoxmlError(`multi-task network: training diverged (loss ${loss} at epoch ${epoch + 1}, step ${step + 1})`, {
            exitCode: 1,
            hint: "lower learning_rate, enable grad_clip_norm, or check the targets for extreme values",
          });
        }
        lossSum += loss * count;
        lossRows += count;
        pos += count;
        step++;
        stepsThisEpoch++;
      }
      if (stoppedEarly) break;
      const v = valid ? evaluateMultiTask(net, valid, o.loss, K, batch) : null;
      const rec: MultiEpochRecord = {
        epoch: epoch + 1,
        trainLoss: lossSum / Math.max(1, lossRows),
        validLoss: v ? v.total : null,
        validHeadLosses: v ? v.heads : null,
        learningRate: lr,
        steps: stepsThisEpoch,
      };
      history.push(rec);
      o.log?.debug({ family: "multi_task", ...rec }, "nn epoch");
      if (v !== null) {
        if (v.total < best - p.min_delta) {
          best = v.total;
          bestEpoch = epoch + 1;
          bestWeights = net.params.snapshot();
          bad = 0;
        } else if (p.early_stopping_patience > 0 && ++bad >= p.early_stopping_patience) {
          stoppedEarly = true;
          break;
        }
      } else bestEpoch = epoch + 1;
      // Let timers, aborts and worker messages through between epochs.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    opt.dispose();
    resetKernelArena();
  }
  if (bestWeights) net.params.restore(bestWeights);
  return { history, bestEpoch, bestValidLoss: Number.isFinite(best) ? best : null, batchSize: batch, steps: step, stoppedEarly };
}

function runStep(
  net: Network,
  opt: Optimizer,
  spec: HeadLossSpec,
  xbuf: Float32Array,
  ybuf: Float32Array,
  mbuf: Float32Array,
  count: number,
  shape: readonly number[],
  K: number,
  lr: number,
  mode: ReturnType<typeof trainingMode>,
): number {
  const vars = net.params.vars;
  resetKernelArena();
  return tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = markConstant(tf.tensor(xbuf.subarray(0, count * size), [count, ...shape], "float32"));
    const y = tf.tensor2d(ybuf.subarray(0, count * K), [count, K], "float32");
    const m = tf.tensor2d(mbuf.subarray(0, count * K), [count, K], "float32");
    const { value, grads } = tf.variableGrads(() => multiTaskLoss(net.forward(x, mode).out, y, m, spec), vars);
    opt.apply(
      vars.map((v) => grads[v.name]),
      lr,
    );
    return value.dataSync()[0];
  });
}

/** Held-out loss in inference mode: each head's mean over its own rows, and their weighted sum. */
export function evaluateMultiTask(net: Network, set: MultiTrainSet, spec: HeadLossSpec, K: number, batch: number): { total: number; heads: number[] } {
  const src = set.source;
  const n = src.n;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const b = Math.max(1, Math.min(n, batch * 2));
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
      const m = tf.tensor2d(set.mask.subarray(pos * K, (pos + count) * K), [count, K], "float32");
      const r = headLossSums(net.forward(x, INFERENCE).out, y, m, spec);
      return [r.sum.dataSync() as Float32Array, r.count.dataSync() as Float32Array];
    });
    for (let k = 0; k < K; k++) {
      sum[k] += s[k];
      cnt[k] += c[k];
    }
  }
  resetKernelArena();
  const w = spec.weights.dataSync();
  const heads: number[] = [];
  let total = 0;
  for (let k = 0; k < K; k++) {
    const l = cnt[k] > 0 ? sum[k] / cnt[k] : NaN;
    heads.push(l);
    if (cnt[k] > 0) total += w[k] * l;
  }
  return { total, heads };
}
