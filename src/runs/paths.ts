/**
 * The run folder is a sandbox: every file a run writes must resolve inside it. These checks turn a
 * path that would escape (`../x`, an absolute path, a symlink pointing elsewhere) into a clear
 * error instead of a write somewhere the user did not expect.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { FoxmlError } from "../util/errors.js";

/** True when `child` (absolute) is `root` or inside it, lexically. */
function isWithin(root: string, child: string): boolean {
  const r = relative(root, child);
  return r === "" || (!isAbsolute(r) && r !== ".." && !r.startsWith(`..${sep}`));
}

/**
 * Resolves `rel` against the run folder `root`, refusing anything that lands outside it, either by
 * its spelling or because an existing part of it is a symlink leading out.
 */
export function resolveInside(root: string, rel: string): string {
  const refuse = (why: string) =>
    new FoxmlError(`refusing the path "${rel}" in run folder ${root}: ${why}`, {
      hint: "a run writes only inside its own folder; give a path relative to it without '..'",
    });
  if (typeof rel !== "string" || rel.trim() === "") throw refuse("it is empty");
  if (rel.includes("\0")) throw refuse("it contains a NUL character");
  if (isAbsolute(rel)) throw refuse("it is absolute");
  const full = resolve(root, rel);
  if (!isWithin(resolve(root), full)) throw refuse("it leads outside the run folder");

  // A symlink inside the folder could still point out of it: compare real paths of what exists.
  let probe = full;
  while (!existsSync(probe) && probe !== dirname(probe)) probe = dirname(probe);
  if (existsSync(probe) && existsSync(root)) {
    const realRoot = realpathSync(root);
    if (!isWithin(realRoot, realpathSync(probe))) throw refuse("it goes through a symbolic link leading outside the run folder");
  }
  return full;
}

const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Stage names become folder names and summary keys: letters, digits, '_' and '-' only. */
export function assertStageName(stage: string): void {
  if (typeof stage !== "string" || !STAGE_NAME.test(stage)) {
    throw new FoxmlError(`invalid stage name "${String(stage)}"`, {
      hint: "use 1-64 letters, digits, '_' or '-', starting with a letter or digit (e.g. \"ranking\", \"feature_selection\")",
    });
  }
}
