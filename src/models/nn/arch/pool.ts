import type { Pooling } from "../params.js";
import { useFused } from "../ops/fused.js";
import { lastStep } from "../ops/fused-ops.js";
import { tf, type TF } from "../runtime/backend.js";

/** [B, L, D] -> [B, D] (last step or mean over steps) or [B, 2D] (both). */
export function pool(x: TF.Tensor, how: Pooling): TF.Tensor {
  const [B, L, D] = x.shape as number[];
  const last = (): TF.Tensor => (useFused() ? lastStep(x) : tf.reshape(tf.slice(x, [0, L - 1, 0], [B, 1, D]), [B, D]));
  if (how === "last") return last();
  if (how === "mean") return tf.mean(x, 1);
  return tf.concat([last(), tf.mean(x, 1)], 1);
}

export function pooledWidth(D: number, how: Pooling): number {
  return how === "last_mean" ? 2 * D : D;
}
