/**
 * Histogram worker thread. Receives the shared buffers of one training run by message, then serves
 * build commands through a shared control array (Atomics wait/notify: microseconds per command
 * instead of a message round trip) until told to release them.
 */
import { parentPort } from "node:worker_threads";
import { binRowsInto, fitNumericBins, type FeatureBins } from "./binning.js";
import { kernelCall } from "./engine.js";
import { buildHistogram, type PackedCodes } from "./histogram.js";
import { partitionChunk, partitionChunkKernel, placeChunk } from "./partition.js";
import { CTRL, CMD_BUILD, CMD_PARTITION, CMD_PLACE, CMD_RELEASE, partitionFields, type BinRowsJob, type FitBinsJob, type WorkerInit, type WorkerMessage, type WorkerReply } from "./protocol.js";

if (!parentPort) throw new Error("gbdt worker must run in a worker thread");
const port = parentPort;

port.on("message", (msg: WorkerMessage) => {
  try {
    if (msg.type === "serve") serve(msg);
    else if (msg.type === "fitBins") reply({ type: "fitBins", bins: fitBins(msg) });
    else if (msg.type === "binRows") {
      binRows(msg);
      reply({ type: "binRows" });
    }
  } catch (e) {
    const err = e as { message?: string; hint?: string };
    reply({ type: "error", message: String(err.message ?? e), hint: err.hint });
  }
});

function reply(r: WorkerReply): void {
  port.postMessage(r);
}

function fitBins(job: FitBinsJob): FeatureBins[] {
  const X = new Float32Array(job.X, 0, job.nRows * job.nFeatures);
  return fitNumericBins(X, job.nRows, job.nFeatures, job.features, job.names, job.sample, job.opts);
}

function binRows(job: BinRowsJob): void {
  const X = new Float32Array(job.X, 0, job.nRows * job.nFeatures);
  const m: PackedCodes = {
    codes: job.pack === 2 ? new Uint16Array(job.codes) : new Uint8Array(job.codes),
    packed: new Uint32Array(job.packed),
    pack: job.pack,
    nRows: job.nRows,
    nFeatures: job.nFeatures,
  };
  binRowsInto(X, job.bins as FeatureBins[], m, job.r0, job.r1);
}

function serve(init: WorkerInit): void {
  const ctrl = new Int32Array(init.ctrl);
  const matrix: PackedCodes = {
    codes: init.pack === 2 ? new Uint16Array(init.codes) : new Uint8Array(init.codes),
    packed: new Uint32Array(init.packed),
    pack: init.pack,
    nRows: init.nRows,
    nFeatures: init.nFeatures,
  };
  const n = init.nRows;
  const at = init.offsetsOf;
  const rows = new Int32Array(init.rows, at.rows, n);
  const grad = new Float64Array(init.grad, at.grad, n);
  const hess = new Float64Array(init.hess, at.hess, n);
  const features = new Int32Array(init.features);
  const slots = new Float64Array(init.slots, at.slots);
  const offsets = Int32Array.from(init.offsets);
  const nBinsOf = Int32Array.from(init.nBinsOf);
  const slotLen = init.totalBins * 2 + 2;
  const me = init.index;
  const kc = kernelCall(init.arena, n, me);
  const ordered = init.arena ? new Float64Array(init.arena.memory.buffer, init.arena.ptr.ordered + 16 * n * me, 2 * n) : new Float64Array(2 * n);
  const T = init.threads;
  const pf = partitionFields(T);
  const scratch = new Int32Array(init.scratch, init.scratchOffset, n);
  const catMask = new Uint8Array(init.catMask);
  const chunk = (): [number, number] => {
    const start = ctrl[CTRL.start];
    const count = ctrl[CTRL.count];
    return [start + Math.floor((me * count) / T), start + Math.floor(((me + 1) * count) / T)];
  };
  // Read the command counter before saying ready: the first command may come at once, and a
  // counter read after it would make this thread wait for a command that has already been issued.
  let seen = Atomics.load(ctrl, CTRL.seq);
  reply({ type: "ready" });
  for (;;) {
    Atomics.wait(ctrl, CTRL.seq, seen);
    seen = Atomics.load(ctrl, CTRL.seq);
    const cmd = Atomics.load(ctrl, CTRL.cmd);
    if (cmd === CMD_RELEASE) {
      finish(ctrl);
      return;
    }
    if (cmd === CMD_PARTITION || cmd === CMD_PLACE) {
      try {
        const [c0, c1] = chunk();
        if (cmd === CMD_PARTITION) {
          const f = ctrl[pf.feature];
          const g = Math.floor(f / matrix.pack);
          const word = matrix.packed.subarray(g * matrix.nRows, (g + 1) * matrix.nRows);
          const shift = (f - g * matrix.pack) * (32 / matrix.pack);
          const mask = matrix.pack === 4 ? 255 : 65535;
          ctrl[pf.counts + me] =
            kc && !ctrl[pf.categorical]
              ? partitionChunkKernel(kc, n, c0, c1, f, ctrl[pf.threshold], ctrl[pf.miss], ctrl[pf.missLeft])
              : partitionChunk(rows, scratch, word, shift, mask, c0, c1, ctrl[pf.threshold], ctrl[pf.miss], ctrl[pf.missLeft], ctrl[pf.categorical] ? catMask : null);
        } else {
          placeChunk(rows, scratch, c0, c1, ctrl[pf.counts + me], ctrl[pf.destL + me], ctrl[pf.destR + me]);
        }
      } catch (e) {
        failed(ctrl, e);
      }
    }
    if (cmd === CMD_BUILD) {
      try {
        const slot = ctrl[CTRL.slot];
        const hist = slots.subarray(slot * slotLen, (slot + 1) * slotLen);
        const gFrom = ctrl[CTRL.ranges + 2 * me];
        const gTo = ctrl[CTRL.ranges + 2 * me + 1];
        if (kc) kc.hist = init.arena!.ptr.slots + slot * slotLen * 8;
        buildHistogram(matrix, rows, ctrl[CTRL.start], ctrl[CTRL.count], grad, hess, ordered, offsets, nBinsOf, features, ctrl[CTRL.nActive], gFrom, gTo, hist, kc);
      } catch (e) {
        failed(ctrl, e);
      }
    }
    finish(ctrl);
  }
}

/** The training thread cannot read messages while it waits: flag the failure and say why on stderr. */
function failed(ctrl: Int32Array, e: unknown): void {
  process.stderr.write(`foxml gbdt worker: command failed: ${String((e as Error)?.stack ?? e)}\n`);
  Atomics.store(ctrl, CTRL.error, 1);
}

function finish(ctrl: Int32Array): void {
  Atomics.add(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
