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
  // Per table: symbol code -> global index (-1: not loaded).
  const maps = tables.map((t) => (t.symbolCodes === null ? Int32Array.of(globalOf(t.impliedSymbol!)) : Int32Array.from(t.symbolDict, globalOf)));
  const gOf = (ti: number, r: number): number => {
    const t = tables[ti];
    if (t.symbolCodes === null) return maps[ti][0];
    const c = t.symbolCodes[r];
    return c < 0 ? -1 : maps[ti][c];
  };

  const counts = new Int32Array(names.length);
  tables.forEach((t, ti) => {
    for (let r = 0; r < t.nRows; r++) {
      if (t.ts[r] !== t.ts[r]) continue;
      const g = gOf(ti, r);
      if (g >= 0) counts[g]++;
    }
  });
  const out = names.map((symbol, g) => ({
    symbol,
    ts: new Float64Array(counts[g]),
    columns: new Map<string, Float64Array>(),
    tableIdx: new Int32Array(counts[g]),
    row: new Int32Array(counts[g]),
  }));
  const fill = new Int32Array(names.length);
  tables.forEach((t, ti) => {
    for (let r = 0; r < t.nRows; r++) {
      const ts = t.ts[r];
      if (ts !== ts) continue;
      const g = gOf(ti, r);
      if (g < 0) continue;
      const o = out[g];
      const i = fill[g]++;
      o.ts[i] = ts;
      o.tableIdx[i] = ti;
      o.row[i] = r;
    }
  });

  const byKey = tables.map((t) => new Map(t.columns.map((c) => [c.key, c.values])));
  for (const o of out) {
    for (const key of keys) {
      const v = new Float64Array(o.ts.length);
      const sources = byKey.map((m) => m.get(key) ?? null);
      for (let i = 0; i < v.length; i++) {
        const src = sources[o.tableIdx[i]];
        v[i] = src === null ? NaN : src[o.row[i]];
      }
      o.columns.set(key, v);
    }
  }
  return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
