import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { FoxmlError, InputError } from "../../../util/errors.js";
import type { FitContext, TabularData } from "../../family.js";
import { NN_FAMILIES } from "../families.js";
import type { NnModel } from "../model.js";
import { kernelMode } from "../ops/fused.js";
import { activeNnBackend, type NnBackendChoice } from "../runtime/backend.js";
import { isSequenceData, type SequenceData } from "../sequence-data.js";
import type { FitRequest, WorkerReply } from "./protocol.js";

/**
 * Several neural models trained at once, each in a worker thread with its own tfjs instance (tfjs's
 * engine is per thread, and each worker's wasm backend runs one thread). Results do not depend on
 * the thread count: a job's model depends only on its data, parameters and seed.
 *
 * Large arrays are moved into SharedArrayBuffers once, so jobs that share a feature grid (one grid,
 * several targets or families) share its memory instead of copying it into every worker.
 */

export interface NnJob {
  family: string;
  /** Hyperparameters (validated by the family's schema in the worker). */
  params: unknown;
  seed: number;
  train: TabularData | SequenceData;
  valid?: TabularData | SequenceData;
}

export interface ParallelOptions {
  threads: number;
  /** Backend in the workers; by default the one active in this thread, else the environment's choice. */
  backend?: NnBackendChoice;
  log?: FitContext["log"];
  signal?: AbortSignal;
}

export async function fitNnParallel(jobs: readonly NnJob[], opts: ParallelOptions): Promise<NnModel[]> {
  for (const j of jobs) {
    if (!NN_FAMILIES.some((f) => f.name === j.family)) throw new InputError(`unknown neural family "${j.family}"`, `known: ${NN_FAMILIES.map((f) => f.name).join(", ")}`);
  }
  const threads = Math.max(1, Math.min(Math.floor(opts.threads), jobs.length));
  const backend = opts.backend ?? activeNnBackend() ?? "auto";
  const share = sharer();
  const requests: FitRequest[] = jobs.map((j, id) => ({
    type: "fit",
    id,
    family: j.family,
    params: j.params,
    seed: j.seed,
    backend,
    kernels: kernelMode(),
    train: share.data(j.train),
    valid: j.valid ? share.data(j.valid) : undefined,
  }));
  const results: unknown[] = new Array(jobs.length);
  let next = 0;
  let failure: Error | null = null;
  const workers = await Promise.all(Array.from({ length: threads }, () => startWorker()));
  try {
    await Promise.all(
      workers.map(async (w) => {
        while (next < requests.length && !failure) {
          if (opts.signal?.aborted) throw new FoxmlError("neural training aborted", { exitCode: 1, cause: opts.signal.reason });
          const req = requests[next++];
          try {
            results[req.id] = await runOn(w, req, opts.log);
          } catch (e) {
            failure ??= e as Error;
          }
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure) throw failure;
  return results.map((json, i) => NN_FAMILIES.find((f) => f.name === jobs[i].family)!.load(json));
}

function runOn(w: Worker, req: FitRequest, log: FitContext["log"]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply): void => {
      if (m.type === "log" && m.id === req.id) log?.[m.level]({ job: req.id, ...m.obj }, m.msg);
      else if (m.type === "done" && m.id === req.id) {
        cleanup();
        resolve(m.model);
      } else if (m.type === "error" && m.id === req.id) {
        cleanup();
        reject(m.name === "InputError" ? new InputError(m.message, m.hint) : new FoxmlError(`${req.family} (job ${req.id}): ${m.message}`, { exitCode: m.exitCode ?? 1, hint: m.hint }));
      }
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(new FoxmlError(`a neural training worker failed: ${e.message}`, { exitCode: 1, cause: e }));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new FoxmlError(`a neural training worker exited (code ${code}) during job ${req.id}`, { exitCode: 1, hint: "it may have run out of memory: lower memory_budget_mb or the number of threads" }));
    };
    const cleanup = (): void => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.off("exit", onExit);
    };
    w.on("message", onMessage);
    w.once("error", onError);
    w.once("exit", onExit);
    w.postMessage(req);
  });
}

/** Typed arrays copied into shared memory once per distinct source array. */
function sharer() {
  const seen = new Map<ArrayBufferLike, SharedArrayBuffer>();
  const sh = <A extends Float32Array | Float64Array | Int32Array>(a: A): A => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    let sab = seen.get(a.buffer);
    if (!sab) {
      sab = new SharedArrayBuffer(a.buffer.byteLength);
      new Uint8Array(sab).set(new Uint8Array(a.buffer));
      seen.set(a.buffer, sab);
    }
    const C = a.constructor as new (b: SharedArrayBuffer, o: number, n: number) => A;
    return new C(sab, a.byteOffset, a.length);
  };
  return {
    data(d: TabularData | SequenceData): TabularData | SequenceData {
      if (isSequenceData(d)) return { grid: { ...d.grid, featureNames: [...d.grid.featureNames], values: sh(d.grid.values) }, rows: sh(d.rows), y: sh(d.y), weight: d.weight ? sh(d.weight) : undefined };
      return { ...d, X: sh(d.X), y: sh(d.y), weight: d.weight ? sh(d.weight) : undefined, group: d.group ? sh(d.group) : undefined, initScore: d.initScore ? sh(d.initScore) : undefined };
    },
  };
}

/**
 * Compiled code runs the sibling worker.js; from TypeScript sources (vitest, tsx) the worker is the
 * .ts file through tsx's loader, so tests always run the current source.
 */
function startWorker(): Promise<Worker> {
  const here = import.meta.url;
  let w: Worker;
  if (here.endsWith(".js")) w = new Worker(new URL("./worker.js", here));
  else {
    const tsFile = new URL("./worker.ts", here);
    if (!existsSync(fileURLToPath(tsFile))) throw new FoxmlError(`neural worker source not found at ${fileURLToPath(tsFile)}`, { exitCode: 1 });
    let api: string;
    try {
      api = pathToFileURL(createRequire(here).resolve("tsx/esm/api").replace(/index\.cjs$/, "index.mjs")).href;
    } catch {
      throw new FoxmlError("running neural workers from TypeScript sources needs the tsx package", { exitCode: 1, hint: "run the compiled build (npm run build) or install dev dependencies" });
    }
    w = new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(tsFile.href)}); });`, { eval: true });
  }
  return new Promise((resolve, reject) => {
    const onMsg = (m: WorkerReply): void => {
      if (m.type === "ready") {
        w.off("message", onMsg);
        w.off("error", reject);
        resolve(w);
      }
    };
    w.on("message", onMsg);
    w.once("error", reject);
  });
}
