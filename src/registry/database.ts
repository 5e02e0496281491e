/**
 * Opening the registry's SQLite file: WAL (readers never block the writer, and a crash leaves the
 * file consistent), a busy timeout (two `foxml` processes writing at once wait for each other
 * instead of failing), foreign keys on, then the schema migrations.
 *
 * The registry is only an index of the run folders, so a registry that cannot be used is never a
 * reason to lose work: a damaged file is moved aside and rebuilt, and a folder we may not write to
 * can be indexed in memory instead (the caller decides, see `inMemoryFallback`).
 */
import { existsSync, renameSync } from "node:fs";
import Database from "better-sqlite3";
import { FoxmlError } from "../util/errors.js";
import { migrate } from "./schema.js";

export const REGISTRY_FILE = "registry.sqlite";
export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export interface OpenedDatabase {
  db: Database.Database;
  /** Where the registry lives (":memory:" for an in-memory fallback). */
  path: string;
  /** Why the file could not be used, when an in-memory database or a fresh file stands in for it. */
  notes: string[];
}

export interface OpenDatabaseOptions {
  busyTimeoutMs?: number;
  /** Use an in-memory registry when the file cannot be opened for writing (e.g. a read-only runs folder). */
  inMemoryFallback?: boolean;
}

const CORRUPT_CODES = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB"]);
const UNWRITABLE_CODES = new Set(["SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_READONLY_DIRECTORY", "SQLITE_PERM", "SQLITE_IOERR_ACCESS", "EACCES", "EROFS"]);

export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): OpenedDatabase {
  const notes: string[] = [];
  try {
    return { db: connect(path, opts), path, notes };
  } catch (e) {
    const code = errorCode(e);
    if (CORRUPT_CODES.has(code)) {
      const aside = `${path}.damaged-${Date.now()}`;
      moveAside(path, aside);
      notes.push(`the run registry ${path} was damaged (${(e as Error).message}); it was moved to ${aside} and rebuilt from the run folders`);
      return { db: connect(path, opts), path, notes };
    }
    if (opts.inMemoryFallback && (UNWRITABLE_CODES.has(code) || code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN"))) {
      notes.push(`the run registry ${path} cannot be written (${(e as Error).message}); using a temporary in-memory index`);
      return { db: connect(":memory:", opts), path: ":memory:", notes };
    }
    throw asRegistryError(e, path);
  }
}

function connect(path: string, opts: OpenDatabaseOptions): Database.Database {
  const db = new Database(path, { timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    // Reading the journal mode also reads the file header: a non-database file fails here.
    if (path !== ":memory:") db.pragma("journal_mode = WAL");
    // NORMAL is safe in WAL mode (a power cut may lose the last commit, never corrupt the file),
    // and the registry can always be rebuilt from the folders.
    db.pragma("synchronous = NORMAL");
    // Migrations run with foreign keys off (a table rebuild must not cascade), then they go on.
    db.pragma("foreign_keys = OFF");
    migrate(db, path);
    db.pragma("foreign_keys = ON");
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function moveAside(path: string, aside: string): void {
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    } catch {
      // Another process may have moved it first; opening afresh below is what matters.
    }
  }
}

export function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/** SQLite errors as FoxmlErrors naming the registry file and what to do. */
export function asRegistryError(e: unknown, path: string): unknown {
  if (e instanceof FoxmlError) return e;
  const code = errorCode(e);
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new FoxmlError(`the run registry ${path} is busy: another FoxML process held it too long (${(e as Error).message})`, {
      exitCode: 1,
      hint: "try again; if it persists, look for a stuck foxml process",
      cause: e,
    });
  }
  if (code.startsWith("SQLITE_") || code.startsWith("E")) {
    return new FoxmlError(`cannot use the run registry ${path}: ${(e as Error).message} (${code})`, {
      exitCode: 1,
      hint: "check that the runs folder is writable; the registry is only an index, deleting it is safe (it is rebuilt from the run folders)",
      cause: e,
    });
  }
  return e;
}
