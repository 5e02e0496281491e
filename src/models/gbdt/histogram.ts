/**
 * Histogram construction, the hot loop of training: for the rows of one node, add each row's
 * gradient and hessian into the bin of every (active) feature. Histograms are flat Float64Arrays of
 * [grad, hess] pairs, feature f's bins starting at offsets[f].
 *
 * This module has no imports so that worker threads load it cheaply; both the single-thread path
 * and the workers call the same `buildHistogram`, which makes results independent of thread count.
 */

export type BinCodes = Uint8Array | Uint16Array;

/**
 * Builds the histogram of rows[start, start+count) for features[fFrom, fTo) into hist (pairs at
 * (offsets[f] + bin) * 2). `ordered` is scratch of length >= 2 * count: the node's gradients and
 * hessians gathered into node order first, so that the inner loop reads them sequentially.
 */
export function buildHistogram(
  codes: BinCodes,
  nFeatures: number,
  rows: Int32Array,
  start: number,
  count: number,
  grad: Float64Array,
  hess: Float64Array,
  ordered: Float64Array,
  offsets: Int32Array,
  nBinsOf: Int32Array,
  features: Int32Array,
  fFrom: number,
  fTo: number,
  hist: Float64Array,
): void {
  if (fTo <= fFrom) return;
  for (let j = fFrom; j < fTo; j++) {
    const f = features[j];
    hist.fill(0, offsets[f] << 1, (offsets[f] + nBinsOf[f]) << 1);
  }
  for (let i = 0; i < count; i++) {
    const r = rows[start + i];
    ordered[i << 1] = grad[r];
    ordered[(i << 1) + 1] = hess[r];
  }
  const contiguous = features[fTo - 1] - features[fFrom] === fTo - 1 - fFrom;
  if (contiguous) buildRange(codes, nFeatures, rows, start, count, ordered, offsets, features[fFrom], features[fTo - 1] + 1, hist);
  else buildList(codes, nFeatures, rows, start, count, ordered, offsets, features, fFrom, fTo, hist);
}

/**
 * Features f0..f1-1, two rows per step: the two rows' updates are independent, which lets the CPU
 * overlap them (measured ~20% faster). Each bin still receives its additions in row order, so the
 * sums are exactly those of a one-row-at-a-time loop.
 */
function buildRange(codes: BinCodes, F: number, rows: Int32Array, start: number, count: number, gh: Float64Array, offsets: Int32Array, f0: number, f1: number, hist: Float64Array): void {
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const g1 = gh[i << 1];
    const h1 = gh[(i << 1) + 1];
    const g2 = gh[(i << 1) + 2];
    const h2 = gh[(i << 1) + 3];
    const b1 = rows[start + i] * F;
    const b2 = rows[start + i + 1] * F;
    for (let f = f0; f < f1; f++) {
      const o = offsets[f];
      const x = (o + codes[b1 + f]) << 1;
      hist[x] += g1;
      hist[x + 1] += h1;
      const y = (o + codes[b2 + f]) << 1;
      hist[y] += g2;
      hist[y + 1] += h2;
    }
  }
  if (i < count) {
    const g1 = gh[i << 1];
    const h1 = gh[(i << 1) + 1];
    const b1 = rows[start + i] * F;
    for (let f = f0; f < f1; f++) {
      const x = (offsets[f] + codes[b1 + f]) << 1;
      hist[x] += g1;
      hist[x + 1] += h1;
    }
  }
}

function buildList(codes: BinCodes, F: number, rows: Int32Array, start: number, count: number, gh: Float64Array, offsets: Int32Array, features: Int32Array, fFrom: number, fTo: number, hist: Float64Array): void {
  for (let i = 0; i < count; i++) {
    const g1 = gh[i << 1];
    const h1 = gh[(i << 1) + 1];
    const b1 = rows[start + i] * F;
    for (let j = fFrom; j < fTo; j++) {
      const f = features[j];
      const x = (offsets[f] + codes[b1 + f]) << 1;
      hist[x] += g1;
      hist[x + 1] += h1;
    }
  }
}

/** parent -= child over the bins of the given features (the larger child from parent and smaller). */
export function subtractHistogram(parent: Float64Array, child: Float64Array, offsets: Int32Array, nBinsOf: Int32Array, features: Int32Array, fFrom: number, fTo: number): void {
  for (let j = fFrom; j < fTo; j++) {
    const f = features[j];
    const end = (offsets[f] + nBinsOf[f]) << 1;
    for (let k = offsets[f] << 1; k < end; k++) parent[k] -= child[k];
  }
}

/**
 * The test oracle: the plainest possible histogram of a set of rows over all features, straight
 * from the per-row gradients.
 */
export function referenceHistogram(codes: BinCodes, nFeatures: number, rowList: ArrayLike<number>, grad: ArrayLike<number>, hess: ArrayLike<number>, offsets: Int32Array, totalBins: number): Float64Array {
  const hist = new Float64Array(totalBins * 2);
  for (let k = 0; k < rowList.length; k++) {
    const r = rowList[k];
    for (let f = 0; f < nFeatures; f++) {
      const b = offsets[f] + codes[r * nFeatures + f];
      hist[2 * b] += grad[r];
      hist[2 * b + 1] += hess[r];
    }
  }
  return hist;
}
