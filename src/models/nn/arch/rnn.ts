import type { z } from "zod";
import { dropout, type Layer } from "../layers/basic.js";
import { recurrent, type RecurrentCell } from "../layers/recurrent.js";
import { familySchema, headShape, sequenceShape, unitsSchema } from "../params.js";
import { head } from "./head.js";
import type { NetworkBuilder } from "./network.js";

/** Stacked LSTM or GRU over [B, lookback, F] windows; the last step's hidden state feeds the head. */
export const rnnParamsSchema = familySchema({
  ...sequenceShape,
  hidden_units: unitsSchema("hidden size of each stacked recurrent layer").default([64]),
  ...headShape,
});
export type RnnParams = z.infer<typeof rnnParamsSchema>;

export function rnnBuilder(cell: RecurrentCell): NetworkBuilder<RnnParams> {
  return (p, inputShape, outDim, hp) => {
    const [L, F] = inputShape;
    const layers: Layer[] = [];
    let d = F;
    let floats = 0;
    hp.hidden_units.forEach((H, i) => {
      const last = i === hp.hidden_units.length - 1;
      const rnn = recurrent(p, `${cell}.${i}`, { cell, inDim: d, hidden: H, returnSequences: !last });
      const dr = dropout(hp.dropout);
      layers.push((x, m) => dr(rnn(x, m), m));
      // Gates (pre- and post-activation), cell and hidden state per step.
      floats += L * H * (cell === "lstm" ? 12 : 10);
      d = H;
    });
    const h = head(p, d, hp.head_units, hp.activation, hp.dropout, outDim);
    return {
      params: p,
      activationFloatsPerSample: floats + h.floats,
      forward: (x, m) => ({ out: h.layer(layers.reduce((y, l) => l(y, m), x), m) }),
    };
  };
}
