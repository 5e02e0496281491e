/** Reading what a `foxml run` wrote, for the end-to-end tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** The one run folder in `out` (the run registry, registry.sqlite*, is an index beside it). */
export function runDir(out: string): string {
  const dirs = readdirSync(out).filter((f) => !f.startsWith("registry.sqlite"));
  expect(dirs).toHaveLength(1);
  return join(out, dirs[0]);
}

export function json<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
