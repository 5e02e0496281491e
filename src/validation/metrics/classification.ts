import { averageRanksInto } from "./ranks.js";

/**
 * Classification metrics. Labels are class indices (binary: 0/1), as targets produce them;
 * NaN labels or scores are skipped. A label outside the expected classes is a programming or
 * data error and throws, because silently scoring it would give a wrong number.
 */

/** Default probability clipping for log loss, as scikit-learn 1.2 (eps = 1e-15). */
export const LOG_LOSS_EPS = 1e-15;

function checkBinaryLabel(y: number, i: number, fn: string): void {
  if (y !== 0 && y !== 1) throw new Error(`${fn}: label at row ${i} is ${y}; binary labels must be 0 or 1`);
}

/**
 * Area under the ROC curve via the Mann-Whitney U statistic with average ranks, so tied scores
 * count one half. NaN when only one class is present.
 */
export function auc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  if (yTrue.length !== score.length) throw new Error(`auc: labels (${yTrue.length}) and scores (${score.length}) differ in length`);
  const n0 = yTrue.length;
  const s = new Float64Array(n0);
  const y = new Uint8Array(n0);
  let n = 0;
  for (let i = 0; i < n0; i++) {
    const yi = yTrue[i];
    const si = score[i];
    if (Number.isNaN(yi) || !Number.isFinite(si)) continue;
    checkBinaryLabel(yi, i, "auc");
    s[n] = si;
    y[n] = yi;
    n++;
  }
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += y[i];
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  const ranks = new Float64Array(n);
  averageRanksInto(s, n, new Int32Array(n), ranks);
  let rankSumPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) rankSumPos += ranks[i];
  const u = rankSumPos - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}

/** Mean binary cross-entropy with probabilities clipped to [eps, 1 - eps]. */
export function logLoss(yTrue: ArrayLike<number>, prob: ArrayLike<number>, eps = LOG_LOSS_EPS): number {
  if (yTrue.length !== prob.length) throw new Error(`logLoss: labels (${yTrue.length}) and probabilities (${prob.length}) differ in length`);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    const p0 = prob[i];
    if (Number.isNaN(y) || Number.isNaN(p0)) continue;
    checkBinaryLabel(y, i, "logLoss");
    const p = Math.min(1 - eps, Math.max(eps, p0));
    sum -= y === 1 ? Math.log(p) : Math.log(1 - p);
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * Mean multiclass cross-entropy. `prob` is row-major [n x K] (the layout TrainedModel.predict
 * returns); each row is clipped to [eps, 1 - eps] and renormalized, as scikit-learn does.
 */
export function multiclassLogLoss(yTrue: ArrayLike<number>, prob: ArrayLike<number>, K: number, eps = LOG_LOSS_EPS): number {
  const n0 = yTrue.length;
  if (prob.length !== n0 * K) throw new Error(`multiclassLogLoss: expected ${n0} x ${K} probabilities, got ${prob.length}`);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < n0; i++) {
    const y = yTrue[i];
    if (Number.isNaN(y)) continue;
    if (!Number.isInteger(y) || y < 0 || y >= K) throw new Error(`multiclassLogLoss: label at row ${i} is ${y}; expected a class index 0..${K - 1}`);
    let rowSum = 0;
    let bad = false;
    for (let k = 0; k < K; k++) {
      const p = prob[i * K + k];
      if (Number.isNaN(p)) bad = true;
      rowSum += Math.min(1 - eps, Math.max(eps, p));
    }
    if (bad) continue;
    const py = Math.min(1 - eps, Math.max(eps, prob[i * K + y])) / rowSum;
    sum -= Math.log(py);
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

/** Share of rows whose predicted label equals the true label (labels compared as numbers). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new Error(`accuracy: labels (${yTrue.length}) and predictions (${yPred.length}) differ in length`);
  let n = 0;
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    const p = yPred[i];
    if (Number.isNaN(y) || Number.isNaN(p)) continue;
    n++;
    if (y === p) hit++;
  }
  return n === 0 ? NaN : hit / n;
}

/** Accuracy of binary probabilities: class 1 when prob > threshold (0.5 by default). */
export function binaryAccuracy(yTrue: ArrayLike<number>, prob: ArrayLike<number>, threshold = 0.5): number {
  if (yTrue.length !== prob.length) throw new Error(`binaryAccuracy: labels (${yTrue.length}) and probabilities (${prob.length}) differ in length`);
  let n = 0;
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    const p = prob[i];
    if (Number.isNaN(y) || Number.isNaN(p)) continue;
    checkBinaryLabel(y, i, "binaryAccuracy");
    n++;
    if ((p > threshold ? 1 : 0) === y) hit++;
  }
  return n === 0 ? NaN : hit / n;
}

/** Accuracy of row-major [n x K] class probabilities: predicted class = argmax (lowest index on ties). */
export function multiclassAccuracy(yTrue: ArrayLike<number>, prob: ArrayLike<number>, K: number): number {
  const n0 = yTrue.length;
  if (prob.length !== n0 * K) throw new Error(`multiclassAccuracy: expected ${n0} x ${K} probabilities, got ${prob.length}`);
  let n = 0;
  let hit = 0;
  for (let i = 0; i < n0; i++) {
    const y = yTrue[i];
    if (Number.isNaN(y)) continue;
    let best = -1;
    let bestP = -Infinity;
    for (let k = 0; k < K; k++) {
      const p = prob[i * K + k];
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best < 0) continue;
    n++;
    if (best === y) hit++;
  }
  return n === 0 ? NaN : hit / n;
}

/**
 * Directional hit rate: share of rows where the prediction and the realized value have the same
 * sign. Rows where either is zero carry no direction and are left out.
 */
export function hitRate(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (pred.length !== actual.length) throw new Error(`hitRate: pred (${pred.length}) and actual (${actual.length}) differ in length`);
  let n = 0;
  let hit = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i];
    const a = actual[i];
    if (!Number.isFinite(p) || !Number.isFinite(a) || p === 0 || a === 0) continue;
    n++;
    if (p > 0 === a > 0) hit++;
  }
  return n === 0 ? NaN : hit / n;
}
