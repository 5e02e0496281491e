/**
 * Confinement: the dashboard serves nothing outside its runs folder. A request names a run by id
 * and a file by a path inside it; both are resolved, symlinks followed, and refused unless the real
 * path stays inside the real runs folder. `..`, absolute paths, encoded slashes and NUL never get
 * past this.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class NotFound extends Error {}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && !rel.split(sep).includes(".."));
}

/** The real path of run `id`'s folder, or NotFound. */
export function runFolder(runsDir: string, id: string): string {
  if (!RUN_ID.test(id) || id.includes("..")) throw new NotFound(`no run ${id}`);
  const root = realpathSync(runsDir);
  const dir = join(root, id);
  if (!existsSync(dir)) throw new NotFound(`no run ${id}`);
  const real = realpathSync(dir);
  if (!inside(root, real) || !statSync(real).isDirectory()) throw new NotFound(`no run ${id}`);
  return real;
}

/** The real path of a file inside a run folder, or NotFound (never a folder, never outside). */
export function runFile(runsDir: string, id: string, rel: string): string {
  const dir = runFolder(runsDir, id);
  if (rel === "" || rel.includes("\0") || isAbsolute(rel) || rel.split(/[\\/]/).some((p) => p === ".." || p === "")) throw new NotFound(`no file ${rel}`);
  const path = join(dir, rel);
  if (!existsSync(path)) throw new NotFound(`no file ${rel}`);
  const real = realpathSync(path);
  if (!inside(dir, real) || !statSync(real).isFile()) throw new NotFound(`no file ${rel}`);
  return real;
}
