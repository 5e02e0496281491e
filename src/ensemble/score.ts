import { scorePredictions, type Score } from "../leakage/quick-model.js";
import type { CvData } from "../training/cv-data.js";

/** Scores the predictions of `pred` at `cells` only (as cvFit scores a fold), or of every cell. */
export function scoreCells(data: CvData, pred: Float64Array, cells?: ArrayLike<number>): Score {
  const { T, S } = data;
  if (cells === undefined) return scorePredictions(pred, data.y, T, S, data.task, data.target.window);
  const grid = new Float64Array(T * S).fill(NaN);
  for (let i = 0; i < cells.length; i++) grid[cells[i]] = pred[cells[i]];
  return scorePredictions(grid, data.y, T, S, data.task, data.target.window);
}

/** The fold's test cells whose out-of-fold prediction came from the fold's own model (all of them except under CPCV). */
export function ownTestCells(test: Int32Array, source: Int32Array, k: number): Int32Array {
  let n = 0;
  for (const c of test) if (source[c] === k) n++;
  if (n === test.length) return test;
  const out = new Int32Array(n);
  n = 0;
  for (const c of test) if (source[c] === k) out[n++] = c;
  return out;
}
