/**
 * Whole stages in the job store, so `foxml run --resume` skips a stage whose inputs are unchanged
 * instead of recomputing it. When a stage finishes cleanly its record is saved under
 * `jobs/stages/<stage>.json` with the fingerprint of its inputs: the configuration sections it reads,
 * chained with the fingerprint of the stage before (so a changed input recomputes that stage and
 * everything after it) on top of the job store's base (data fingerprint, code versions, backend).
 *
 * A record holds what the stage gave later stages (its value, encoded by the stage), what it wrote
 * (files, whose existence is checked), and what it told the run: its summary entry (outcome,
 * counts, figures, warnings), the headlines and results it set, and its status records. Loading a
 * stage replays those, so the summary, model_family_status.json and the run folder end as an
 * uninterrupted run leaves them. A stage that recorded an error or a failed job saves no record:
 * it runs again on resume, as failed jobs do.
 */
import { existsSync } from "node:fs";
import type { Run } from "../../runs/run.js";
import type { RunResults, StageEffects } from "../../runs/summary.js";
import type { StatusRecord } from "../../artifacts/run-files.js";
import type { StatusTracker } from "../status.js";
import type { JobStore } from "./job-store.js";

/** The job-store folder of stage records. */
export const STAGES_DIR = "stages";

interface StageRecord {
  value: unknown;
  effects: StageEffects;
  headlines: Array<[string, number | string]>;
  results: RunResults | null;
  status: StatusRecord[];
  files: string[];
}

export class StageStore {
  constructor(
    private readonly run: Run,
    private store: JobStore,
    private readonly status: StatusTracker,
  ) {}

  /** The job store records are kept in (also the one the stages' own jobs use). */
  get jobs(): JobStore {
    return this.store;
  }

  /** Keeps records (and jobs) in `jobs` from now on: once the data are read, under their fingerprint. */
  useJobs(jobs: JobStore): void {
    this.store = jobs;
  }

  /** The saved record of `stage` for these inputs, when there is one and every file it wrote is still there. */
  private record(stage: string, inputs: unknown): StageRecord | undefined {
    const rec = this.store.load<StageRecord>(STAGES_DIR, stage, inputs);
    if (rec === undefined) return undefined;
    return rec.files.every((f) => existsSync(this.run.path(f))) ? rec : undefined;
  }

  /** True when `stage` can be loaded instead of computed for these inputs. */
  has(stage: string, inputs: unknown): boolean {
    return this.record(stage, inputs) !== undefined;
  }

  /**
   * Loads `stage` (which `has` accepted): its summary entry, headlines, results and status records
   * replayed, the stage marked as reused; returns its encoded value.
   */
  load(stage: string, inputs: unknown): unknown {
    const rec = this.record(stage, inputs);
    if (rec === undefined) throw new Error(`stage ${stage}: no record to load`);
    const { summary } = this.run;
    if (rec.effects.status === "skipped") {
      summary.stageSkipped(stage, rec.effects.outcome ?? "");
    } else {
      summary.stageStarted(stage);
      summary.restoreStage(stage, rec.effects);
      summary.stageReused(stage);
      summary.jobCounted(stage, true);
    }
    this.status.replay(rec.status);
    for (const [k, v] of rec.headlines) summary.headline(k, v);
    if (rec.results !== null) summary.results(rec.results);
    if (rec.effects.status !== "skipped") summary.stageFinished(stage);
    this.run.log.forStage(stage).info("stage loaded from an earlier attempt: its inputs are unchanged");
    return rec.value;
  }

  /**
   * Runs `compute` (the stage, which starts and ends its own summary entry) while recording what it
   * does, and saves the record when the stage ended cleanly. `encode` gives the plain-data form of
   * its value (see codec.ts); a value it cannot encode saves no record (the stage recomputes next time).
   */
  async compute<T>(stage: string, inputs: unknown, compute: () => Promise<T>, encode: (value: T) => unknown): Promise<T> {
    const files = new Set<string>();
    const headlines: Array<[string, number | string]> = [];
    let results: RunResults | null = null;
    const status: StatusRecord[] = [];
    const stops = [
      this.run.observeWrites((f) => files.add(f)),
      this.run.summary.observe({ headline: (k, v) => headlines.push([k, v]), results: (r) => (results = structuredClone(r)) }),
      this.status.observe((r) => status.push(r)),
    ];
    let value: T;
    try {
      value = await compute();
    } finally {
      for (const stop of stops) stop();
    }
    const effects = this.run.summary.stageEffects(stage);
    const clean = (effects.status === "succeeded" || effects.status === "skipped") && effects.errors.length === 0 && effects.other_errors === 0 && status.every((r) => r.status !== "failed");
    if (clean) {
      try {
        const rec: StageRecord = { value: encode(value), effects, headlines, results, status, files: [...files].sort() };
        this.store.save(STAGES_DIR, stage, inputs, rec);
      } catch (e) {
        this.run.log.forStage(stage).debug("stage record not saved; the stage will recompute on resume", { error: (e as Error).message });
      }
    }
    return value;
  }
}
