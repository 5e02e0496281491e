import type { ArenaPointers } from "./engine.js";
import type { WasmMemory } from "./wasm.js";

/** Layout of the shared control array between the training thread and histogram workers. */
export const CTRL = {
  /** Bumped by the main thread for each command; workers wait on it. */
  seq: 0,
  /** Workers that finished the current command. */
  done: 1,
  cmd: 2,
  slot: 3,
  start: 4,
  count: 5,
  /** Active features: the first nActive entries of the shared feature list. */
  nActive: 6,
  /** Set by a worker whose command threw. */
  error: 7,
  /** Per thread: its feature groups [gFrom, gTo), 2 ints per thread. */
  ranges: 8,
} as const;

export const CMD_BUILD = 1;
export const CMD_RELEASE = 2;
/** Partition phase 1: ctrl holds start/count, feature, threshold, miss, missLeft, isCategorical. */
export const CMD_PARTITION = 3;
/** Partition phase 2: per-thread destinations in ctrl. */
export const CMD_PLACE = 4;

/** Partition fields, after the per-thread ranges (2 ints per thread). */
export function partitionFields(threads: number) {
  const base = CTRL.ranges + 2 * threads;
  return { feature: base, threshold: base + 1, miss: base + 2, missLeft: base + 3, categorical: base + 4, counts: base + 5, destL: base + 5 + threads, destR: base + 5 + 2 * threads, size: base + 5 + 3 * threads };
}

/** One-off jobs run through messages (binning); the histogram loop starts with a "serve" message. */
export interface FitBinsJob {
  type: "fitBins";
  X: SharedArrayBuffer;
  nRows: number;
  nFeatures: number;
  features: number[];
  names: string[];
  sample: Int32Array | null;
  opts: { maxBin: number; minDataInBin: number; sampleCount: number; seed: number };
}

export interface BinRowsJob {
  type: "binRows";
  X: SharedArrayBuffer;
  bins: unknown[];
  codes: SharedArrayBuffer;
  packed: SharedArrayBuffer;
  pack: number;
  nRows: number;
  nFeatures: number;
  r0: number;
  r1: number;
}

export type WorkerMessage = ({ type: "serve" } & WorkerInit) | FitBinsJob | BinRowsJob;

export type WorkerReply = { type: "ready" } | { type: "fitBins"; bins: unknown[] } | { type: "binRows" } | { type: "error"; message: string; hint?: string };

export interface WorkerInit {
  index: number;
  threads: number;
  scratch: SharedArrayBuffer;
  scratchOffset: number;
  catMask: SharedArrayBuffer;
  ctrl: SharedArrayBuffer;
  codes: SharedArrayBuffer;
  packed: SharedArrayBuffer;
  pack: number;
  rows: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  features: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  /** Byte offsets of rows, grad, hess and slots in their buffers (non-zero inside the kernel memory). */
  offsetsOf: { rows: number; grad: number; hess: number; slots: number };
  /** The kernel memory, compiled module and offsets, when the engine runs the WebAssembly kernels. */
  arena: { memory: WasmMemory; module: object; ptr: ArenaPointers } | null;
  offsets: number[];
  nBinsOf: number[];
  totalBins: number;
  nRows: number;
  nFeatures: number;
}
