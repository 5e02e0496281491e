/**
 * Run ids and run folder names: `<UTC time>-<name>`, e.g. `20261128T101500Z-default`. They sort by
 * time, say what the run was, and are safe as folder names on every platform. Two runs started in
 * the same second get `-2`, `-3`, ...; the folder is claimed with an exclusive mkdir, so two
 * processes can never end up sharing one.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { FoxmlError } from "../util/errors.js";

/** `20261128T101500Z` for 2026-11-28 10:15:00 UTC. */
export function runTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new RangeError(`invalid run time ${ms}`);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/**
 * A run name made safe for a folder name: characters other than letters, digits, '.', '_' and '-'
 * become '-', at most 64 characters, "run" when nothing is left. The original name is kept in the
 * manifest.
 */
export function sanitizeRunName(name: string): string {
  const cleaned = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents dropped, not turned into '-': "Düsseldorf" -> "Dusseldorf"
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 64)
    .replace(/[-.]+$/g, "");
  return cleaned === "" ? "run" : cleaned;
}

/**
 * Creates a new, empty run folder under `runsDir` and returns its id and path. `runsDir` is created
 * if needed.
 */
export function claimRunDir(runsDir: string, startedAtMs: number, name: string): { id: string; dir: string } {
  try {
    mkdirSync(runsDir, { recursive: true });
  } catch (e) {
    throw new FoxmlError(`cannot create the runs folder ${runsDir}: ${(e as Error).message}`, { exitCode: 1 });
  }
  const base = `${runTimestamp(startedAtMs)}-${sanitizeRunName(name)}`;
  for (let n = 1; n <= 1000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = join(runsDir, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw new FoxmlError(`cannot create the run folder ${dir}: ${(e as Error).message}`, { exitCode: 1 });
    }
  }
  throw new FoxmlError(`cannot create a run folder for ${base} in ${runsDir}: 1000 folders with that name already exist`, { exitCode: 1 });
}
