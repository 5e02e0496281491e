import { z } from "zod";
import type { Layer } from "../layers/basic.js";
import { recurrent } from "../layers/recurrent.js";
import { glorot, zeros, type ParamStore } from "../layers/params.js";
import { familySchema, headShape, POOLINGS, unitsSchema } from "../params.js";
import { tf } from "../runtime/backend.js";
import { convShape, convStack } from "./cnn.js";
import { head } from "./head.js";
import type { NetworkBuilder } from "./network.js";
import { encoderShape, encoderStack } from "./transformer.js";

/**
 * Tabular features as a sequence of tokens (the FT-Transformer idea, Gorishniy et al. 2021): feature
 * f of a row becomes token x_f * E_f + b_f, a learned per-feature embedding, and a sequence model
 * (convolution, LSTM, or transformer encoder) reads the F tokens. The feature's identity lives in its
 * embedding, so the encoder needs no positional encoding.
 */

const tokenShape = {
  token_dim: z.number().int().min(1).max(1024).default(16).describe("width of each feature's token embedding"),
};

function tokenizer(p: ParamStore, F: number, d: number): Layer {
  const E = p.add("tokens.w", [F, d], glorot);
  const b = p.add("tokens.b", [F, d], zeros);
  return (x) => tf.add(tf.mul(tf.expandDims(x, 2), E), b); // [B, F, d]
}

export const tabCnnParamsSchema = familySchema({ ...tokenShape, ...convShape, ...headShape });
export type TabCnnParams = z.infer<typeof tabCnnParamsSchema>;

export const buildTabCnn: NetworkBuilder<TabCnnParams> = (p, inputShape, outDim, hp) => {
  const F = inputShape[0];
  const tok = tokenizer(p, F, hp.token_dim);
  const stack = convStack(p, F, hp.token_dim, hp);
  const h = head(p, stack.outDim, hp.head_units, hp.activation, hp.dropout, outDim);
  return {
    params: p,
    activationFloatsPerSample: F * hp.token_dim * 2 + stack.floats + h.floats,
    forward: (x, m) => ({ out: h.layer(stack.layer(tok(x, m), m), m) }),
  };
};

export const tabLstmParamsSchema = familySchema({ ...tokenShape, hidden_units: unitsSchema("hidden size of each stacked LSTM layer").default([32]), ...headShape });
export type TabLstmParams = z.infer<typeof tabLstmParamsSchema>;

export const buildTabLstm: NetworkBuilder<TabLstmParams> = (p, inputShape, outDim, hp) => {
  const F = inputShape[0];
  const tok = tokenizer(p, F, hp.token_dim);
  const layers: Layer[] = [];
  let d = hp.token_dim;
  hp.hidden_units.forEach((H, i) => {
    layers.push(recurrent(p, `lstm.${i}`, { cell: "lstm", inDim: d, hidden: H, returnSequences: i < hp.hidden_units.length - 1 }));
    d = H;
  });
  const h = head(p, d, hp.head_units, hp.activation, hp.dropout, outDim);
  const floats = F * hp.token_dim * 2 + hp.hidden_units.reduce((a, H) => a + F * H * 12, 0);
  return {
    params: p,
    activationFloatsPerSample: floats + h.floats,
    forward: (x, m) => ({ out: h.layer(layers.reduce((y, l) => l(y, m), tok(x, m)), m) }),
  };
};

export const tabTransformerParamsSchema = familySchema({
  ...encoderShape,
  d_model: encoderShape.d_model.default(16),
  pooling: z.enum(POOLINGS).default("mean").describe("how the sequence of outputs becomes one vector: the last step, the mean over steps, or both"),
  ...headShape,
}).superRefine((p, ctx) => {
  if (p.d_model % p.num_heads !== 0) ctx.addIssue({ code: "custom", path: ["num_heads"], message: `d_model ${p.d_model} must be a multiple of num_heads ${p.num_heads}` });
});
export type TabTransformerParams = z.infer<typeof tabTransformerParamsSchema>;

export const buildTabTransformer: NetworkBuilder<TabTransformerParams> = (p, inputShape, outDim, hp) => {
  const F = inputShape[0];
  const tok = tokenizer(p, F, hp.d_model);
  const enc = encoderStack(p, F, hp, hp.pooling);
  const h = head(p, enc.outDim, hp.head_units, hp.activation, hp.dropout, outDim);
  return {
    params: p,
    activationFloatsPerSample: F * hp.d_model * 2 + enc.floats + h.floats,
    forward: (x, m) => ({ out: h.layer(enc.layer(tok(x, m), m), m) }),
  };
};
