import { type Activation } from "../ops/activation.js";
import { useFused } from "../ops/fused.js";
import { fusedConv1d } from "../ops/fused-ops.js";
import { dense } from "../ops/matmul.js";
import { tf } from "../runtime/backend.js";
import type { Layer } from "./basic.js";
import { glorot, he, zeros, type ParamStore } from "./params.js";

/**
 * Causal dilated 1D convolution over [B, L, C] -> [B, L, filters]: output t sees inputs t,
 * t - dilation, ..., t - (kernel - 1) dilation, zero-padded before the window. The weights are
 * tap-major [kernel * C, filters], so the convolution is one matrix product of the im2col matrix
 * (the formulation that also trains on wasm, where tfjs's Conv2DBackpropFilter is missing).
 */
export function causalConv1d(p: ParamStore, name: string, inC: number, filters: number, kernel: number, dilation: number, act: Activation | "linear"): Layer {
  const w = p.add(`${name}.w`, [kernel * inC, filters], act === "relu" ? he : glorot);
  const b = p.add(`${name}.b`, [filters], zeros);
  return (x) => {
    if (useFused()) return fusedConv1d(x, w, b, kernel, dilation, act);
    const [B, L, C] = x.shape as number[];
    const pad = (kernel - 1) * dilation;
    const xp = pad > 0 ? tf.pad(x, [[0, 0], [pad, 0], [0, 0]]) : x;
    const taps = Array.from({ length: kernel }, (_, j) => tf.slice(xp, [0, j * dilation, 0], [B, L, C]));
    const cols = kernel > 1 ? tf.concat(taps, 2) : taps[0];
    return dense(cols, w, b, act);
  };
}
