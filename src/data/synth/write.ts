import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { writeJsonAtomic } from "../../util/atomic.js";
import { InputError } from "../../util/errors.js";
import { hashJson } from "../../util/hash.js";
import type { SynthFormat, SynthLayout } from "./config.js";
import { writeLongCsv, writeSymbolCsv } from "./csv.js";
import type { SyntheticMarket } from "./generate.js";
import { writeLongParquet, writeSymbolParquet } from "./parquet.js";
import { isoTime } from "./truth.js";

export const MANIFEST_NAME = "synth_manifest.json";
/** The data file of the long layout, inside the output folder. */
export const LONG_FILE_STEM = "bars";

export interface WriteOptions {
  /** Defaults to the market's configured output format. */
  format?: SynthFormat;
  /** Defaults to the market's configured output layout. */
  layout?: SynthLayout;
  /** Replace an existing output folder. Without it an existing path is an error. */
  force?: boolean;
}

export interface WrittenMarket {
  /** The output folder. */
  dir: string;
  /** Data files, relative to `dir`, in symbol order (one file for the long layout). */
  files: string[];
  /** What to point `pipeline.data.path` at: the long file, or the folder. */
  dataPath: string;
  manifestPath: string;
  rows: number;
  format: SynthFormat;
  layout: SynthLayout;
}

let tempCounter = 0;

/** The file of one symbol in a folder layout, relative to the output folder. */
export function symbolFile(layout: Exclude<SynthLayout, "long">, symbol: string, format: SynthFormat): string {
  return layout === "per-symbol" ? join(`symbol=${symbol}`, `${symbol}.${format}`) : `${symbol}.csv`;
}

/**
 * Writes `market` into the folder `outDir`: the data (one long file `bars.csv|parquet`, a
 * `symbol=SYM/SYM.ext` folder per symbol, or a flat folder of `SYM.csv`) and `synth_manifest.json`
 * (configuration, files and ground truth). Everything is written into a temp folder beside
 * `outDir`, which is renamed into place only when complete: readers never see half a market.
 */
export async function writeMarket(market: SyntheticMarket, outDir: string, options: WriteOptions = {}): Promise<WrittenMarket> {
  const format = options.format ?? market.config.output.format;
  const layout = options.layout ?? market.config.output.layout;
  if (layout === "csv-folder" && format !== "csv") {
    throw new InputError("layout csv-folder writes CSV files", "use format csv, or layout per-symbol for Parquet");
  }
  const dir = resolve(outDir);
  if (existsSync(dir) && !options.force) {
    throw new InputError(`${outDir} already exists`, "choose a new output path, or pass --force (force: true) to replace it");
  }
  mkdirSync(dirname(dir), { recursive: true });
  tempCounter += 1;
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.${tempCounter}.synth-tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const { files, rows } = await writeData(market, tmp, format, layout);
    const dataPath = layout === "long" ? join(dir, files[0]) : dir;
    const manifest = {
      generator: "foxml data synth",
      manifest_version: 1,
      config_hash: hashJson(market.config),
      config: market.config,
      output: { format, layout, data_path: layout === "long" ? files[0] : ".", files, rows, symbols: market.series.length },
      truth: market.truth,
    };
    writeJsonAtomic(join(tmp, MANIFEST_NAME), manifest);
    replaceFolder(tmp, dir);
    return { dir, files, dataPath, manifestPath: join(dir, MANIFEST_NAME), rows, format, layout };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function writeData(market: SyntheticMarket, dir: string, format: SynthFormat, layout: SynthLayout): Promise<{ files: string[]; rows: number }> {
  const { series, calendar, universe } = market;
  const offsets = universe.map((p) => p.first);
  const needStamps = format === "csv";
  const stamps = needStamps ? Array.from(calendar.times, (t) => isoTime(t, calendar.interval === "1d")) : [];
  if (layout === "long") {
    const file = `${LONG_FILE_STEM}.${format}`;
    const path = join(dir, file);
    const rows = format === "csv" ? await writeLongCsv(path, series, offsets, stamps) : await writeLongParquet(path, series, offsets, calendar.times);
    return { files: [file], rows };
  }
  const files: string[] = [];
  let rows = 0;
  for (let i = 0; i < series.length; i++) {
    const file = symbolFile(layout, series[i].symbol, format);
    const path = join(dir, file);
    rows += format === "csv" ? await writeSymbolCsv(path, series[i], offsets[i], stamps) : await writeSymbolParquet(path, series[i]);
    files.push(file);
  }
  return { files, rows };
}

/** Moves the finished temp folder to `dir`, replacing what is there (the old content is removed last). */
function replaceFolder(tmp: string, dir: string): void {
  if (!existsSync(dir)) {
    renameSync(tmp, dir);
    return;
  }
  tempCounter += 1;
  const old = join(dirname(dir), `.${basename(dir)}.${process.pid}.${tempCounter}.synth-old`);
  renameSync(dir, old);
  try {
    renameSync(tmp, dir);
  } catch (e) {
    renameSync(old, dir);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
