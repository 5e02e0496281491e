import { GAINS, groupBounds, maxDcgAt, discountTable } from "./lambdarank.js";

/**
 * LambdaRank gradients for one training run: the same numbers as `lambdarankGradients` (its
 * straightforward form, kept as the test oracle), computed faster. What depends only on the labels
 * and groups (group bounds, each group's ideal DCG, the discounts) is computed once instead of every
 * iteration; each group's score order is kept between iterations and repaired by insertion sort
 * (boosting moves scores a little per iteration, so the order is nearly sorted and the total order
 * by score then row gives the same permutation as a full sort); the pair loop reads each group's
 * scores, labels and gains contiguously in score order and accumulates into per-position buffers.
 * Every gradient receives the same terms in the same order as in the oracle, so results are
 * bit-identical.
 */
export class LambdarankGradients {
  private readonly bounds: Int32Array;
  private readonly invMaxDcg: Float64Array;
  private readonly disc: Float64Array;
  /** Rows of each group in the last iteration's score order (group q at bounds[q]..bounds[q+1]). */
  private readonly order: Int32Array;
  private readonly sOrd: Float64Array;
  private readonly gainOrd: Float64Array;
  private readonly yOrd: Float64Array;
  private readonly gOrd: Float64Array;
  private readonly hOrd: Float64Array;

  constructor(
    private readonly y: Float64Array,
    group: Int32Array,
    private readonly truncation: number,
  ) {
    this.bounds = groupBounds(group);
    const nq = this.bounds.length - 1;
    this.invMaxDcg = new Float64Array(nq);
    let maxCnt = 0;
    for (let q = 0; q < nq; q++) {
      const start = this.bounds[q];
      const cnt = this.bounds[q + 1] - start;
      maxCnt = Math.max(maxCnt, cnt);
      if (cnt < 2) continue;
      const maxDcg = maxDcgAt(y, start, start + cnt, truncation);
      this.invMaxDcg[q] = maxDcg > 0 ? 1 / maxDcg : 0;
    }
    this.disc = discountTable(maxCnt);
    this.order = Int32Array.from({ length: y.length }, (_, i) => i);
    this.sOrd = new Float64Array(maxCnt);
    this.gainOrd = new Float64Array(maxCnt);
    this.yOrd = new Float64Array(maxCnt);
    this.gOrd = new Float64Array(maxCnt);
    this.hOrd = new Float64Array(maxCnt);
  }

  compute(score: Float64Array, w: Float64Array | undefined, g: Float64Array, h: Float64Array): void {
    const { y, bounds, invMaxDcg, disc, order, sOrd, gainOrd, yOrd, gOrd, hOrd, truncation } = this;
    const n = y.length;
    g.fill(0, 0, n);
    h.fill(0, 0, n);
    for (let q = 0; q + 1 < bounds.length; q++) {
      const start = bounds[q];
      const cnt = bounds[q + 1] - start;
      const inv = invMaxDcg[q];
      if (cnt < 2 || inv === 0) continue;
      // Insertion sort of the kept order by (score desc, row asc): a strict total order.
      for (let i = start + 1; i < start + cnt; i++) {
        const r = order[i];
        const sr = score[r];
        let j = i - 1;
        while (j >= start) {
          const o = order[j];
          const so = score[o];
          if (so > sr || (so === sr && o < r)) break;
          order[j + 1] = o;
          j--;
        }
        order[j + 1] = r;
      }
      for (let i = 0; i < cnt; i++) {
        const r = order[start + i];
        sOrd[i] = score[r];
        yOrd[i] = y[r];
        gainOrd[i] = GAINS[y[r]];
        gOrd[i] = 0;
        hOrd[i] = 0;
      }
      const best = sOrd[0];
      const worst = sOrd[cnt - 1];
      const spread = best !== worst;
      let sumLambdas = 0;
      const top = Math.min(cnt - 1, truncation);
      for (let i = 0; i < top; i++) {
        const ya = yOrd[i];
        const sa = sOrd[i];
        const ga = gainOrd[i];
        const di = disc[i];
        for (let j = i + 1; j < cnt; j++) {
          const yb = yOrd[j];
          if (ya === yb) continue;
          // sgn orients the pair high-minus-low; negation is exact, so these are the oracle's numbers.
          const sgn = ya > yb ? 1 : -1;
          const ds = sgn * (sa - sOrd[j]);
          let dNdcg = sgn * (ga - gainOrd[j]) * Math.abs(di - disc[j]) * inv;
          if (spread) dNdcg /= 0.01 + Math.abs(ds);
          const pl = 1 / (1 + Math.exp(ds));
          const ph = pl * (1 - pl);
          const lambda = -pl * dNdcg;
          const hess = ph * dNdcg;
          const li = sgn * lambda;
          gOrd[i] += li;
          hOrd[i] += hess;
          gOrd[j] -= li;
          hOrd[j] += hess;
          sumLambdas -= 2 * lambda;
        }
      }
      const norm = sumLambdas > 0 ? Math.log2(1 + sumLambdas) / sumLambdas : 1;
      for (let i = 0; i < cnt; i++) {
        const r = order[start + i];
        g[r] = gOrd[i] * norm; // x * 1 is x exactly
        h[r] = hOrd[i] * norm;
      }
    }
    for (let i = 0; i < n; i++) {
      h[i] = Math.max(h[i], 1e-16);
      if (w) {
        g[i] *= w[i];
        h[i] *= w[i];
      }
    }
  }
}
