import { useFused } from "../ops/fused.js";
import { fusedAttention } from "../ops/fused-ops.js";
import { matMul, matMulBT } from "../ops/matmul.js";
import { tf, type TF } from "../runtime/backend.js";
import { dropout, layerNorm, linear, type Activation, type Layer } from "./basic.js";
import type { ParamStore } from "./params.js";

/**
 * Transformer encoder pieces: multi-head self-attention (one projection to Q, K and V, one output
 * projection), pre-norm encoder layers (Xiong et al. 2020: more stable without warm-up tricks),
 * and sinusoidal positional encoding. Attention is bidirectional within a window: every bar in a
 * window is already in the past of the row being predicted.
 */

/** softmax(Q K^T / sqrt(dh)) V over heads, with stock ops: qkv [B, L, 3D] -> [B, L, D]. */
export function attentionStock(qkv: TF.Tensor, heads: number): TF.Tensor {
  const [B, L, D3] = qkv.shape as number[];
  const D = D3 / 3;
  const dh = D / heads;
  const split = (t: TF.Tensor): TF.Tensor => tf.reshape(tf.transpose(tf.reshape(t, [B, L, heads, dh]), [0, 2, 1, 3]), [B * heads, L, dh]);
  const [q, k, v] = tf.split(qkv, 3, 2).map(split);
  const scores = tf.mul(matMulBT(q, k), 1 / Math.sqrt(dh));
  const o = matMul(tf.softmax(scores), v); // [B*h, L, dh]
  return tf.reshape(tf.transpose(tf.reshape(o, [B, heads, L, dh]), [0, 2, 1, 3]), [B, L, D]);
}

export function selfAttention(p: ParamStore, name: string, D: number, heads: number): Layer {
  if (D % heads !== 0) throw new Error(`d_model ${D} is not a multiple of num_heads ${heads}`);
  const qkv = linear(p, `${name}.qkv`, D, 3 * D);
  const proj = linear(p, `${name}.out`, D, D);
  return (x, m) => {
    const t = qkv(x, m);
    return proj(useFused() ? fusedAttention(t, heads) : attentionStock(t, heads), m);
  };
}

/** x + drop(attn(norm(x))); then x + drop(ffn(norm(x))). */
export function encoderLayer(p: ParamStore, name: string, D: number, heads: number, ff: number, act: Activation, drop: number): Layer {
  const ln1 = layerNorm(p, `${name}.ln1`, D);
  const attn = selfAttention(p, `${name}.attn`, D, heads);
  const ln2 = layerNorm(p, `${name}.ln2`, D);
  const ff1 = linear(p, `${name}.ff1`, D, ff, { act, heInit: act === "relu" });
  const ff2 = linear(p, `${name}.ff2`, ff, D);
  const dr = dropout(drop);
  return (x, m) => {
    const a = tf.add(x, dr(attn(ln1(x, m), m), m));
    return tf.add(a, dr(ff2(dr(ff1(ln2(a, m), m), m), m), m));
  };
}

/** The sinusoidal encoding of Vaswani et al. [L, D]: sin on even, cos on odd channels. */
export function positionalEncoding(L: number, D: number): Float32Array {
  const pe = new Float32Array(L * D);
  for (let pos = 0; pos < L; pos++) {
    for (let i = 0; i < D; i += 2) {
      const angle = pos / 10000 ** (i / D);
      pe[pos * D + i] = Math.sin(angle);
      if (i + 1 < D) pe[pos * D + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}
