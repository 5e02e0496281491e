/** Test oracle: frozen copy of src/models/gbdt/histogram.ts as of 2026-12-07. */
/**
 * Histogram construction, the hot loop of training: for the rows of one node, add each row's
 * gradient and hessian into the bin of every (active) feature. Histograms are flat Float64Arrays of
 * [grad, hess] pairs, feature f's bins starting at offsets[f].
 *
 * Two layouts of the same bin codes, two kernels:
 * - packed: features in groups of 4 (one byte each; 2 when codes need 16 bits) per Uint32 word,
 *   group-major ([group][row]). A pass over one group touches a 16 KB histogram (stays in L1) and
 *   a 2 MB word column per 500k rows (L2/L3). Fastest for nodes holding a fair share of the rows.
 * - row-major ([row][feature]): one cache line per row for all features, so a sparse node (a
 *   small share of rows scattered over the data) costs one miss per row instead of one per group.
 * Both add each bin's rows in the same (ascending row) order, so the choice never changes a sum.
 *
 * This module has no imports so that worker threads load it cheaply; the single-thread path and
 * the workers call the same `buildHistogram`, which makes results independent of thread count.
 */

export type BinCodes = Uint8Array | Uint16Array;

export interface PackedCodes {
  /** Row-major codes [row][feature]. */
  readonly codes: BinCodes;
  /** Group-major packed codes [group][row], `pack` features per Uint32 word. */
  readonly packed: Uint32Array;
  /** Features per word: 4 (8-bit codes) or 2 (16-bit codes). */
  readonly pack: number;
  readonly nRows: number;
  readonly nFeatures: number;
}

/** Nodes with at least this share of all rows use the packed kernel. */
const PACKED_MIN_SHARE = 1 / 20;

/**
 * Builds the histogram of rows[start, start+count) for the active features (features[0, nActive),
 * ascending) that fall in groups [gFrom, gTo), into hist. Bins of every feature of those groups are
 * reset first. `ordered` is scratch of length >= 2 * count: the node's gradients and hessians are
 * gathered into node order so that the inner loops read them sequentially.
 */
export function buildHistogram(
  bins: PackedCodes,
  rows: Int32Array,
  start: number,
  count: number,
  grad: Float64Array,
  hess: Float64Array,
  ordered: Float64Array,
  offsets: Int32Array,
  nBinsOf: Int32Array,
  features: Int32Array,
  nActive: number,
  gFrom: number,
  gTo: number,
  hist: Float64Array,
): void {
  const pack = bins.pack;
  const F = bins.nFeatures;
  // Active features inside the groups.
  let fFrom = 0;
  while (fFrom < nActive && features[fFrom] < gFrom * pack) fFrom++;
  let fTo = fFrom;
  while (fTo < nActive && features[fTo] < gTo * pack) fTo++;
  if (fTo <= fFrom) return;
  const f0 = gFrom * pack;
  const f1 = Math.min(F, gTo * pack);
  hist.fill(0, offsets[f0] << 1, (offsets[f1 - 1] + nBinsOf[f1 - 1]) << 1);
  if (start === 0 && count === bins.nRows && pack === 4) {
    // All rows, so rows[] is the identity (rows stay ascending): read codes and gradients in place.
    let last = -1;
    for (let j = fFrom; j < fTo; j++) {
      const g = Math.floor(features[j] / pack);
      if (g === last) continue;
      last = g;
      const gf = g * pack;
      const word = bins.packed.subarray(g * bins.nRows, (g + 1) * bins.nRows);
      if (gf + 4 <= F) buildGroup4All(word, count, grad, hess, offsets[gf], offsets[gf + 1], offsets[gf + 2], offsets[gf + 3], hist);
      else {
        for (let i = 0; i < count; i++) {
          ordered[i << 1] = grad[i];
          ordered[(i << 1) + 1] = hess[i];
        }
        buildGroupGeneric(word, rows, 0, count, ordered, offsets, gf, Math.min(F, gf + pack), pack, hist);
      }
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const r = rows[start + i];
    ordered[i << 1] = grad[r];
    ordered[(i << 1) + 1] = hess[r];
  }
  if (count >= bins.nRows * PACKED_MIN_SHARE) {
    let last = -1;
    for (let j = fFrom; j < fTo; j++) {
      const g = Math.floor(features[j] / pack);
      if (g === last) continue;
      last = g;
      const word = bins.packed.subarray(g * bins.nRows, (g + 1) * bins.nRows);
      const gf = g * pack;
      if (pack === 4 && gf + 4 <= F) buildGroup4(word, rows, start, count, ordered, offsets[gf], offsets[gf + 1], offsets[gf + 2], offsets[gf + 3], hist);
      else buildGroupGeneric(word, rows, start, count, ordered, offsets, gf, Math.min(F, gf + pack), pack, hist);
    }
  } else if (features[fTo - 1] - features[fFrom] === fTo - 1 - fFrom) {
    buildRowRange(bins.codes, F, rows, start, count, ordered, offsets, features[fFrom], features[fTo - 1] + 1, hist);
  } else {
    buildRowList(bins.codes, F, rows, start, count, ordered, offsets, features, fFrom, fTo, hist);
  }
}

/** Four 8-bit codes per word; two rows per step so that their independent updates overlap. */
function buildGroup4(word: Uint32Array, rows: Int32Array, start: number, count: number, gh: Float64Array, o0: number, o1: number, o2: number, o3: number, h: Float64Array): void {
  const a0 = o0 << 1;
  const a1 = o1 << 1;
  const a2 = o2 << 1;
  const a3 = o3 << 1;
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const v = word[rows[start + i]];
    const w = word[rows[start + i + 1]];
    const gi = gh[i << 1];
    const hi = gh[(i << 1) + 1];
    const gj = gh[(i << 1) + 2];
    const hj = gh[(i << 1) + 3];
    let x = a0 + ((v & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    let y = a0 + ((w & 255) << 1);
    h[y] += gj;
    h[y + 1] += hj;
    x = a1 + (((v >>> 8) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    y = a1 + (((w >>> 8) & 255) << 1);
    h[y] += gj;
    h[y + 1] += hj;
    x = a2 + (((v >>> 16) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    y = a2 + (((w >>> 16) & 255) << 1);
    h[y] += gj;
    h[y + 1] += hj;
    x = a3 + ((v >>> 24) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    y = a3 + ((w >>> 24) << 1);
    h[y] += gj;
    h[y + 1] += hj;
  }
  if (i < count) {
    const v = word[rows[start + i]];
    const gi = gh[i << 1];
    const hi = gh[(i << 1) + 1];
    let x = a0 + ((v & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    x = a1 + (((v >>> 8) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    x = a2 + (((v >>> 16) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    x = a3 + ((v >>> 24) << 1);
    h[x] += gi;
    h[x + 1] += hi;
  }
}

/** buildGroup4 over all rows in order (the root): no row indices, gradients read in place. */
function buildGroup4All(word: Uint32Array, count: number, grad: Float64Array, hess: Float64Array, o0: number, o1: number, o2: number, o3: number, h: Float64Array): void {
  const a0 = o0 << 1;
  const a1 = o1 << 1;
  const a2 = o2 << 1;
  const a3 = o3 << 1;
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const v = word[i];
    const w = word[i + 1];
    const gi = grad[i];
    const hi = hess[i];
    const gj = grad[i + 1];
    const hj = hess[i + 1];
    let x = a0 + ((v & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    let y = a0 + ((w & 255) << 1);
    h[y] += gj;
    h[y + 1] += hj;
    x = a1 + (((v >>> 8) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    y = a1 + (((w >>> 8) & 255) << 1);
    h[y] += gj;
    h[y + 1] += hj;
    x = a2 + (((v >>> 16) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    y = a2 + (((w >>> 16) & 255) << 1);
    h[y] += gj;
    h[y + 1] += hj;
    x = a3 + ((v >>> 24) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    y = a3 + ((w >>> 24) << 1);
    h[y] += gj;
    h[y + 1] += hj;
  }
  if (i < count) {
    const v = word[i];
    const gi = grad[i];
    const hi = hess[i];
    let x = a0 + ((v & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    x = a1 + (((v >>> 8) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    x = a2 + (((v >>> 16) & 255) << 1);
    h[x] += gi;
    h[x + 1] += hi;
    x = a3 + ((v >>> 24) << 1);
    h[x] += gi;
    h[x + 1] += hi;
  }
}

/** A partial group, or 16-bit codes (two per word). */
function buildGroupGeneric(word: Uint32Array, rows: Int32Array, start: number, count: number, gh: Float64Array, offsets: Int32Array, f0: number, f1: number, pack: number, h: Float64Array): void {
  const bits = 32 / pack;
  const mask = pack === 4 ? 255 : 65535;
  for (let i = 0; i < count; i++) {
    const v = word[rows[start + i]];
    const gi = gh[i << 1];
    const hi = gh[(i << 1) + 1];
    for (let f = f0, s = 0; f < f1; f++, s += bits) {
      const x = (offsets[f] + ((v >>> s) & mask)) << 1;
      h[x] += gi;
      h[x + 1] += hi;
    }
  }
}

/** Row-major codes, features f0..f1-1, two rows per step. */
function buildRowRange(codes: BinCodes, F: number, rows: Int32Array, start: number, count: number, gh: Float64Array, offsets: Int32Array, f0: number, f1: number, hist: Float64Array): void {
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

function buildRowList(codes: BinCodes, F: number, rows: Int32Array, start: number, count: number, gh: Float64Array, offsets: Int32Array, features: Int32Array, fFrom: number, fTo: number, hist: Float64Array): void {
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

/** Bin code of (row, feature) from the packed layout. */
export function packedCode(bins: PackedCodes, row: number, f: number): number {
  const g = Math.floor(f / bins.pack);
  const shift = (f - g * bins.pack) * (32 / bins.pack);
  return (bins.packed[g * bins.nRows + row] >>> shift) & (bins.pack === 4 ? 255 : 65535);
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
