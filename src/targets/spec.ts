import type { IntervalInfo, Panel } from "../data/types.js";
import type { TaskType } from "../models/family.js";
import type { TargetDefinition } from "./definition.js";

/**
 * A target ready to compute: its name, what kind of learning problem it makes, and the window of
 * bars its label reads, which is what purging needs.
 *
 * Decision-time convention: a feature at row t uses bars <= t (the close of bar t); the target at
 * row t uses bars t+1..t+window only: entry at the close of bar t + executionLag, exit h bars later.
 * The past-only parts of some targets (volatility for scaling and barriers, beta for beta-adjusted
 * excess) read bars t-pastWindow..t, like a feature would.
 */
export type TargetType = "regression" | "binary" | "multiclass";

export interface TargetSpec {
  /** Column name of the target (the short name, or the object form's `name`). */
  readonly name: string;
  /** The canonical short name of the definition. */
  readonly canonical: string;
  readonly definition: TargetDefinition;
  readonly type: TargetType;
  /** Learning tasks the label can serve: regression labels also rank within a timestamp, quantile buckets are relevance grades. */
  readonly tasks: readonly TaskType[];
  /** True when the label orders symbols meaningfully within a timestamp (usable with ranking objectives and IC). */
  readonly rankingCompatible: boolean;
  /** Class names for class indices 0..K-1 (binary and multiclass). */
  readonly classes?: readonly string[];
  /** h: bars between entry and exit. */
  readonly horizon: number;
  /** Bars between the decision (close of t) and the entry. */
  readonly executionLag: number;
  /** Last bar the label reads, relative to t: executionLag + horizon. Purge with this. */
  readonly window: number;
  /** Bars before t read by past-only estimates (0 when none). */
  readonly pastWindow: number;
  /** True when the quantity is a repainting indicator (zigzag): never usable as a feature. */
  readonly repainting: boolean;
  readonly description: string;
  /** The label grid (T x S, time-major), NaN where the window is incomplete or the symbol missing. */
  compute(panel: Panel): Float64Array;
  /** Extra grids some targets produce alongside the label (triple barrier: touch_bars, touch_return, side). */
  details?(panel: Panel): Map<string, Float64Array>;
}

/** What building a target needs to know besides its definition. */
export interface TargetContext {
  /** Bar size, for horizons written as durations. */
  interval?: IntervalInfo;
  /** pipeline.leakage.decision_time.execution_lag_bars. */
  executionLag?: number;
  /** Market proxy symbol (pipeline.features.market_proxy) for market-relative targets without their own `market`. */
  marketProxy?: string;
}
