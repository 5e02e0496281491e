/**
 * An evaluation file on disk is two files: `<target>.json` with the summaries (metrics, folds,
 * backtest figures, notes) and `<target>.series` with its long series (each model's IC over time,
 * each backtest's equity and drawdown curves) in a small columnar binary format. The series were
 * 97% of the JSON (numbers and ISO dates as text); as float64 columns they take a fraction of that,
 * and JSON readers of the summaries no longer parse them.
 *
 * Why not Parquet (nodejs-polars, installed): measured on the bundled run's fwd_ret_5 series (8,736
 * points, /tmp measure script in the change's report), Parquet (zstd) is 79 KB against 88 KB here
 * and reads faster once loaded, but loading polars costs 0.2-0.6 s and its first frame and write
 * another 0.1-0.2 s, paid by every run and every `foxml report`; this file writes in ~30 ms and
 * reads in ~10-80 ms (warm / cold, mostly converting times to and from ISO text) with no native
 * module. The values are full-precision doubles, which neither format compresses much.
 *
 * Layout (little-endian), gzip-compressed as a whole:
 *   bytes 0..7    magic "FOXSER01"
 *   bytes 8..11   uint32 H, the byte length of the header
 *   H bytes       UTF-8 JSON header {"format":"foxml.series","version":1,"series":[{"model","strategy","name","length"}]}
 *   zero padding  to a multiple of 8 bytes
 *   per series, in header order: float64[length] times (epoch ms), then float64[length] values (NaN = null)
 *
 * Both files are written atomically (temp file, then rename); the series file first, so a JSON
 * summary never names a series file that is not complete.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { TimeSeriesData } from "../artifacts/run-files.js";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.js";
import { InputError } from "../util/errors.js";

export const SERIES_FORMAT = "foxml.series";
const MAGIC = "FOXSER01";

/** One series: the model, the backtest strategy (null for a model's own series such as its IC) and its name. */
export interface SeriesKey {
  model: string;
  strategy: string | null;
  name: string;
}

export interface NamedSeries extends SeriesKey {
  data: TimeSeriesData;
}

/** The series file beside an evaluation JSON: evaluation/fwd_ret_5.json -> evaluation/fwd_ret_5.series. */
export function seriesPathFor(jsonPath: string): string {
  return jsonPath.replace(/\.json$/, "") + ".series";
}

export function encodeSeries(list: readonly NamedSeries[]): Uint8Array {
  const header = Buffer.from(JSON.stringify({ format: SERIES_FORMAT, version: 1, series: list.map((s) => ({ model: s.model, strategy: s.strategy, name: s.name, length: s.data.values.length })) }), "utf8");
  const start = Math.ceil((12 + header.length) / 8) * 8;
  const total = start + list.reduce((a, s) => a + 16 * s.data.values.length, 0);
  const buf = new ArrayBuffer(total);
  const bytes = new Uint8Array(buf);
  bytes.set(Buffer.from(MAGIC, "latin1"), 0);
  new DataView(buf).setUint32(8, header.length, true);
  bytes.set(header, 12);
  let at = start;
  for (const s of list) {
    const n = s.data.values.length;
    if (s.data.times.length !== n) throw new Error(`series ${s.model}/${s.strategy ?? ""}/${s.name}: ${s.data.times.length} times for ${n} values`);
    const times = new Float64Array(buf, at, n);
    const values = new Float64Array(buf, at + 8 * n, n);
    for (let i = 0; i < n; i++) {
      times[i] = Date.parse(s.data.times[i]);
      const v = s.data.values[i];
      values[i] = v === null ? NaN : v;
    }
    at += 16 * n;
  }
  return gzipSync(bytes, { level: 6 });
}

/** Decodes a series file; `where` names it in errors. */
export function decodeSeries(file: Uint8Array, where: string): NamedSeries[] {
  const fail = (why: string): never => {
    throw new InputError(`${where}: not a FoxML series file (${why})`, "the file was damaged or written by an incompatible FoxML version; re-run the evaluation, or move the file away to build the report without its charts");
  };
  let raw: Buffer;
  try {
    raw = gunzipSync(file);
  } catch (e) {
    return fail(`not gzip data: ${(e as Error).message}`);
  }
  if (raw.length < 12 || raw.toString("latin1", 0, 8) !== MAGIC) return fail("bad magic bytes");
  const h = raw.readUInt32LE(8);
  if (12 + h > raw.length) return fail("header runs past the end");
  let header: { format?: unknown; version?: unknown; series?: unknown };
  try {
    header = JSON.parse(raw.toString("utf8", 12, 12 + h));
  } catch (e) {
    return fail(`header is not JSON: ${(e as Error).message}`);
  }
  if (header.format !== SERIES_FORMAT || header.version !== 1 || !Array.isArray(header.series)) return fail(`format ${String(header.format)} version ${String(header.version)}`);
  // copy into an aligned buffer: Buffers from zlib may start at any offset of their pool
  const body = new Uint8Array(raw.length);
  body.set(raw);
  let at = Math.ceil((12 + h) / 8) * 8;
  const out: NamedSeries[] = [];
  for (const [i, s] of (header.series as Array<Record<string, unknown>>).entries()) {
    const n = s.length;
    if (typeof s.model !== "string" || typeof s.name !== "string" || !(s.strategy === null || typeof s.strategy === "string") || !Number.isInteger(n) || (n as number) < 0) return fail(`series[${i}] is malformed`);
    if (at + 16 * (n as number) > body.length) return fail(`series[${i}] runs past the end`);
    const times = new Float64Array(body.buffer, at, n as number);
    const values = new Float64Array(body.buffer, at + 8 * (n as number), n as number);
    at += 16 * (n as number);
    out.push({
      model: s.model,
      strategy: s.strategy,
      name: s.name,
      data: { times: Array.from(times, (t) => new Date(t).toISOString()), values: Array.from(values, (v) => (Number.isNaN(v) ? null : v)) },
    });
  }
  return out;
}

/** The shape of an evaluation file as far as its series go. */
interface WithSeries {
  models: Array<{ name: string; ic_series: TimeSeriesData; backtests: Array<{ strategy: string; equity: TimeSeriesData; drawdown: TimeSeriesData }> }>;
}

const EMPTY: TimeSeriesData = { times: [], values: [] };

/** The file without its series (what the JSON holds, naming the series file) and the series. */
export function splitSeries<F extends WithSeries>(file: F, seriesFile: string): { summary: unknown; series: NamedSeries[] } {
  const series: NamedSeries[] = [];
  const models = file.models.map((m) => {
    const { ic_series, backtests, ...rest } = m;
    series.push({ model: m.name, strategy: null, name: "ic", data: ic_series });
    return {
      ...rest,
      backtests: backtests.map((b) => {
        const { equity, drawdown, ...summary } = b;
        series.push({ model: m.name, strategy: b.strategy, name: "equity", data: equity }, { model: m.name, strategy: b.strategy, name: "drawdown", data: drawdown });
        return summary;
      }),
    };
  });
  return { summary: { ...file, series_file: seriesFile, models }, series };
}

/**
 * Writes an evaluation file as `<path>` (JSON summaries) and its series file beside it, both
 * atomically, the series first. Returns the JSON path.
 */
export function writeEvaluationFiles(path: string, file: WithSeries): string {
  const seriesPath = seriesPathFor(path);
  const { summary, series } = splitSeries(file, basename(seriesPath));
  writeFileAtomic(seriesPath, encodeSeries(series));
  writeJsonAtomic(path, summary);
  return path;
}

/**
 * Puts the series back into an evaluation file read from `jsonPath` (in place): every model's
 * ic_series and every backtest's equity and drawdown, empty where the series file has none. A
 * file written before the series moved out keeps its inline series; a named series file that is
 * missing leaves the series empty and returns a note saying so.
 */
export function attachSeries(jsonPath: string, file: { series_file?: unknown; models: Array<{ name: string; ic_series?: TimeSeriesData; backtests: Array<{ strategy: string; equity?: TimeSeriesData; drawdown?: TimeSeriesData }> }> }): string | null {
  if (file.series_file === undefined) {
    for (const m of file.models) {
      m.ic_series ??= EMPTY;
      for (const b of m.backtests) {
        b.equity ??= EMPTY;
        b.drawdown ??= EMPTY;
      }
    }
    return null;
  }
  if (typeof file.series_file !== "string" || file.series_file !== basename(file.series_file)) {
    throw new InputError(`${jsonPath}: series_file must be the name of a file beside it, got ${JSON.stringify(file.series_file)}`, "re-run the evaluation, or move the file away");
  }
  const path = join(dirname(jsonPath), file.series_file);
  const found = existsSync(path) ? decodeSeries(readFileSync(path), path) : null;
  const byKey = new Map((found ?? []).map((s) => [`${s.model}\u0000${s.strategy ?? ""}\u0000${s.name}`, s.data]));
  const get = (model: string, strategy: string | null, name: string) => byKey.get(`${model}\u0000${strategy ?? ""}\u0000${name}`) ?? EMPTY;
  for (const m of file.models) {
    m.ic_series = get(m.name, null, "ic");
    for (const b of m.backtests) {
      b.equity = get(m.name, b.strategy, "equity");
      b.drawdown = get(m.name, b.strategy, "drawdown");
    }
  }
  return found === null ? `${path} is missing: the IC and backtest curves of ${basename(jsonPath)} are not shown` : null;
}

/** Reads an evaluation JSON and its series file (no shape validation: for callers that wrote it, such as tests and tools). */
export function readEvaluationFile<T extends { models: Array<{ name: string; backtests: Array<{ strategy: string }> }> }>(jsonPath: string): T {
  const file = JSON.parse(readFileSync(jsonPath, "utf8")) as T;
  const note = attachSeries(jsonPath, file as never);
  if (note !== null) throw new InputError(note, "re-run the evaluation");
  return file;
}
