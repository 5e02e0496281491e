import { z } from "zod";
import { mlpTrunk } from "../nn/layers/basic.js";
import { familySchema, headShape, unitsSchema } from "../nn/params.js";
import type { NetworkBuilder } from "../nn/arch/network.js";
import { head } from "../nn/arch/head.js";
import { tf } from "../nn/runtime/backend.js";

/**
 * The reward-based network: an MLP on one bar's features. In training a sample is a pair
 * [previous bar, current bar] ([B, 2, F]) and the output is both bars' raw outputs [B, 2], which
 * the trading objective turns into positions and turnover; predicting a row ([B, F]) gives its
 * position tanh(output) in [-1, 1].
 */
export const rewardParamsSchema = familySchema({
  hidden_units: unitsSchema("widths of the hidden layers").default([32, 16]),
  activation: headShape.activation,
  layer_norm: z.boolean().default(false).describe("layer normalisation after each dense layer"),
  cost: z.number().min(0).default(0.05).describe("cost per unit of position change (turnover), in cost_units"),
  max_gap: z.number().int().min(1).max(64).default(3).describe("a row's previous position is its symbol's latest earlier row at most this many bars back (training rows may be subsampled); none: no turnover"),
  cost_units: z.enum(["sd", "target"]).default("sd").describe("sd: in standard deviations of the training target; target: in the target's own units (0.0005 = 5 bp on a return)"),
});
export type RewardParams = z.infer<typeof rewardParamsSchema>;

export const buildRewardNet: NetworkBuilder<RewardParams> = (p, inputShape, _outDim, hp) => {
  const F = inputShape[inputShape.length - 1];
  const trunk = mlpTrunk(p, "mlp", F, hp.hidden_units, hp.activation, hp.dropout, hp.layer_norm);
  const h = head(p, trunk.outDim, [], hp.activation, hp.dropout, 1);
  const floats = 2 * (hp.hidden_units.reduce((a, u) => a + u * (hp.layer_norm ? 4 : 2), 0) + h.floats);
  return {
    params: p,
    activationFloatsPerSample: floats,
    forward: (x, m) => {
      if (x.rank === 3) {
        const raw = h.layer(trunk.layer(tf.reshape(x, [-1, F]), m), m);
        return { out: tf.reshape(raw, [-1, 2]) };
      }
      return { out: tf.tanh(h.layer(trunk.layer(x, m), m)) };
    },
  };
};
