import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { FoxmlError, InputError } from "../../util/errors.js";
import { allocEngineBuffers, kernelCall, partitionWithKernel, SerialEngine, sharedI32, type EngineBuffers } from "./engine.js";
import { buildHistogram, type KernelCall } from "./histogram.js";
import type { BinnedTrainData, HistogramEngine } from "./learner.js";
import { allocBinMatrix, binningSample, binRowsInto, fitCategorical, fitNumericBins, type BinningOptions, type FeatureBins } from "./binning.js";
import type { PackedCodes } from "./histogram.js";
import { partitionChunk, partitionChunkKernel, placeChunk } from "./partition.js";
import { CMD_BUILD, CMD_PARTITION, CMD_PLACE, CMD_RELEASE, CTRL, partitionFields, type WorkerInit, type WorkerMessage, type WorkerReply } from "./protocol.js";

/**
 * Histograms built by several threads, split by feature: each feature's bins are filled by exactly
 * one thread from the same rows in the same order, so the sums (and so the trees) are bit-identical
 * whatever the thread count. The calling thread takes the first share of features itself.
 */

/** When work is worth waking the workers for (tests lower them to exercise the threaded paths on small data). */
const limits = {
  /** Below this many bin updates a node is built on the calling thread. */
  minUpdates: 40_000,
  /** Nodes with fewer rows are partitioned on the calling thread. */
  minPartitionRows: 100_000,
  /** Below this many rows x features a run stays single-threaded. */
  minData: 200_000,
};

/** Test hook: lower (or restore) the sizes above which threads are used. Returns the previous values. */
export function setParallelLimits(next: Partial<typeof limits>): typeof limits {
  const prev = { ...limits };
  Object.assign(limits, next);
  return prev;
}

export interface ClosableEngine extends HistogramEngine {
  close(): void;
}

export async function createEngine(data: BinnedTrainData, numLeaves: number, maxDepth: number, threads: number): Promise<ClosableEngine> {
  const t = Math.max(1, Math.floor(threads));
  if (t <= 1 || data.nRows * data.nFeatures < limits.minData || data.nFeatures < 2) return new SerialEngine(data, numLeaves, maxDepth);
  const engine = new ParallelEngine(data, numLeaves, maxDepth, Math.min(t, data.nFeatures));
  await engine.start();
  return engine;
}

class ParallelEngine implements ClosableEngine {
  readonly rows: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly nSlots: number;
  private readonly buffers: EngineBuffers;
  private readonly slotLen: number;
  private readonly ctrl: Int32Array;
  private readonly features: Int32Array;
  private readonly ordered: Float64Array;
  private readonly scratch: Int32Array;
  private readonly catMask: Uint8Array;
  private readonly kc: KernelCall | null;
  private workers: Worker[] = [];

  constructor(private readonly data: BinnedTrainData, numLeaves: number, maxDepth: number, private readonly threads: number) {
    this.buffers = allocEngineBuffers(data, numLeaves, maxDepth, threads);
    this.rows = this.buffers.rows;
    this.grad = this.buffers.grad;
    this.hess = this.buffers.hess;
    this.nSlots = this.buffers.nSlots;
    this.slotLen = this.buffers.slotLen;
    this.ctrl = sharedI32(partitionFields(threads).size + 2);
    this.scratch = this.buffers.scratch;
    this.catMask = new Uint8Array(new SharedArrayBuffer(65_536));
    this.features = sharedI32(data.nFeatures);
    this.ordered = this.buffers.ordered(0);
    this.kc = kernelCall(this.buffers.arena, data.nRows, 0);
  }

  async start(): Promise<void> {
    this.workers = await acquireWorkers(this.threads - 1);
    const d = this.data;
    await Promise.all(
      this.workers.map((w, i) => {
        const init: WorkerInit = {
          index: i + 1,
          threads: this.threads,
          scratch: this.scratch.buffer as SharedArrayBuffer,
          scratchOffset: this.scratch.byteOffset,
          catMask: this.catMask.buffer as SharedArrayBuffer,
          ctrl: this.ctrl.buffer as SharedArrayBuffer,
          codes: d.matrix.codes.buffer as SharedArrayBuffer,
          packed: d.matrix.packed.buffer as SharedArrayBuffer,
          pack: d.matrix.pack,
          rows: this.rows.buffer as SharedArrayBuffer,
          grad: this.grad.buffer as SharedArrayBuffer,
          hess: this.hess.buffer as SharedArrayBuffer,
          features: this.features.buffer as SharedArrayBuffer,
          slots: this.buffers.slotsAll.buffer as SharedArrayBuffer,
          offsetsOf: { rows: this.rows.byteOffset, grad: this.grad.byteOffset, hess: this.hess.byteOffset, slots: this.buffers.slotsAll.byteOffset },
          arena: this.buffers.arena,
          offsets: Array.from(d.offsets),
          nBinsOf: Array.from(d.nBinsOf),
          totalBins: d.totalBins,
          nRows: d.nRows,
          nFeatures: d.nFeatures,
        };
        return new Promise<void>((resolve, reject) => {
          const onMsg = (m: WorkerReply): void => {
            if (m.type === "ready" || m.type === "error") {
              w.off("message", onMsg);
              w.off("error", reject);
              if (m.type === "ready") resolve();
              else reject(new FoxmlError(`GBDT worker could not start: ${m.message}`, { exitCode: 1 }));
            }
          };
          w.on("message", onMsg);
          w.once("error", reject);
          w.postMessage({ type: "serve", ...init });
        });
      }),
    );
  }

  slot(i: number): Float64Array {
    return this.buffers.slotsAll.subarray(i * this.slotLen, (i + 1) * this.slotLen);
  }

  build(slot: number, start: number, count: number, features: Int32Array, nFeatures: number): void {
    const d = this.data;
    const hist = this.slot(slot);
    const pack = d.matrix.pack;
    const nGroups = Math.ceil(d.nFeatures / pack);
    const kc = this.kc;
    if (kc) kc.hist = this.buffers.arena!.ptr.slots + slot * this.slotLen * 8;
    if (count * nFeatures < limits.minUpdates || this.workers.length === 0) {
      buildHistogram(d.matrix, this.rows, start, count, this.grad, this.hess, this.ordered, d.offsets, d.nBinsOf, features, nFeatures, 0, nGroups, hist, kc);
      return;
    }
    // Split the active feature groups into one contiguous share per thread.
    const groups: number[] = [];
    for (let j = 0; j < nFeatures; j++) {
      const g = Math.floor(features[j] / pack);
      if (groups.length === 0 || groups[groups.length - 1] !== g) groups.push(g);
    }
    const ctrl = this.ctrl;
    this.features.set(features.subarray(0, nFeatures));
    const T = this.threads;
    for (let t = 0; t < T; t++) {
      const a = Math.floor((t * groups.length) / T);
      const b = Math.floor(((t + 1) * groups.length) / T);
      ctrl[CTRL.ranges + 2 * t] = a < b ? groups[a] : 0;
      ctrl[CTRL.ranges + 2 * t + 1] = a < b ? groups[b - 1] + 1 : 0;
    }
    ctrl[CTRL.slot] = slot;
    ctrl[CTRL.start] = start;
    ctrl[CTRL.count] = count;
    ctrl[CTRL.nActive] = nFeatures;
    this.command(CMD_BUILD);
    buildHistogram(d.matrix, this.rows, start, count, this.grad, this.hess, this.ordered, d.offsets, d.nBinsOf, this.features, nFeatures, ctrl[CTRL.ranges], ctrl[CTRL.ranges + 1], hist, kc);
    this.waitWorkers();
    this.checkError();
  }

  /**
   * Stable partition of rows[start, start+count) by one split; returns the left count, or -1 when
   * the node is small enough for the caller's single-thread partition.
   */
  partition(start: number, count: number, feature: number, thresholdBin: number, missBin: number, defaultLeft: boolean, catBins: Int32Array | null): number {
    if (count < limits.minPartitionRows || this.workers.length === 0) {
      if (!this.kc || catBins) return -1;
      return partitionWithKernel(this.kc, this.rows, this.scratch, this.data.nRows, start, count, feature, thresholdBin, missBin, defaultLeft);
    }
    const ctrl = this.ctrl;
    const T = this.threads;
    const pf = partitionFields(T);
    const m = this.data.matrix;
    if (catBins) {
      this.catMask.fill(0);
      for (const b of catBins) this.catMask[b] = 1;
    }
    ctrl[CTRL.start] = start;
    ctrl[CTRL.count] = count;
    ctrl[pf.feature] = feature;
    ctrl[pf.threshold] = thresholdBin;
    ctrl[pf.miss] = missBin;
    ctrl[pf.missLeft] = defaultLeft ? 1 : 0;
    ctrl[pf.categorical] = catBins ? 1 : 0;
    const c0 = start;
    const c1 = start + Math.floor(count / T);
    this.command(CMD_PARTITION);
    const g = Math.floor(feature / m.pack);
    const word = m.packed.subarray(g * m.nRows, (g + 1) * m.nRows);
    const shift = (feature - g * m.pack) * (32 / m.pack);
    ctrl[pf.counts] =
      this.kc && !catBins
        ? partitionChunkKernel(this.kc, m.nRows, c0, c1, feature, thresholdBin, missBin, defaultLeft ? 1 : 0)
        : partitionChunk(this.rows, this.scratch, word, shift, m.pack === 4 ? 255 : 65535, c0, c1, thresholdBin, missBin, defaultLeft ? 1 : 0, catBins ? this.catMask : null);
    this.waitWorkers();
    this.checkError();
    let total = 0;
    for (let t = 0; t < T; t++) total += ctrl[pf.counts + t];
    let dl = start;
    let dr = start + total;
    for (let t = 0; t < T; t++) {
      const a = start + Math.floor((t * count) / T);
      const b = start + Math.floor(((t + 1) * count) / T);
      ctrl[pf.destL + t] = dl;
      ctrl[pf.destR + t] = dr;
      dl += ctrl[pf.counts + t];
      dr += b - a - ctrl[pf.counts + t];
    }
    this.command(CMD_PLACE);
    placeChunk(this.rows, this.scratch, c0, c1, ctrl[pf.counts], ctrl[pf.destL], ctrl[pf.destR]);
    this.waitWorkers();
    this.checkError();
    return total;
  }

  private checkError(): void {
    if (Atomics.load(this.ctrl, CTRL.error) !== 0) throw new FoxmlError("a GBDT worker thread failed", { exitCode: 1 });
  }

  private command(cmd: number): void {
    Atomics.store(this.ctrl, CTRL.done, 0);
    Atomics.store(this.ctrl, CTRL.error, 0);
    Atomics.store(this.ctrl, CTRL.cmd, cmd);
    Atomics.add(this.ctrl, CTRL.seq, 1);
    Atomics.notify(this.ctrl, CTRL.seq);
  }

  private waitWorkers(): void {
    const want = this.workers.length;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL.done);
      if (done >= want) return;
      if (Atomics.wait(this.ctrl, CTRL.done, done, 60_000) === "timed-out" && Atomics.load(this.ctrl, CTRL.done) === done) {
        throw new FoxmlError("a GBDT histogram worker stopped responding", { exitCode: 1 });
      }
    }
  }

  close(): void {
    if (this.workers.length === 0) return;
    this.command(CMD_RELEASE);
    this.waitWorkers();
    releaseWorkers(this.workers);
    this.workers = [];
  }
}

/**
 * Bin cut points (features split across threads) and bin codes (rows split across threads); the
 * same per-feature and per-row functions as the single-thread path, so the result is identical.
 */
export async function binInParallel(X: Float32Array, nRows: number, nFeatures: number, names: readonly string[], categorical: ReadonlySet<number>, opts: BinningOptions, threads: number): Promise<{ bins: FeatureBins[]; matrix: PackedCodes }> {
  const t = Math.max(1, Math.floor(threads));
  const numeric: number[] = [];
  for (let f = 0; f < nFeatures; f++) if (!categorical.has(f)) numeric.push(f);
  const sample = binningSample(nRows, opts);
  if (t <= 1 || nRows * nFeatures < limits.minData) {
    const fitted = fitNumericBins(X, nRows, nFeatures, numeric, names, sample, opts);
    const bins = assembleBins(X, nRows, nFeatures, names, categorical, opts, fitted);
    const matrix = allocBinMatrix(nRows, nFeatures, bins);
    binRowsInto(X, bins, matrix, 0, nRows);
    return { bins, matrix };
  }
  const workers = await acquireWorkers(t - 1);
  try {
    let xs = X;
    if (!(X.buffer instanceof SharedArrayBuffer) || X.byteOffset !== 0) {
      xs = new Float32Array(new SharedArrayBuffer(Math.max(8, nRows * nFeatures * 4)), 0, nRows * nFeatures);
      xs.set(X.subarray(0, nRows * nFeatures));
    }
    const xBuf = xs.buffer as SharedArrayBuffer;
    const share = (i: number, of: number): [number, number] => [Math.floor((i * of) / t), Math.floor(((i + 1) * of) / t)];
    // Each phase: workers take their shares by message while this thread does the first share; a
    // failure anywhere waits for every job to settle, so no worker goes back to the pool busy.
    const phase = async <R>(jobs: Promise<WorkerReply>[], mine: () => R): Promise<{ mine: R; theirs: WorkerReply[] }> => {
      let own: R;
      try {
        own = mine();
      } catch (e) {
        await Promise.allSettled(jobs);
        throw e;
      }
      const settled = await Promise.allSettled(jobs);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
      return { mine: own, theirs: settled.map((r) => (r as PromiseFulfilledResult<WorkerReply>).value) };
    };
    const fitJobs = workers.map((w, i) => {
      const [a, b] = share(i + 1, numeric.length);
      return request(w, { type: "fitBins", X: xBuf, nRows, nFeatures, features: numeric.slice(a, b), names: names.slice(), sample, opts: { ...opts } });
    });
    const [a0, b0] = share(0, numeric.length);
    const fit = await phase(fitJobs, () => fitNumericBins(xs, nRows, nFeatures, numeric.slice(a0, b0), names, sample, opts));
    const fitted = [...fit.mine, ...fit.theirs.flatMap((r) => (r.type === "fitBins" ? (r.bins as FeatureBins[]) : []))];
    const bins = assembleBins(xs, nRows, nFeatures, names, categorical, opts, fitted);
    const matrix = allocBinMatrix(nRows, nFeatures, bins);
    const rowJobs = workers.map((w, i) => {
      const [r0, r1] = share(i + 1, nRows);
      return request(w, {
        type: "binRows",
        X: xBuf,
        bins,
        codes: matrix.codes.buffer as SharedArrayBuffer,
        packed: matrix.packed.buffer as SharedArrayBuffer,
        pack: matrix.pack,
        nRows,
        nFeatures,
        r0,
        r1,
      });
    });
    const [r0, r1] = share(0, nRows);
    await phase(rowJobs, () => binRowsInto(xs, bins, matrix, r0, r1));
    return { bins, matrix };
  } finally {
    releaseWorkers(workers);
  }
}

function assembleBins(X: Float32Array, nRows: number, nFeatures: number, names: readonly string[], categorical: ReadonlySet<number>, opts: BinningOptions, numericBins: FeatureBins[]): FeatureBins[] {
  const out: FeatureBins[] = [];
  for (let f = 0, j = 0; f < nFeatures; f++) out.push(categorical.has(f) ? fitCategorical(X, nRows, nFeatures, f, names[f], opts.maxBin) : numericBins[j++]);
  return out;
}

/** Sends a one-off job and resolves with the worker's reply; a worker-side error becomes an InputError. */
function request(w: Worker, msg: WorkerMessage): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (r: WorkerReply): void => {
      cleanup();
      if (r.type === "error") reject(new InputError(r.message, r.hint));
      else resolve(r);
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(new FoxmlError(`GBDT worker failed: ${e.message}`, { exitCode: 1 }));
    };
    const cleanup = (): void => {
      w.off("message", onMessage);
      w.off("error", onError);
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.postMessage(msg);
  });
}

// Idle workers are kept (unref'd, so they never hold the process open) and reused by later fits.
const idle: Worker[] = [];

async function acquireWorkers(k: number): Promise<Worker[]> {
  const out: Worker[] = [];
  while (out.length < k && idle.length > 0) out.push(idle.pop()!);
  while (out.length < k) out.push(spawnWorker());
  return out;
}

function releaseWorkers(ws: Worker[]): void {
  idle.push(...ws);
}

/**
 * Compiled code runs the sibling worker.js. From TypeScript sources (vitest, tsx) the worker is the
 * .ts file loaded through tsx's loader, so tests and benchmarks always run the current source, never
 * a stale build.
 */
function spawnWorker(): Worker {
  const here = import.meta.url;
  let w: Worker;
  if (here.endsWith(".js")) {
    w = new Worker(new URL("./worker.js", here));
  } else {
    const tsFile = new URL("./worker.ts", here);
    if (!existsSync(fileURLToPath(tsFile))) throw new FoxmlError(`GBDT worker source not found at ${fileURLToPath(tsFile)}`, { exitCode: 1 });
    let api: string;
    try {
      const req = createRequire(here);
      api = pathToFileURL(req.resolve("tsx/esm/api").replace(/index\.cjs$/, "index.mjs")).href;
    } catch {
      throw new FoxmlError("running GBDT threads from TypeScript sources needs the tsx package", { exitCode: 1, hint: "run the compiled build (npm run build) or install dev dependencies" });
    }
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(tsFile.href)}); });`;
    w = new Worker(code, { eval: true });
  }
  w.unref();
  w.on("error", () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  return w;
}
