/**
 * Building features over a whole panel in memory, or chunk by chunk over any source. Chunks
 * overlap by the plan's warm-up rows, and every kernel's arithmetic depends only on its window and
 * absolute row numbers, so the chunked result equals the in-memory one exactly.
 */
import type { Panel } from "../data/types.js";
import { InputError } from "../util/errors.js";
import { DECISION_TIME } from "./convention.js";
import { computeChunk } from "./engine.js";
import { planFeatures, type FeatureOptions, type FeaturePlan, type SkippedFeature } from "./plan.js";
import { panelSource, type GridSource } from "./source.js";
import type { FeatureSpec } from "./spec.js";

export interface BuildOptions extends FeatureOptions {
  /** Compute in time chunks of this many output rows (plus warm-up); default: one chunk. */
  chunkRows?: number;
}

/** Feature grids over a panel: Float32, time-major, the same index t * S + s as the panel. */
export interface FeatureSet {
  readonly T: number;
  readonly S: number;
  readonly times: Float64Array;
  readonly symbols: readonly string[];
  /** The features computed, in grid order, with their effective lags. */
  readonly specs: readonly FeatureSpec[];
  readonly names: readonly string[];
  readonly grids: ReadonlyMap<string, Float32Array>;
  readonly skipped: readonly SkippedFeature[];
  readonly warmupRows: number;
  readonly convention: typeof DECISION_TIME;
  /** The grid of one feature; throws an InputError naming it when it was not computed. */
  get(name: string): Float32Array;
  memoryBytes(): number;
}

/** One chunk of streamed output; its grids are reused for the next chunk, so copy what you keep. */
export interface FeatureChunk {
  /** Absolute panel rows [rowStart, rowEnd) the grids cover. */
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly S: number;
  readonly times: Float64Array;
  readonly names: readonly string[];
  /** Aligned with names; (rowEnd - rowStart) x S each. */
  readonly grids: readonly Float32Array[];
}

export interface StreamSummary {
  readonly specs: readonly FeatureSpec[];
  readonly skipped: readonly SkippedFeature[];
  readonly warmupRows: number;
  readonly chunks: number;
}

function planFor(source: GridSource, opts: FeatureOptions): FeaturePlan {
  return planFeatures(
    {
      T: source.T,
      S: source.S,
      times: source.times,
      symbols: source.symbols,
      interval: source.interval,
      marketProxy: -1,
      columnNames: source.columnNames,
      columnHasValues: (c) => source.columnHasValues(c),
    },
    opts,
  );
}

function chunkSize(opts: BuildOptions, T: number): number {
  const c = opts.chunkRows ?? Math.max(T, 1);
  if (!(Number.isInteger(c) && c >= 1)) throw new InputError(`pipeline.features.chunk_rows must be a whole number >= 1, got ${String(opts.chunkRows)}`);
  return c;
}

function neededColumns(plan: FeaturePlan): string[] {
  const cols = new Set<string>();
  for (const s of [...plan.outputs, ...plan.hidden]) for (const c of s.inputs) cols.add(c);
  return [...cols];
}

/** All selected features over an in-memory panel (optionally computed in time chunks). */
export function buildFeatures(panel: Panel, opts: BuildOptions = {}): FeatureSet {
  const source = panelSource(panel);
  const plan = planFor(source, opts);
  const { T, S } = panel;
  const step = chunkSize(opts, T);
  const full = plan.outputs.map(() => new Float32Array(T * S));
  for (let o0 = 0; o0 < T; o0 += step) {
    const o1 = Math.min(T, o0 + step);
    const c0 = Math.max(0, o0 - plan.warmupRows);
    const views = full.map((g) => g.subarray(o0 * S, o1 * S));
    computeChunk(source.rows(c0, o1), plan, o0 - c0, views);
  }
  return featureSet(panel, plan, full);
}

function featureSet(panel: Panel, plan: FeaturePlan, grids: Float32Array[]): FeatureSet {
  const names = plan.outputs.map((s) => s.name);
  const map = new Map(names.map((n, i) => [n, grids[i]]));
  return {
    T: panel.T,
    S: panel.S,
    times: panel.times,
    symbols: panel.symbols,
    specs: plan.outputs,
    names,
    grids: map,
    skipped: plan.skipped,
    warmupRows: plan.warmupRows,
    convention: DECISION_TIME,
    get(name) {
      const g = map.get(name);
      if (!g) {
        const why = plan.skipped.find((s) => s.name === name);
        throw new InputError(`feature "${name}" was not computed${why ? `: ${why.reason}` : " (not selected or unknown)"}`);
      }
      return g;
    },
    memoryBytes: () => grids.reduce((a, g) => a + g.byteLength, 0),
  };
}

/**
 * Features over a source too large to hold, chunk by chunk: each chunk reads its rows plus the
 * warm-up rows before them, and `onChunk` receives the finished rows (awaited before the next).
 */
export async function streamFeatures(
  source: GridSource,
  opts: BuildOptions,
  onChunk: (chunk: FeatureChunk) => void | Promise<void>,
): Promise<StreamSummary> {
  const plan = planFor(source, opts);
  const { T, S } = source;
  const step = chunkSize(opts, T);
  const columns = neededColumns(plan);
  const names = plan.outputs.map((s) => s.name);
  const buffers = plan.outputs.map(() => new Float32Array(Math.min(step, T) * S));
  let chunks = 0;
  for (let o0 = 0; o0 < T; o0 += step) {
    const o1 = Math.min(T, o0 + step);
    const c0 = Math.max(0, o0 - plan.warmupRows);
    const views = buffers.map((b) => b.subarray(0, (o1 - o0) * S));
    computeChunk(await source.rows(c0, o1, columns), plan, o0 - c0, views);
    await onChunk({ rowStart: o0, rowEnd: o1, S, times: source.times.subarray(o0, o1), names, grids: views });
    chunks++;
  }
  return { specs: plan.outputs, skipped: plan.skipped, warmupRows: plan.warmupRows, chunks };
}
