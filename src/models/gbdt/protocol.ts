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
