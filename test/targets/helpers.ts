import { panelFromGrids } from "../../src/data/panel.js";
import type { Panel, StandardInterval } from "../../src/data/types.js";
import { INTERVAL_MS } from "../../src/data/types.js";

/**
 * A small Panel from per-symbol series: columns[name][s] is symbol s's values over time (NaN =
 * missing). Times are evenly spaced bars of `interval` from 2024-01-01.
 */
export function panelOf(columns: Record<string, number[][]>, opts: { interval?: StandardInterval; symbols?: string[] } = {}): Panel {
  const names = Object.keys(columns);
  const S = columns[names[0]].length;
  const T = columns[names[0]][0].length;
  const interval = opts.interval ?? "1d";
  const times = new Float64Array(T);
  for (let t = 0; t < T; t++) times[t] = Date.UTC(2024, 0, 1) + t * INTERVAL_MS[interval];
  const grids: Record<string, Float64Array> = {};
  for (const name of names) {
    const g = new Float64Array(T * S);
    columns[name].forEach((series, s) => {
      if (series.length !== T) throw new Error(`panelOf: ${name}[${s}] has ${series.length} values, expected ${T}`);
      series.forEach((v, t) => (g[t * S + s] = v));
    });
    grids[name] = g;
  }
  const symbols = opts.symbols ?? Array.from({ length: S }, (_, s) => `S${s}`);
  return panelFromGrids({ times, symbols, columns: grids, interval: { interval, medianSpacingMs: INTERVAL_MS[interval], explicit: true } });
}

/** Symbol s's values of a time-major grid, with NaN as null for readable equality checks. */
export function seriesOf(grid: ArrayLike<number>, S: number, s: number, digits = 10): Array<number | null> {
  const out: Array<number | null> = [];
  for (let i = s; i < grid.length; i += S) out.push(Number.isNaN(grid[i]) ? null : Number(grid[i].toFixed(digits)));
  return out;
}

/** The same values rounded, NaN as null. */
export function rounded(values: Array<number>, digits = 10): Array<number | null> {
  return values.map((v) => (Number.isNaN(v) ? null : Number(v.toFixed(digits))));
}
