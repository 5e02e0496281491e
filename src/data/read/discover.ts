import { readdirSync, statSync, type Dirent } from "node:fs";
import { basename, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InputError } from "../../util/errors.js";
import type { DataOptions } from "../options.js";
import { fileStemSymbol } from "./header.js";
import type { DataFileRef } from "./table.js";

/**
 * Finds the data files under `pipeline.data.path`. Layouts:
 * - one long file: `bars.csv` / `bars.parquet` with a symbol column;
 * - Hive-style partitions: `symbol=SYM/` folders holding any .parquet/.csv files (nested folders
 *   allowed), optionally under `interval=5m/` folders (one interval is loaded);
 * - a flat folder of `SYM.csv` / `SYM.parquet` files (symbol from the file name unless the file
 *   has a symbol column).
 */

export type Layout = "file" | "symbol-partitions" | "symbol-files";

export interface Discovery {
  /** Absolute folder that relative paths (and the fingerprint) are based on. */
  root: string;
  layout: Layout;
  /** The bar size named by an `interval=...` folder, when the data sat under one. */
  partitionInterval?: string;
  /** Sorted by relPath. */
  files: DataFileRef[];
  /** `symbol=SYM` folders without any data file (reported by the empty_file check). */
  emptyFolders: { display: string; symbol: string }[];
}

const EXTENSIONS: Record<string, "csv" | "parquet"> = { ".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet", ".parq": "parquet" };

const LAYOUTS = "a CSV/Parquet file, a folder of symbol=SYM/ folders (optionally under interval=5m/), or a folder of SYM.csv / SYM.parquet files";
const LAYOUT_HINT = `point pipeline.data.path at ${LAYOUTS}`;

/** A path as users should see it: relative to the working folder when inside it. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}

function formatOf(name: string, wanted: DataOptions["format"]): "csv" | "parquet" | null {
  const f = EXTENSIONS[extname(name).toLowerCase()];
  if (f === undefined) return null;
  return wanted === "auto" || wanted === f ? f : null;
}

function visible(e: Dirent): boolean {
  return !e.name.startsWith(".") && !e.name.startsWith("_");
}

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(visible)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw new InputError(`cannot list the folder ${displayPath(dir)}: ${(e as Error).message}`);
  }
}

function partitionValue(name: string, key: string): string | null {
  if (!name.startsWith(`${key}=`)) return null;
  const raw = name.slice(key.length + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function discoverFiles(options: Pick<DataOptions, "path" | "format" | "interval" | "symbols">, baseDir: string): Discovery {
  const abs = resolve(baseDir, options.path);
  let isDir: boolean;
  try {
    const st = statSync(abs);
    isDir = st.isDirectory();
    if (!isDir && !st.isFile()) throw new InputError(`the data path ${options.path} is neither a file nor a folder`, LAYOUT_HINT);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const shown = abs === options.path ? options.path : `${options.path} (${abs})`;
    if (code === "ENOENT") throw new InputError(`the data path ${shown} does not exist`, `set pipeline.data.path to ${LAYOUTS}`);
    throw new InputError(`cannot open the data path ${shown}: ${(e as Error).message}`);
  }
  if (!isDir) return discoverSingleFile(abs, options.format);

  let dir = abs;
  let partitionInterval: string | undefined;
  const intervals = listDir(dir).filter((e) => e.isDirectory() && partitionValue(e.name, "interval") !== null);
  if (intervals.length > 0) {
    const values = intervals.map((e) => partitionValue(e.name, "interval")!);
    let pick: string;
    if (options.interval !== "auto") {
      if (!values.includes(options.interval)) {
        throw new InputError(
          `${displayPath(dir)} has no interval=${options.interval} folder (found ${values.map((v) => `interval=${v}`).join(", ")})`,
          "set pipeline.data.interval to one of the intervals present",
        );
      }
      pick = options.interval;
    } else if (values.length === 1) pick = values[0];
    else {
      throw new InputError(
        `${displayPath(dir)} holds several intervals (${values.map((v) => `interval=${v}`).join(", ")}); which one to load is ambiguous`,
        "set pipeline.data.interval to the one to load",
      );
    }
    partitionInterval = pick;
    dir = join(dir, intervals[values.indexOf(pick)].name);
  }

  const entries = listDir(dir);
  const symbolDirs = entries.filter((e) => e.isDirectory() && partitionValue(e.name, "symbol") !== null);
  const looseFiles = entries.filter((e) => e.isFile() && formatOf(e.name, options.format) !== null);
  let files: DataFileRef[] = [];
  const emptyFolders: Discovery["emptyFolders"] = [];
  let layout: Layout;
  if (symbolDirs.length > 0) {
    if (looseFiles.length > 0) {
      throw new InputError(
        `${displayPath(dir)} mixes symbol=... folders with data files (${looseFiles[0].name}); which are the data is ambiguous`,
        "move the loose files elsewhere, or point pipeline.data.path at one of them",
      );
    }
    layout = "symbol-partitions";
    const wanted = options.symbols ? new Set(options.symbols) : null;
    for (const d of symbolDirs) {
      const symbol = partitionValue(d.name, "symbol")!;
      if (wanted && !wanted.has(symbol)) continue;
      const found: string[] = [];
      collectRecursive(join(dir, d.name), options.format, found);
      if (found.length === 0) emptyFolders.push({ display: displayPath(join(dir, d.name)), symbol });
      for (const p of found) files.push(fileRef(p, abs, formatOf(p, options.format)!, symbol, true));
    }
  } else {
    layout = "symbol-files";
    files = looseFiles.map((e) => {
      const p = join(dir, e.name);
      return fileRef(p, abs, formatOf(e.name, options.format)!, fileStemSymbol(p), false);
    });
    if (files.length === 0) {
      const what = options.format === "auto" ? ".csv or .parquet" : `.${options.format}`;
      throw new InputError(`no data files (${what}) in the folder ${displayPath(dir)}`, LAYOUT_HINT);
    }
  }
  if (options.format === "auto") {
    const formats = new Set(files.map((f) => f.format));
    if (formats.size > 1) {
      throw new InputError(
        `${displayPath(dir)} holds both CSV and Parquet files; loading both could load the same bars twice`,
        "set pipeline.data.format to csv or parquet to choose one",
      );
    }
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { root: abs, layout, partitionInterval, files, emptyFolders };
}

function discoverSingleFile(abs: string, format: DataOptions["format"]): Discovery {
  const name = basename(abs);
  let f = EXTENSIONS[extname(name).toLowerCase()];
  if (format !== "auto") f = format;
  if (f === undefined) {
    const gz = /\.(gz|bz2|xz|zst|zip)$/i.test(name);
    throw new InputError(
      gz ? `${displayPath(abs)} is compressed, which is not read` : `cannot tell the format of ${displayPath(abs)} from its extension`,
      gz ? "decompress it (or store the data as Parquet, which is compressed inside)" : "use .csv or .parquet, or set pipeline.data.format",
    );
  }
  const root = resolve(abs, "..");
  return { root, layout: "file", files: [fileRef(abs, root, f, undefined, false)], emptyFolders: [] };
}

function collectRecursive(dir: string, format: DataOptions["format"], out: string[]): void {
  for (const e of listDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory()) collectRecursive(p, format, out);
    else if (e.isFile() && formatOf(e.name, format) !== null) out.push(p);
  }
}

function fileRef(path: string, root: string, format: "csv" | "parquet", impliedSymbol: string | undefined, partitioned: boolean): DataFileRef {
  return { path, display: displayPath(path), relPath: relative(root, path).split(sep).join("/"), format, impliedSymbol, partitioned };
}
