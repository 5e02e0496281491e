/**
 * The executor contract: how the pipeline hands its jobs (rank one target, select for one target,
 * train one family on one target, one nested fold's search, ...) to whatever runs them, inline in
 * the driver, in a pool of local workers, or on any number of machines through BullMQ on Redis.
 *
 * A job travels as a JobSpec: references and fingerprints, never data. Whoever runs it rebuilds
 * what it reads from the shared store the spec names (the run folder, on a shared filesystem or a
 * mounted bucket), runs the handler its `kind` names, and saves the result in the run's job store
 * (`jobs/<stage>/<key>.json`, written to a temporary name and renamed) under the spec's
 * fingerprint. The driver reads results from there, in the order it listed the jobs, so results
 * are identical whatever the executor, the number of workers and the order in which jobs finish.
 *
 * Jobs are idempotent: a job whose result is already in the store with its fingerprint is not run
 * again (a retried job, a job taken up again after a killed worker's lock expired, a resumed run).
 */

/** What a job needs to be run anywhere: plain JSON only. */
export interface JobSpec {
  /** The handler that runs it, in the job-kind registry (e.g. "training.family"). */
  kind: string;
  /** Job-store folder and key: the result is saved under `jobs/<stage>/<key>.json`. */
  stage: string;
  key: string;
  /** Absolute path of the run folder in the shared store. */
  runDir: string;
  /** The job store's fingerprint of the job's inputs (base + inputs): the result is valid only under it. */
  fingerprint: string;
  /** What the handler reads besides the run's own context: target name, family config, fold, features... */
  params: unknown;
  /** Estimated peak memory of the job in bytes (the pool never runs jobs together that do not fit). */
  memoryBytes: number;
  /** The code version of the driver (package version + source hash): workers refuse other versions. */
  codeVersion: string;
}

/** How one job ended, as the executor reports it to the driver. */
export type JobSettled =
  | { status: "done"; spec: JobSpec; attempts: number; seconds: number; worker: string }
  | { status: "failed"; spec: JobSpec; attempts: number; error: { message: string; hint?: string }; worker: string | null }
  | { status: "cancelled"; spec: JobSpec };

/** Progress an executor reports while jobs run (for `foxml runs watch` and the progress bar). */
export interface ExecutorEvents {
  onSettled?(settled: JobSettled, index: number): void;
  onStarted?(spec: JobSpec, index: number, worker: string): void;
}

export interface Executor {
  readonly name: "inline" | "pool" | "redis";
  /**
   * Runs every job (those already in the store are settled as done without running) and resolves
   * with one JobSettled per job, in the order given. A failing job is retried with backoff up to
   * the configured attempts, then reported as failed; the others carry on. Never rejects for a job's
   * own failure; rejects only when the executor itself cannot go on (e.g. Redis unreachable for good).
   */
  runAll(jobs: readonly JobSpec[], events?: ExecutorEvents): Promise<JobSettled[]>;
  /** Stops taking jobs; jobs not started settle as cancelled. */
  cancel(): Promise<void>;
  close(): Promise<void>;
}
