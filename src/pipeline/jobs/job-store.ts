/**
 * The run's job store: every unit of work after the leakage stage (rank one target, select features
 * for one target, train one family on one target, ...) is a job whose result is saved under
 * `jobs/<stage>/<key>.json` when it finishes. `foxml run --resume RUN_DIR` runs the pipeline again on
 * the same folder and takes finished jobs from here instead of computing them, so an interrupted run
 * continues where it stopped and ends with the numbers an uninterrupted run would have.
 *
 * A saved result is reused only when its fingerprint (a hash of the job's inputs: config, features,
 * targets) matches, so a resumed run never mixes results computed from different inputs.
 */
import { existsSync, readFileSync } from "node:fs";
import { hashJson } from "../../util/hash.js";
import type { Run } from "../../runs/run.js";
import { decodeJson, encodeJson } from "./codec.js";

export const JOBS_DIR = "jobs";
const FORMAT = "foxml.job";

export interface JobOutcome<T> {
  value: T;
  /** True when the result came from an earlier (interrupted) attempt of this run. */
  reused: boolean;
  seconds: number;
}

export function safeKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._=-]+/g, "_");
}

/** A job's file, relative to the run folder: `jobs/<stage>/<key>.json`. */
export function jobRelPath(stage: string, key: string): string {
  return `${JOBS_DIR}/${stage}/${safeKey(key)}.json`;
}

/** The value saved in a job file under this fingerprint, or undefined (missing, damaged or stale). */
export function readJobFile(path: string, fingerprint: string): unknown {
  if (!existsSync(path)) return undefined;
  let doc: { format?: string; fingerprint?: string; value?: unknown };
  try {
    doc = decodeJson(readFileSync(path, "utf8")) as typeof doc;
  } catch {
    return undefined; // a damaged file is recomputed (writes are atomic, so this is rare)
  }
  return doc.format === FORMAT && doc.fingerprint === fingerprint ? doc.value : undefined;
}

/** The text of a job file: the value under its stage, key and fingerprint. */
export function encodeJobFile(stage: string, key: string, fingerprint: string, value: unknown): string {
  return encodeJson({ format: FORMAT, stage, key, fingerprint, value });
}

export class JobStore {
  private reusedCount = 0;
  private computedCount = 0;

  /**
   * `base` joins every job's fingerprint: what all jobs depend on beyond their own inputs (the
   * data's fingerprint, so a data file changed between attempts invalidates every saved result).
   */
  constructor(
    private readonly owner: Run,
    private readonly base: unknown = null,
  ) {}

  private fingerprint(inputs: unknown): string {
    return hashJson({ base: this.base, inputs });
  }

  /** Path of a job's file, relative to the run folder. */
  relPath(stage: string, key: string): string {
    return jobRelPath(stage, key);
  }

  /** The saved result of a job with this fingerprint, if any. */
  load<T>(stage: string, key: string, inputs: unknown): T | undefined {
    return readJobFile(this.owner.path(this.relPath(stage, key)), this.fingerprint(inputs)) as T | undefined;
  }

  /**
   * Runs `compute` unless this job finished before with the same inputs; saves its result. Errors
   * propagate (nothing is saved), so a failed job runs again on resume.
   */
  async run<T>(stage: string, key: string, inputs: unknown, compute: () => Promise<T>): Promise<JobOutcome<T>> {
    const t0 = performance.now();
    const saved = this.load<T>(stage, key, inputs);
    if (saved !== undefined) {
      this.reusedCount++;
      this.owner.summary.jobCounted(stage, true);
      this.owner.log.forStage(stage).info("job reused from an earlier attempt", { job: key });
      return { value: saved, reused: true, seconds: (performance.now() - t0) / 1000 };
    }
    const value = await compute();
    this.save(stage, key, inputs, value);
    this.computedCount++;
    this.owner.summary.jobCounted(stage, false);
    return { value, reused: false, seconds: (performance.now() - t0) / 1000 };
  }

  /** Saves a result under this fingerprint (throws, saving nothing, when the value is not plain data). */
  save(stage: string, key: string, inputs: unknown, value: unknown): void {
    this.owner.writeFile(this.relPath(stage, key), encodeJobFile(stage, key, this.fingerprint(inputs), value));
  }

  get counts(): { reused: number; computed: number } {
    return { reused: this.reusedCount, computed: this.computedCount };
  }
}
