/**
 * The run registry: an SQLite index of the run folders under one runs folder, kept beside them as
 * `<runsDir>/registry.sqlite`. The folders stay the source of truth: the registry can always be
 * deleted and rebuilt with `sync()`, and every command that reads it syncs first.
 *
 *   const reg = openRegistry("runs");
 *   try {
 *     reg.sync();                                   // index new and changed folders, mark deleted ones
 *     reg.listRuns({ status: "succeeded", limit: 10 });
 *     reg.compareRuns(["20261128T1015", "20261129"]);
 *   } finally {
 *     reg.close();
 *   }
 *
 * `foxml run` calls `tryRegisterRun(run.dir, warn)` when a run starts and when it ends: a registry
 * problem becomes a warning, never a failed run.
 */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { FoxmlError, InputError, isFoxmlError } from "../util/errors.js";
import { compareLoadedRuns, type RunComparison } from "./compare.js";
import { asRegistryError, openDatabase, REGISTRY_FILE, type OpenDatabaseOptions } from "./database.js";
import { RunQueries, type ListFilter, type RunDetails, type RunList } from "./queries.js";
import { folderStamps, looksLikeRunFolder, readRunFolder, type RunRecord } from "./run-folder.js";
import { RunStore } from "./store.js";

export interface OpenRegistryOptions extends OpenDatabaseOptions {
  /** Clock for the times the registry records (indexed_at, missing_since); for tests. */
  now?: () => Date;
}

/** A run folder that could not be indexed, and why. */
export interface SyncProblem {
  id: string;
  dir: string;
  message: string;
  hint?: string;
}

export interface SyncReport {
  added: string[];
  updated: string[];
  /** Folders that had been marked missing and are back. */
  restored: string[];
  /** Folders found deleted by this sync (their rows stay, marked missing). */
  missing: string[];
  /** Folders whose files had not changed since they were last indexed (not read again). */
  unchanged: number;
  /** Damaged run folders: reported, not indexed (a row they had is removed). */
  problems: SyncProblem[];
}

export class RunRegistry {
  readonly runsDir: string;
  /** The SQLite file, or ":memory:" when the runs folder could not hold one (see `notes`). */
  readonly path: string;
  /** Things a user should know about the registry itself (moved aside when damaged, in-memory fallback). */
  readonly notes: readonly string[];
  private readonly db: Database.Database;
  private readonly store: RunStore;
  private readonly queries: RunQueries;
  private readonly now: () => Date;

  /** @internal use openRegistry */
  constructor(runsDir: string, opened: { db: Database.Database; path: string; notes: string[] }, now: () => Date) {
    this.runsDir = runsDir;
    this.path = opened.path;
    this.notes = opened.notes;
    this.db = opened.db;
    this.store = new RunStore(this.db);
    this.queries = new RunQueries(this.db);
    this.now = now;
  }

  /** Indexes one run folder (inside this runs folder) from its manifest and summary; idempotent. */
  registerRun(runDir: string): RunRecord {
    const dir = resolve(runDir);
    if (dirname(dir) !== this.runsDir) {
      throw new InputError(`${dir} is not directly inside the runs folder ${this.runsDir}`, "register a run in the registry of the folder that holds it");
    }
    const rec = readRunFolder(dir);
    this.write(() => this.store.put(rec, this.now().toISOString()));
    return rec;
  }

  /**
   * Brings the registry in line with the folders: indexes new folders, re-reads those whose
   * manifest.json or summary.json changed (by mtime, size and inode; others are not read), marks
   * runs whose folder is gone as missing, and reports damaged folders without indexing them.
   */
  sync(): SyncReport {
    const report: SyncReport = { added: [], updated: [], restored: [], missing: [], unchanged: 0, problems: [] };
    const indexed = this.store.indexedState();
    const seen = new Set<string>();
    const puts: RunRecord[] = [];
    const removes: string[] = [];
    for (const name of runFolderNames(this.runsDir)) {
      const dir = join(this.runsDir, name);
      const known = indexed.get(name);
      if (known !== undefined) seen.add(name);
      const stamps = folderStamps(dir);
      if (known !== undefined && stamps !== null && known.missingSince === null && known.dir === dir && known.manifestStamp === stamps.manifest && known.summaryStamp === stamps.summary) {
        report.unchanged += 1;
        continue;
      }
      // A folder with neither file is not a run (or is being created this instant): leave it alone.
      if (known === undefined && !looksLikeRunFolder(dir)) continue;
      try {
        const rec = readRunFolder(dir);
        puts.push(rec);
        if (known === undefined) report.added.push(name);
        else if (known.missingSince !== null) report.restored.push(name);
        else report.updated.push(name);
      } catch (e) {
        // Whatever is wrong with one folder (bad JSON, unreadable file, ...) must not stop the others.
        const hint = isFoxmlError(e) ? e.hint : undefined;
        report.problems.push({ id: name, dir, message: (e as Error)?.message ?? String(e), ...(hint === undefined ? {} : { hint }) });
        if (known !== undefined) removes.push(name);
      }
    }
    const gone = [...indexed].filter(([id, s]) => !seen.has(id) && s.missingSince === null).map(([id]) => id);
    if (puts.length > 0 || removes.length > 0 || gone.length > 0) {
      const at = this.now().toISOString();
      this.write(() => {
        for (const rec of puts) this.store.put(rec, at);
        for (const id of removes) this.store.remove(id);
        for (const id of gone) if (this.store.markMissing(id, at)) report.missing.push(id);
        this.store.pruneConfigs();
      });
    }
    return report;
  }

  /** Runs matching `filter`, newest first (runs whose folder is gone only with `status: "missing"`). */
  listRuns(filter: ListFilter = {}): RunList {
    return this.read(() => this.queries.list(filter));
  }

  /** One run in full, by id, unique id prefix or folder path; InputError when unknown or ambiguous. */
  getRun(idOrPrefix: string): RunDetails {
    return this.read(() => this.queries.details(this.queries.resolveId(idOrPrefix, this.runsDir)));
  }

  /** Compares two or more runs (ids or unique prefixes), the first being the baseline. */
  compareRuns(idsOrPrefixes: readonly string[]): RunComparison {
    return this.read(() => {
      const runs = idsOrPrefixes.map((id) => this.queries.details(this.queries.resolveId(id, this.runsDir)));
      return compareLoadedRuns(runs, (hash) => this.queries.config(hash));
    });
  }

  /** Removes the rows of runs whose folders are gone; returns their ids. */
  pruneMissing(): string[] {
    return this.write(() => {
      const ids = (this.db.prepare("SELECT id FROM runs WHERE missing_since IS NOT NULL ORDER BY id").all() as { id: string }[]).map((r) => r.id);
      for (const id of ids) this.store.remove(id);
      this.store.pruneConfigs();
      return ids;
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write<T>(fn: () => T): T {
    try {
      // IMMEDIATE: take the write lock up front, so two writers queue (busy timeout) instead of
      // one failing when it tries to upgrade a read lock.
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw asRegistryError(e, this.path);
    }
  }

  private read<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (e) {
      throw asRegistryError(e, this.path);
    }
  }
}

/**
 * Opens (creating if needed) the registry of `runsDir`. The folder must exist: a missing runs
 * folder is an InputError naming it.
 */
export function openRegistry(runsDir: string, opts: OpenRegistryOptions = {}): RunRegistry {
  const dir = resolve(runsDir);
  assertRunsDir(dir);
  const opened = openDatabase(join(dir, REGISTRY_FILE), opts);
  return new RunRegistry(dir, opened, opts.now ?? (() => new Date()));
}

/** Opens the registry of the folder holding `runDir`, indexes that run, closes. */
export function registerRun(runDir: string, opts: OpenRegistryOptions = {}): RunRecord {
  const reg = openRegistry(dirname(resolve(runDir)), opts);
  try {
    return reg.registerRun(runDir);
  } finally {
    reg.close();
  }
}

/**
 * `registerRun` for `foxml run`: any problem (busy or read-only registry, ...) goes to `warn` and
 * the run carries on; the next `foxml runs` command indexes the folder anyway. Returns whether the
 * run was registered.
 */
export function tryRegisterRun(runDir: string, warn: (message: string) => void, opts: OpenRegistryOptions = {}): boolean {
  try {
    registerRun(runDir, { busyTimeoutMs: 5_000, ...opts });
    return true;
  } catch (e) {
    const hint = isFoxmlError(e) && e.hint !== undefined ? ` (${e.hint})` : "";
    warn(`the run was not added to the run registry: ${(e as Error)?.message ?? String(e)}${hint}`);
    return false;
  }
}

/** Opens the registry of `runsDir`, syncs it with the folders, closes; returns what changed. */
export function syncRegistry(runsDir: string, opts: OpenRegistryOptions = {}): SyncReport {
  const reg = openRegistry(runsDir, opts);
  try {
    return reg.sync();
  } finally {
    reg.close();
  }
}

function assertRunsDir(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`the runs folder ${dir} does not exist`, "run `foxml run` first, or pass --runs-dir DIR to point at the folder that holds the run folders");
  }
  if (!isDir) throw new InputError(`${dir} is not a folder`, "pass --runs-dir DIR with the folder that holds the run folders");
}

/** Sub-folders of the runs folder that may be runs (hidden and temporary entries are not). */
function runFolderNames(runsDir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(runsDir, { withFileTypes: true });
  } catch (e) {
    throw new FoxmlError(`cannot read the runs folder ${runsDir}: ${(e as Error).message}`, { exitCode: 2 });
  }
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    let isDir = e.isDirectory();
    if (!isDir && e.isSymbolicLink()) {
      try {
        isDir = statSync(join(runsDir, e.name)).isDirectory();
      } catch {
        isDir = false;
      }
    }
    if (isDir) names.push(e.name);
  }
  return names.sort();
}

