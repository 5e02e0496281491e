import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temp folder per test, removed afterwards. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A clock the test moves by hand. */
export function fakeClock(startIso = "2026-11-28T10:15:00.000Z") {
  const c = {
    t: Date.parse(startIso),
    now: () => c.t,
    advance: (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}

export function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every file below `dir` (relative paths), for layout checks and "no secret anywhere" scans. */
export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    if (statSync(join(dir, name)).isDirectory()) out.push(`${rel}/`, ...listFiles(join(dir, name), rel));
    else out.push(rel);
  }
  return out;
}
