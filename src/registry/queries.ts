/**
 * Reading the registry: filtered lists of runs, one run in full, run lookup by unique id prefix.
 */
import { basename } from "node:path";
import type Database from "better-sqlite3";
import type { RunStatus } from "../runs/summary.js";
import { InputError } from "../util/errors.js";
import type { ErrorRecord, FamilyRecord, FigureValue, MetricRecord, StageRecord } from "./run-folder.js";

/** A run's status, or "missing" when its folder has been deleted since it was indexed. */
export type DisplayStatus = RunStatus | "missing";
export const DISPLAY_STATUSES: readonly DisplayStatus[] = ["running", "succeeded", "no_result", "failed", "missing"];

export interface RunListEntry {
  id: string;
  name: string;
  experiment: string | null;
  dir: string;
  status: DisplayStatus;
  /** The run's own status as last read (also for a missing folder). */
  runStatus: RunStatus;
  missingSince: string | null;
  createdAt: string;
  finishedAt: string | null;
  durationS: number | null;
  configHash: string;
  dataFingerprint: string | null;
  seed: number;
  gitCommit: string | null;
  gitDirty: boolean | null;
  foxmlVersion: string;
  warningsTotal: number;
  errorsTotal: number;
  headline: Record<string, FigureValue>;
}

export interface RunDetails extends RunListEntry {
  manifestRunId: string;
  nodeVersion: string;
  command: string[];
  cwd: string;
  resumedAt: string[];
  indexedAt: string;
  stages: StageRecord[];
  runErrors: ErrorRecord[];
  targets: string[];
  families: FamilyRecord[];
  metrics: MetricRecord[];
}

export interface ListFilter {
  /** Run name; `*` and `?` make it a glob (`--name 'sweep-*'`). */
  name?: string;
  status?: DisplayStatus;
  /** Runs created at or after this time. */
  since?: Date | string;
  /** At most this many runs, newest first. */
  limit?: number;
}

export interface RunList {
  /** Newest first. */
  runs: RunListEntry[];
  /** Runs matching the filter before `limit` was applied. */
  total: number;
  /** Matching runs left out because their folders are gone (only when no status was asked for). */
  missingHidden: number;
}

interface RunRow {
  id: string;
  manifest_run_id: string;
  name: string;
  experiment: string | null;
  dir: string;
  status: RunStatus;
  missing_since: string | null;
  created_at: string;
  finished_at: string | null;
  duration_s: number | null;
  config_hash: string;
  data_fingerprint: string | null;
  seed: number;
  git_commit: string | null;
  git_dirty: number | null;
  foxml_version: string;
  node_version: string;
  command: string;
  cwd: string;
  warnings_total: number;
  errors_total: number;
  resumed_at: string;
  indexed_at: string;
}

interface ValueRow {
  num: number | null;
  text: string | null;
}

export class RunQueries {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Prepared once per connection: list views run the per-run queries once per listed run. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  list(filter: ListFilter = {}): RunList {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.name !== undefined) {
      where.push(/[*?[]/.test(filter.name) ? "name GLOB ?" : "name = ?");
      params.push(filter.name);
    }
    if (filter.since !== undefined) {
      where.push("created_at >= ?");
      params.push(toIso(filter.since));
    }
    if (filter.limit !== undefined && (!Number.isInteger(filter.limit) || filter.limit < 1)) {
      throw new InputError(`invalid limit ${filter.limit}: give a whole number of runs, 1 or more`);
    }
    const base = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const and = where.length > 0 ? "AND" : "WHERE";
    let statusClause: string;
    if (filter.status === undefined) statusClause = `${and} missing_since IS NULL`;
    else if (filter.status === "missing") statusClause = `${and} missing_since IS NOT NULL`;
    else {
      if (!DISPLAY_STATUSES.includes(filter.status)) {
        throw new InputError(`unknown run status "${String(filter.status)}"`, `use one of: ${DISPLAY_STATUSES.join(", ")}`);
      }
      statusClause = `${and} status = ? AND missing_since IS NULL`;
    }
    const statusParams = filter.status !== undefined && filter.status !== "missing" ? [filter.status] : [];
    const count = (sql: string, p: unknown[]) => (this.db.prepare(`SELECT count(*) AS n FROM runs ${sql}`).get(...p) as { n: number }).n;
    const total = count(`${base} ${statusClause}`, [...params, ...statusParams]);
    const missingHidden = filter.status === undefined ? count(`${base} ${and} missing_since IS NOT NULL`, params) : 0;
    const limit = filter.limit === undefined ? "" : ` LIMIT ${filter.limit}`;
    const rows = this.db.prepare(`SELECT * FROM runs ${base} ${statusClause} ORDER BY created_at DESC, id DESC${limit}`).all(...params, ...statusParams) as RunRow[];
    return { runs: rows.map((r) => this.entry(r)), total, missingHidden };
  }

  /**
   * The run whose id is `idOrPrefix`, or the only one whose id starts with it, or else the newest
   * run of that name. A path to a run folder is accepted too (its last part is the id). Unknown
   * and ambiguous ids are InputErrors.
   */
  resolveId(idOrPrefix: string, runsDir: string): string {
    const wanted = basename(idOrPrefix.trim().replace(/[\\/]+$/, ""));
    if (wanted === "") throw new InputError("no run id given", "pass a run id or the start of one, as `foxml runs list` shows them");
    const exact = this.db.prepare("SELECT id FROM runs WHERE id = ?").get(wanted) as { id: string } | undefined;
    if (exact !== undefined) return exact.id;
    const matches = (this.db.prepare("SELECT id FROM runs WHERE substr(id, 1, length(?)) = ? ORDER BY id").all(wanted, wanted) as { id: string }[]).map((r) => r.id);
    if (matches.length === 1) return matches[0];
    if (matches.length === 0) {
      // A run name (`--name buffer5`) stands for its newest run: ids are `<UTC time>-<name>`.
      const named = this.db.prepare("SELECT id FROM runs WHERE name = ? ORDER BY created_at DESC, id DESC LIMIT 1").get(wanted) as { id: string } | undefined;
      if (named !== undefined) return named.id;
      throw new InputError(`no run with an id starting with "${wanted}" in ${runsDir}`, "`foxml runs list` shows the runs there; pass --runs-dir DIR for another runs folder");
    }
    const shown = matches.slice(0, 8).join(", ");
    const more = matches.length > 8 ? ` and ${matches.length - 8} more` : "";
    throw new InputError(`"${wanted}" matches ${matches.length} runs: ${shown}${more}`, "type more of the id to pick one");
  }

  details(id: string): RunDetails {
    const row = this.stmt("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
    if (row === undefined) throw new InputError(`no run ${id} in the registry`);
    const stageRows = this.stmt("SELECT * FROM stages WHERE run_id = ? ORDER BY position").all(id) as {
      stage: string;
      status: string;
      started_at: string | null;
      finished_at: string | null;
      duration_s: number | null;
      outcome: string | null;
      other_warnings: number;
      other_errors: number;
    }[];
    const stages: StageRecord[] = stageRows.map((s) => ({
      name: s.stage,
      status: s.status,
      startedAt: s.started_at,
      finishedAt: s.finished_at,
      durationS: s.duration_s,
      outcome: s.outcome,
      counts: this.figures(id, s.stage, "count") as Record<string, number>,
      figures: this.figures(id, s.stage, "figure"),
      warnings: (this.stmt("SELECT message, count, examples FROM warnings WHERE run_id = ? AND stage = ? ORDER BY position").all(id, s.stage) as { message: string; count: number; examples: string }[]).map((w) => ({
        message: w.message,
        count: w.count,
        examples: JSON.parse(w.examples) as string[],
      })),
      otherWarnings: s.other_warnings,
      errors: this.errors(id, s.stage),
      otherErrors: s.other_errors,
    }));
    const metrics = (this.stmt("SELECT stage, target, family, key, num, text FROM metrics WHERE run_id = ? ORDER BY stage, target, family, key").all(id) as (ValueRow & { stage: string; target: string; family: string; key: string })[]).map((m) => ({
      stage: m.stage,
      target: m.target,
      family: m.family,
      key: m.key,
      value: value(m),
    }));
    return {
      ...this.entry(row),
      manifestRunId: row.manifest_run_id,
      nodeVersion: row.node_version,
      command: JSON.parse(row.command) as string[],
      cwd: row.cwd,
      resumedAt: JSON.parse(row.resumed_at) as string[],
      indexedAt: row.indexed_at,
      stages,
      runErrors: this.errors(id, ""),
      targets: (this.stmt("SELECT target FROM targets WHERE run_id = ? ORDER BY position").all(id) as { target: string }[]).map((t) => t.target),
      families: (this.stmt("SELECT family, variant FROM families WHERE run_id = ? ORDER BY position").all(id) as { family: string; variant: string }[]).map((f) => ({ name: f.family, variant: f.variant })),
      metrics,
    };
  }

  /** The resolved config stored for a config hash (secrets redacted), or undefined. */
  config(hash: string): unknown {
    const row = this.stmt("SELECT resolved FROM configs WHERE hash = ?").get(hash) as { resolved: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.resolved) as unknown);
  }

  private entry(r: RunRow): RunListEntry {
    return {
      id: r.id,
      name: r.name,
      experiment: r.experiment,
      dir: r.dir,
      status: r.missing_since === null ? r.status : "missing",
      runStatus: r.status,
      missingSince: r.missing_since,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      durationS: r.duration_s,
      configHash: r.config_hash,
      dataFingerprint: r.data_fingerprint,
      seed: r.seed,
      gitCommit: r.git_commit,
      gitDirty: r.git_dirty === null ? null : r.git_dirty === 1,
      foxmlVersion: r.foxml_version,
      warningsTotal: r.warnings_total,
      errorsTotal: r.errors_total,
      headline: this.figures(r.id, "", "headline"),
    };
  }

  private figures(id: string, stage: string, kind: string): Record<string, FigureValue> {
    const rows = this.stmt("SELECT key, num, text FROM figures WHERE run_id = ? AND stage = ? AND kind = ? ORDER BY position").all(id, stage, kind) as (ValueRow & { key: string })[];
    const out: Record<string, FigureValue> = {};
    for (const r of rows) out[r.key] = value(r);
    return out;
  }

  private errors(id: string, stage: string): ErrorRecord[] {
    return this.stmt("SELECT type, message, hint FROM errors WHERE run_id = ? AND stage = ? ORDER BY position").all(id, stage) as ErrorRecord[];
  }
}

function value(r: ValueRow): FigureValue {
  return r.num !== null ? r.num : (r.text ?? "");
}

/** A time filter as ISO text comparable with the stored times. */
function toIso(t: Date | string): string {
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  if (Number.isNaN(ms)) throw new InputError(`invalid time "${String(t)}"`, "give an ISO date or time, e.g. 2026-11-28 or 2026-11-28T10:15:00Z");
  return new Date(ms).toISOString();
}
