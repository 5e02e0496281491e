/**
 * Adjusted p-values across a family of tests, as statsmodels' multipletests:
 * - fdr_bh: Benjamini–Hochberg, false discovery rate under independence or positive dependence;
 * - fdr_by: Benjamini–Yekutieli, false discovery rate under any dependence (BH times c(m) = 1 + 1/2 + ... + 1/m);
 * - holm: Holm's step-down, family-wise error under any dependence (never less powerful than Bonferroni);
 * - bonferroni: min(1, m p);
 * - none: the p-values as they are.
 * A test passes at level alpha when its adjusted value is <= alpha. Non-finite p-values are not
 * tests: they are left out of m and get NaN.
 */

export const CORRECTIONS = ["fdr_bh", "fdr_by", "holm", "bonferroni", "none"] as const;
export type Correction = (typeof CORRECTIONS)[number];

export function adjustPValues(p: ArrayLike<number>, method: Correction): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (Number.isFinite(p[i])) idx.push(i);
  const m = idx.length;
  const q = new Float64Array(p.length).fill(NaN);
  if (m === 0) return q;
  if (method === "none" || method === "bonferroni") {
    for (const i of idx) q[i] = method === "none" ? p[i] : Math.min(1, m * p[i]);
    return q;
  }
  idx.sort((a, b) => p[a] - p[b] || a - b);
  if (method === "holm") {
    // q_(i) = max over j <= i of min(1, (m - j + 1) p_(j)).
    let run = 0;
    for (let r = 0; r < m; r++) {
      run = Math.max(run, Math.min(1, (m - r) * p[idx[r]]));
      q[idx[r]] = run;
    }
    return q;
  }
  // q_(i) = min over j >= i of min(1, m c p_(j) / j); c = 1 (BH) or sum_{k<=m} 1/k (BY).
  let c = 1;
  if (method === "fdr_by") {
    c = 0;
    for (let k = 1; k <= m; k++) c += 1 / k;
  }
  let run = Infinity;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r];
    run = Math.min(run, (m * c * p[i]) / (r + 1));
    q[i] = Math.min(1, run);
  }
  return q;
}
