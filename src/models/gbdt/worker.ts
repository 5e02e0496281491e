/**
 * Histogram worker thread. Receives the shared buffers of one training run by message, then serves
 * build commands through a shared control array (Atomics wait/notify: microseconds per command
 * instead of a message round trip) until told to release them.
 */
import { parentPort } from "node:worker_threads";
import { buildHistogram, type PackedCodes } from "./histogram.js";
import { CTRL, CMD_BUILD, CMD_RELEASE, type WorkerInit } from "./protocol.js";

if (!parentPort) throw new Error("gbdt worker must run in a worker thread");
const port = parentPort;

port.on("message", (msg: WorkerInit) => {
  serve(msg);
});

function serve(init: WorkerInit): void {
  const ctrl = new Int32Array(init.ctrl);
  const matrix: PackedCodes = {
    codes: init.pack === 2 ? new Uint16Array(init.codes) : new Uint8Array(init.codes),
    packed: new Uint32Array(init.packed),
    pack: init.pack,
    nRows: init.nRows,
    nFeatures: init.nFeatures,
  };
  const rows = new Int32Array(init.rows);
  const grad = new Float64Array(init.grad);
  const hess = new Float64Array(init.hess);
  const features = new Int32Array(init.features);
  const slots = new Float64Array(init.slots);
  const offsets = Int32Array.from(init.offsets);
  const nBinsOf = Int32Array.from(init.nBinsOf);
  const slotLen = init.totalBins * 2;
  const ordered = new Float64Array(2 * init.nRows);
  const me = init.index;
  port.postMessage("ready");
  let seen = Atomics.load(ctrl, CTRL.seq);
  for (;;) {
    Atomics.wait(ctrl, CTRL.seq, seen);
    seen = Atomics.load(ctrl, CTRL.seq);
    const cmd = Atomics.load(ctrl, CTRL.cmd);
    if (cmd === CMD_RELEASE) {
      finish(ctrl);
      return;
    }
    if (cmd === CMD_BUILD) {
      try {
        const slot = ctrl[CTRL.slot];
        const hist = slots.subarray(slot * slotLen, (slot + 1) * slotLen);
        const gFrom = ctrl[CTRL.ranges + 2 * me];
        const gTo = ctrl[CTRL.ranges + 2 * me + 1];
        buildHistogram(matrix, rows, ctrl[CTRL.start], ctrl[CTRL.count], grad, hess, ordered, offsets, nBinsOf, features, ctrl[CTRL.nActive], gFrom, gTo, hist);
      } catch {
        Atomics.store(ctrl, CTRL.error, 1);
      }
    }
    finish(ctrl);
  }
}

function finish(ctrl: Int32Array): void {
  Atomics.add(ctrl, CTRL.done, 1);
  Atomics.notify(ctrl, CTRL.done);
}
