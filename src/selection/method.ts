/**
 * One feature-importance method of the selection stage. Each method scores every candidate feature
 * for one target on the target's purged folds (fitting only on training cells, judging only on test
 * cells where it judges at all); the consensus combines the methods' scores with weights from config.
 */
import type { CvData } from "../training/cv-data.js";

export interface MethodContext {
  data: CvData;
  /** Candidate features (after the leakage gate's exclusions). */
  features: readonly string[];
  /** Time-major T x S grids by feature name. */
  grids: ReadonlyMap<string, Float32Array>;
  seed: number;
  threads: number;
  /** The method's own settings from pipeline.selection.methods.<name> (validated by its schema). */
  params: Record<string, unknown>;
  log?: { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void };
  signal?: AbortSignal;
}

export interface MethodResult {
  /**
   * Importance per feature, larger = more important, on the method's own scale; the consensus
   * normalizes. Every candidate has an entry (0 when the method found nothing).
   */
  scores: Record<string, number>;
  /** Optional per-symbol importances (symbol name -> feature -> score) for per-symbol aggregation. */
  bySymbol?: Record<string, Record<string, number>>;
  /** Figures worth keeping in the report (e.g. q-values, selection frequencies, shadow maxima). */
  details?: Record<string, unknown>;
}

export type SelectionMethod = (ctx: MethodContext) => Promise<MethodResult>;
