import { tf, type TF } from "../runtime/backend.js";

/** Per-head constants of the loss, as tensors built once per training run. */
export interface HeadLossSpec {
  /** [K]: 1 for a binary head (log loss on a logit), 0 for a regression head. */
  binary: TF.Tensor1D;
  /** [K]: weight of each head, summing to 1. */
  weights: TF.Tensor1D;
  loss: "mse" | "huber";
  huberDelta: number;
}

/**
 * Loss of every (row, head) pair, [B, K], zero where the head's target is missing (mask 0).
 * Regression heads: squared error or Huber on the standardised target; binary heads: log loss on
 * the logit. Both are computed for every column and the head's kind selects one (K is small).
 */
function maskedRowLosses(out: TF.Tensor, y: TF.Tensor, mask: TF.Tensor, s: HeadLossSpec): TF.Tensor {
  const diff = tf.sub(out, y);
  let reg: TF.Tensor;
  if (s.loss === "mse") reg = tf.square(diff);
  else {
    const a = tf.abs(diff);
    const q = tf.minimum(a, s.huberDelta);
    // 0.5 q^2 + delta (a - q): quadratic inside delta, linear outside
    reg = tf.add(tf.mul(tf.square(q), 0.5), tf.mul(tf.sub(a, q), s.huberDelta));
  }
  // log(1 + e^z) - y z, stably: max(z, 0) - y z + log(1 + e^-|z|)
  const bin = tf.add(tf.sub(tf.relu(out), tf.mul(y, out)), tf.log1p(tf.exp(tf.neg(tf.abs(out)))));
  return tf.mul(tf.add(tf.mul(reg, tf.sub(1, s.binary)), tf.mul(bin, s.binary)), mask);
}

/**
 * Masked loss of each head, [K]: the mean over the rows where that head's target exists. A missing
 * target contributes neither to the sum nor to the count, so a head is never pulled towards a
 * placeholder value, and a batch without any row for a head gives that head 0.
 */
export function headLosses(out: TF.Tensor, y: TF.Tensor, mask: TF.Tensor, s: HeadLossSpec): TF.Tensor1D {
  return tf.div(tf.sum(maskedRowLosses(out, y, mask, s), 0), tf.maximum(tf.sum(mask, 0), 1)) as TF.Tensor1D;
}

/** The training objective: the weighted sum of the heads' masked losses. */
export function multiTaskLoss(out: TF.Tensor, y: TF.Tensor, mask: TF.Tensor, s: HeadLossSpec): TF.Scalar {
  return tf.sum(tf.mul(headLosses(out, y, mask, s), s.weights)) as TF.Scalar;
}

/** Per-head sums of the masked losses and of the mask ([K] each), for exact means over many batches. */
export function headLossSums(out: TF.Tensor, y: TF.Tensor, mask: TF.Tensor, s: HeadLossSpec): { sum: TF.Tensor1D; count: TF.Tensor1D } {
  return { sum: tf.sum(maskedRowLosses(out, y, mask, s), 0) as TF.Tensor1D, count: tf.sum(mask, 0) as TF.Tensor1D };
}
