import type { IntervalInfo, Panel } from "../data/types.js";
import type { ChunkInput } from "./engine.js";

/**
 * Where feature computation reads its inputs from, a time slice at a time. A Panel in memory is
 * one; a large universe can be another that loads (or generates) rows on demand, so neither the
 * inputs nor the outputs of the whole panel ever sit in memory at once.
 */
export interface GridSource {
  readonly T: number;
  readonly S: number;
  readonly symbols: readonly string[];
  /** Length T, epoch ms UTC. */
  readonly times: Float64Array;
  readonly interval: IntervalInfo;
  readonly columnNames: readonly string[];
  /** False when a column holds no finite value; undefined when unknown without reading it all. */
  columnHasValues(name: string): boolean | undefined;
  /** Rows [start, end) of the named columns and the presence mask, time-major ((end - start) x S). */
  rows(start: number, end: number, columns: readonly string[]): ChunkInput | Promise<ChunkInput>;
}

function hasFinite(grid: Float64Array | Float32Array): boolean {
  for (let i = 0; i < grid.length; i++) {
    const v = grid[i];
    if (v === v && v !== Infinity && v !== -Infinity) return true;
  }
  return false;
}

/** A Panel as a source: slices are zero-copy views of its grids (time-major rows are contiguous). */
export function panelSource(panel: Panel): GridSource & { rows(start: number, end: number): ChunkInput } {
  const hasValues = new Map<string, boolean>();
  return {
    T: panel.T,
    S: panel.S,
    symbols: panel.symbols,
    times: panel.times,
    interval: panel.interval,
    columnNames: [...panel.columns.keys()],
    columnHasValues(name) {
      if (!panel.has(name)) return false;
      let v = hasValues.get(name);
      if (v === undefined) {
        v = hasFinite(panel.column(name));
        hasValues.set(name, v);
      }
      return v;
    },
    rows(start, end) {
      const S = panel.S;
      return {
        abs0: start,
        n: end - start,
        S,
        times: panel.times.subarray(start, end),
        present: panel.present.subarray(start * S, end * S),
        column: (name) => (panel.has(name) ? panel.column(name).subarray(start * S, end * S) : undefined),
      };
    },
  };
}
