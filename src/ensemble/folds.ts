/**
 * Which fold's model produced each out-of-fold prediction, and which of those models are clean
 * for another fold: they never trained on a label that overlaps that fold's test period.
 *
 * cvFit writes the out-of-fold grid fold by fold in plan order, so a cell tested by several folds
 * (CPCV) holds the prediction of the last of them; sourceFolds follows the same rule. A fold that
 * cvFit skipped (too few training rows) leaves its cells NaN or holding an earlier fold's
 * prediction, which this cannot see; such skips are rare and only make the clean test stricter.
 */
import type { CvData } from "../training/cv-data.js";

/** Position (in data.folds) of the fold whose model predicted each cell; -1 for cells never tested. */
export function sourceFolds(data: Pick<CvData, "T" | "S" | "test">): Int32Array {
  const src = new Int32Array(data.T * data.S).fill(-1);
  for (let k = 0; k < data.test.length; k++) for (const c of data.test[k]) src[c] = k;
  return src;
}

/**
 * clean[k][j] is true when the model of fold j never trained at a time whose label window
 * overlaps the labels of fold k's test times: with label window w (the label of t reads bars
 * t+1..t+w), a training time t touches test block [a, b] when a - w + 1 <= t <= b + w - 1.
 *
 * Walk-forward: every earlier fold is clean for a later one (its model trained before its own
 * test period). Purged k-fold: no other fold is clean (each model trained on all other folds).
 * CPCV with two or more test groups: none either.
 */
export function cleanSourceMatrix(data: Pick<CvData, "T" | "folds" | "target">): boolean[][] {
  const { T } = data;
  const w = Math.max(1, data.target.window);
  const K = data.folds.length;
  const touched = new Uint8Array(T);
  const clean: boolean[][] = [];
  for (let k = 0; k < K; k++) {
    touched.fill(0);
    for (const [a, b] of data.folds[k].testBlocks) {
      const lo = Math.max(0, a - w + 1);
      const hi = Math.min(T - 1, b + w - 1);
      for (let t = lo; t <= hi; t++) touched[t] = 1;
    }
    const row: boolean[] = [];
    for (let j = 0; j < K; j++) {
      let ok = true;
      for (const t of data.folds[j].trainTimes) {
        if (t < T && touched[t]) {
          ok = false;
          break;
        }
      }
      row.push(ok);
    }
    clean.push(row);
  }
  return clean;
}
