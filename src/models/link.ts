/**
 * Output links shared by model families: raw scores -> probabilities.
 */

/**
 * Softmax of output-major raw scores (`raw[k * nRows + r]`, as boosters and linear models
 * accumulate them) into row-major probabilities (`out[r * K + k]`, as TrainedModel.predict returns
 * them). The row maximum is subtracted first so large scores cannot overflow.
 */
export function softmaxOutputMajor(raw: Float64Array, K: number, nRows: number): Float64Array {
  const out = new Float64Array(K * nRows);
  for (let r = 0; r < nRows; r++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, raw[k * nRows + r]);
    let s = 0;
    for (let k = 0; k < K; k++) s += out[r * K + k] = Math.exp(raw[k * nRows + r] - mx);
    for (let k = 0; k < K; k++) out[r * K + k] /= s;
  }
  return out;
}
