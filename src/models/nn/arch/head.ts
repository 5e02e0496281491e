import { dropout, linear, type Activation, type Layer } from "../layers/basic.js";
import type { ParamStore } from "../layers/params.js";

/** Optional dense layers, then the linear output of width `outDim`. */
export function head(p: ParamStore, inDim: number, units: readonly number[], act: Activation, drop: number, outDim: number): { layer: Layer; floats: number } {
  const layers: Layer[] = [];
  let d = inDim;
  let floats = 0;
  units.forEach((u, i) => {
    const lin = linear(p, `head.${i}`, d, u, { heInit: act === "relu", act });
    const dr = dropout(drop);
    layers.push((x, m) => dr(lin(x, m), m));
    floats += 2 * u;
    d = u;
  });
  const out = linear(p, "head.out", d, outDim);
  layers.push(out);
  return { layer: (x, m) => layers.reduce((y, l) => l(y, m), x), floats: floats + outDim };
}
