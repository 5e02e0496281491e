/**
 * A target read from a column of the data (a label the user computed) instead of computed from
 * prices. Its values are taken as they are; what the engine needs besides them is the window of
 * bars the label spans, which purging and the leakage checks depend on. A column named in the
 * target grammar (fwd_ret_5, fwd_sign_1) carries it in its name and takes that target's type and
 * window; any other column needs the horizon given and is a regression target, or binary when its
 * values are only 0 and 1.
 */
import type { Panel } from "../data/types.js";
import { InputError } from "../util/errors.js";
import { buildTarget } from "./build.js";
import { parseTargetName } from "./grammar.js";
import type { TargetContext, TargetSpec } from "./spec.js";

/** True when `name` is a short name of the target grammar. */
export function isTargetName(name: string): boolean {
  try {
    parseTargetName(name);
    return true;
  } catch {
    return false;
  }
}

function onlyZeroOne(v: ArrayLike<number>): boolean {
  let zero = false;
  let one = false;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(x === x)) continue;
    if (x === 0) zero = true;
    else if (x === 1) one = true;
    else return false;
  }
  return zero && one;
}

/**
 * The target whose label is the panel column `column`. `horizon` (bars after the decision bar the
 * label spans) is required unless the name is a grammar name; given, it wins over the name's.
 */
export function columnTarget(panel: Panel, column: string, opts: { horizon?: number; context?: TargetContext } = {}): TargetSpec {
  if (!panel.has(column)) throw new InputError(`target column "${column}" is not in the data`);
  const values = panel.column(column);
  const compute = (p: Panel): Float64Array => {
    if (p.T * p.S !== values.length) throw new InputError(`target column "${column}" belongs to another panel (${values.length} cells, this one ${p.T} x ${p.S})`);
    return Float64Array.from(p === panel ? values : p.column(column));
  };
  const description = `column "${column}" of the data`;
  if (opts.horizon !== undefined && !(Number.isInteger(opts.horizon) && opts.horizon >= 1)) {
    throw new InputError(`the horizon of target column "${column}" must be a whole number of bars >= 1, got ${opts.horizon}`);
  }
  if (isTargetName(column)) {
    // Its details (a triple barrier's touch times) would be computed from prices, not read: left out.
    const { details: _details, ...like } = buildTarget(column, opts.context);
    const h = opts.horizon ?? like.horizon;
    return { ...like, name: column, canonical: column, horizon: h, window: like.executionLag + h, description: `${description}, read as ${like.description}`, compute };
  }
  if (opts.horizon === undefined) {
    throw new InputError(`target column "${column}": its name does not say how many bars ahead its label looks`, "give the horizon in bars (foxml leakage --horizon N)");
  }
  const h = opts.horizon;
  const binary = onlyZeroOne(values);
  // The nearest grammar definition, for what reads the definition; the values are the column's.
  const definition = parseTargetName(binary ? `fwd_sign_${h}` : `fwd_ret_${h}`);
  return {
    name: column,
    canonical: column,
    definition,
    type: binary ? "binary" : "regression",
    tasks: binary ? ["binary"] : ["regression", "ranking"],
    rankingCompatible: !binary,
    classes: binary ? ["0", "1"] : undefined,
    horizon: h,
    executionLag: 0,
    window: h,
    pastWindow: 0,
    repainting: false,
    description: `${description}: a ${binary ? "0/1" : "numeric"} label over the next ${h} bar(s)`,
    compute,
  };
}
