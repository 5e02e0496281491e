import { tf } from "../runtime/backend.js";
import { dropout, linear, mlpTrunk, type Activation, type Layer } from "../layers/basic.js";
import type { ParamStore } from "../layers/params.js";
import type { Network } from "../arch/network.js";

/** The architecture of a multi-task network: a shared MLP trunk, then one head per target. */
export interface MultiTaskArch {
  hidden_units: readonly number[];
  head_units: readonly number[];
  activation: Activation;
  layer_norm: boolean;
  dropout: number;
}

/**
 * Shared trunk (the MLP family's dense blocks) and K heads; the output is [B, K], column k the raw
 * output of head k. Without head layers the K linear heads are one [d, K] product: each column has
 * its own weights, so it is exactly K separate linear heads at the cost of one kernel call.
 */
export function buildMultiTaskNetwork(p: ParamStore, inputDim: number, heads: number, a: MultiTaskArch): Network {
  const trunk = mlpTrunk(p, "trunk", inputDim, a.hidden_units, a.activation, a.dropout, a.layer_norm);
  let headLayer: Layer;
  let headFloats: number;
  if (a.head_units.length === 0) {
    headLayer = linear(p, "heads.out", trunk.outDim, heads);
    headFloats = heads;
  } else {
    const per: Layer[] = [];
    headFloats = 0;
    for (let k = 0; k < heads; k++) {
      const layers: Layer[] = [];
      let d = trunk.outDim;
      a.head_units.forEach((u, i) => {
        const lin = linear(p, `heads.${k}.${i}`, d, u, { heInit: a.activation === "relu", act: a.activation });
        const dr = dropout(a.dropout);
        layers.push((x, m) => dr(lin(x, m), m));
        headFloats += 2 * u;
        d = u;
      });
      layers.push(linear(p, `heads.${k}.out`, d, 1));
      headFloats += 1;
      per.push((x, m) => layers.reduce((y, l) => l(y, m), x));
    }
    headLayer = (x, m) => tf.concat(per.map((h) => h(x, m)), 1);
  }
  const trunkFloats = a.hidden_units.reduce((s, u) => s + u * (a.layer_norm ? 4 : 2), 0);
  return {
    params: p,
    activationFloatsPerSample: trunkFloats + headFloats,
    forward: (x, m) => ({ out: headLayer(trunk.layer(x, m), m) }),
  };
}
