/**
 * The Parzen estimators of the Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl,
 * "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011): one density per parameter, built
 * from the values of a group of trials plus a flat prior.
 *
 * Numeric parameters get a mixture of Gaussians truncated to the range, one per observation and one
 * wide prior component at the middle. Each observation's bandwidth is the larger gap to its sorted
 * neighbours (range ends count as neighbours), clipped to [range / min(100, n + 1), range]: dense
 * regions get narrow kernels, lone points wide ones. Categorical parameters get smoothed
 * frequencies: count + prior / K per choice.
 */
import type { Rng } from "../../util/random.js";
import { normCdf } from "../../validation/metrics/normal.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export class NumericParzen {
  private readonly mu: Float64Array;
  private readonly sigma: Float64Array;
  /** log(weight / (sigma * truncation mass)), per component. */
  private readonly logNorm: Float64Array;
  /** Cumulative normalized weights, for picking a component. */
  private readonly cumulative: Float64Array;

  constructor(
    observations: readonly number[],
    private readonly lo: number,
    private readonly hi: number,
    priorWeight: number,
  ) {
    const range = hi - lo;
    const n = observations.length;
    const mus = [...observations, (lo + hi) / 2];
    const weights = [...observations.map(() => 1), priorWeight];
    const sigmas = new Array<number>(n + 1).fill(range);
    // Bandwidths from the neighbours in sorted order (the prior's centre takes part, as a point).
    const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b] || a - b);
    const minSigma = range / Math.min(100, n + 1);
    for (let r = 0; r < order.length; r++) {
      const i = order[r];
      if (i === n) continue; // the prior keeps the full range
      const left = r === 0 ? lo : mus[order[r - 1]];
      const right = r === order.length - 1 ? hi : mus[order[r + 1]];
      sigmas[i] = Math.min(range, Math.max(minSigma, mus[i] - left, right - mus[i]));
    }
    const total = weights.reduce((a, b) => a + b, 0);
    const m = n + 1;
    this.mu = Float64Array.from(mus);
    this.sigma = Float64Array.from(sigmas);
    this.logNorm = new Float64Array(m);
    this.cumulative = new Float64Array(m);
    let acc = 0;
    for (let i = 0; i < m; i++) {
      const w = weights[i] / total;
      const mass = normCdf((hi - mus[i]) / sigmas[i]) - normCdf((lo - mus[i]) / sigmas[i]);
      this.logNorm[i] = Math.log(w) - Math.log(sigmas[i]) - Math.log(Math.max(mass, 1e-300)) - LOG_SQRT_2PI;
      acc += w;
      this.cumulative[i] = acc;
    }
    this.cumulative[m - 1] = 1;
  }

  /** One draw: pick a component by weight, then a normal truncated to the range (by rejection). */
  sample(rng: Rng): number {
    const u = rng.uniform();
    let k = 0;
    while (k < this.cumulative.length - 1 && u >= this.cumulative[k]) k++;
    // Every centre lies in the range and every sigma is at most the range, so at least a third of
    // the draws land inside: 200 tries fail with probability below 1e-35.
    for (let tries = 0; tries < 200; tries++) {
      const x = rng.normal(this.mu[k], this.sigma[k]);
      if (x >= this.lo && x <= this.hi) return x;
    }
    return Math.min(this.hi, Math.max(this.lo, this.mu[k]));
  }

  /** Log density at x (log-sum-exp over the components, so far tails do not underflow to -inf). */
  logPdf(x: number): number {
    let max = -Infinity;
    const m = this.mu.length;
    for (let i = 0; i < m; i++) {
      const z = (x - this.mu[i]) / this.sigma[i];
      const v = this.logNorm[i] - 0.5 * z * z;
      if (v > max) max = v;
    }
    if (max === -Infinity) return -Infinity;
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const z = (x - this.mu[i]) / this.sigma[i];
      sum += Math.exp(this.logNorm[i] - 0.5 * z * z - max);
    }
    return max + Math.log(sum);
  }
}

export class CategoricalParzen {
  private readonly logP: Float64Array;
  private readonly cumulative: Float64Array;

  /** `observations` are choice indices in [0, K). */
  constructor(observations: readonly number[], K: number, priorWeight: number) {
    const counts = new Float64Array(K).fill(priorWeight / K);
    for (const i of observations) counts[i] += 1;
    const total = counts.reduce((a, b) => a + b, 0);
    this.logP = counts.map((c) => Math.log(c / total));
    this.cumulative = new Float64Array(K);
    let acc = 0;
    for (let k = 0; k < K; k++) {
      acc += counts[k] / total;
      this.cumulative[k] = acc;
    }
    this.cumulative[K - 1] = 1;
  }

  sample(rng: Rng): number {
    const u = rng.uniform();
    let k = 0;
    while (k < this.cumulative.length - 1 && u >= this.cumulative[k]) k++;
    return k;
  }

  logPdf(index: number): number {
    return this.logP[index];
  }
}
