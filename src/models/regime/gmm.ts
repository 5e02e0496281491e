/**
 * Gaussian mixture models fitted by expectation-maximization, with full or diagonal covariances,
 * k-means++ initialization from a seeded stream, and the number of components chosen by BIC
 * (as scikit-learn's GaussianMixture: reg_covar added to each covariance's diagonal, convergence
 * on the change of the mean log-likelihood per row). Rows are row-major Float64 [n x d].
 */
import { choleskyInPlace } from "../linear/linalg.js";
import type { Rng } from "../../util/random.js";

export type CovarianceType = "full" | "diag";

export interface GmmOptions {
  k: number;
  covariance: CovarianceType;
  maxIter: number;
  /** Stop when the mean log-likelihood per row changes by less than this. */
  tol: number;
  /** Added to every covariance diagonal (keeps components from collapsing onto a point). */
  regCovar: number;
}

export interface Gmm {
  k: number;
  d: number;
  covariance: CovarianceType;
  weights: Float64Array;
  /** [k x d]. */
  means: Float64Array;
  /** Full: per component the lower Cholesky factor [k x d x d]; diag: variances [k x d]. */
  factors: Float64Array;
  /** Mean log-likelihood per (weighted) row on the fitting data. */
  meanLogLik: number;
  iterations: number;
  converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Free parameters of a k-component mixture in d dimensions (for BIC). */
export function gmmParameterCount(k: number, d: number, covariance: CovarianceType): number {
  return k - 1 + k * d + (covariance === "full" ? (k * d * (d + 1)) / 2 : k * d);
}

/** Per row and component, log pi_k + log N(x | k), into out [n x k]. */
export function weightedLogDensities(g: Gmm, X: Float64Array, n: number, out: Float64Array): void {
  const { k: K, d } = g;
  const diff = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const mu = g.means.subarray(k * d, (k + 1) * d);
    let logDet = 0;
    if (g.covariance === "full") {
      const L = g.factors.subarray(k * d * d, (k + 1) * d * d);
      for (let i = 0; i < d; i++) logDet += Math.log(L[i * d + i]);
      const c = Math.log(g.weights[k]) - 0.5 * d * LOG_2PI - logDet;
      for (let r = 0; r < n; r++) {
        // Forward substitution: ||L^-1 (x - mu)||^2.
        let q = 0;
        for (let i = 0; i < d; i++) {
          let s = X[r * d + i] - mu[i];
          for (let j = 0; j < i; j++) s -= L[i * d + j] * diff[j];
          diff[i] = s / L[i * d + i];
          q += diff[i] * diff[i];
        }
        out[r * K + k] = c - 0.5 * q;
      }
    } else {
      const v = g.factors.subarray(k * d, (k + 1) * d);
      for (let i = 0; i < d; i++) logDet += 0.5 * Math.log(v[i]);
      const c = Math.log(g.weights[k]) - 0.5 * d * LOG_2PI - logDet;
      for (let r = 0; r < n; r++) {
        let q = 0;
        for (let i = 0; i < d; i++) {
          const e = X[r * d + i] - mu[i];
          q += (e * e) / v[i];
        }
        out[r * K + k] = c - 0.5 * q;
      }
    }
  }
}

/** Posterior component probabilities [n x k] (in place over the log densities); returns per-row log-likelihoods. */
export function responsibilities(g: Gmm, X: Float64Array, n: number, out: Float64Array = new Float64Array(n * g.k)): { resp: Float64Array; logLik: Float64Array } {
  weightedLogDensities(g, X, n, out);
  const K = g.k;
  const logLik = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, out[r * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(out[r * K + k] - mx);
    const lse = mx + Math.log(s);
    logLik[r] = lse;
    for (let k = 0; k < K; k++) out[r * K + k] = Math.exp(out[r * K + k] - lse);
  }
  return { resp: out, logLik };
}

/** k-means++ seeding then a few Lloyd steps: hard initial responsibilities [n x k]. */
function kmeansInit(X: Float64Array, n: number, d: number, K: number, w: Float64Array, rng: Rng): Float64Array {
  const centers = new Float64Array(K * d);
  const dist = new Float64Array(n).fill(Infinity);
  const sq = (r: number, c: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const e = X[r * d + i] - centers[c * d + i];
      s += e * e;
    }
    return s;
  };
  const first = rng.int(0, n);
  centers.set(X.subarray(first * d, (first + 1) * d), 0);
  for (let c = 1; c <= K; c++) {
    let total = 0;
    for (let r = 0; r < n; r++) {
      dist[r] = Math.min(dist[r], sq(r, c - 1));
      total += w[r] * dist[r];
    }
    if (c === K) break;
    let u = rng.uniform() * total;
    let pick = n - 1;
    for (let r = 0; r < n; r++) {
      u -= w[r] * dist[r];
      if (u <= 0) {
        pick = r;
        break;
      }
    }
    centers.set(X.subarray(pick * d, (pick + 1) * d), c * d);
  }
  const label = new Int32Array(n);
  for (let step = 0; step < 10; step++) {
    let moved = 0;
    for (let r = 0; r < n; r++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < K; c++) {
        const v = sq(r, c);
        if (v < bd) {
          bd = v;
          best = c;
        }
      }
      if (label[r] !== best || step === 0) moved++;
      label[r] = best;
    }
    const sum = new Float64Array(K * d);
    const cnt = new Float64Array(K);
    for (let r = 0; r < n; r++) {
      cnt[label[r]] += w[r];
      for (let i = 0; i < d; i++) sum[label[r] * d + i] += w[r] * X[r * d + i];
    }
    for (let c = 0; c < K; c++) if (cnt[c] > 0) for (let i = 0; i < d; i++) centers[c * d + i] = sum[c * d + i] / cnt[c];
    if (moved === 0) break;
  }
  const resp = new Float64Array(n * K);
  for (let r = 0; r < n; r++) resp[r * K + label[r]] = 1;
  return resp;
}

/** The M step: weights, means and covariances from responsibilities (row weights w). */
function mStep(X: Float64Array, n: number, d: number, resp: Float64Array, w: Float64Array, o: GmmOptions, g: Gmm): void {
  const K = o.k;
  let total = 0;
  for (let r = 0; r < n; r++) total += w[r];
  for (let k = 0; k < K; k++) {
    let nk = 0;
    const mu = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      const a = w[r] * resp[r * K + k];
      nk += a;
      for (let i = 0; i < d; i++) mu[i] += a * X[r * d + i];
    }
    // An emptied component keeps a tiny weight at the overall mean instead of dividing by zero.
    const safe = nk > 1e-12 * total;
    g.weights[k] = Math.max(nk / total, 1e-12);
    if (safe) for (let i = 0; i < d; i++) mu[i] /= nk;
    g.means.set(mu, k * d);
    if (o.covariance === "full") {
      const C = new Float64Array(d * d);
      if (safe) {
        for (let r = 0; r < n; r++) {
          const a = w[r] * resp[r * K + k];
          if (a === 0) continue;
          for (let i = 0; i < d; i++) {
            const ei = X[r * d + i] - mu[i];
            for (let j = 0; j <= i; j++) C[i * d + j] += a * ei * (X[r * d + j] - mu[j]);
          }
        }
        for (let i = 0; i < d * d; i++) C[i] /= nk;
      }
      for (let i = 0; i < d; i++) C[i * d + i] += o.regCovar + (safe ? 0 : 1);
      if (choleskyInPlace(C, d) >= 0) {
        // Numerically singular: fall back to the diagonal of the covariance.
        C.fill(0);
        for (let i = 0; i < d; i++) C[i * d + i] = 1;
      }
      for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) C[i * d + j] = 0;
      g.factors.set(C, k * d * d);
    } else {
      for (let i = 0; i < d; i++) {
        let v = 0;
        if (safe) {
          for (let r = 0; r < n; r++) {
            const e = X[r * d + i] - mu[i];
            v += w[r] * resp[r * K + k] * e * e;
          }
          v /= nk;
        } else v = 1;
        g.factors[k * d + i] = v + o.regCovar;
      }
    }
  }
}

/** Fits one mixture by EM from a k-means++ start. */
export function fitGmm(X: Float64Array, n: number, d: number, o: GmmOptions, rng: Rng, weight?: Float64Array): Gmm {
  if (n < o.k) throw new Error(`a ${o.k}-component mixture needs at least ${o.k} rows, got ${n}`);
  const w = weight ?? new Float64Array(n).fill(1);
  let total = 0;
  for (let r = 0; r < n; r++) total += w[r];
  const g: Gmm = {
    k: o.k,
    d,
    covariance: o.covariance,
    weights: new Float64Array(o.k),
    means: new Float64Array(o.k * d),
    factors: new Float64Array(o.covariance === "full" ? o.k * d * d : o.k * d),
    meanLogLik: -Infinity,
    iterations: 0,
    converged: false,
  };
  let resp = kmeansInit(X, n, d, o.k, w, rng);
  mStep(X, n, d, resp, w, o, g);
  let prev = -Infinity;
  for (let it = 1; it <= o.maxIter; it++) {
    const e = responsibilities(g, X, n, resp);
    resp = e.resp;
    let ll = 0;
    for (let r = 0; r < n; r++) ll += w[r] * e.logLik[r];
    ll /= total;
    g.meanLogLik = ll;
    g.iterations = it;
    if (Math.abs(ll - prev) < o.tol) {
      g.converged = true;
      break;
    }
    prev = ll;
    mStep(X, n, d, resp, w, o, g);
  }
  return g;
}

export interface BicEntry {
  k: number;
  bic: number;
  meanLogLik: number;
  converged: boolean;
}

/** Fits k = kMin..kMax and keeps the lowest BIC (ties: fewer components). */
export function selectGmmByBic(X: Float64Array, n: number, d: number, kMin: number, kMax: number, o: Omit<GmmOptions, "k">, rng: Rng, weight?: Float64Array): { best: Gmm; table: BicEntry[] } {
  let total = n;
  if (weight) {
    total = 0;
    for (let r = 0; r < n; r++) total += weight[r];
  }
  const table: BicEntry[] = [];
  let best: Gmm | undefined;
  let bestBic = Infinity;
  for (let k = kMin; k <= Math.min(kMax, n); k++) {
    const g = fitGmm(X, n, d, { ...o, k }, rng.fork(`k${k}`), weight);
    // BIC on the row count, not the weight sum: weights are normalized to mean 1 by the caller.
    const bic = -2 * g.meanLogLik * total + gmmParameterCount(k, d, o.covariance) * Math.log(n);
    table.push({ k, bic, meanLogLik: g.meanLogLik, converged: g.converged });
    if (bic < bestBic) {
      bestBic = bic;
      best = g;
    }
  }
  if (!best) throw new Error("no mixture was fitted");
  return { best, table };
}
