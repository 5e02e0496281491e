/**
 * One symbol's bar as fill simulation sees it. Columns the data lacks are NaN: a close-only
 * dataset (the bundled Dow) fills "next_open" orders at the next close, and has no volume cap.
 */
import type { Panel } from "../../data/types.js";

export interface BarQuote {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The bars of every symbol at one panel row, as the broker needs them. */
export interface BarSlice {
  /** Panel row (bar index), for loops that count bars. */
  index: number;
  time: number;
  symbols: readonly string[];
  /** NaN-filled quote where the symbol has no bar. */
  quotes: readonly BarQuote[];
}

/** Row t of a panel's OHLCV grids as quotes. */
export function panelSlice(panel: Panel, t: number): BarSlice {
  const S = panel.S;
  const col = (name: string) => (panel.has(name) ? panel.column(name) : undefined);
  const o = col("open");
  const h = col("high");
  const l = col("low");
  const c = col("close");
  const v = col("volume");
  const time = panel.times[t];
  const quotes: BarQuote[] = new Array(S);
  for (let s = 0; s < S; s++) {
    const i = t * S + s;
    const present = panel.present[i] === 1;
    quotes[s] = {
      time,
      open: present && o ? o[i] : NaN,
      high: present && h ? h[i] : NaN,
      low: present && l ? l[i] : NaN,
      close: present && c ? c[i] : NaN,
      volume: present && v ? v[i] : NaN,
    };
  }
  return { index: t, time, symbols: panel.symbols, quotes };
}

/** Close by symbol at row t, for the symbols with a bar and a positive close there. */
export function lastCloses(panel: Panel, t: number): Map<string, number> {
  const S = panel.S;
  const close = panel.column("close");
  const m = new Map<string, number>();
  panel.symbols.forEach((sym, s) => {
    const c = close[t * S + s];
    if (panel.present[t * S + s] === 1 && c > 0) m.set(sym, c);
  });
  return m;
}
