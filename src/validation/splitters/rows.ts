import type { Fold } from "./fold.js";

/**
 * From time folds to rows. A Dataset's rows are the (t, s) cells with a valid label (and
 * features); symbols with different histories simply contribute rows at different times. Because
 * the purge is by time, every row inherits its fold membership from its time index.
 */

/** Times at which at least one symbol has a valid cell in a time-major T x S mask (index t * S + s). */
export function eligibleTimes(valid: ArrayLike<number>, T: number, S: number): Int32Array {
  if (valid.length !== T * S) throw new Error(`eligibleTimes: mask has ${valid.length} cells, expected T*S = ${T * S}`);
  const out = new Int32Array(T);
  let n = 0;
  for (let t = 0; t < T; t++) {
    const base = t * S;
    for (let s = 0; s < S; s++) {
      if (valid[base + s]) {
        out[n++] = t;
        break;
      }
    }
  }
  return out.slice(0, n);
}

/** A validity mask of the cells where every given grid is finite (e.g. the target and the features). */
export function finiteMask(T: number, S: number, ...grids: ArrayLike<number>[]): Uint8Array {
  const mask = new Uint8Array(T * S).fill(1);
  for (const g of grids) {
    if (g.length !== T * S) throw new Error(`finiteMask: a grid has ${g.length} cells, expected T*S = ${T * S}`);
    for (let i = 0; i < mask.length; i++) if (mask[i] && !Number.isFinite(g[i])) mask[i] = 0;
  }
  return mask;
}

function membership(fold: Fold, maxTime: number): Uint8Array {
  // 1 = train, 2 = test
  const m = new Uint8Array(maxTime + 1);
  for (const t of fold.trainTimes) if (t <= maxTime) m[t] = 1;
  for (const t of fold.testTimes) if (t <= maxTime) m[t] = 2;
  return m;
}

/**
 * Row positions of a Dataset whose i-th row has time index rowTimes[i]: those whose time is a
 * training time and those whose time is a test time, each in row order.
 */
export function foldRows(fold: Fold, rowTimes: ArrayLike<number>): { train: Int32Array; test: Int32Array } {
  let maxTime = -1;
  for (let i = 0; i < rowTimes.length; i++) if (rowTimes[i] > maxTime) maxTime = rowTimes[i];
  const m = membership(fold, maxTime);
  let nTrain = 0;
  let nTest = 0;
  for (let i = 0; i < rowTimes.length; i++) {
    const k = m[rowTimes[i]];
    if (k === 1) nTrain++;
    else if (k === 2) nTest++;
  }
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  nTrain = 0;
  nTest = 0;
  for (let i = 0; i < rowTimes.length; i++) {
    const k = m[rowTimes[i]];
    if (k === 1) train[nTrain++] = i;
    else if (k === 2) test[nTest++] = i;
  }
  return { train, test };
}

/**
 * Grid cells (index t * S + s) of a time-major validity mask that fall in the fold's training and
 * test times, in time-major order.
 */
export function foldCells(fold: Fold, valid: ArrayLike<number>, T: number, S: number): { train: Int32Array; test: Int32Array } {
  if (valid.length !== T * S) throw new Error(`foldCells: mask has ${valid.length} cells, expected T*S = ${T * S}`);
  if (T * S > 2 ** 31 - 1) throw new Error("foldCells: panel too large for 32-bit cell indices");
  const collect = (times: Int32Array): Int32Array => {
    let n = 0;
    for (const t of times) if (t < T) for (let s = 0; s < S; s++) if (valid[t * S + s]) n++;
    const out = new Int32Array(n);
    n = 0;
    for (const t of times) if (t < T) for (let s = 0; s < S; s++) if (valid[t * S + s]) out[n++] = t * S + s;
    return out;
  };
  return { train: collect(fold.trainTimes), test: collect(fold.testTimes) };
}
