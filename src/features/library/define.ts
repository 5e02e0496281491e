import type { Series, SymbolFrame } from "../frame.js";
import type { DataInfo, HorizonRange, TimeSeriesFeatureSpec } from "../spec.js";

/** Options of the standard library that change what its features compute. */
export interface LibraryOptions {
  /** Omitted tail weight of truncated EWMs (see EWM_TAIL_MASS); sets those features' lookback. */
  ewmTailMass?: number;
  /** Offset added to UTC timestamps before calendar features are taken (e.g. -300 for New York winter time). */
  calendarUtcOffsetMinutes?: number;
}

export interface TimeSeriesDefinition {
  name: string;
  family: string;
  inputs: readonly string[];
  lookback: number;
  lag?: number;
  description: string;
  allowedHorizons?: HorizonRange;
  dataFree?: boolean;
  applicable?(info: DataInfo): string | null;
  /** Returns the series whose values are the feature (computed through the frame's memo). */
  series(f: SymbolFrame): Series;
}

/** A built-in time-series spec from a definition whose series is memoized in the frame. */
export function timeSeries(def: TimeSeriesDefinition): TimeSeriesFeatureSpec {
  const spec: TimeSeriesFeatureSpec = {
    name: def.name,
    family: def.family,
    inputs: def.inputs,
    lookback: def.lookback,
    lag: def.lag ?? 0,
    kind: "timeseries",
    description: def.description,
    origin: "builtin",
    lookbackKnown: true,
    ...(def.allowedHorizons ? { allowedHorizons: def.allowedHorizons } : {}),
    ...(def.dataFree ? { dataFree: true } : {}),
    ...(def.applicable ? { applicable: def.applicable } : {}),
    compute(frame, out) {
      out.set(def.series(frame).v);
    },
  };
  return spec;
}
