/**
 * The live loop's rolling buffer: the newest `capacity` bar times of every symbol, as a Panel the
 * feature kernels and the Decider read like any other. Rows carry absolute bar numbers (the loop's
 * count of bars since its first), so features built on the window anchor their summation blocks
 * at the same rows after a restart (see model/features.ts featuresAtRow).
 */
import { panelFromGrids } from "../../data/panel.js";
import type { IntervalInfo, Panel } from "../../data/types.js";
import type { LiveBar } from "../feed/types.js";

interface Row {
  time: number;
  /** S x C values, symbol-major. */
  values: Float64Array;
  present: Uint8Array;
}

export class BarWindow {
  private readonly rows: Row[] = [];
  private readonly index = new Map<string, number>();
  /** Absolute bar number of the newest row (-1 when empty). */
  lastIndex = -1;

  constructor(
    readonly symbols: readonly string[],
    readonly columns: readonly string[],
    readonly capacity: number,
    private readonly interval: IntervalInfo,
  ) {
    symbols.forEach((s, i) => this.index.set(s, i));
  }

  get length(): number {
    return this.rows.length;
  }

  /** Absolute bar number of row 0. */
  get firstIndex(): number {
    return this.lastIndex - this.rows.length + 1;
  }

  get lastTime(): number {
    return this.rows.length === 0 ? -Infinity : this.rows[this.rows.length - 1].time;
  }

  /** Appends the bars of one time (symbols outside the universe are ignored); the oldest row leaves when full. */
  push(time: number, bars: readonly LiveBar[]): void {
    const S = this.symbols.length;
    const C = this.columns.length;
    const values = new Float64Array(S * C).fill(NaN);
    const present = new Uint8Array(S);
    for (const b of bars) {
      const s = this.index.get(b.symbol);
      if (s === undefined) continue;
      present[s] = 1;
      for (let c = 0; c < C; c++) values[s * C + c] = (b as unknown as Record<string, number>)[this.columns[c]];
    }
    this.rows.push({ time, values, present });
    if (this.rows.length > this.capacity) this.rows.shift();
    this.lastIndex++;
  }

  /** The window as a panel (its newest row is row length - 1). */
  panel(): Panel {
    const T = this.rows.length;
    const S = this.symbols.length;
    const C = this.columns.length;
    const times = new Float64Array(T);
    const present = new Uint8Array(T * S);
    const grids = this.columns.map(() => new Float64Array(T * S));
    for (let t = 0; t < T; t++) {
      const r = this.rows[t];
      times[t] = r.time;
      present.set(r.present, t * S);
      for (let s = 0; s < S; s++) for (let c = 0; c < C; c++) grids[c][t * S + s] = r.values[s * C + c];
    }
    return panelFromGrids({ times, symbols: this.symbols, columns: new Map(this.columns.map((c, i) => [c, grids[i]])), present, interval: this.interval });
  }
}
