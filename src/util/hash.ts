/**
 * Stable content hashes: the names by which configs, data and job inputs are identified.
 *
 * `hashJson` hashes a canonical JSON text (object keys sorted by UTF-16 code units, no whitespace,
 * numbers in JavaScript's shortest round-trip form, in the spirit of RFC 8785), so two values that
 * are equal as data always get the same hash whatever order their keys were built in. Values JSON
 * cannot represent faithfully (NaN, Infinity, BigInt, Map, Set, functions, cycles) are refused with
 * the path of the offending value instead of being silently turned into `null` or `{}`, which would
 * make different inputs collide.
 *
 * `hashFile` / `hashFiles` hash file contents by streaming, so multi-gigabyte Parquet files never
 * sit in memory.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { relative, sep } from "node:path";
import { InputError } from "./errors.js";

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The canonical JSON text of `value` (sorted keys, no whitespace). Throws TypeError on values JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, "$", parts, new Set());
  return parts.join("");
}

/** SHA-256 (hex) of the canonical JSON of `value`: key order never changes it. */
export function hashJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function writeCanonical(value: unknown, path: string, out: string[], ancestors: Set<object>): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`cannot hash ${path}: ${value} has no JSON form`);
      // String(-0) is "0", as canonical JSON wants.
      out.push(String(value));
      return;
    case "bigint":
      throw new TypeError(`cannot hash ${path}: BigInt has no JSON form (convert it to a string or number first)`);
    case "undefined":
    case "function":
    case "symbol":
      throw new TypeError(`cannot hash ${path}: a ${typeof value} has no JSON form`);
  }
  const obj = value as object;
  if (ancestors.has(obj)) throw new TypeError(`cannot hash ${path}: the value contains a cycle`);
  if (obj instanceof Map || obj instanceof Set) {
    throw new TypeError(`cannot hash ${path}: a ${obj.constructor.name} has no JSON form (convert it to an object or array first)`);
  }
  const withToJson = obj as { toJSON?: (key: string) => unknown };
  if (typeof withToJson.toJSON === "function") {
    writeCanonical(withToJson.toJSON(""), path, out, ancestors);
    return;
  }
  ancestors.add(obj);
  if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
    const items = ArrayBuffer.isView(obj) && !(obj instanceof DataView) ? Array.from(obj as unknown as ArrayLike<number>) : obj;
    if (!Array.isArray(items)) throw new TypeError(`cannot hash ${path}: a DataView has no JSON form`);
    out.push("[");
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out.push(",");
      const item = items[i];
      // As JSON.stringify does: holes and undefined inside arrays are null (keeps indexes meaningful).
      if (item === undefined) out.push("null");
      else writeCanonical(item, `${path}[${i}]`, out, ancestors);
    }
    out.push("]");
  } else {
    const record = obj as Record<string, unknown>;
    // Keys whose value is undefined are absent, as in JSON.stringify: `{a: undefined}` equals `{}`.
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    out.push("{");
    keys.forEach((key, i) => {
      if (i > 0) out.push(",");
      out.push(JSON.stringify(key), ":");
      writeCanonical(record[key], `${path}.${key}`, out, ancestors);
    });
    out.push("}");
  }
  ancestors.delete(obj);
}

/** SHA-256 (hex) of one file's bytes, streamed. A missing file is an InputError naming it. */
export async function hashFile(path: string): Promise<string> {
  assertReadableFile(path);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Synchronous `hashFile` for small files (configs); reads the whole file. */
export function hashFileSync(path: string): string {
  assertReadableFile(path);
  return sha256Hex(readFileSync(path));
}

export interface FileHash {
  /** The path as it enters the combined hash: relative to `base` when given, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface FilesHash {
  /** One hash over all files; the order `paths` were given in does not matter. */
  sha256: string;
  files: FileHash[];
}

export interface HashFilesOptions {
  /**
   * Names enter the combined hash relative to this folder, so moving the whole data folder keeps
   * the hash while renaming a file inside it changes it.
   */
  base?: string;
  /** false: hash contents only (renaming files keeps the hash). Default true. */
  includeNames?: boolean;
}

/**
 * Hashes several files into one fingerprint: each file is hashed by streaming, then the sorted
 * list of (name, sha256) is hashed as canonical JSON. Files are hashed one after another to keep
 * memory and disk pressure flat.
 */
export async function hashFiles(paths: readonly string[], opts: HashFilesOptions = {}): Promise<FilesHash> {
  const includeNames = opts.includeNames ?? true;
  const files: FileHash[] = [];
  for (const p of paths) {
    const shown = opts.base === undefined ? p : relative(opts.base, p);
    const sha256 = await hashFile(p);
    files.push({ path: shown.split(sep).join("/"), bytes: statSync(p).size, sha256 });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new InputError(`the file ${f.path} was given twice to be hashed`);
    seen.add(f.path);
  }
  const entries = includeNames ? files.map((f) => ({ path: f.path, sha256: f.sha256 })) : files.map((f) => f.sha256).sort();
  return { sha256: hashJson(entries), files };
}

function assertReadableFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot hash ${path}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  if (!isFile) throw new InputError(`cannot hash ${path}: it is not a regular file`);
}
