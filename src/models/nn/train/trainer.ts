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
  /** Training target per row (already standardised for regression). */
  y: Float32Array;
  weight?: Float32Array;
}

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
  const est = estimateMemory(src.sampleSize, net.activationFloatsPerSample, net.params.count);
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

  const runner = new StepRunner(net, p, o.seed);
  const rng = new Rng(o.seed).fork("nn-shuffle");
  const plannedSteps = p.epochs * (p.max_steps_per_epoch > 0 ? Math.min(Math.ceil(src.n / batch), p.max_steps_per_epoch) : Math.ceil(src.n / batch));
  const xbuf = new Float32Array(batch * src.sampleSize);
  const ybuf = new Float32Array(batch);
  const wbuf = new Float32Array(batch);

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
          ybuf[i] = train.y[r];
          wbuf[i] = train.weight ? train.weight[r] : 1;
        }
        lr = learningRate(p, step, plannedSteps, epoch);
        let loss: number;
        try {
          o.beforeStep?.(count);
          loss = runner.step(xbuf, ybuf, train.weight ? wbuf : null, count, src.sampleShape, lr, step);
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
      const validLoss = valid ? evaluateLoss(net, valid, p, batch) : null;
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
  ) {
    this.opt = useFused() ? new FusedAdamW(net.params.vars, p) : new AdamW(net.params.vars, p);
  }

  /** Trains on the first `count` samples of the buffers; returns the batch loss. */
  step(xbuf: Float32Array, ybuf: Float32Array, wbuf: Float32Array | null, count: number, shape: readonly number[], lr: number, stepIndex: number): number {
    const { net, p } = this;
    const vars = net.params.vars;
    const mode = trainingMode(stepIndex, this.seed);
    resetKernelArena();
    return tf.tidy(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = markConstant(tf.tensor(xbuf.subarray(0, count * size), [count, ...shape], "float32"));
      const y = tf.tensor1d(ybuf.subarray(0, count), "float32");
      const w = wbuf ? tf.tensor1d(wbuf.subarray(0, count), "float32") : null;
      const { value, grads } = tf.variableGrads(() => {
        const r = net.forward(x, mode);
        const l = taskLoss(r.out, y, w, p);
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

/** Weighted mean task loss (no auxiliary terms) over a whole set, in inference mode. */
export function evaluateLoss(net: Network, set: TrainSet, p: TrainingParams, batch: number): number {
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
      const y = tf.tensor1d(set.y.subarray(pos, pos + count), "float32");
      const w = wv ? tf.tensor1d(wv, "float32") : null;
      return taskLoss(net.forward(x, INFERENCE).out, y, w, p).dataSync()[0];
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
