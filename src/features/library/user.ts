import { InputError } from "../../util/errors.js";
import { col, shift } from "../series.js";
import type { HorizonRange, TimeSeriesFeatureSpec } from "../spec.js";

/** A user's own column declared in configuration. */
export interface UserColumnDecl {
  column: string;
  /**
   * Bars to delay the column before use: the feature at row t is the column's value at row t - lag.
   * Declare 1 for a value stamped on bar t that only becomes known after bar t's close.
   */
  lag?: number;
  /** Bars of history the column's values summarize, when known (used for purging). */
  lookback?: number;
  allowedHorizons?: HorizonRange;
  description?: string;
}

/**
 * The feature for a user column. Undeclared columns come in with lag 0 (the value at row t is
 * taken to be known at the close of bar t) and an unknown lookback.
 */
export function userColumnSpec(decl: UserColumnDecl, where = "pipeline.features.user_columns"): TimeSeriesFeatureSpec {
  const lag = decl.lag ?? 0;
  if (!(Number.isInteger(lag) && lag >= 0))
    throw new InputError(`${where}: column "${decl.column}" has lag ${String(decl.lag)}; a lag must be a whole number of bars >= 0`);
  if (decl.lookback !== undefined && !(Number.isInteger(decl.lookback) && decl.lookback >= 1))
    throw new InputError(`${where}: column "${decl.column}" has lookback ${String(decl.lookback)}; a lookback must be a whole number of bars >= 1`);
  const column = decl.column;
  return {
    name: column,
    family: "user",
    inputs: [column],
    lookback: decl.lookback ?? 1,
    lag,
    kind: "timeseries",
    description:
      decl.description ??
      `user column "${column}"${lag > 0 ? ` delayed by ${lag} bar(s)` : " as given (known at the close of its bar)"}${decl.lookback === undefined ? ", lookback unknown" : ""}`,
    origin: "user",
    lookbackKnown: decl.lookback !== undefined,
    ...(decl.allowedHorizons ? { allowedHorizons: decl.allowedHorizons } : {}),
    compute(f, out) {
      out.set(shift(f, col(f, column), lag).v);
    },
  };
}
