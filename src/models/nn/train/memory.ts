/**
 * Adaptive memory batching: a training step's memory is estimated from shapes (the input batch,
 * the activations kept for the backward pass and their gradients, plus weights, gradients and the
 * two Adam moments), and the batch is the largest one under the budget. When a step still runs out
 * of memory, the trainer halves the batch and retries instead of crashing.
 */

export const BYTES_PER_FLOAT = 4;
/**
 * Activations are kept for backprop, their gradients are built in the backward pass, and tfjs holds
 * temporaries of about the same size while a kernel runs: three copies is the measured envelope.
 */
const ACTIVATION_COPIES = 3;
/** Weights, their gradients, Adam's m and v. */
const WEIGHT_COPIES = 4;

export interface MemoryEstimate {
  perSampleBytes: number;
  fixedBytes: number;
}

export function estimateMemory(sampleFloats: number, activationFloatsPerSample: number, paramCount: number): MemoryEstimate {
  return {
    perSampleBytes: (2 * sampleFloats + ACTIVATION_COPIES * activationFloatsPerSample) * BYTES_PER_FLOAT,
    fixedBytes: WEIGHT_COPIES * paramCount * BYTES_PER_FLOAT,
  };
}

export interface BatchChoice {
  batchSize: number;
  /** Estimated bytes of one step at that batch size. */
  estimatedBytes: number;
  /** True when the budget, not the preferred size, set the batch. */
  limitedByMemory: boolean;
}

/** The largest batch <= preferred (and <= nRows) whose estimate fits `budgetBytes`; at least 1. */
export function chooseBatchSize(preferred: number, nRows: number, budgetBytes: number, est: MemoryEstimate): BatchChoice {
  const want = Math.max(1, Math.min(preferred, nRows));
  const room = budgetBytes - est.fixedBytes;
  const fit = est.perSampleBytes > 0 ? Math.floor(room / est.perSampleBytes) : want;
  const batchSize = Math.max(1, Math.min(want, fit));
  return { batchSize, estimatedBytes: est.fixedBytes + batchSize * est.perSampleBytes, limitedByMemory: fit < want };
}

/** Errors that mean "this step did not fit in memory" on the tfjs backends (wasm heap, JS heap, native). */
export function isOutOfMemory(e: unknown): boolean {
  if (e instanceof RangeError && /allocation|array buffer|invalid typed array length|memory/i.test(e.message)) return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /out of memory|OOM|failed to allocate|cannot enlarge memory|memory access out of bounds|ResourceExhausted|Aborted\(OOM\)/i.test(msg);
}
