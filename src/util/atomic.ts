import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";

let counter = 0;

function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.tmp`);
}

/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: write to a temp file in the same folder, then rename over the target.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * For writers that need a path (e.g. Parquet through polars): `produce` writes to the temp path,
 * which is renamed over `path` only if it succeeds.
 */
export async function withAtomicPath<T>(path: string, produce: (tmp: string) => Promise<T> | T): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const out = await produce(tmp);
    renameSync(tmp, path);
    return out;
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
