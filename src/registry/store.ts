/**
 * Writing run records into the registry. A run is replaced as a whole (its row deleted, children
 * cascading, then everything inserted again) inside the caller's transaction, so a reader never sees
 * half of an update and registering the same folder twice leaves the same rows.
 */
import type Database from "better-sqlite3";
import { canonicalJson } from "../util/hash.js";
import type { FigureValue, RunRecord } from "./run-folder.js";

/** The stamps and state the registry holds for each run, to decide what a sync must re-read. */
export interface IndexedState {
  manifestStamp: string;
  summaryStamp: string;
  dir: string;
  missingSince: string | null;
}

export class RunStore {
  private readonly deleteRun: Database.Statement;
  private readonly insertRun: Database.Statement;
  private readonly insertStage: Database.Statement;
  private readonly insertFigure: Database.Statement;
  private readonly insertWarning: Database.Statement;
  private readonly insertError: Database.Statement;
  private readonly insertTarget: Database.Statement;
  private readonly insertFamily: Database.Statement;
  private readonly insertMetric: Database.Statement;
  private readonly insertConfig: Database.Statement;
  private readonly markMissingStmt: Database.Statement;
  private readonly pruneConfigsStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.deleteRun = db.prepare("DELETE FROM runs WHERE id = ?");
    this.insertRun = db.prepare(`
      INSERT INTO runs (id, manifest_run_id, name, experiment, dir, status, missing_since, created_at, finished_at, duration_s,
        config_hash, data_fingerprint, seed, git_commit, git_dirty, foxml_version, node_version, command, cwd,
        warnings_total, errors_total, resumed_at, manifest_stamp, summary_stamp, indexed_at)
      VALUES (@id, @manifest_run_id, @name, @experiment, @dir, @status, NULL, @created_at, @finished_at, @duration_s,
        @config_hash, @data_fingerprint, @seed, @git_commit, @git_dirty, @foxml_version, @node_version, @command, @cwd,
        @warnings_total, @errors_total, @resumed_at, @manifest_stamp, @summary_stamp, @indexed_at)`);
    this.insertStage = db.prepare(`
      INSERT INTO stages (run_id, stage, position, status, started_at, finished_at, duration_s, outcome, other_warnings, other_errors)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertFigure = db.prepare("INSERT INTO figures (run_id, stage, kind, key, position, num, text) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.insertWarning = db.prepare("INSERT INTO warnings (run_id, stage, position, message, count, examples) VALUES (?, ?, ?, ?, ?, ?)");
    this.insertError = db.prepare("INSERT INTO errors (run_id, stage, position, type, message, hint) VALUES (?, ?, ?, ?, ?, ?)");
    this.insertTarget = db.prepare("INSERT INTO targets (run_id, target, position) VALUES (?, ?, ?)");
    this.insertFamily = db.prepare("INSERT OR IGNORE INTO families (run_id, family, variant, position) VALUES (?, ?, ?, ?)");
    this.insertMetric = db.prepare("INSERT INTO metrics (run_id, stage, target, family, key, num, text) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.insertConfig = db.prepare("INSERT OR IGNORE INTO configs (hash, resolved) VALUES (?, ?)");
    this.markMissingStmt = db.prepare("UPDATE runs SET missing_since = ? WHERE id = ? AND missing_since IS NULL");
    this.pruneConfigsStmt = db.prepare("DELETE FROM configs WHERE hash NOT IN (SELECT config_hash FROM runs)");
  }

  /** Every indexed run's stamps, keyed by id. */
  indexedState(): Map<string, IndexedState> {
    const rows = this.db.prepare("SELECT id, manifest_stamp, summary_stamp, dir, missing_since FROM runs").all() as {
      id: string;
      manifest_stamp: string;
      summary_stamp: string;
      dir: string;
      missing_since: string | null;
    }[];
    return new Map(rows.map((r) => [r.id, { manifestStamp: r.manifest_stamp, summaryStamp: r.summary_stamp, dir: r.dir, missingSince: r.missing_since }]));
  }

  /** Replaces everything stored about `rec.id` with `rec`. Call inside a transaction. */
  put(rec: RunRecord, indexedAt: string): void {
    const id = rec.id;
    this.deleteRun.run(id);
    this.insertRun.run({
      id,
      manifest_run_id: rec.manifestRunId,
      name: rec.name,
      experiment: rec.experiment,
      dir: rec.dir,
      status: rec.status,
      created_at: rec.createdAt,
      finished_at: rec.finishedAt,
      duration_s: rec.durationS,
      config_hash: rec.configHash,
      data_fingerprint: rec.dataFingerprint,
      seed: rec.seed,
      git_commit: rec.gitCommit,
      git_dirty: rec.gitDirty === null ? null : rec.gitDirty ? 1 : 0,
      foxml_version: rec.foxmlVersion,
      node_version: rec.nodeVersion,
      command: JSON.stringify(rec.command),
      cwd: rec.cwd,
      warnings_total: rec.warningsTotal,
      errors_total: rec.errorsTotal,
      resumed_at: JSON.stringify(rec.resumedAt),
      manifest_stamp: rec.stamps.manifest,
      summary_stamp: rec.stamps.summary,
      indexed_at: indexedAt,
    });
    this.putFigures(id, "", "headline", rec.headline);
    rec.stages.forEach((st, i) => {
      this.insertStage.run(id, st.name, i, st.status, st.startedAt, st.finishedAt, st.durationS, st.outcome, st.otherWarnings, st.otherErrors);
      this.putFigures(id, st.name, "figure", st.figures);
      this.putFigures(id, st.name, "count", st.counts);
      st.warnings.forEach((w, j) => this.insertWarning.run(id, st.name, j, w.message, w.count, JSON.stringify(w.examples)));
      st.errors.forEach((e, j) => this.insertError.run(id, st.name, j, e.type, e.message, e.hint));
    });
    rec.runErrors.forEach((e, j) => this.insertError.run(id, "", j, e.type, e.message, e.hint));
    rec.targets.forEach((t, i) => this.insertTarget.run(id, t, i));
    rec.families.forEach((f, i) => this.insertFamily.run(id, f.name, f.variant, i));
    for (const m of rec.metrics) {
      const [num, text] = split(m.value);
      this.insertMetric.run(id, m.stage, m.target, m.family, m.key, num, text);
    }
    if (rec.config !== undefined) this.insertConfig.run(rec.configHash, configText(rec.config));
  }

  /** Marks a run whose folder is gone; its last known content stays queryable. */
  markMissing(id: string, since: string): boolean {
    return this.markMissingStmt.run(since, id).changes > 0;
  }

  remove(id: string): boolean {
    return this.deleteRun.run(id).changes > 0;
  }

  /** Drops configs no run refers to any more. */
  pruneConfigs(): void {
    this.pruneConfigsStmt.run();
  }

  private putFigures(id: string, stage: string, kind: "headline" | "figure" | "count", values: Record<string, FigureValue>): void {
    let i = 0;
    for (const [key, value] of Object.entries(values)) {
      const [num, text] = split(value);
      this.insertFigure.run(id, stage, kind, key, i++, num, text);
    }
  }
}

/** A figure goes to `num` when it is a finite number, to `text` otherwise (SQLite has no NaN). */
function split(value: FigureValue): [number | null, string | null] {
  return typeof value === "number" && Number.isFinite(value) ? [value, null] : [null, String(value)];
}

function configText(config: unknown): string {
  try {
    return canonicalJson(config);
  } catch {
    return JSON.stringify(config) ?? "null";
  }
}
