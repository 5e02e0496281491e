/**
 * `npm run bench -- features [--symbols 2000] [--days 2500] [--skip-large] [--large-symbols 3000]
 *  [--large-days 252] [--bars-per-day 78] [--chunk-rows 1024] [--json]`
 *
 * 1. The standard feature set over a generated panel (2,000 symbols x 2,500 days by default), ours
 *    vs. the same rolling and cross-sectional features written as nodejs-polars expressions
 *    (long frame, `.over("sym")` rolling windows, per-timestamp rank / z-score). Each side runs in
 *    its own child process, so time and peak RSS are attributed cleanly; values of a few features
 *    are sampled from both to show they computed the same thing.
 * 2. A large universe in chunked (streamed) mode: 3,000 symbols x 5-minute bars x 1 year, the rows
 *    generated chunk by chunk so neither inputs nor outputs of the whole panel are ever held.
 *
 * Both are single runs on a shared machine: treat times as rough, the ratio as the figure.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import pl from "nodejs-polars";
import { panelFromGrids } from "../src/data/panel.js";
import type { Panel } from "../src/data/types.js";
import { buildFeatures, standardRegistry, streamFeatures, type GridSource } from "../src/features/index.js";
import type { ChunkInput } from "../src/features/engine.js";
import { rng, type Rng } from "../src/util/random.js";
import { printCaseLine } from "./report.js";

const DAY = 86_400_000;
type Opts = Record<string, string>;

function parseArgs(args: string[]): Opts {
  const o: Opts = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) continue;
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) o[a.slice(2)] = "true";
    else o[a.slice(2)] = args[++i];
  }
  return o;
}

const num = (o: Opts, k: string, d: number) => (o[k] === undefined ? d : Number(o[k]));

/** Weekday timestamps (daily), or `barsPerDay` 5-minute bars from 14:30 UTC on each weekday. */
function timeAxis(days: number, barsPerDay: number): Float64Array {
  const out = new Float64Array(days * barsPerDay);
  let d = Date.UTC(2014, 0, 2);
  let k = 0;
  while (k < out.length) {
    const dow = new Date(d).getUTCDay();
    if (dow !== 0 && dow !== 6) {
      for (let b = 0; b < barsPerDay; b++) out[k++] = barsPerDay === 1 ? d : d + 14.5 * 3_600_000 + b * 300_000;
    }
    d += DAY;
  }
  return out;
}

/** One bar of a geometric random walk per symbol; `price` carries each symbol's last close. */
function fillBars(rows: number, S: number, price: Float64Array, rs: Rng[], vol: number, cols: Float64Array[]): void {
  const [open, high, low, close, volume] = cols;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < S; s++) {
      const g = rs[s];
      const o = price[s] * Math.exp(0.2 * vol * g.normal());
      const c = o * Math.exp(vol * g.normal());
      const i = r * S + s;
      open[i] = o;
      close[i] = c;
      high[i] = Math.max(o, c) * Math.exp(0.4 * vol * Math.abs(g.normal()));
      low[i] = Math.min(o, c) * Math.exp(-0.4 * vol * Math.abs(g.normal()));
      volume[i] = Math.round(2e5 * Math.exp(0.6 * g.normal()));
      price[s] = c;
    }
  }
}

function symbolRngs(S: number, seed: string): Rng[] {
  const root = rng(seed);
  return Array.from({ length: S }, (_, s) => root.fork(`sym${s}`));
}

function dailyPanel(S: number, T: number): Panel {
  const cols = Array.from({ length: 5 }, () => new Float64Array(T * S));
  const rs = symbolRngs(S, "bench-features");
  fillBars(T, S, Float64Array.from(rs, (g) => 20 + 200 * g.uniform()), rs, 0.015, cols);
  const names = ["open", "high", "low", "close", "volume"];
  return panelFromGrids({
    times: timeAxis(T, 1),
    symbols: Array.from({ length: S }, (_, s) => `S${s}`),
    columns: new Map(names.map((n, i) => [n, cols[i]])),
    present: new Uint8Array(T * S).fill(1),
    interval: { interval: "1d", medianSpacingMs: DAY, explicit: true },
  });
}

/** The standard features written as polars expressions over a long frame sorted by (sym, ts). */
function polarsFeatures(): Array<[string, pl.Expr]> {
  const c = pl.col("close");
  const o = pl.col("open");
  const h = pl.col("high");
  const l = pl.col("low");
  const v = pl.col("volume");
  const r1 = c.div(c.shift(1)).log();
  const logret = (k: number) => c.div(c.shift(k)).log();
  const sqrt = (e: pl.Expr) => e.pow(0.5);
  const nanIf = (cond: pl.Expr, e: pl.Expr, other = NaN) => pl.when(cond).then(pl.lit(other)).otherwise(e);
  const ewm = (e: pl.Expr, alpha: number) => e.ewmMean({ alpha, adjust: true, minPeriods: 1 });
  const out: Array<[string, pl.Expr]> = [["ret_1", r1]];
  for (const k of [1, 2, 3, 4, 5, 10, 20]) out.push([`ret_lag_${k}`, r1.shift(k)]);
  for (const W of [5, 10, 20, 60, 120, 252]) out.push([`mom_${W}`, logret(W)]);
  out.push(["mom_252_21", c.shift(21).div(c.shift(252)).log()]);
  for (const W of [1, 5, 10]) out.push([`rev_${W}`, logret(W).mul(-1).div(r1.rollingStd(60).mul(Math.sqrt(W)))]);
  for (const W of [5, 10, 20, 60]) out.push([`vol_cc_${W}`, r1.rollingStd(W)]);
  const hl = h.div(l).log();
  for (const W of [10, 20, 60]) {
    out.push([`vol_pk_${W}`, sqrt(hl.pow(2).div(4 * Math.LN2).rollingMean(W))]);
    out.push([`vol_gk_${W}`, sqrt(hl.pow(2).mul(0.5).sub(c.div(o).log().pow(2).mul(2 * Math.LN2 - 1)).rollingMean(W).clip(0, Infinity))]);
  }
  out.push(["vol_ratio_5_60", r1.rollingStd(5).div(r1.rollingStd(60))]);
  for (const W of [20, 60]) {
    out.push([`skew_${W}`, r1.rollingSkew({ windowSize: W, bias: false })]);
    const m = r1.rollingMean(W);
    const e2 = r1.pow(2).rollingMean(W);
    const m2 = e2.sub(m.pow(2));
    const m4 = r1.pow(4).rollingMean(W).sub(m.mul(4).mul(r1.pow(3).rollingMean(W))).add(m.pow(2).mul(6).mul(e2)).sub(m.pow(4).mul(3));
    out.push([`kurt_${W}`, m4.div(m2.pow(2)).mul(W + 1).sub(3 * (W - 1)).mul((W - 1) / ((W - 2) * (W - 3)))]);
    const y = r1.shift(1);
    const cov = r1.mul(y).rollingMean(W).sub(r1.rollingMean(W).mul(y.rollingMean(W)));
    const vx = r1.pow(2).rollingMean(W).sub(r1.rollingMean(W).pow(2));
    const vy = y.pow(2).rollingMean(W).sub(y.rollingMean(W).pow(2));
    out.push([`acf1_${W}`, cov.div(sqrt(vx.mul(vy)))]);
  }
  for (const W of [5, 10, 20, 50, 200]) out.push([`dist_sma_${W}`, c.div(c.rollingMean(W)).sub(1)]);
  out.push(["sma_ratio_5_20", c.rollingMean(5).div(c.rollingMean(20)).sub(1)]);
  out.push(["sma_ratio_20_50", c.rollingMean(20).div(c.rollingMean(50)).sub(1)]);
  for (const span of [12, 26]) out.push([`dist_ema_${span}`, c.div(ewm(c, 2 / (span + 1))).sub(1)]);
  const d = c.diff(1, "ignore");
  const gain = d.clip(0, Infinity);
  const loss = d.mul(-1).clip(0, Infinity);
  for (const n of [7, 14, 21]) {
    const g = ewm(gain, 1 / n);
    out.push([`rsi_${n}`, g.mul(100).div(g.add(ewm(loss, 1 / n)))]);
  }
  const line = ewm(c, 2 / 13).sub(ewm(c, 2 / 27));
  const signal = ewm(line, 0.2);
  out.push(["macd", line.div(c)], ["macd_signal", signal.div(c)], ["macd_hist", line.sub(signal).div(c)]);
  const mid = c.rollingMean(20);
  const sd = c.rollingStd({ windowSize: 20, ddof: 0 });
  out.push(["bb_pctb_20", c.sub(mid).div(sd.mul(4)).add(0.5)], ["bb_width_20", sd.mul(4).div(mid)]);
  const pc = c.shift(1);
  const tr = pl.maxHorizontal([h, pc]).sub(pl.minHorizontal([l, pc]));
  for (const n of [7, 14]) out.push([`natr_${n}`, ewm(tr, 1 / n).div(c)]);
  const hh = h.rollingMax(14);
  const ll = l.rollingMin(14);
  const k = c.sub(ll).mul(100).div(hh.sub(ll));
  out.push(["stoch_k_14", k], ["stoch_d_14", k.rollingMean(3)]);
  for (const W of [20, 60, 252]) out.push([`dd_${W}`, c.div(c.rollingMax(W)).sub(1)]);
  out.push(["range_pos_60", c.sub(c.rollingMin(60)).div(c.rollingMax(60).sub(c.rollingMin(60)))]);
  const lv = v.log1p();
  for (const W of [20, 60]) out.push([`volume_z_${W}`, lv.sub(lv.rollingMean(W)).div(lv.rollingStd(W))]);
  out.push(["volume_ratio_5_20", v.rollingMean(5).div(v.rollingMean(20)).log()]);
  const dv = c.mul(v);
  out.push(["dollar_vol", dv.log1p()], ["dollar_vol_avg_20", dv.rollingMean(20).log1p()]);
  out.push(["amihud_20", nanIf(dv.lt(1e-300), r1.abs().mul(1e6).div(dv)).rollingMean(20)]);
  out.push(["range_hl", hl], ["range_hl_avg_20", hl.rollingMean(20)], ["gap", o.div(pc).log()], ["ret_oc", c.div(o).log()]);
  out.push(["close_loc", c.sub(l).div(h.sub(l))]);
  out.push(["shadow_up", h.sub(pl.maxHorizontal([o, c])).div(h.sub(l))], ["shadow_dn", pl.minHorizontal([o, c]).sub(l).div(h.sub(l))]);
  return out.map(([n, e]) => [n, e.over("sym").alias(n)]);
}

/** Per-timestamp transforms: scaled rank and z-score, as the default cross-sectional set. */
function polarsCrossSectional(names: readonly string[]): Array<[string, pl.Expr]> {
  const out: Array<[string, pl.Expr]> = [];
  for (const n of names) {
    const x = pl.col(n);
    out.push([`${n}__cs_rank`, x.rank("average").sub(1).div(x.count().sub(1)).over("ts").alias(`${n}__cs_rank`)]);
    out.push([`${n}__cs_z`, x.sub(x.mean()).div(x.std()).over("ts").alias(`${n}__cs_z`)]);
  }
  return out;
}

const CALENDAR: Array<[string, (ts: pl.Expr) => pl.Expr]> = [
  ["cal_dow", (ts) => ts.dt.weekday().sub(1)],
  ["cal_dow_sin", (ts) => ts.dt.weekday().sub(1).mul((2 * Math.PI) / 7).sin()],
  ["cal_dow_cos", (ts) => ts.dt.weekday().sub(1).mul((2 * Math.PI) / 7).cos()],
  ["cal_month", (ts) => ts.dt.month()],
];

const CS_BASES = standardRegistry()
  .list()
  .flatMap((s) => (s.kind === "cross_sectional" && s.family === "cs_rank" ? [s.base] : []));
const SAMPLED = ["ret_1", "vol_cc_20", "dist_sma_50", "stoch_k_14", "skew_20", "kurt_20", "acf1_20", "rsi_14", "vol_cc_20__cs_rank", "mom_20__cs_z"];

/** Every 9973rd cell after a year of warm-up, as (t, s) pairs. */
function sampleCells(T: number, S: number): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  for (let i = 400 * S; i < T * S; i += 9973) cells.push([Math.floor(i / S), i % S]);
  return cells;
}

function memory(): { maxRssMB: number } {
  return { maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface ChildResult {
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
  inputRssMB: number;
  features: number;
  names: string[];
  samples: Record<string, number[]>;
  extra?: Record<string, unknown>;
}

function timed<R>(fn: () => R): { r: R; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = fn();
  const c = process.cpuUsage(c0);
  return { r, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

function childOurs(o: Opts): ChildResult {
  const S = num(o, "symbols", 2000);
  const T = num(o, "days", 2500);
  const panel = dailyPanel(S, T);
  gc();
  const inputRssMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  const { r: set, wallMs, cpuMs } = timed(() => buildFeatures(panel));
  const cells = sampleCells(T, S);
  const samples: Record<string, number[]> = {};
  for (const n of SAMPLED) if (set.grids.has(n)) samples[n] = cells.map(([t, s]) => set.get(n)[t * S + s]);
  return { wallMs, cpuMs, ...memory(), inputRssMB, features: set.names.length, names: [...set.names], samples };
}

function childPolars(o: Opts): ChildResult {
  const S = num(o, "symbols", 2000);
  const T = num(o, "days", 2500);
  let panel: Panel | null = dailyPanel(S, T);
  // Long frame sorted by (sym, ts): what `.over("sym")` rolling windows expect.
  const long = (grid: Float64Array | Float32Array) => {
    const out = new Float64Array(T * S);
    for (let s = 0, k = 0; s < S; s++) for (let t = 0; t < T; t++, k++) out[k] = grid[t * S + s];
    return out;
  };
  const sym = new Int32Array(T * S);
  const ts = new Float64Array(T * S);
  for (let s = 0, k = 0; s < S; s++) for (let t = 0; t < T; t++, k++) (sym[k] = s), (ts[k] = panel.times[t]);
  const cols: Record<string, pl.Series> = { sym: pl.Series("sym", sym), ts: pl.Series("ts", ts) };
  for (const c of ["open", "high", "low", "close", "volume"]) cols[c] = pl.Series(c, long(panel.column(c)));
  let df = pl.DataFrame(cols).withColumns(pl.col("ts").cast(pl.Datetime("ms")));
  panel = null;
  gc();
  const inputRssMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  const rolling = polarsFeatures();
  const { r: out, wallMs, cpuMs } = timed(() => {
    const withTs = df
      .lazy()
      .withColumns(...rolling.map(([, e]) => e), ...CALENDAR.map(([n, f]) => f(pl.col("ts")).alias(n)))
      .collectSync();
    return withTs.lazy().withColumns(...polarsCrossSectional(CS_BASES).map(([, e]) => e)).collectSync();
  });
  df = out;
  const names = out.columns.filter((c) => !["sym", "ts", "open", "high", "low", "close", "volume"].includes(c));
  const cells = sampleCells(T, S);
  const samples: Record<string, number[]> = {};
  for (const n of SAMPLED) {
    if (!names.includes(n)) continue;
    const col = df.select(pl.col(n).fillNull(NaN).cast(pl.Float64)).getColumn(n).toTypedArray() as Float64Array;
    samples[n] = cells.map(([t, s]) => col[s * T + t]);
  }
  return { wallMs, cpuMs, ...memory(), inputRssMB, features: names.length, names, samples };
}

/** Generated 5-minute bars served a chunk at a time; warm-up rows are kept from the previous chunk. */
function generatedSource(S: number, days: number, barsPerDay: number): GridSource {
  const times = timeAxis(days, barsPerDay);
  const T = times.length;
  const rs = symbolRngs(S, "bench-features-large");
  const price = Float64Array.from(rs, (g) => 20 + 200 * g.uniform());
  let made = 0;
  let kept: { start: number; cols: Float64Array[] } = { start: 0, cols: Array.from({ length: 5 }, () => new Float64Array(0)) };
  const names = ["open", "high", "low", "close", "volume"];
  return {
    T,
    S,
    symbols: Array.from({ length: S }, (_, s) => `S${s}`),
    times,
    interval: { interval: "5m", medianSpacingMs: 300_000, explicit: true },
    columnNames: names,
    columnHasValues: () => true,
    rows(start, end): ChunkInput {
      if (start < kept.start || end < made) throw new Error(`generated source only moves forward (asked ${start}..${end})`);
      const n = end - start;
      const cols = names.map(() => new Float64Array(n * S));
      // Rows already generated come from the previous chunk; new rows continue each random walk.
      const reuse = made - start;
      for (let c = 0; c < 5; c++) cols[c].set(kept.cols[c].subarray((start - kept.start) * S, (start - kept.start + reuse) * S));
      fillBars(end - made, S, price, rs, 0.002, cols.map((g) => g.subarray(reuse * S)));
      made = end;
      kept = { start, cols };
      const present = new Uint8Array(n * S).fill(1);
      return { abs0: start, n, S, times: times.subarray(start, end), present, column: (name) => cols[names.indexOf(name)] };
    },
  };
}

async function childLarge(o: Opts): Promise<ChildResult> {
  const S = num(o, "large-symbols", 3000);
  const days = num(o, "large-days", 252);
  const bpd = num(o, "bars-per-day", 78);
  const chunkRows = num(o, "chunk-rows", 1024);
  const source = generatedSource(S, days, bpd);
  let finite = 0;
  let checksum = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await streamFeatures(source, { chunkRows }, (chunk) => {
    // The sink reduces each chunk (no disk writes on a shared machine): counts and a checksum.
    for (const g of chunk.grids) {
      for (let i = 0; i < g.length; i += 7) {
        const v = g[i];
        if (v === v) {
          finite++;
          checksum += v;
        }
      }
    }
  });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return {
    wallMs,
    cpuMs: (c.user + c.system) / 1000,
    ...memory(),
    inputRssMB: 0,
    features: summary.specs.length,
    names: summary.specs.map((s) => s.name),
    samples: {},
    extra: { T: source.T, S, cells: source.T * S, chunkRows, chunks: summary.chunks, warmupRows: summary.warmupRows, sampledFinite: finite, checksum, skipped: summary.skipped },
  };
}

function spawnChild(kind: string, o: Opts): ChildResult {
  const runTs = join(dirname(fileURLToPath(import.meta.url)), "run.ts");
  const pass = Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
  const res = spawnSync(process.execPath, [...process.execArgv, "--expose-gc", runTs, "features", "--child", kind, ...pass], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (res.status !== 0) throw new Error(`bench child "${kind}" failed with status ${res.status}`);
  const line = res.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line) as ChildResult;
}

/** Largest |a - b| / (1 + |b|) over cells finite in both, and how many cells were finite in one only. */
function agreement(a: number[], b: number[]): { maxRelDiff: number; compared: number; nanMismatch: number } {
  let maxRelDiff = 0;
  let compared = 0;
  let nanMismatch = 0;
  for (let i = 0; i < a.length; i++) {
    const fa = Number.isFinite(a[i]);
    const fb = Number.isFinite(b[i]);
    if (fa !== fb) nanMismatch++;
    if (!fa || !fb) continue;
    compared++;
    maxRelDiff = Math.max(maxRelDiff, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  }
  return { maxRelDiff, compared, nanMismatch };
}

const lineOf = (r: { wallMs: number; cpuMs: number; maxRssMB: number; features: number }) => ({ cpu_s: r.cpuMs / 1000, peak_rss_mb: r.maxRssMB, features: r.features });

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(args: string[]): Promise<number> {
  const o = parseArgs(args);
  if (o.child) {
    const { child, ...rest } = o;
    const result = child === "ours" ? childOurs(rest) : child === "polars" ? childPolars(rest) : await childLarge(rest);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const json = o.json === "true";
  const { json: _j, ...pass } = o;
  const say = (s: string) => {
    if (!json) process.stdout.write(`${s}\n`);
  };
  if (o["large-only"] !== "true") {
    const S = num(o, "symbols", 2000);
    const T = num(o, "days", 2500);
    say(`features: ${S} symbols x ${T} days (${((S * T) / 1e6).toFixed(1)}M cells), one run each, shared machine`);
    const ours = spawnChild("ours", pass);
    const polars = spawnChild("polars", pass);
    // The polars side is written to cover the whole default set; say so if the two ever drift.
    const missing = polars.names.filter((n) => !ours.names.includes(n));
    const notInPolars = ours.names.filter((n) => !polars.names.includes(n));
    const agree = Object.fromEntries(Object.keys(ours.samples).filter((n) => polars.samples[n]).map((n) => [n, agreement(ours.samples[n], polars.samples[n])]));
    say(`  ours, default standard set (${ours.features} features): wall ${fmt(ours.wallMs)}, cpu ${fmt(ours.cpuMs)}, peak RSS ${ours.maxRssMB} MB (input panel ${ours.inputRssMB} MB)`);
    say(`  polars expressions (${polars.features} features): wall ${fmt(polars.wallMs)}, cpu ${fmt(polars.cpuMs)}, peak RSS ${polars.maxRssMB} MB (input ${polars.inputRssMB} MB)`);
    say(`  ratio polars / ours: wall ${(polars.wallMs / ours.wallMs).toFixed(1)}x, cpu ${(polars.cpuMs / ours.cpuMs).toFixed(1)}x, peak RSS ${(polars.maxRssMB / ours.maxRssMB).toFixed(1)}x`);
    if (missing.length > 0 || notInPolars.length > 0) say(`  sets differ: polars only ${missing.join(", ") || "-"}; ours only ${notInPolars.join(", ") || "-"}`);
    say(`  agreement on sampled cells (max |ours - polars| / (1 + |polars|)); EWM features differ by design (ours truncated):`);
    for (const [n, a] of Object.entries(agree)) say(`    ${n.padEnd(20)} ${a.maxRelDiff.toExponential(1)} over ${a.compared} cells, NaN in one only: ${a.nanMismatch}`);
    if (json) {
      // Quality metric: the largest relative difference to Polars over the sampled cells (EWM features excluded: they differ by design).
      const worst = Math.max(0, ...Object.entries(agree).filter(([n]) => !/ewm/i.test(n)).map(([, a]) => a.maxRelDiff));
      printCaseLine(
        { bench: "features", case: `standard_set_${S}x${T}`, reference: "polars", ours_s: ours.wallMs / 1000, reference_s: polars.wallMs / 1000, metric: "max_rel_diff_vs_polars", ours_metric: worst, reference_metric: 0, higher_is_better: false },
        { ours: lineOf(ours), polars: lineOf(polars), cpu_ratio_vs_polars: ours.cpuMs / polars.cpuMs, sets_differ: missing.length > 0 || notInPolars.length > 0 },
      );
    }
  }
  if (o["skip-large"] !== "true") {
    const large = spawnChild("large", pass);
    const x = large.extra as { T: number; cells: number; chunkRows: number; chunks: number; warmupRows: number };
    say(`large universe, chunked: ${num(o, "large-symbols", 3000)} symbols x ${x.T} five-minute bars (${(x.cells / 1e6).toFixed(0)}M cells), ${large.features} features`);
    say(`  chunks of ${x.chunkRows} rows + ${x.warmupRows} warm-up rows (${x.chunks} chunks): wall ${fmt(large.wallMs)}, cpu ${fmt(large.cpuMs)}, peak RSS ${large.maxRssMB} MB (limit 8192 MB)`);
    if (json) {
      printCaseLine(
        { bench: "features", case: `large_chunked_${num(o, "large-symbols", 3000)}_symbols`, reference: null, ours_s: large.wallMs / 1000, reference_s: null, metric: "peak_rss_mb", ours_metric: large.maxRssMB, reference_metric: null, higher_is_better: false },
        { ours: lineOf(large), limit_mb: 8192, chunks: x.chunks },
      );
    }
  }
  return 0;
}
