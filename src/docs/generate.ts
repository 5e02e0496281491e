/**
 * The generated reference pages (docs/reference/): written by `foxml docs reference --out DIR`,
 * compared by `--check` (and by a test) so a schema or command changed without regenerating them
 * fails instead of leaving the docs quietly wrong.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { foxmlPackageRoot } from "../util/package-root.js";
import { cliReference } from "./cli-reference.js";
import { configReference } from "./config-reference.js";
import { runFolderReference } from "./run-folder-reference.js";
import { yamlKeyComments } from "./yaml-comments.js";

/** File name -> content of every generated page. */
export function referencePages(): Map<string, string> {
  const comments = yamlKeyComments(join(foxmlPackageRoot(), "config", "pipeline"));
  return new Map([
    ["config.md", configReference(comments)],
    ["cli.md", cliReference()],
    ["run-folder.md", runFolderReference()],
  ]);
}

export function writeReference(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of referencePages()) {
    writeFileAtomic(join(dir, name), text);
    written.push(join(dir, name));
  }
  return written;
}

/** Pages under `dir` that differ from what the code generates (missing counts as stale). */
export function staleReference(dir: string): string[] {
  const stale: string[] = [];
  for (const [name, text] of referencePages()) {
    const path = join(dir, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(path);
  }
  return stale;
}
