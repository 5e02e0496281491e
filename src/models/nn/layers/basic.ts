import { tf, type TF } from "../runtime/backend.js";
import { activate, type Activation } from "../ops/activation.js";
import { useFused } from "../ops/fused.js";
import { fusedLayerNorm } from "../ops/fused-ops.js";
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

export { ACTIVATIONS, activate, type Activation } from "../ops/activation.js";

export type Layer = (x: TF.Tensor, mode: RunMode) => TF.Tensor;

/** x @ W + b over the last axis. */
/** act(x @ W + b) over the last axis (activation fused into the product where kernels are on). */
export function linear(p: ParamStore, name: string, inDim: number, outDim: number, opts: { bias?: boolean; heInit?: boolean; act?: Activation } = {}): Layer {
  const w = p.add(`${name}.w`, [inDim, outDim], opts.heInit ? he : glorot);
  const b = opts.bias === false ? undefined : p.add(`${name}.b`, [outDim], zeros);
  return (x) => dense(x, w, b, opts.act ?? "linear");
}

export function dropout(rate: number): Layer {
  return (x, mode) => (mode.training && rate > 0 ? tf.dropout(x, rate, undefined, mode.seed()) : x);
}

/** Layer normalisation over the last axis, with a learned gain and shift. */
export function layerNorm(p: ParamStore, name: string, dim: number, eps = 1e-5): Layer {
  const g = p.add(`${name}.g`, [dim], ones);
  const b = p.add(`${name}.b`, [dim], zeros);
  return (x) => {
    if (useFused()) return fusedLayerNorm(x, g, b, eps);
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
  };
}

/** Linear -> activation -> dropout blocks, the shared trunk of the MLP and VAE families. */
export function mlpTrunk(p: ParamStore, name: string, inDim: number, hidden: readonly number[], act: Activation, drop: number, norm: boolean): { layer: Layer; outDim: number } {
  const blocks: Layer[] = [];
  let d = inDim;
  hidden.forEach((h, i) => {
    // Without a norm the activation fuses into the product; with one it follows the norm.
    const lin = linear(p, `${name}.${i}`, d, h, { heInit: act === "relu", act: norm ? undefined : act });
    const ln = norm ? layerNorm(p, `${name}.${i}.ln`, h) : undefined;
    const dr = dropout(drop);
    blocks.push((x, m) => {
      const y = lin(x, m);
      return dr(ln ? activate(ln(y, m), act) : y, m);
    });
    d = h;
  });
  return { layer: (x, m) => blocks.reduce((y, b) => b(y, m), x), outDim: d };
}
