import { z } from "zod";
import { mlpTrunk } from "../layers/basic.js";
import { familySchema, headShape, unitsSchema } from "../params.js";
import type { NetworkBuilder } from "./network.js";
import { head } from "./head.js";

/** Multi-layer perceptron on tabular rows: dense -> (layer norm) -> activation -> dropout blocks. */
export const mlpParamsSchema = familySchema({
  hidden_units: unitsSchema("widths of the hidden layers").default([256, 128, 64]),
  activation: headShape.activation,
  layer_norm: z.boolean().default(false).describe("layer normalisation after each dense layer"),
});
export type MlpParams = z.infer<typeof mlpParamsSchema>;

export const buildMlp: NetworkBuilder<MlpParams> = (p, inputShape, outDim, hp) => {
  const trunk = mlpTrunk(p, "mlp", inputShape[0], hp.hidden_units, hp.activation, hp.dropout, hp.layer_norm);
  const h = head(p, trunk.outDim, [], hp.activation, hp.dropout, outDim);
  const floats = hp.hidden_units.reduce((a, u) => a + u * (hp.layer_norm ? 4 : 2), 0) + h.floats;
  return {
    params: p,
    activationFloatsPerSample: floats,
    forward: (x, m) => ({ out: h.layer(trunk.layer(x, m), m) }),
  };
};
