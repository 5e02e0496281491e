/**
 * The job-kind registry and the one function every executor calls to run a job: inline in the
 * driver, in a pool worker, or in a `foxml worker` on another machine. A handler turns a JobSpec
 * into the plain value the job store saves; `executeJob` adds what makes jobs safe to run anywhere
 * and any number of times: a result already saved under the spec's fingerprint is not recomputed
 * (idempotence, resume, a job taken up again after a killed worker), and the result is written to a
 * temporary name and renamed, so a worker killed mid-job leaves nothing half-written.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic.js";
import { hashJson } from "../../util/hash.js";
import { encodeJobFile, jobRelPath, readJobFile, safeKey } from "../jobs/job-store.js";
import type { JobSpec } from "./types.js";

/** Computes a job's result (plain data: what the job store can encode). */
export type JobHandler = (spec: JobSpec, signal: AbortSignal) => Promise<unknown>;

const handlers = new Map<string, JobHandler>();

export function registerJobKind(kind: string, handler: JobHandler): void {
  if (handlers.has(kind) && handlers.get(kind) !== handler) throw new Error(`job kind "${kind}" is registered twice`);
  handlers.set(kind, handler);
}

export function registeredJobKinds(): string[] {
  return [...handlers.keys()].sort();
}

function handlerFor(kind: string): JobHandler {
  const h = handlers.get(kind);
  if (h === undefined) {
    throw new Error(`unknown job kind "${kind}" (known: ${registeredJobKinds().join(", ") || "none"}): the worker's code does not match the driver's`);
  }
  return h;
}

/** Where a job's result lives: `<runDir>/jobs/<stage>/<key>.json` (the job store's layout). */
export function jobResultPath(spec: Pick<JobSpec, "runDir" | "stage" | "key">): string {
  return join(spec.runDir, jobRelPath(spec.stage, spec.key));
}

/** The saved result of a job under its spec's fingerprint, or undefined (missing, damaged or stale). */
export function loadJobResult(spec: JobSpec): unknown {
  return readJobFile(jobResultPath(spec), spec.fingerprint);
}

export function saveJobResult(spec: JobSpec, value: unknown): void {
  writeFileAtomic(jobResultPath(spec), encodeJobFile(spec.stage, spec.key, spec.fingerprint, value));
}

export interface ExecutedJob {
  /** True when the result was already saved under the spec's fingerprint. */
  reused: boolean;
  seconds: number;
}

/** Runs a job unless its result is already saved; saves the result atomically. Errors propagate, saving nothing. */
export async function executeJob(spec: JobSpec, opts: { signal?: AbortSignal } = {}): Promise<ExecutedJob> {
  const t0 = performance.now();
  if (loadJobResult(spec) !== undefined) return { reused: true, seconds: (performance.now() - t0) / 1000 };
  const signal = opts.signal ?? new AbortController().signal;
  const value = await handlerFor(spec.kind)(spec, signal);
  signal.throwIfAborted();
  saveJobResult(spec, value);
  return { reused: false, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A built-in kind that does no pipeline work: it hashes its params and, when asked, burns CPU or
 * waits. The scale bench measures the executors' own overhead per job with it, and the executor
 * tests use it to plant slow, failing and crashing jobs without building a whole run.
 */
export interface ProbeParams {
  /** Milliseconds of busy CPU work. */
  spinMs?: number;
  /** Milliseconds of waiting (no CPU). */
  sleepMs?: number;
  /** Fail the first N attempts (counted in `<runDir>/probe-attempts/<key>`). */
  failTimes?: number;
  payload?: unknown;
}

export const PROBE_KIND = "executor.probe";

registerJobKind(PROBE_KIND, async (spec, signal) => {
  const p = (spec.params ?? {}) as ProbeParams;
  if (p.failTimes !== undefined && p.failTimes > 0) {
    const counter = join(spec.runDir, "probe-attempts", safeKey(spec.key));
    const seen = existsSync(counter) ? Number(readFileSync(counter, "utf8")) : 0;
    writeFileAtomic(counter, String(seen + 1));
    if (seen < p.failTimes) throw new Error(`probe job ${spec.key} fails on purpose (attempt ${seen + 1} of ${p.failTimes} planted failures)`);
  }
  if (p.sleepMs !== undefined && p.sleepMs > 0) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, p.sleepMs);
      signal.addEventListener("abort", () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      }, { once: true });
    });
  }
  let acc = 0;
  if (p.spinMs !== undefined && p.spinMs > 0) {
    const until = performance.now() + p.spinMs;
    while (performance.now() < until) for (let i = 0; i < 10_000; i++) acc = (acc + Math.sqrt(i + acc)) % 1e6;
  }
  return { hash: hashJson({ key: spec.key, payload: p.payload ?? null }), spun: acc > -1 };
});
