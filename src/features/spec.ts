import type { IntervalInfo } from "../data/types.js";
import type { SymbolFrame } from "./frame.js";

export type FeatureKind = "timeseries" | "cross_sectional";

/** Target horizons (in bars) a feature may be paired with; an absent bound is unbounded. */
export interface HorizonRange {
  min?: number;
  max?: number;
}

/** What a feature can ask about the data before it is computed (to decide it does not apply). */
export interface DataInfo {
  readonly T: number;
  readonly S: number;
  readonly times: Float64Array;
  readonly symbols: readonly string[];
  readonly interval: IntervalInfo;
  /** Index of the market proxy symbol, or -1 when none is configured. */
  readonly marketProxy: number;
}

interface FeatureSpecBase {
  /** Unique name, [a-z][a-z0-9_]* ; cross-sectional transforms are `<base>__cs_<transform>`. */
  readonly name: string;
  /** Group of related specs (one parameterized family), for docs and reports. */
  readonly family: string;
  /** Panel columns the value reads; a feature whose inputs the data lacks is skipped. */
  readonly inputs: readonly string[];
  /**
   * Rows of each input read for one value, counting the newest: the value at t depends on rows
   * [t - lag - lookback + 1, t - lag] only. Verified for every registered feature by the
   * causality property test; chunked computation warms up over max(lookback + lag - 1) rows.
   */
  readonly lookback: number;
  /** Rows between the newest input and the decision row t (0 = row t itself). */
  readonly lag: number;
  readonly kind: FeatureKind;
  readonly allowedHorizons?: HorizonRange;
  readonly description: string;
  /** Built-in library, or a user's own column brought in through configuration. */
  readonly origin: "builtin" | "user";
  /**
   * False when the value summarizes history the engine cannot see (a user's column): purging by
   * lookback then has to rely on a declared or configured bound.
   */
  readonly lookbackKnown: boolean;
  /** A reason the feature does not apply to this data (checked before computing), or null. */
  applicable?(info: DataInfo): string | null;
}

/** A feature computed one symbol at a time from that symbol's own history. */
export interface TimeSeriesFeatureSpec extends FeatureSpecBase {
  readonly kind: "timeseries";
  /** True when the value depends on no data column (calendar): not shifted by extraLag. */
  readonly dataFree?: boolean;
  /**
   * Writes this symbol's value for every row of the frame into `out` (length frame.n), NaN where
   * the window is incomplete or holds a missing bar.
   */
  compute(frame: SymbolFrame, out: Float64Array): void;
}

/** Per-row scratch and context for cross-sectional transforms. */
export interface RowContext {
  readonly S: number;
  /** Column of the market proxy symbol, or -1. */
  readonly marketProxy: number;
  /** Scratch of length S. */
  readonly values: Float64Array;
}

/** A feature computed per timestamp across symbols, from one base feature's row. */
export interface CrossSectionalFeatureSpec extends FeatureSpecBase {
  readonly kind: "cross_sectional";
  /** The feature whose cross-section is transformed. */
  readonly base: string;
  /** Transforms base[off .. off + S) into out[off .. off + S) (one timestamp's row of both grids). */
  computeRow(base: Float32Array, off: number, out: Float32Array, ctx: RowContext): void;
}

export type FeatureSpec = TimeSeriesFeatureSpec | CrossSectionalFeatureSpec;

/** Rows of history (before the decision row) a spec needs: the warm-up for chunked computation. */
export function historyRows(spec: Pick<FeatureSpec, "lookback" | "lag">): number {
  return spec.lookback + spec.lag - 1;
}

/** True when a target of `horizon` bars may be paired with this feature. */
export function allowsHorizon(spec: Pick<FeatureSpec, "allowedHorizons">, horizon: number): boolean {
  const r = spec.allowedHorizons;
  if (!r) return true;
  return (r.min === undefined || horizon >= r.min) && (r.max === undefined || horizon <= r.max);
}

export const FEATURE_NAME_RE = /^[a-z][a-z0-9_]*$/;
