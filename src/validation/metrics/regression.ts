/**
 * Regression errors over the pairs where both the prediction and the target are finite (NaN
 * marks a missing label or prediction and is skipped, never counted as zero).
 */

export interface RegressionMetrics {
  n: number;
  mse: number;
  mae: number;
  /** 1 - SS_res / SS_tot around the target mean (scikit-learn's r2_score); NaN when the target is constant. */
  r2: number;
}

export function regressionMetrics(pred: ArrayLike<number>, target: ArrayLike<number>): RegressionMetrics {
  if (pred.length !== target.length) throw new Error(`regressionMetrics: pred (${pred.length}) and target (${target.length}) differ in length`);
  let n = 0;
  let sumY = 0;
  for (let i = 0; i < pred.length; i++) {
    if (Number.isFinite(pred[i]) && Number.isFinite(target[i])) {
      n++;
      sumY += target[i];
    }
  }
  if (n === 0) return { n: 0, mse: NaN, mae: NaN, r2: NaN };
  const meanY = sumY / n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i];
    const y = target[i];
    if (Number.isFinite(p) && Number.isFinite(y)) {
      const e = y - p;
      sse += e * e;
      sae += Math.abs(e);
      sst += (y - meanY) * (y - meanY);
    }
  }
  return { n, mse: sse / n, mae: sae / n, r2: sst > 0 ? 1 - sse / sst : NaN };
}

export const mse = (pred: ArrayLike<number>, target: ArrayLike<number>): number => regressionMetrics(pred, target).mse;
export const mae = (pred: ArrayLike<number>, target: ArrayLike<number>): number => regressionMetrics(pred, target).mae;
export const r2 = (pred: ArrayLike<number>, target: ArrayLike<number>): number => regressionMetrics(pred, target).r2;
