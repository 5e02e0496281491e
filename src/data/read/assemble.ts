import type { RawTable } from "./table.js";

/**
 * Gathers the rows of all files into one block of arrays per symbol, remembering for every bar
 * the file and row it came from so later checks can still point at it.
 */

export interface SymbolRows {
  symbol: string;
  /** Epoch ms UTC, in reading order (sorting is a check's job). */
  ts: Float64Array;
  /** Loaded numeric columns by key; NaN where the source file lacks the column. */
  columns: Map<string, Float64Array>;
  /** Bar i came from tables[tableIdx[i]], row row[i]. */
  tableIdx: Int32Array;
  row: Int32Array;
}

/**
 * Rows without a valid time or symbol are skipped (their findings were recorded before, and with
 * action `error` reading already stopped). `wanted` limits the symbols; null loads all.
 * Result sorted by symbol.
 */
export function groupBySymbol(tables: readonly RawTable[], keys: readonly string[], wanted: ReadonlySet<string> | null): SymbolRows[] {
  const index = new Map<string, number>();
  const names: string[] = [];
  const globalOf = (s: string): number => {
    if (wanted && !wanted.has(s)) return -1;
    let g = index.get(s);
    if (g === undefined) {
      g = names.length;
      names.push(s);
      index.set(s, g);
    }
    return g;
  };
  // Per table and row: the symbol's global index, -1 when the row is not loaded.
  const rowSymbol = tables.map((t) => {
    const g = new Int32Array(t.nRows);
    if (t.symbolCodes === null) {
      const only = globalOf(t.impliedSymbol!);
      for (let r = 0; r < t.nRows; r++) g[r] = t.ts[r] === t.ts[r] ? only : -1;
    } else {
      const map = Int32Array.from(t.symbolDict, globalOf);
      const codes = t.symbolCodes;
      for (let r = 0; r < t.nRows; r++) {
        const c = codes[r];
        g[r] = c < 0 || t.ts[r] !== t.ts[r] ? -1 : map[c];
      }
    }
    return g;
  });

  const counts = new Int32Array(names.length);
  for (const g of rowSymbol) for (let r = 0; r < g.length; r++) if (g[r] >= 0) counts[g[r]]++;
  const out: SymbolRows[] = names.map((symbol, g) => ({
    symbol,
    ts: new Float64Array(counts[g]),
    columns: new Map<string, Float64Array>(),
    tableIdx: new Int32Array(counts[g]),
    row: new Int32Array(counts[g]),
  }));
  // Position of each loaded row within its symbol (reading order).
  const fill = new Int32Array(names.length);
  const rowPos = tables.map((t, ti) => {
    const g = rowSymbol[ti];
    const pos = new Int32Array(t.nRows);
    for (let r = 0; r < t.nRows; r++) {
      const s = g[r];
      if (s < 0) continue;
      const i = fill[s]++;
      pos[r] = i;
      const o = out[s];
      o.ts[i] = t.ts[r];
      o.tableIdx[i] = ti;
      o.row[i] = r;
    }
    return pos;
  });

  for (const key of keys) {
    const dest = out.map((o) => new Float64Array(o.ts.length));
    for (let ti = 0; ti < tables.length; ti++) {
      const src = tables[ti].columns.find((c) => c.key === key)?.values ?? null;
      scatter(rowSymbol[ti], rowPos[ti], src, dest);
    }
    for (let s = 0; s < out.length; s++) out[s].columns.set(key, dest[s]);
  }
  return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** dest[symbol[r]][pos[r]] = src[r] for loaded rows (NaN when the file lacks the column). */
function scatter(symbol: Int32Array, pos: Int32Array, src: Float64Array | null, dest: Float64Array[]): void {
  const n = symbol.length;
  if (src === null) {
    for (let r = 0; r < n; r++) if (symbol[r] >= 0) dest[symbol[r]][pos[r]] = NaN;
    return;
  }
  for (let r = 0; r < n; r++) {
    const s = symbol[r];
    if (s >= 0) dest[s][pos[r]] = src[r];
  }
}
