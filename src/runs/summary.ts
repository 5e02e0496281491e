/**
 * summary.json: what happened in a run, small enough for a person or an LLM to read instead of the
 * full log. Run status and times, then per stage (in the order stages started): status, duration,
 * an outcome sentence, counts, figures, warnings (deduplicated by message, with counts and a few
 * examples) and errors (type and message, no stacks). Plus run-level headline figures.
 *
 * The file is rewritten atomically at every stage transition, at the first occurrence of each
 * distinct warning, on errors and on headline figures, so a run killed at any moment still leaves
 * a readable, valid summary. Repeats of a known warning and count updates only change memory and
 * reach the file with the next write, which keeps a warning storm from becoming a write storm.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { writeFileAtomic } from "../util/atomic.js";
import { isFoxmlError } from "../util/errors.js";
import type { FoxLogger, LogFields } from "../log/logger.js";
import { redactSecrets, type SecretMasker } from "../log/redact.js";
import { assertStageName } from "./paths.js";
import { StageTimer } from "./stage-timer.js";
import { processCpuSeconds, STAGE_STATUSES, timingTable, TimingRowSchema, type Instant } from "./timing.js";

export { StageTimer } from "./stage-timer.js";
export { STAGE_STATUSES, timingTable, type Instant, type TimingRow } from "./timing.js";

export const SUMMARY_FILE = "summary.json";

const MAX_DISTINCT_WARNINGS = 25;
const MAX_EXAMPLES = 3;
const MAX_ERRORS = 10;
const MAX_TEXT = 500;

const Figure = z.union([z.number(), z.string()]);
const WarningEntry = z.object({ message: z.string(), count: z.number().int().positive(), examples: z.array(z.string()).optional() });
const ErrorEntry = z.object({ type: z.string(), message: z.string(), hint: z.string().optional() });

/**
 * succeeded: the run produced its results; failed: an error stopped it; no_result: it ran to the
 * end of what it could do, but every ranking or training job failed or no target survived, so
 * there is nothing to use (exit code 1, like failed).
 */
export const RUN_STATUSES = ["running", "succeeded", "failed", "no_result"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type StageStatus = (typeof STAGE_STATUSES)[number];

const JobCounts = z.object({ run: z.number().int().nonnegative(), reused: z.number().int().nonnegative() });

const StageSchema = z.object({
  status: z.enum(STAGE_STATUSES),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  duration_s: z.number().nullable(),
  /** CPU time of the whole process (every thread) while the stage ran; null when not measured in one process. */
  cpu_s: z.number().nullable().default(null),
  /** Jobs of the job store this stage computed (`run`) and took from an earlier attempt (`reused`). */
  jobs: JobCounts.default({ run: 0, reused: 0 }),
  /** True when the whole stage was loaded from the job store (its inputs' fingerprints unchanged). */
  reused: z.boolean().default(false),
  outcome: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  figures: z.record(z.string(), Figure),
  warnings: z.array(WarningEntry),
  /** Occurrences of warnings whose message did not fit in the list. */
  other_warnings: z.number().int().nonnegative(),
  errors: z.array(ErrorEntry),
  other_errors: z.number().int().nonnegative(),
});
export type StageSummary = z.infer<typeof StageSchema>;


export const SummarySchema = z.object({
  format: z.literal("foxml.run-summary"),
  format_version: z.literal(1),
  run_id: z.string(),
  name: z.string(),
  config_hash: z.string(),
  status: z.enum(RUN_STATUSES),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_s: z.number().nullable(),
  resumed_at: z.array(z.string()),
  headline: z.record(z.string(), Figure),
  warnings_total: z.number().int().nonnegative(),
  errors_total: z.number().int().nonnegative(),
  stages: z.record(z.string(), StageSchema),
  /** Per-stage wall and CPU seconds and jobs computed vs reused (a view of `stages`, kept in step with it). */
  timings: z.array(TimingRowSchema).default([]),
  /** Errors not tied to a stage (e.g. the one that ended the run). */
  errors: z.array(ErrorEntry),
  /** What the run covered and its key figures, for the run registry (`foxml runs list | show | compare`). */
  targets: z.array(z.string()).optional(),
  families: z.array(z.object({ name: z.string(), variant: z.string().default("") })).optional(),
  metrics: z.array(z.object({ stage: z.string().default(""), target: z.string().default(""), family: z.string().default(""), key: z.string(), value: z.union([z.number(), z.string()]) })).optional(),
});
export type RunSummaryData = z.infer<typeof SummarySchema>;

export interface StageResult {
  /** One sentence a person can read: "ranked 12 targets; 4 pass the IC threshold". */
  outcome?: string;
  figures?: Record<string, number | string>;
  counts?: Record<string, number>;
}

/** The run-level results a summary holds (`RunSummary.results`). */
export type RunResults = { targets: string[]; families: Array<{ name: string; variant: string }>; metrics: NonNullable<RunSummaryData["metrics"]> };

/** What a stage did to the summary beyond its own entry (recorded so a stage loaded on resume can do it again). */
export interface SummaryObserver {
  headline(key: string, value: number | string): void;
  results(r: RunResults): void;
}

/** A finished stage's own entry, without its timing and job counts (which belong to the attempt that ran it). */
export type StageEffects = Pick<StageSummary, "status" | "outcome" | "counts" | "figures" | "warnings" | "other_warnings" | "errors" | "other_errors">;

export interface SummaryOptions {
  path: string;
  log: FoxLogger;
  masker: SecretMasker;
  now?: () => number;
  /** CPU seconds used by the process so far (every thread); default process.cpuUsage(). */
  cpu?: () => number;
}


/** Keeps the run's summary in memory and on disk; one per run (see Run.summary). */
export class RunSummary {
  private readonly data: RunSummaryData;
  private readonly path: string;
  private readonly log: FoxLogger;
  private readonly masker: SecretMasker;
  private readonly now: () => number;
  private readonly cpu: () => number;
  /** Process CPU seconds when each running stage started (this process only). */
  private readonly cpuAtStart = new Map<string, number>();
  private readonly observers = new Set<SummaryObserver>();

  private constructor(data: RunSummaryData, opts: SummaryOptions) {
    this.data = data;
    this.path = opts.path;
    this.log = opts.log;
    this.masker = opts.masker;
    this.now = opts.now ?? Date.now;
    this.cpu = opts.cpu ?? processCpuSeconds;
  }

  /** The current moment, for stageFinished / finish / projectEnd calls that must agree. */
  instant(): Instant {
    return { ms: this.now(), cpuS: this.cpu() };
  }

  /** A new summary (status running) written to `opts.path` at once. */
  static start(ids: { runId: string; name: string; configHash: string; startedAt?: number }, opts: SummaryOptions): RunSummary {
    const now = opts.now ?? Date.now;
    const s = new RunSummary(
      {
        format: "foxml.run-summary",
        format_version: 1,
        run_id: ids.runId,
        name: ids.name,
        config_hash: ids.configHash,
        status: "running",
        started_at: iso(ids.startedAt ?? now()),
        finished_at: null,
        duration_s: null,
        resumed_at: [],
        headline: {},
        warnings_total: 0,
        errors_total: 0,
        stages: {},
        timings: [],
        errors: [],
      },
      opts,
    );
    s.write();
    return s;
  }

  /**
   * Continues the summary of an existing run (resume): status back to running, stages that were
   * running when the run stopped become "interrupted". A missing or unreadable summary is started
   * afresh, with a warning in the log.
   */
  static resume(ids: { runId: string; name: string; configHash: string }, opts: SummaryOptions): RunSummary {
    const loaded = existsSync(opts.path) ? parseSummary(opts.path) : { error: "it does not exist" };
    if ("error" in loaded) {
      opts.log.warn(`summary.json could not be read (${loaded.error}); starting a new one`, { path: opts.path });
      return RunSummary.start(ids, opts);
    }
    const data = loaded.data;
    for (const stage of Object.values(data.stages)) if (stage.status === "running") stage.status = "interrupted";
    data.status = "running";
    data.finished_at = null;
    data.duration_s = null;
    data.resumed_at.push(iso((opts.now ?? Date.now)()));
    const s = new RunSummary(data, opts);
    s.write();
    return s;
  }

  /** A deep copy of the current summary (what summary.json holds after the next write). */
  snapshot(): RunSummaryData {
    return structuredClone(this.data);
  }

  get status(): RunStatus {
    return this.data.status;
  }

  stageStarted(stage: string): void {
    const s = this.stage(stage);
    // A stage that runs again (a resumed run) reports afresh: its earlier warnings, errors and
    // counts leave the totals, so nothing is counted twice or kept after it stopped being true.
    this.data.warnings_total -= s.warnings.reduce((a, w) => a + w.count, 0) + s.other_warnings;
    this.data.errors_total -= s.errors.length + s.other_errors;
    s.warnings = [];
    s.other_warnings = 0;
    s.errors = [];
    s.other_errors = 0;
    s.counts = {};
    s.figures = {};
    s.outcome = null;
    s.status = "running";
    s.started_at = iso(this.now());
    s.finished_at = null;
    s.duration_s = null;
    s.cpu_s = null;
    s.jobs = { run: 0, reused: 0 };
    s.reused = false;
    this.cpuAtStart.set(stage, this.cpu());
    this.log.forStage(stage).info("stage started");
    this.write();
  }

  /** Ends `stage` as succeeded (at `at` when given, so that it matches a projectEnd made before). */
  stageFinished(stage: string, result: StageResult = {}, at: Instant = this.instant()): void {
    const s = this.end(stage, "succeeded", result, at);
    this.log.forStage(stage).info("stage finished", { duration_s: s.duration_s, outcome: s.outcome ?? undefined, figures: s.figures });
    this.write();
  }

  /** Records the stage's error (type and message) and marks it failed. */
  stageFailed(stage: string, error: unknown, result: StageResult = {}): void {
    this.pushError(this.stage(stage), error);
    const s = this.end(stage, "failed", result, this.instant());
    this.log.forStage(stage).error("stage failed", { err: error, duration_s: s.duration_s });
    this.write();
  }

  stageSkipped(stage: string, reason: string): void {
    const s = this.stage(stage);
    s.status = "skipped";
    s.outcome = this.text(reason);
    this.log.forStage(stage).info("stage skipped", { reason });
    this.write();
  }

  /**
   * A warning for a stage: logged every time, listed once per distinct message in the summary with
   * its count. Put variable parts in `fields` (`warn("data", "short history", { symbol })`), not
   * in the message, so repeats deduplicate; the first few field sets are kept as examples.
   */
  warn(stage: string, message: string, fields?: LogFields): void {
    this.log.forStage(stage).warn(message, fields);
    const s = this.stage(stage);
    const text = this.text(message);
    this.data.warnings_total += 1;
    let entry = s.warnings.find((w) => w.message === text);
    const isNew = entry === undefined;
    if (entry === undefined) {
      if (s.warnings.length >= MAX_DISTINCT_WARNINGS) {
        s.other_warnings += 1;
        return;
      }
      entry = { message: text, count: 0 };
      s.warnings.push(entry);
    }
    entry.count += 1;
    if (fields !== undefined && Object.keys(fields).length > 0) {
      const example = this.text(describeFields(redactSecrets(fields, this.masker)));
      entry.examples ??= [];
      if (entry.examples.length < MAX_EXAMPLES && !entry.examples.includes(example)) entry.examples.push(example);
    }
    if (isNew) this.write();
  }

  /** An error that does not (yet) fail the stage, e.g. one job of many. */
  error(stage: string, error: unknown, fields?: LogFields): void {
    this.log.forStage(stage).error(errorMessage(error), { ...fields, err: error });
    this.pushError(this.stage(stage), error);
    this.write();
  }

  /** Counts one job of the job store for `stage`: computed, or reused from an earlier attempt. Reaches the file with the next write. */
  jobCounted(stage: string, reused: boolean): void {
    const jobs = this.stage(stage).jobs;
    if (reused) jobs.reused += 1;
    else jobs.run += 1;
  }

  /** Marks the running `stage` as loaded whole from the job store (its inputs unchanged). */
  stageReused(stage: string): void {
    this.stage(stage).reused = true;
  }

  /** Adds to a stage counter (jobs done, symbols dropped, ...). Reaches the file with the next write. */
  count(stage: string, key: string, delta = 1): void {
    const s = this.stage(stage);
    s.counts[key] = (s.counts[key] ?? 0) + delta;
  }

  /** Sets a stage figure (reaches the file with the next write). */
  figure(stage: string, key: string, value: number | string): void {
    this.stage(stage).figures[key] = figureValue(value);
  }

  /** A run-level figure a reader should see first (best IC, selected features, ...). */
  headline(key: string, value: number | string): void {
    this.data.headline[key] = figureValue(value);
    for (const o of this.observers) o.headline(key, value);
    this.write();
  }

  /** Calls `observer` on every headline and results call until the returned function is called. */
  observe(observer: SummaryObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** A copy of `stage`'s entry as far as a later attempt can restore it (restoreStage). */
  stageEffects(stage: string): StageEffects {
    const s = this.stage(stage);
    return structuredClone({ status: s.status, outcome: s.outcome, counts: s.counts, figures: s.figures, warnings: s.warnings, other_warnings: s.other_warnings, errors: s.errors, other_errors: s.other_errors });
  }

  /**
   * Gives the running `stage` the warnings, errors, counts, figures and outcome an earlier attempt
   * recorded for it (a stage loaded from the job store on resume reports what it found then).
   */
  restoreStage(stage: string, effects: StageEffects): void {
    const s = this.stage(stage);
    s.outcome = effects.outcome;
    s.counts = { ...effects.counts };
    s.figures = { ...effects.figures };
    s.warnings = structuredClone(effects.warnings);
    s.other_warnings = effects.other_warnings;
    s.errors = structuredClone(effects.errors);
    s.other_errors = effects.other_errors;
    this.data.warnings_total += s.warnings.reduce((a, w) => a + w.count, 0) + s.other_warnings;
    this.data.errors_total += s.errors.length + s.other_errors;
  }

  /**
   * Ends the run. Stages still running become "interrupted" (their own failure, if any, should have
   * been recorded with stageFailed). An error given here is listed at run level.
   */
  finish(status: Exclude<RunStatus, "running">, error?: unknown, at: Instant = this.instant()): void {
    for (const [name, s] of Object.entries(this.data.stages)) {
      if (s.status === "running") this.log.forStage(name).warn("stage was still running when the run ended");
    }
    this.endRun(this.data, status, error, at);
    this.write();
  }

  /**
   * What summary.json will hold once the running `stage` finishes with `result` and the run ends
   * with `status`, both at `at`; nothing is written. The report, drawn as the run's last stage,
   * shows this, and the caller then calls stageFinished and finish with the same `at`, so the page
   * and the file agree.
   */
  projectEnd(o: { stage: string; result?: StageResult; status: Exclude<RunStatus, "running">; error?: unknown; at: Instant }): RunSummaryData {
    const data = structuredClone(this.data);
    this.endStage(data, o.stage, "succeeded", o.result ?? {}, o.at);
    this.endRun(data, o.status, o.error, o.at);
    data.timings = timingTable(data);
    return data;
  }

  private endRun(data: RunSummaryData, status: Exclude<RunStatus, "running">, error: unknown, at: Instant): void {
    for (const [name, s] of Object.entries(data.stages)) {
      if (s.status !== "running") continue;
      s.status = "interrupted";
      s.finished_at = iso(at.ms);
      s.duration_s = seconds(s.started_at, at.ms);
      s.cpu_s = this.cpuSince(name, at);
    }
    if (error !== undefined) {
      data.errors_total += 1;
      if (data.errors.length < MAX_ERRORS) data.errors.push(this.errorEntry(error));
    }
    data.status = status;
    data.finished_at = iso(at.ms);
    data.duration_s = seconds(data.started_at, at.ms);
  }

  /** Starts `stage` and returns a timer that ends it. */
  stageTimer(stage: string): StageTimer {
    this.stageStarted(stage);
    return new StageTimer(this, stage, this.now);
  }

  /**
   * Runs `fn` as stage `stage`: started before, finished after (unless `fn` finished or skipped it
   * itself through the timer), failed and re-thrown if `fn` throws.
   */
  async runStage<T>(stage: string, fn: (timer: StageTimer) => Promise<T> | T): Promise<T> {
    const timer = this.stageTimer(stage);
    try {
      const out = await fn(timer);
      if (!timer.ended) timer.finish();
      return out;
    } catch (e) {
      if (!timer.ended) timer.fail(e);
      throw e;
    }
  }

  /**
   * The targets and families the run covered and per-target / per-family metrics, which the run
   * registry indexes; replaces what was set before.
   */
  results(r: RunResults): void {
    for (const o of this.observers) o.results(r);
    this.data.targets = [...r.targets];
    this.data.families = r.families.map((f) => ({ ...f }));
    this.data.metrics = r.metrics.filter((m) => typeof m.value === "string" || Number.isFinite(m.value)).map((m) => ({ ...m }));
    this.write();
  }

  /** Writes summary.json now (also done automatically at every transition). */
  write(): void {
    this.data.timings = timingTable(this.data);
    writeFileAtomic(this.path, this.masker.maskJson(JSON.stringify(this.data, null, 2)) + "\n");
  }

  private stage(name: string): StageSummary {
    assertStageName(name);
    let s = this.data.stages[name];
    if (s === undefined) {
      s = { status: "pending", started_at: null, finished_at: null, duration_s: null, cpu_s: null, jobs: { run: 0, reused: 0 }, reused: false, outcome: null, counts: {}, figures: {}, warnings: [], other_warnings: 0, errors: [], other_errors: 0 };
      this.data.stages[name] = s;
    }
    return s;
  }

  private end(stage: string, status: StageStatus, result: StageResult, at: Instant): StageSummary {
    this.stage(stage);
    const s = this.endStage(this.data, stage, status, result, at);
    this.cpuAtStart.delete(stage);
    return s;
  }

  private endStage(data: RunSummaryData, stage: string, status: StageStatus, result: StageResult, at: Instant): StageSummary {
    const s = data.stages[stage];
    s.status = status;
    s.finished_at = iso(at.ms);
    s.duration_s = seconds(s.started_at, at.ms);
    s.cpu_s = this.cpuSince(stage, at);
    if (result.outcome !== undefined) s.outcome = this.text(result.outcome);
    for (const [k, v] of Object.entries(result.figures ?? {})) s.figures[k] = figureValue(v);
    for (const [k, v] of Object.entries(result.counts ?? {})) s.counts[k] = v;
    return s;
  }

  /** CPU seconds since `stage` started in this process (null when it started in another one). */
  private cpuSince(stage: string, at: Instant): number | null {
    const start = this.cpuAtStart.get(stage);
    return start === undefined ? null : Math.round((at.cpuS - start) * 1000) / 1000;
  }

  private pushError(s: StageSummary, error: unknown): void {
    this.data.errors_total += 1;
    if (s.errors.length < MAX_ERRORS) s.errors.push(this.errorEntry(error));
    else s.other_errors += 1;
  }

  private errorEntry(error: unknown): z.infer<typeof ErrorEntry> {
    const entry: z.infer<typeof ErrorEntry> = { type: errorType(error), message: this.text(errorMessage(error)) };
    if (isFoxmlError(error) && error.hint !== undefined) entry.hint = this.text(error.hint);
    return entry;
  }

  private text(s: string): string {
    const masked = this.masker.mask(s);
    return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT - 1)}…` : masked;
  }
}

function parseSummary(path: string): { data: RunSummaryData } | { error: string } {
  try {
    const parsed = SummarySchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    if (parsed.success) return { data: parsed.data };
    const i = parsed.error.issues[0];
    return { error: `${i.path.join(".") || "(top level)"}: ${i.message}` };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function seconds(startIso: string | null, endMs: number): number | null {
  if (startIso === null) return null;
  return Math.round(endMs - Date.parse(startIso)) / 1000;
}

/** JSON has no NaN or Infinity; keep them readable as text rather than turning them into null. */
function figureValue(v: number | string): number | string {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

function errorType(e: unknown): string {
  if (e instanceof Error) return e.name || e.constructor.name || "Error";
  return typeof e;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === "string" ? e : JSON.stringify(e) ?? String(e);
}

function describeFields(fields: LogFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : v instanceof Error ? v.message : (JSON.stringify(v) ?? String(v))}`)
    .join(" ");
}
