import { tf, type TF } from "../runtime/backend.js";
import { dense } from "../ops/matmul.js";
import { glorot, he, ones, zeros, type ParamStore } from "./params.js";

/** How a forward pass runs: training enables dropout and noise, each drawing seeds in call order. */
export interface RunMode {
  readonly training: boolean;
  /** A fresh seed for the next random op; deterministic given the training step. */
  seed(): number;
}

export const INFERENCE: RunMode = {
  training: false,
  seed: () => 0,
};

export function trainingMode(step: number, baseSeed: number): RunMode {
  let k = 0;
  return {
    training: true,
    // Mixes step and call index into a 31-bit seed (tfjs seeds are numbers).
    seed: () => (Math.imul(baseSeed ^ 0x9e3779b9, 31) + Math.imul(step + 1, 0x85ebca6b) + Math.imul(++k, 0xc2b2ae35)) >>> 1,
  };
}

export const ACTIVATIONS = ["relu", "gelu", "tanh", "elu", "silu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function activate(x: TF.Tensor, a: Activation): TF.Tensor {
  switch (a) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "elu":
      return tf.elu(x);
    case "silu":
      return tf.mul(x, tf.sigmoid(x));
    case "gelu":
      // tanh approximation (Hendrycks & Gimpel), as in GPT-2 and PyTorch's approximate="tanh"
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  }
}

export type Layer = (x: TF.Tensor, mode: RunMode) => TF.Tensor;

/** x @ W + b over the last axis. */
export function linear(p: ParamStore, name: string, inDim: number, outDim: number, opts: { bias?: boolean; heInit?: boolean } = {}): Layer {
  const w = p.add(`${name}.w`, [inDim, outDim], opts.heInit ? he : glorot);
  const b = opts.bias === false ? undefined : p.add(`${name}.b`, [outDim], zeros);
  return (x) => dense(x, w, b);
}

export function dropout(rate: number): Layer {
  return (x, mode) => (mode.training && rate > 0 ? tf.dropout(x, rate, undefined, mode.seed()) : x);
}

/** Layer normalisation over the last axis, with a learned gain and shift. */
export function layerNorm(p: ParamStore, name: string, dim: number, eps = 1e-5): Layer {
  const g = p.add(`${name}.g`, [dim], ones);
  const b = p.add(`${name}.b`, [dim], zeros);
  return (x) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
  };
}

/** Linear -> activation -> dropout blocks, the shared trunk of the MLP and VAE families. */
export function mlpTrunk(p: ParamStore, name: string, inDim: number, hidden: readonly number[], act: Activation, drop: number, norm: boolean): { layer: Layer; outDim: number } {
  const blocks: Layer[] = [];
  let d = inDim;
  hidden.forEach((h, i) => {
    const lin = linear(p, `${name}.${i}`, d, h, { heInit: act === "relu" });
    const ln = norm ? layerNorm(p, `${name}.${i}.ln`, h) : undefined;
    const dr = dropout(drop);
    blocks.push((x, m) => {
      let y = lin(x, m);
      if (ln) y = ln(y, m);
      return dr(activate(y, act), m);
    });
    d = h;
  });
  return { layer: (x, m) => blocks.reduce((y, b) => b(y, m), x), outDim: d };
}
