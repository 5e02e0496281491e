import { z } from "zod";
import { encoderLayer, positionalEncoding } from "../layers/attention.js";
import { layerNorm, linear, type Layer } from "../layers/basic.js";
import type { ParamStore } from "../layers/params.js";
import { ACTIVATIONS } from "../ops/activation.js";
import { familySchema, headShape, POOLINGS, sequenceShape, type Pooling } from "../params.js";
import { tf } from "../runtime/backend.js";
import { head } from "./head.js";
import type { NetworkBuilder } from "./network.js";
import { pool, pooledWidth } from "./pool.js";

/** Transformer encoder over windows: input projection, sinusoidal positions, pre-norm layers, pooled head. */
export const encoderShape = {
  d_model: z.number().int().min(4).max(4096).default(32).describe("width of the encoder's tokens"),
  num_heads: z.number().int().min(1).max(64).default(4).describe("attention heads (d_model must be a multiple)"),
  num_layers: z.number().int().min(1).max(48).default(2).describe("encoder layers"),
  ff_units: z.number().int().min(1).max(65_536).default(64).describe("units of each layer's feed-forward block"),
  ff_activation: z.enum(ACTIVATIONS).default("gelu").describe("activation of the feed-forward blocks"),
};

export const transformerParamsSchema = familySchema({ ...sequenceShape, ...encoderShape, pooling: z.enum(POOLINGS).default("last").describe("how the sequence of outputs becomes one vector: the last step, the mean over steps, or both"), ...headShape }).superRefine((p, ctx) => {
  if (p.d_model % p.num_heads !== 0) ctx.addIssue({ code: "custom", path: ["num_heads"], message: `d_model ${p.d_model} must be a multiple of num_heads ${p.num_heads}` });
});
export type TransformerParams = z.infer<typeof transformerParamsSchema>;

export interface EncoderStack {
  layer: Layer;
  outDim: number;
  floats: number;
}

/** Encoder layers + final norm + pooling over [B, L, D] tokens; shared with tab_transformer. */
export function encoderStack(p: ParamStore, L: number, hp: { d_model: number; num_heads: number; num_layers: number; ff_units: number; ff_activation: z.infer<typeof encoderShape.ff_activation>; dropout: number }, pooling: Pooling): EncoderStack {
  const D = hp.d_model;
  const layers = Array.from({ length: hp.num_layers }, (_, i) => encoderLayer(p, `enc.${i}`, D, hp.num_heads, hp.ff_units, hp.ff_activation, hp.dropout));
  const norm = layerNorm(p, "enc.norm", D);
  // per layer: norms, qkv, attention probabilities, attention output, projections, feed-forward
  const floats = hp.num_layers * L * (12 * D + hp.num_heads * L + 3 * hp.ff_units) + 2 * L * D;
  return { layer: (x, m) => pool(norm(layers.reduce((y, l) => l(y, m), x), m), pooling), outDim: pooledWidth(D, pooling), floats };
}

export const buildTransformer: NetworkBuilder<TransformerParams> = (p, inputShape, outDim, hp) => {
  const [L, F] = inputShape;
  const inp = linear(p, "input", F, hp.d_model);
  const pe = positionalEncoding(L, hp.d_model);
  const enc = encoderStack(p, L, hp, hp.pooling);
  const h = head(p, enc.outDim, hp.head_units, hp.activation, hp.dropout, outDim);
  return {
    params: p,
    activationFloatsPerSample: enc.floats + L * hp.d_model * 2 + h.floats,
    forward: (x, m) => ({ out: h.layer(enc.layer(tf.add(inp(x, m), tf.tensor(pe, [L, hp.d_model])), m), m) }),
  };
};
