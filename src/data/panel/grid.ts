import { InputError } from "../../util/errors.js";
import type { IntervalInfo, Panel } from "../types.js";

/**
 * The Panel as dense time-major grids (value of symbol s at time t at index t * S + s), and the
 * small helpers that read or describe one: construction straight from arrays, one symbol's
 * series, the memory report.
 */

export type Grid = Float64Array | Float32Array;

function describeAvailable(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? "the panel has no columns" : `available: ${list.join(", ")}`;
}

export class GridPanel implements Panel {
  readonly T: number;
  readonly S: number;

  constructor(
    readonly times: Float64Array,
    readonly symbols: readonly string[],
    readonly present: Uint8Array,
    readonly columns: ReadonlyMap<string, Grid>,
    readonly interval: IntervalInfo,
  ) {
    this.T = times.length;
    this.S = symbols.length;
  }

  column(name: string): Grid {
    const grid = this.columns.get(name);
    if (grid === undefined) {
      throw new InputError(`column "${name}" is not in the panel; ${describeAvailable(this.columns.keys())}`);
    }
    return grid;
  }

  has(name: string): boolean {
    return this.columns.has(name);
  }

  /** Bytes of every typed array the panel holds: column grids, the present mask and the time axis. */
  memoryBytes(): number {
    let bytes = this.present.byteLength + this.times.byteLength;
    for (const grid of this.columns.values()) bytes += grid.byteLength;
    return bytes;
  }
}

export interface PanelGridsInput {
  /** Strictly increasing epoch ms, length T. */
  times: Float64Array;
  symbols: readonly string[];
  /** Each grid time-major, length T * S. */
  columns: ReadonlyMap<string, Grid> | Readonly<Record<string, Grid>>;
  /** 1 where a symbol had a bar; by default, where any column holds a non-NaN value. */
  present?: Uint8Array;
  interval: IntervalInfo;
}

/** Checks a time axis: finite and strictly increasing. `what` names it in the message. */
export function checkTimeAxis(times: Float64Array, what: string, hint?: string): void {
  for (let i = 0; i < times.length; i++) {
    if (!Number.isFinite(times[i])) throw new InputError(`${what}: timestamp #${i} is ${times[i]}, not a finite epoch ms value`, hint);
    if (i > 0 && !(times[i] > times[i - 1])) {
      throw new InputError(
        `${what}: timestamps are not strictly increasing at #${i} (${iso(times[i - 1])} then ${iso(times[i])})`,
        hint,
      );
    }
  }
}

/** ISO 8601 UTC text of an epoch ms value, or the raw number when it is not a valid date. */
export function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** A Panel straight from arrays (generated data, tests, results of other stages), with its shape checked. */
export function panelFromGrids(input: PanelGridsInput): Panel {
  const { times, symbols, interval } = input;
  const T = times.length;
  const S = symbols.length;
  checkTimeAxis(times, "panel times");
  const seen = new Set<string>();
  for (const s of symbols) {
    if (seen.has(s)) throw new InputError(`panel symbols: "${s}" appears twice`);
    seen.add(s);
  }
  const columns = new Map<string, Grid>(input.columns instanceof Map ? input.columns : Object.entries(input.columns));
  for (const [name, grid] of columns) {
    if (grid.length !== T * S) {
      throw new InputError(`panel column "${name}" has ${grid.length} values; expected T * S = ${T} * ${S} = ${T * S}`);
    }
  }
  let present = input.present;
  if (present === undefined) {
    present = new Uint8Array(T * S);
    for (const grid of columns.values()) {
      for (let i = 0; i < grid.length; i++) if (grid[i] === grid[i]) present[i] = 1;
    }
  } else if (present.length !== T * S) {
    throw new InputError(`panel present mask has ${present.length} values; expected T * S = ${T * S}`);
  }
  return new GridPanel(times, symbols, present, columns, interval);
}

/** Index of a symbol given by name or index; InputError when it is not in the panel. */
export function symbolIndex(panel: Panel, symbol: string | number): number {
  if (typeof symbol === "number") {
    if (!Number.isInteger(symbol) || symbol < 0 || symbol >= panel.S) {
      throw new InputError(`symbol index ${symbol} is outside the panel's 0..${panel.S - 1}`);
    }
    return symbol;
  }
  const s = panel.symbols.indexOf(symbol);
  if (s < 0) {
    const shown = panel.symbols.length <= 20 ? panel.symbols.join(", ") : `${panel.symbols.slice(0, 20).join(", ")}, ... (${panel.S} in all)`;
    throw new InputError(`symbol "${symbol}" is not in the panel; symbols: ${shown}`);
  }
  return s;
}

/** A copy of one symbol's values of one column over the whole time axis (length T, same element type). */
export function symbolSlice(panel: Panel, column: string, symbol: string | number): Grid {
  const grid = panel.column(column);
  const s = symbolIndex(panel, symbol);
  const { T, S } = panel;
  const out = grid instanceof Float32Array ? new Float32Array(T) : new Float64Array(T);
  for (let t = 0, i = s; t < T; t++, i += S) out[t] = grid[i];
  return out;
}

export interface PanelMemoryReport {
  /** Everything held: grids, present mask, time axis. */
  bytes: number;
  perColumn: Record<string, number>;
  presentBytes: number;
  timesBytes: number;
  T: number;
  S: number;
  /** Share of (time, symbol) cells where the symbol had a bar. */
  density: number;
}

export function panelMemoryReport(panel: Panel): PanelMemoryReport {
  const perColumn: Record<string, number> = {};
  for (const [name, grid] of panel.columns) perColumn[name] = grid.byteLength;
  let ones = 0;
  const p = panel.present;
  for (let i = 0; i < p.length; i++) ones += p[i];
  return {
    bytes: panel.memoryBytes(),
    perColumn,
    presentBytes: p.byteLength,
    timesBytes: panel.times.byteLength,
    T: panel.T,
    S: panel.S,
    density: p.length === 0 ? 0 : ones / p.length,
  };
}
