import { FoxmlError } from "../../../util/errors.js";
import { Rng } from "../../../util/random.js";
import type { FitContext } from "../../family.js";
import type { Network } from "../arch/network.js";
import type { BatchSource } from "../data/source.js";
import { INFERENCE, trainingMode } from "../layers/basic.js";
import type { TrainingParams } from "../params.js";
import { tf, type TF } from "../runtime/backend.js";
import { taskLoss } from "./loss.js";
import { chooseBatchSize, estimateMemory, isOutOfMemory } from "./memory.js";
import { resetKernelArena } from "../kernels/runtime.js";
import { markConstant } from "../ops/constant.js";
import { useFused } from "../ops/fused.js";
import { AdamW, FusedAdamW, learningRate, type Optimizer } from "./optimizer.js";

/**
 * The training loop every neural family shares: seeded shuffles from the project PRNG, batches
 * gathered from a source into one reused buffer, AdamW with a learning-rate schedule and gradient
 * clipping, validation after each epoch with early stopping on the best weights, and a batch size
 * chosen under a memory budget that halves when a step runs out of memory.
 */

export interface TrainSet {
  source: BatchSource;
  /** Training target per row (already standardised for regression); row-major [n x targetWidth] with several targets. */
  y: Float32Array;
  weight?: Float32Array;
  /** Row-major [n x targetWidth]: 1 where a target exists (several targets, a custom loss reads it). */
  mask?: Float32Array;
}

/**
 * A loss other than the task loss (multi-task heads, a trading objective): the network's raw output,
 * the batch's targets ([B] or [B, targetWidth]), row weights and target mask (null when absent).
 */
export type CustomLoss = (out: TF.Tensor, y: TF.Tensor, w: TF.Tensor | null, mask: TF.Tensor | null) => TF.Scalar;

export interface TrainOptions {
  family: string;
  net: Network;
  params: TrainingParams;
  seed: number;
  log?: FitContext["log"];
  signal?: AbortSignal;
  /** Test seam: called before each step with the batch size (a test can simulate running out of memory). */
  beforeStep?: (batchSize: number) => void;
  /** Called after each epoch; returning true stops training (e.g. once a target validation loss is reached). */
  onEpoch?: (rec: EpochRecord) => boolean | void;
  /** Targets per row (default 1). */
  targetWidth?: number;
  /** Replaces the task loss (training and validation); default: taskLoss of params.objective. */
  loss?: CustomLoss;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validLoss: number | null;
  learningRate: number;
  steps: number;
  seconds: number;
}

export interface TrainResult {
  history: EpochRecord[];
  /** Epoch (1-based) whose weights were kept; the last one without validation data. */
  bestEpoch: number;
  bestValidLoss: number | null;
  batchSize: number;
  steps: number;
  stoppedEarly: boolean;
}

const MIN_BATCH = 1;

export async function trainNetwork(train: TrainSet, valid: TrainSet | undefined, o: TrainOptions): Promise<TrainResult> {
  const { net, params: p } = o;
  const src = train.source;
  if (src.n === 0) throw new FoxmlError(`${o.family}: no training rows`, { exitCode: 2 });
  const vars = net.params.vars;
  const K = o.targetWidth ?? 1;
  const est = estimateMemory(src.sampleSize + (K > 1 ? 2 * K : 0), net.activationFloatsPerSample, net.params.count);
  const choice = chooseBatchSize(p.batch_size, src.n, p.memory_budget_mb * 2 ** 20, est);
  let batch = choice.batchSize;
  o.log?.info(
    {
      family: o.family,
      batchSize: batch,
      preferred: p.batch_size,
      estimatedMiB: +(choice.estimatedBytes / 2 ** 20).toFixed(1),
      budgetMiB: p.memory_budget_mb,
      limitedByMemory: choice.limitedByMemory,
      params: net.params.count,
    },
    "nn batch size chosen",
  );

  const runner = new StepRunner(net, p, o.seed, o.loss, K);
  const rng = new Rng(o.seed).fork("nn-shuffle");
  const plannedSteps = p.epochs * (p.max_steps_per_epoch > 0 ? Math.min(Math.ceil(src.n / batch), p.max_steps_per_epoch) : Math.ceil(src.n / batch));
  const xbuf = new Float32Array(batch * src.sampleSize);
  const ybuf = new Float32Array(batch * K);
  const wbuf = new Float32Array(batch);
  const mbuf = train.mask ? new Float32Array(batch * K) : null;

  const history: EpochRecord[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Float32Array[] | null = null;
  let bad = 0;
  let step = 0;
  let stoppedEarly = false;

  try {
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const t0 = performance.now();
      const order = rng.fork(`epoch:${epoch}`).permutation(src.n);
      // A full pass unless capped; a batch halved mid-epoch still finishes the pass.
      const maxSteps = p.max_steps_per_epoch > 0 ? p.max_steps_per_epoch : Infinity;
      let pos = 0;
      let stepsThisEpoch = 0;
      let lossSum = 0;
      let lossRows = 0;
      let lr = learningRate(p, step, plannedSteps, epoch);
      while (pos < src.n && stepsThisEpoch < maxSteps) {
        if (o.signal?.aborted) throw new FoxmlError(`${o.family}: training aborted`, { exitCode: 1, cause: o.signal.reason });
        const count = Math.min(batch, src.n - pos);
        src.fill(order, pos, count, xbuf);
        for (let i = 0; i < count; i++) {
          const r = order[pos + i];
          if (K === 1) ybuf[i] = train.y[r];
          else ybuf.set(train.y.subarray(r * K, (r + 1) * K), i * K);
          if (mbuf) mbuf.set(train.mask!.subarray(r * K, (r + 1) * K), i * K);
          wbuf[i] = train.weight ? train.weight[r] : 1;
        }
        lr = learningRate(p, step, plannedSteps, epoch);
        let loss: number;
        try {
          o.beforeStep?.(count);
          loss = runner.step(xbuf, ybuf, train.weight ? wbuf : null, count, src.sampleShape, lr, step, mbuf);
        } catch (e) {
          if (!isOutOfMemory(e) || batch <= MIN_BATCH) throw e;
          const from = batch;
          batch = Math.max(MIN_BATCH, Math.floor(batch / 2));
          o.log?.warn({ family: o.family, from, to: batch, error: e instanceof Error ? e.message : String(e) }, "nn step ran out of memory: batch size halved, step retried");
          continue;
        }
        if (!Number.isFinite(loss)) {
          if (bestWeights) {
            o.log?.warn({ family: o.family, epoch: epoch + 1, step }, "nn training diverged (loss not finite): stopped, best weights kept");
            stoppedEarly = true;
            break;
          }
          throw new FoxmlError(`${o.family}: training diverged (loss ${loss} at epoch ${epoch + 1}, step ${step + 1})`, {
            exitCode: 1,
            hint: "lower learning_rate, enable grad_clip_norm, or check the target for extreme values",
          });
        }
        lossSum += loss * count;
        lossRows += count;
        pos += count;
        step++;
        stepsThisEpoch++;
      }
      if (stoppedEarly) break;
      const validLoss = valid ? evaluateLoss(net, valid, p, batch, o.loss, K) : null;
      const rec: EpochRecord = { epoch: epoch + 1, trainLoss: lossSum / Math.max(1, lossRows), validLoss, learningRate: lr, steps: stepsThisEpoch, seconds: (performance.now() - t0) / 1000 };
      history.push(rec);
      o.log?.debug({ family: o.family, ...rec }, "nn epoch");
      const stopNow = o.onEpoch?.(rec) === true;
      if (validLoss !== null) {
        if (validLoss < best - p.min_delta) {
          best = validLoss;
          bestEpoch = epoch + 1;
          bestWeights = net.params.snapshot();
          bad = 0;
        } else if (++bad >= p.early_stopping_patience && p.early_stopping_patience > 0) {
          stoppedEarly = true;
          break;
        }
      } else bestEpoch = epoch + 1;
      if (stopNow) {
        stoppedEarly = true;
        break;
      }
      // Let timers, aborts and worker messages through between epochs.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    runner.dispose();
  }
  if (bestWeights) net.params.restore(bestWeights);
  return { history, bestEpoch, bestValidLoss: Number.isFinite(best) ? best : null, batchSize: batch, steps: step, stoppedEarly };
}

/**
 * One optimisation step on a batch already in memory: forward, loss, gradients, update. The unit the
 * benchmark times, so what it measures is exactly what training runs.
 */
export class StepRunner {
  private readonly opt: Optimizer;

  constructor(
    private readonly net: Network,
    private readonly p: TrainingParams,
    private readonly seed: number,
    private readonly loss?: CustomLoss,
    private readonly targetWidth = 1,
  ) {
    this.opt = useFused() ? new FusedAdamW(net.params.vars, p) : new AdamW(net.params.vars, p);
  }

  /** Trains on the first `count` samples of the buffers; returns the batch loss. */
  step(xbuf: Float32Array, ybuf: Float32Array, wbuf: Float32Array | null, count: number, shape: readonly number[], lr: number, stepIndex: number, mbuf: Float32Array | null = null): number {
    const { net, p, loss } = this;
    const K = this.targetWidth;
    const vars = net.params.vars;
    const mode = trainingMode(stepIndex, this.seed);
    resetKernelArena();
    return tf.tidy(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = markConstant(tf.tensor(xbuf.subarray(0, count * size), [count, ...shape], "float32"));
      const y = targetTensor(ybuf, 0, count, K);
      const w = wbuf ? tf.tensor1d(wbuf.subarray(0, count), "float32") : null;
      const m = mbuf ? targetTensor(mbuf, 0, count, K) : null;
      const { value, grads } = tf.variableGrads(() => {
        const r = net.forward(x, mode);
        const l = loss ? loss(r.out, y, w, m) : taskLoss(r.out, y, w, p);
        return r.aux ? (tf.add(l, r.aux) as TF.Scalar) : l;
      }, vars);
      this.opt.apply(vars.map((v) => grads[v.name]), lr);
      return value.dataSync()[0];
    });
  }

  dispose(): void {
    this.opt.dispose();
    resetKernelArena();
  }
}

/** Targets of rows [pos, pos + count) as a tensor: [count] for one target, [count, K] for several. */
function targetTensor(buf: Float32Array, pos: number, count: number, K: number): TF.Tensor {
  const v = buf.subarray(pos * K, (pos + count) * K);
  return K === 1 ? tf.tensor1d(v, "float32") : tf.tensor2d(v, [count, K], "float32");
}

/**
 * Weighted mean task loss (no auxiliary terms) over a whole set, in inference mode. A custom loss
 * (a batch statistic such as a Sharpe ratio) is averaged over the evaluation batches the same way.
 */
export function evaluateLoss(net: Network, set: TrainSet, p: TrainingParams, batch: number, loss?: CustomLoss, K = 1): number {
  const src = set.source;
  const n = src.n;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const b = Math.max(1, Math.min(n, batch * 2));
  const xbuf = new Float32Array(b * src.sampleSize);
  let sum = 0;
  let wsum = 0;
  for (let pos = 0; pos < n; pos += b) {
    const count = Math.min(b, n - pos);
    src.fill(idx, pos, count, xbuf);
    const wv = set.weight ? set.weight.subarray(pos, pos + count) : null;
    let wtot = count;
    if (wv) {
      wtot = 0;
      for (let i = 0; i < count; i++) wtot += wv[i];
    }
    resetKernelArena();
    const l = tf.tidy(() => {
      const x = tf.tensor(xbuf.subarray(0, count * src.sampleSize), [count, ...src.sampleShape], "float32");
      const y = targetTensor(set.y, pos, count, K);
      const w = wv ? tf.tensor1d(wv, "float32") : null;
      const m = set.mask ? targetTensor(set.mask, pos, count, K) : null;
      const out = net.forward(x, INFERENCE).out;
      return (loss ? loss(out, y, w, m) : taskLoss(out, y, w, p)).dataSync()[0];
    });
    sum += l * wtot;
    wsum += wtot;
  }
  resetKernelArena();
  return wsum > 0 ? sum / wsum : NaN;
}

/** `compute(x)` ([count x K] values per batch) for every row of a source, in batches. */
export function forwardAll(src: BatchSource, K: number, batch: number, compute: (x: TF.Tensor) => TF.Tensor): Float32Array {
  const n = src.n;
  const out = new Float32Array(n * K);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const b = Math.max(1, Math.min(n, batch));
  const xbuf = new Float32Array(b * src.sampleSize);
  for (let pos = 0; pos < n; pos += b) {
    const count = Math.min(b, n - pos);
    src.fill(idx, pos, count, xbuf);
    resetKernelArena();
    const vals = tf.tidy(() => {
      const x = tf.tensor(xbuf.subarray(0, count * src.sampleSize), [count, ...src.sampleShape], "float32");
      return compute(x).dataSync() as Float32Array;
    });
    out.set(vals, pos * K);
  }
  resetKernelArena();
  return out;
}
