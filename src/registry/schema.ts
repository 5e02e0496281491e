/**
 * The registry's SQLite schema, as an ordered list of migrations. The schema version lives in
 * `PRAGMA user_version`; each migration moves it up by one inside a write transaction, so two
 * processes opening an old registry at the same time apply each migration exactly once.
 *
 * To change the schema, append a migration (never edit one that has shipped): registries written by
 * older FoxML versions are then brought forward on open, and a registry written by a newer FoxML is
 * refused with a clear message instead of being misread.
 *
 * Conventions: `runs.id` is the run folder's name (unique within a runs folder by construction);
 * every other table refers to it with `run_id` and is emptied with the run (ON DELETE CASCADE).
 * Where a key has no stage, target or family the column holds '' rather than NULL, so it can be
 * part of a primary key. A figure is either numeric (`num`) or text (`text`), never both.
 */
import type Database from "better-sqlite3";
import { FoxmlError } from "../util/errors.js";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "runs, stages, figures, warnings, errors, targets, families, metrics, configs",
    sql: `
      CREATE TABLE schema_migrations (
        version INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        applied_at TEXT NOT NULL
      );

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,                 -- the run folder's name
        manifest_run_id TEXT NOT NULL,       -- run_id as written in manifest.json (differs if the folder was renamed)
        name TEXT NOT NULL,
        experiment TEXT,
        dir TEXT NOT NULL,                   -- absolute path when last indexed
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        missing_since TEXT,                  -- set when the folder disappeared; the row keeps its last known content
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with milliseconds, so text order is time order
        finished_at TEXT,
        duration_s REAL,
        config_hash TEXT NOT NULL,
        data_fingerprint TEXT,
        seed INTEGER NOT NULL,
        git_commit TEXT,
        git_dirty INTEGER,
        foxml_version TEXT NOT NULL,
        node_version TEXT NOT NULL,
        command TEXT NOT NULL,               -- JSON array of the arguments (secrets already masked by the run)
        cwd TEXT NOT NULL,
        warnings_total INTEGER NOT NULL,
        errors_total INTEGER NOT NULL,
        resumed_at TEXT NOT NULL,            -- JSON array of ISO times
        manifest_stamp TEXT NOT NULL,        -- mtime:size:inode of manifest.json when it was read
        summary_stamp TEXT NOT NULL,         -- same for summary.json: unchanged stamps let a sync skip the folder
        indexed_at TEXT NOT NULL
      );
      CREATE INDEX runs_created_at ON runs (created_at);
      CREATE INDEX runs_name ON runs (name);
      CREATE INDEX runs_config_hash ON runs (config_hash);

      CREATE TABLE stages (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        position INTEGER NOT NULL,           -- order in which the stages started
        status TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_s REAL,
        outcome TEXT,
        other_warnings INTEGER NOT NULL,
        other_errors INTEGER NOT NULL,
        PRIMARY KEY (run_id, stage)
      );

      -- Headline figures (stage '', kind 'headline'), stage figures (kind 'figure') and stage counts (kind 'count').
      CREATE TABLE figures (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('headline', 'figure', 'count')),
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        num REAL,
        text TEXT,
        CHECK ((num IS NULL) <> (text IS NULL)),
        PRIMARY KEY (run_id, stage, kind, key)
      );
      CREATE INDEX figures_key ON figures (kind, key);

      CREATE TABLE warnings (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        position INTEGER NOT NULL,
        message TEXT NOT NULL,
        count INTEGER NOT NULL,
        examples TEXT NOT NULL,              -- JSON array of strings
        PRIMARY KEY (run_id, stage, position)
      );

      -- Errors of a stage, or of the run itself (stage '').
      CREATE TABLE errors (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        position INTEGER NOT NULL,
        type TEXT NOT NULL,
        message TEXT NOT NULL,
        hint TEXT,
        PRIMARY KEY (run_id, stage, position)
      );

      CREATE TABLE targets (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (run_id, target)
      );

      CREATE TABLE families (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        family TEXT NOT NULL,
        variant TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (run_id, family, variant)
      );

      -- Per-target / per-family results (IC per target, AUC per family and target, ...).
      CREATE TABLE metrics (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        target TEXT NOT NULL,
        family TEXT NOT NULL,
        key TEXT NOT NULL,
        num REAL,
        text TEXT,
        CHECK ((num IS NULL) <> (text IS NULL)),
        PRIMARY KEY (run_id, stage, target, family, key)
      );
      CREATE INDEX metrics_key ON metrics (key, target, family);

      -- Resolved configs (secrets redacted), shared by the runs that used them; kept so that runs
      -- can be compared even after their folders were deleted.
      CREATE TABLE configs (
        hash TEXT PRIMARY KEY,
        resolved TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "runs.status may be no_result (a run that ended without anything to use)",
    // SQLite cannot change a CHECK in place: the table is rebuilt (foreign keys are off while
    // migrating, so dropping the old table does not cascade to the rows that refer to it).
    sql: `
      CREATE TABLE runs_v2 (
        id TEXT PRIMARY KEY,                 -- the run folder's name
        manifest_run_id TEXT NOT NULL,       -- run_id as written in manifest.json (differs if the folder was renamed)
        name TEXT NOT NULL,
        experiment TEXT,
        dir TEXT NOT NULL,                   -- absolute path when last indexed
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'no_result')),
        missing_since TEXT,                  -- set when the folder disappeared; the row keeps its last known content
        created_at TEXT NOT NULL,            -- ISO 8601 UTC with milliseconds, so text order is time order
        finished_at TEXT,
        duration_s REAL,
        config_hash TEXT NOT NULL,
        data_fingerprint TEXT,
        seed INTEGER NOT NULL,
        git_commit TEXT,
        git_dirty INTEGER,
        foxml_version TEXT NOT NULL,
        node_version TEXT NOT NULL,
        command TEXT NOT NULL,               -- JSON array of the arguments (secrets already masked by the run)
        cwd TEXT NOT NULL,
        warnings_total INTEGER NOT NULL,
        errors_total INTEGER NOT NULL,
        resumed_at TEXT NOT NULL,            -- JSON array of ISO times
        manifest_stamp TEXT NOT NULL,        -- mtime:size:inode of manifest.json when it was read
        summary_stamp TEXT NOT NULL,         -- same for summary.json: unchanged stamps let a sync skip the folder
        indexed_at TEXT NOT NULL
      );
      INSERT INTO runs_v2 SELECT * FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v2 RENAME TO runs;
      CREATE INDEX runs_created_at ON runs (created_at);
      CREATE INDEX runs_name ON runs (name);
      CREATE INDEX runs_config_hash ON runs (config_hash);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Brings the database to SCHEMA_VERSION; refuses one written by a newer FoxML. */
export function migrate(db: Database.Database, path: string): void {
  const current = () => db.pragma("user_version", { simple: true }) as number;
  if (current() === SCHEMA_VERSION) return;
  // IMMEDIATE takes the write lock before reading the version, so a second process waits and then
  // finds the work done instead of applying the same migration twice.
  db.transaction(() => {
    const from = current();
    if (from > SCHEMA_VERSION) {
      throw new FoxmlError(`the run registry ${path} has schema version ${from}, newer than this FoxML understands (${SCHEMA_VERSION})`, {
        hint: "use a newer FoxML, or delete the registry file: it is an index rebuilt from the run folders",
      });
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)").run(m.version, m.description, new Date().toISOString());
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}
