import { z } from "zod";
import { dropout, type Layer } from "../layers/basic.js";
import { causalConv1d } from "../layers/conv.js";
import type { ParamStore } from "../layers/params.js";
import { familySchema, headShape, POOLINGS, sequenceShape, unitsSchema, type Pooling } from "../params.js";
import type { Activation } from "../ops/activation.js";
import { head } from "./head.js";
import type { NetworkBuilder } from "./network.js";
import { pool, pooledWidth } from "./pool.js";

/**
 * Stacked causal 1D convolutions (a temporal convolutional network when dilations grow), pooled
 * over time into a dense head.
 */
export const convShape = {
  filters: unitsSchema("output channels of each convolution layer").default([32, 32]),
  kernel_size: z.number().int().min(1).max(64).default(3).describe("width of each convolution, in bars (or tokens)"),
  dilation_base: z.number().int().min(1).max(8).default(1).describe("Dilation of layer i is dilation_base^i (1 = plain convolutions; 2 = a TCN's 1, 2, 4, ...)."),
  pooling: z.enum(POOLINGS).default("last_mean").describe("how the sequence of outputs becomes one vector: the last step, the mean over steps, or both"),
};

export const cnnParamsSchema = familySchema({ ...sequenceShape, ...convShape, ...headShape });
export type CnnParams = z.infer<typeof cnnParamsSchema>;

export interface ConvStack {
  layer: Layer;
  outDim: number;
  floats: number;
}

/** The convolution stack shared with tab_cnn. */
export function convStack(p: ParamStore, L: number, inC: number, hp: { filters: number[]; kernel_size: number; dilation_base: number; activation: Activation; dropout: number; pooling: Pooling }): ConvStack {
  const layers: Layer[] = [];
  let c = inC;
  let floats = 0;
  hp.filters.forEach((f, i) => {
    const conv = causalConv1d(p, `conv.${i}`, c, f, hp.kernel_size, hp.dilation_base ** i, hp.activation);
    const dr = dropout(hp.dropout);
    layers.push((x, m) => dr(conv(x, m), m));
    // im2col columns, pre-activation and output per step
    floats += L * (hp.kernel_size * c + 2 * f);
    c = f;
  });
  return { layer: (x, m) => pool(layers.reduce((y, l) => l(y, m), x), hp.pooling), outDim: pooledWidth(c, hp.pooling), floats };
}

export const buildCnn: NetworkBuilder<CnnParams> = (p, inputShape, outDim, hp) => {
  const [L, F] = inputShape;
  const stack = convStack(p, L, F, hp);
  const h = head(p, stack.outDim, hp.head_units, hp.activation, hp.dropout, outDim);
  return {
    params: p,
    activationFloatsPerSample: stack.floats + h.floats,
    forward: (x, m) => ({ out: h.layer(stack.layer(x, m), m) }),
  };
};
