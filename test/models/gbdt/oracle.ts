/**
 * A deliberately plain exact-greedy regression tree (L2 loss, depth-wise, no histograms): every
 * threshold between consecutive distinct values is tried by re-summing the rows. It is the oracle
 * the histogram learner is checked against on data where every distinct value has its own bin.
 */
export interface OracleNode {
  feature: number;
  threshold: number;
  left: OracleNode | null;
  right: OracleNode | null;
  value: number;
}

export function oracleTree(X: Float32Array, F: number, rows: number[], g: Float64Array, lambda: number, depth: number, minLeaf: number, lr: number): OracleNode {
  let G = 0;
  for (const r of rows) G += g[r];
  const H = rows.length;
  const node: OracleNode = { feature: -1, threshold: 0, left: null, right: null, value: (-G / (H + lambda)) * lr };
  if (depth === 0 || rows.length < 2 * minLeaf) return node;
  const parent = (G * G) / (H + lambda);
  let best = 0;
  let bestF = -1;
  let bestT = 0;
  for (let f = 0; f < F; f++) {
    const vals = [...new Set(rows.map((r) => X[r * F + f]))].sort((a, b) => a - b);
    for (let k = 1; k < vals.length; k++) {
      const t = Math.fround(vals[k - 1] + (vals[k] - vals[k - 1]) / 2);
      const thr = t > vals[k - 1] ? t : vals[k];
      let gl = 0;
      let nl = 0;
      for (const r of rows) {
        if (X[r * F + f] < thr) {
          gl += g[r];
          nl++;
        }
      }
      const nr = H - nl;
      if (nl < minLeaf || nr < minLeaf) continue;
      const gr = G - gl;
      const gain = (gl * gl) / (nl + lambda) + (gr * gr) / (nr + lambda) - parent;
      if (gain > best + 1e-12) {
        best = gain;
        bestF = f;
        bestT = thr;
      }
    }
  }
  if (bestF < 0) return node;
  node.feature = bestF;
  node.threshold = bestT;
  node.left = oracleTree(X, F, rows.filter((r) => X[r * F + bestF] < bestT), g, lambda, depth - 1, minLeaf, lr);
  node.right = oracleTree(X, F, rows.filter((r) => !(X[r * F + bestF] < bestT)), g, lambda, depth - 1, minLeaf, lr);
  return node;
}

export function oraclePredict(n: OracleNode, X: Float32Array, base: number): number {
  while (n.left && n.right) n = X[base + n.feature] < n.threshold ? n.left : n.right;
  return n.value;
}
