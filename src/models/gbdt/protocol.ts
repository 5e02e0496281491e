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
  ctrl: SharedArrayBuffer;
  codes: SharedArrayBuffer;
  packed: SharedArrayBuffer;
  pack: number;
  rows: SharedArrayBuffer;
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  features: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  offsets: number[];
  nBinsOf: number[];
  totalBins: number;
  nRows: number;
  nFeatures: number;
}
