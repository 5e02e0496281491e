import { tf, type TF } from "../nn/runtime/backend.js";

/**
 * The differentiable trading objective: positions tanh(output) on the current bar and on the
 * previous bar of the same symbol, a row's profit the position times the return minus `cost` times
 * the change of position (turnover), and the loss the negative Sharpe ratio of those profits over
 * the batch (mean over standard deviation, per row: not annualised). Costs enter the gradient, so
 * the network learns positions worth their turnover rather than the most accurate forecast.
 */
export function negativeSharpe(out: TF.Tensor, ret: TF.Tensor, cost: number, w: TF.Tensor | null): TF.Scalar {
  // out [B, 2]: column 0 the previous bar's raw output, column 1 the current bar's
  const pos = tf.tanh(out);
  const [prev, cur] = tf.split(pos, 2, 1).map((t) => tf.reshape(t, [-1]));
  const pnl = tf.sub(tf.mul(cur, ret), tf.mul(tf.abs(tf.sub(cur, prev)), cost));
  const ww = w ?? tf.onesLike(pnl);
  const wsum = tf.maximum(tf.sum(ww), 1e-12);
  const mean = tf.div(tf.sum(tf.mul(pnl, ww)), wsum);
  const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(pnl, mean)), ww)), wsum);
  return tf.neg(tf.div(mean, tf.sqrt(tf.add(variance, 1e-8)))) as TF.Scalar;
}
