import { tf, type TF } from "../runtime/backend.js";
import type { TrainingParams } from "../params.js";

/**
 * Task losses on the network's raw output [B, K], weighted means over the batch:
 * regression (squared error or Huber, on the standardised target), binary (log loss on a logit),
 * multiclass (softmax cross-entropy on K logits).
 */
export function taskLoss(out: TF.Tensor, y: TF.Tensor, w: TF.Tensor | null, p: Pick<TrainingParams, "objective" | "num_class" | "huber_delta">): TF.Scalar {
  let per: TF.Tensor;
  switch (p.objective) {
    case "regression":
      per = tf.square(tf.sub(tf.reshape(out, [-1]), y));
      break;
    case "huber": {
      const a = tf.abs(tf.sub(tf.reshape(out, [-1]), y));
      const d = p.huber_delta;
      const quad = tf.minimum(a, d);
      // 0.5 q^2 + d (a - q): quadratic inside delta, linear outside, continuous gradient.
      per = tf.add(tf.mul(tf.square(quad), 0.5), tf.mul(tf.sub(a, quad), d));
      break;
    }
    case "binary": {
      const z = tf.reshape(out, [-1]);
      // log(1 + e^z) - y z, written stably: max(z, 0) - y z + log(1 + e^-|z|)
      per = tf.add(tf.sub(tf.relu(z), tf.mul(y, z)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
      break;
    }
    case "multiclass": {
      const logp = tf.logSoftmax(out);
      const onehot = tf.oneHot(tf.cast(y, "int32"), p.num_class);
      per = tf.neg(tf.sum(tf.mul(logp, onehot), 1));
      break;
    }
  }
  if (!w) return tf.mean(per) as TF.Scalar;
  // A batch whose weights are all 0 contributes nothing (not 0 / 0).
  return tf.div(tf.sum(tf.mul(per, w)), tf.maximum(tf.sum(w), 1e-12)) as TF.Scalar;
}

/** Turns raw outputs into predictions: identity (regression), sigmoid probability, softmax probabilities. */
export function outputTransform(out: TF.Tensor, objective: TrainingParams["objective"]): TF.Tensor {
  if (objective === "binary") return tf.sigmoid(tf.reshape(out, [-1]));
  if (objective === "multiclass") return tf.softmax(out);
  return tf.reshape(out, [-1]);
}
