/**
 * Correlated-feature clusters, so the selection does not spend its places on ten versions of one
 * idea (momentum over 10, 12 and 15 days; three volatility estimators).
 *
 * Correlations are computed on a seeded subsample of the panel's cells (Spearman by default: ranks,
 * so a fat-tailed feature and its winsorized copy are recognized as one). Features are then
 * clustered by agglomerative hierarchical clustering on the distance 1 - |corr|, cut where the
 * linkage distance would exceed 1 - threshold: with average linkage two groups merge while their
 * mean |corr| reaches the threshold; complete linkage asks it of their weakest pair, single
 * linkage of their strongest (which chains).
 *
 * Clustering keeps each row's nearest neighbour: a merge can only move a row's distances to the
 * merged pair up (for all three linkages), so only rows whose neighbour was one of the pair are
 * searched again, and the whole run is about O(F^2) instead of O(F^3).
 */
import type { Linkage } from "./schema.js";

/**
 * |correlation| between every two features on the given cells, row-major F x F with 1 on the
 * diagonal. Pairs use the cells where both are finite; a pair with fewer than 3 such cells or a
 * constant side gets 0. Spearman ranks each feature once over its finite cells (with missing
 * values the pair's ranks are then not re-ranked on the shared cells: close to, not exactly,
 * Spearman on the pairwise-complete cells).
 */
export function absCorrelations(
  features: readonly string[],
  grids: ReadonlyMap<string, Float32Array>,
  cells: Int32Array,
  method: "spearman" | "pearson",
): Float64Array {
  const F = features.length;
  const n = cells.length;
  const cols: Float64Array[] = [];
  const complete = new Uint8Array(F);
  for (let f = 0; f < F; f++) {
    const g = grids.get(features[f]);
    if (g === undefined) throw new Error(`cluster: feature "${features[f]}" has no grid`);
    const v = new Float64Array(n);
    let finite = 0;
    for (let i = 0; i < n; i++) {
      const x = g[cells[i]];
      v[i] = Number.isFinite(x) ? x : NaN;
      if (v[i] === v[i]) finite++;
    }
    const col = method === "spearman" ? ranksWithNaN(v) : v;
    complete[f] = finite === n ? 1 : 0;
    if (complete[f]) standardizeInPlace(col);
    cols.push(col);
  }
  const out = new Float64Array(F * F);
  for (let a = 0; a < F; a++) {
    out[a * F + a] = 1;
    for (let b = a + 1; b < F; b++) {
      const r = complete[a] && complete[b] ? dotMean(cols[a], cols[b]) : pairwisePearson(cols[a], cols[b]);
      const v = Number.isFinite(r) ? Math.min(1, Math.abs(r)) : 0;
      out[a * F + b] = v;
      out[b * F + a] = v;
    }
  }
  return out;
}

/** Average ranks of the finite values (1-based), NaN elsewhere. */
function ranksWithNaN(v: Float64Array): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) idx.push(i);
  idx.sort((a, b) => v[a] - v[b] || a - b);
  const out = new Float64Array(v.length).fill(NaN);
  let i = 0;
  while (i < idx.length) {
    let j = i + 1;
    while (j < idx.length && v[idx[j]] === v[idx[i]]) j++;
    const r = (i + 1 + j) / 2;
    for (let q = i; q < j; q++) out[idx[q]] = r;
    i = j;
  }
  return out;
}

/** Centres and scales to unit variance (population); a constant column becomes all zero. */
function standardizeInPlace(v: Float64Array): void {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - m) ** 2;
  const sd = Math.sqrt(ss / n);
  for (let i = 0; i < n; i++) v[i] = sd > 0 ? (v[i] - m) / sd : 0;
}

function dotMean(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s / a.length;
}

function pairwisePearson(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === a[i] && b[i] === b[i]) {
      n++;
      ma += a[i];
      mb += b[i];
    }
  }
  if (n < 3) return NaN;
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === a[i] && b[i] === b[i]) {
      const x = a[i] - ma;
      const y = b[i] - mb;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Cluster label per feature (0..C-1, numbered by each cluster's lowest feature index) from an
 * F x F |correlation| matrix: merges while the linkage distance (1 - |corr|) is at most
 * 1 - threshold. Deterministic: ties go to the lowest indices.
 */
export function clusterFeatures(absCorr: Float64Array, F: number, threshold: number, linkage: Linkage): Int32Array {
  if (absCorr.length !== F * F) throw new Error(`clusterFeatures: matrix has ${absCorr.length} entries, expected ${F * F}`);
  const cut = 1 - threshold + 1e-12;
  const d = new Float64Array(F * F);
  for (let i = 0; i < F * F; i++) d[i] = 1 - absCorr[i];
  const size = new Int32Array(F).fill(1);
  const active = new Uint8Array(F).fill(1);
  const parent = Int32Array.from({ length: F }, (_, i) => i);
  const nnDist = new Float64Array(F);
  const nn = new Int32Array(F);
  const findNn = (i: number) => {
    let best = Infinity;
    let arg = -1;
    for (let j = 0; j < F; j++) {
      if (j === i || !active[j]) continue;
      const x = d[i * F + j];
      if (x < best) {
        best = x;
        arg = j;
      }
    }
    nnDist[i] = best;
    nn[i] = arg;
  };
  for (let i = 0; i < F; i++) findNn(i);
  for (let step = 0; step < F - 1; step++) {
    let a = -1;
    let best = Infinity;
    for (let i = 0; i < F; i++) {
      if (active[i] && nnDist[i] < best) {
        best = nnDist[i];
        a = i;
      }
    }
    if (a < 0 || best > cut) break;
    let b = nn[a];
    if (b < a) [a, b] = [b, a];
    // Merge b into a (Lance–Williams update of a's distances).
    for (let k = 0; k < F; k++) {
      if (!active[k] || k === a || k === b) continue;
      const da = d[a * F + k];
      const db = d[b * F + k];
      const v = linkage === "average" ? (size[a] * da + size[b] * db) / (size[a] + size[b]) : linkage === "complete" ? Math.max(da, db) : Math.min(da, db);
      d[a * F + k] = v;
      d[k * F + a] = v;
    }
    size[a] += size[b];
    active[b] = 0;
    parent[b] = a;
    for (let i = 0; i < F; i++) {
      if (!active[i]) continue;
      if (i === a || nn[i] === a || nn[i] === b) findNn(i);
      else if (d[i * F + a] < nnDist[i] || (d[i * F + a] === nnDist[i] && a < nn[i])) {
        nnDist[i] = d[i * F + a];
        nn[i] = a;
      }
    }
  }
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i];
    return i;
  };
  const label = new Int32Array(F).fill(-1);
  const byRoot = new Map<number, number>();
  for (let i = 0; i < F; i++) {
    const r = root(i);
    let l = byRoot.get(r);
    if (l === undefined) {
      l = byRoot.size;
      byRoot.set(r, l);
    }
    label[i] = l;
  }
  return label;
}
