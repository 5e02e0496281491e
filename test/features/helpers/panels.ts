/**
 * Test panels for the feature tests: synthetic OHLCV random walks (seeded), and the bundled real
 * daily series parsed simply from its CSV.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { panelFromGrids } from "../../../src/data/panel.js";
import type { Panel } from "../../../src/data/types.js";
import { rng } from "../../../src/util/random.js";

export interface SyntheticOptions {
  T: number;
  S: number;
  seed?: number | string;
  /** Bar spacing; default one day. */
  stepMs?: number;
  /** First timestamp; default 2020-01-06 (a Monday) 14:30 UTC. */
  startMs?: number;
  /** Probability that a bar inside a symbol's life is missing (a gap). */
  gapRate?: number;
  /** Stagger listings: symbol s starts at row s * stagger. */
  stagger?: number;
  /** Columns to leave out (e.g. volume). */
  drop?: readonly string[];
  /** Extra user columns with random values. */
  extra?: readonly string[];
}

export const START_MS = Date.UTC(2020, 0, 6, 14, 30);

/** OHLC bars around a geometric random walk, volume log-normal; NaN rows for gaps and before listing. */
export function syntheticPanel(o: SyntheticOptions): Panel {
  const { T, S } = o;
  const r = rng(o.seed ?? 1);
  const step = o.stepMs ?? 86_400_000;
  const start = o.startMs ?? START_MS;
  const times = new Float64Array(T);
  for (let t = 0; t < T; t++) times[t] = start + t * step;
  const names = ["open", "high", "low", "close", "volume", ...(o.extra ?? [])].filter((c) => !(o.drop ?? []).includes(c));
  const grids = new Map(names.map((n) => [n, new Float64Array(T * S).fill(NaN)]));
  const present = new Uint8Array(T * S);
  for (let s = 0; s < S; s++) {
    const rs = r.fork(`sym${s}`);
    let price = 20 + 80 * rs.uniform();
    const first = (o.stagger ?? 0) * s;
    for (let t = first; t < T; t++) {
      const open = price * Math.exp(0.004 * rs.normal());
      const close = open * Math.exp(0.015 * rs.normal());
      const high = Math.max(open, close) * Math.exp(0.006 * Math.abs(rs.normal()));
      const low = Math.min(open, close) * Math.exp(-0.006 * Math.abs(rs.normal()));
      const volume = Math.round(1e5 * Math.exp(0.5 * rs.normal()));
      price = close;
      if (o.gapRate && rs.uniform() < o.gapRate) continue;
      const i = t * S + s;
      present[i] = 1;
      const row: Record<string, number> = { open, high, low, close, volume };
      for (const n of names) grids.get(n)![i] = row[n] ?? rs.normal();
    }
  }
  const interval = step >= 86_400_000 ? "1d" : step === 3_600_000 ? "1h" : step === 300_000 ? "5m" : "irregular";
  return panelFromGrids({ times, symbols: Array.from({ length: S }, (_, s) => `S${s}`), columns: grids, present, interval: { interval, medianSpacingMs: step, explicit: true } });
}

/** A copy of a panel with some grids replaced (for mutation tests). */
export function withColumns(p: Panel, replace: Record<string, Float64Array>): Panel {
  const columns = new Map<string, Float64Array | Float32Array>(p.columns);
  for (const [k, v] of Object.entries(replace)) columns.set(k, v);
  return panelFromGrids({ times: p.times, symbols: p.symbols, columns, present: p.present, interval: p.interval });
}

export interface RealSeries {
  dates: string[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

const CSV = fileURLToPath(new URL("../../../datasets/ohlcv_daily/ohlcv_daily_SPX_GOOG_MSFT_VIX.csv", import.meta.url));

/** The bundled OHLCV file as one series per symbol (rows in file order, which is date order). */
export function realSeries(): Map<string, RealSeries> {
  const lines = readFileSync(CSV, "utf8").trim().split("\n");
  const head = lines[0].split(",");
  const idx = (n: string) => head.indexOf(n);
  const out = new Map<string, RealSeries>();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    const sym = f[idx("symbol")];
    let s = out.get(sym);
    if (!s) out.set(sym, (s = { dates: [], open: [], high: [], low: [], close: [], volume: [] }));
    const num = (n: string) => (f[idx(n)] === "" ? NaN : Number(f[idx(n)]));
    s.dates.push(f[idx("timestamp")]);
    s.open.push(num("open"));
    s.high.push(num("high"));
    s.low.push(num("low"));
    s.close.push(num("close"));
    s.volume.push(num("volume"));
  }
  return out;
}

/** The bundled series aligned on the union of their dates (the staggered coverage leaves NaN). */
export function realPanel(symbols?: readonly string[]): Panel {
  const series = realSeries();
  const syms = symbols ?? [...series.keys()];
  const dates = [...new Set(syms.flatMap((s) => series.get(s)!.dates))].sort();
  const row = new Map(dates.map((d, i) => [d, i]));
  const T = dates.length;
  const S = syms.length;
  const cols = ["open", "high", "low", "close", "volume"] as const;
  const grids = new Map(cols.map((c) => [c as string, new Float64Array(T * S).fill(NaN)]));
  const present = new Uint8Array(T * S);
  syms.forEach((sym, s) => {
    const x = series.get(sym)!;
    x.dates.forEach((d, k) => {
      const i = row.get(d)! * S + s;
      present[i] = 1;
      for (const c of cols) grids.get(c)![i] = x[c][k];
    });
  });
  const times = Float64Array.from(dates, (d) => Date.parse(`${d}T00:00:00Z`));
  return panelFromGrids({ times, symbols: syms, columns: grids, present, interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: true } });
}
