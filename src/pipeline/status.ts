/**
 * `model_family_status.json`: what happened to every job, per stage, target, family and symbol —
 * succeeded, failed (error type and message), no signal, or skipped — with its score and top feature.
 * Rewritten atomically after every record, so a killed run leaves an accurate file. A failing family
 * never stops the run: its failure is recorded here and the run ends with a table of what failed.
 */
import type { Run } from "../runs/run.js";
import { isFoxmlError } from "../util/errors.js";
import type { StatusFile, StatusRecord } from "../artifacts/run-files.js";

export const STATUS_FILE = "model_family_status.json";

export class StatusTracker {
  private readonly records: StatusRecord[] = [];
  private readonly observers = new Set<(record: StatusRecord) => void>();

  constructor(private readonly run: Run) {}

  add(record: Partial<StatusRecord> & Pick<StatusRecord, "stage" | "status">): void {
    const full: StatusRecord = { target: null, family: null, symbol: null, error: null, score: null, top_feature: null, seconds: null, ...record };
    this.records.push(full);
    for (const o of this.observers) o(full);
    this.write();
  }

  /** Adds the records a stage made in an earlier attempt (a stage loaded on resume), writing the file once. */
  replay(records: readonly StatusRecord[]): void {
    if (records.length === 0) return;
    for (const r of records) {
      const copy = structuredClone(r);
      this.records.push(copy);
      for (const o of this.observers) o(copy);
    }
    this.write();
  }

  /** Calls `observer` with every record added until the returned function is called. */
  observe(observer: (record: StatusRecord) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Records a failure from an exception. */
  fail(record: Omit<Partial<StatusRecord>, "status" | "error"> & Pick<StatusRecord, "stage">, error: unknown): void {
    this.add({ ...record, status: "failed", error: errorInfo(error) });
  }

  /** Replaces the records of one stage (a stage that re-runs on resume records itself afresh). */
  clearStage(stage: StatusRecord["stage"]): void {
    for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i].stage === stage) this.records.splice(i, 1);
  }

  file(): StatusFile {
    const counts: StatusFile["counts"] = { succeeded: 0, failed: 0, no_signal: 0, skipped: 0 };
    for (const r of this.records) counts[r.status]++;
    return { records: this.records, counts };
  }

  failures(): StatusRecord[] {
    return this.records.filter((r) => r.status === "failed");
  }

  write(): void {
    this.run.writeJson(STATUS_FILE, this.file());
  }
}

export function errorInfo(error: unknown): { type: string; message: string } {
  if (error instanceof Error) return { type: isFoxmlError(error) ? error.constructor.name : error.name || "Error", message: error.message };
  return { type: typeof error, message: String(error) };
}

/** The end-of-run table of failures (empty string when nothing failed). */
export function failureTable(records: readonly StatusRecord[]): string {
  const failed = records.filter((r) => r.status === "failed");
  if (failed.length === 0) return "";
  const rows = failed.map((r) => [r.stage, r.target ?? "-", r.family ?? "-", r.symbol ?? "-", r.error?.type ?? "", oneLine(r.error?.message ?? "")]);
  const head = ["stage", "target", "family", "symbol", "error", "message"];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [`${failed.length} job(s) failed:`, line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
