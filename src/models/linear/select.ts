import { auc, pearson, spearman } from "../../validation/metrics/index.js";
import type { PathFit } from "./grid.js";
import type { SelectionMetric } from "./params.js";
import { sigmoid } from "./logistic-loss.js";

/**
 * Scores every lambda of a path on held-out rows (a validation set, or the time-ordered holdout at
 * the end of the training rows) and picks one. Scores are losses (lower is better): correlation
 * and AUC enter negated. Each comes with a standard error for the one-standard-error rule.
 */

export interface ScoredRows {
  /** Row-major design [n x p] of the scored rows, preprocessed like the path's training rows. */
  design: Float64Array;
  n: number;
  p: number;
  /** Targets (regression values or class indices). */
  y: Float64Array;
  /** Normalized weights (sum 1). */
  v: Float64Array;
  /** Output-major [nOut x n] offsets, or null. */
  offset: Float64Array | null;
}

export interface PathScores {
  scores: number[];
  se: number[];
}

const LOG_EPS = 1e-15;

/** `nOut` = 1 with `link` "identity" (regression) or "logit" (binary); nOut = K for "softmax". */
export function scorePath(rows: ScoredRows, path: PathFit, nOut: number, link: "identity" | "logit" | "softmax", metric: SelectionMetric): PathScores {
  const { design, n, p, offset } = rows;
  const z = new Float64Array(nOut * n);
  const pred = new Float64Array(nOut * n);
  const scores: number[] = [];
  const se: number[] = [];
  for (let l = 0; l < path.lambdas.length; l++) {
    const beta = path.coef[l];
    const b = path.intercept[l];
    for (let k = 0; k < nOut; k++) {
      const bk = beta.subarray(k * p, (k + 1) * p);
      for (let i = 0; i < n; i++) {
        let s = b[k] + (offset ? offset[k * n + i] : 0);
        const row = i * p;
        for (let j = 0; j < p; j++) if (bk[j] !== 0) s += bk[j] * design[row + j];
        z[k * n + i] = s;
      }
    }
    if (link === "identity") pred.set(z);
    else if (link === "logit") for (let i = 0; i < n; i++) pred[i] = sigmoid(z[i]);
    else softmaxColumns(z, n, nOut, pred);
    const r = score(rows, pred, nOut, metric);
    scores.push(Number.isFinite(r.score) ? r.score : Infinity);
    se.push(Number.isFinite(r.se) ? r.se : 0);
  }
  return { scores, se };
}

function softmaxColumns(z: Float64Array, n: number, K: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, z[k * n + i]);
    let s = 0;
    for (let k = 0; k < K; k++) s += out[k * n + i] = Math.exp(z[k * n + i] - mx);
    for (let k = 0; k < K; k++) out[k * n + i] /= s;
  }
}

function score(rows: ScoredRows, pred: Float64Array, nOut: number, metric: SelectionMetric): { score: number; se: number } {
  const { n, y, v } = rows;
  const loss = new Float64Array(n);
  switch (metric) {
    case "mse":
      for (let i = 0; i < n; i++) loss[i] = (y[i] - pred[i]) ** 2;
      return weightedMean(loss, v);
    case "logloss":
      for (let i = 0; i < n; i++) {
        const pr = nOut === 1 ? (y[i] === 1 ? pred[i] : 1 - pred[i]) : pred[y[i] * n + i];
        loss[i] = -Math.log(Math.min(1 - LOG_EPS, Math.max(LOG_EPS, pr)));
      }
      return weightedMean(loss, v);
    case "ic":
    case "rank_ic": {
      const r = metric === "ic" ? pearson(pred, y) : spearman(pred, y);
      return { score: -r, se: Math.sqrt(Math.max(0, 1 - r * r) / Math.max(1, n - 2)) };
    }
    case "auc": {
      const a = auc(y, pred);
      let nPos = 0;
      for (let i = 0; i < n; i++) nPos += y[i] === 1 ? 1 : 0;
      return { score: -a, se: hanleyMcNeilSe(a, nPos, n - nPos) };
    }
  }
}

/** Weighted mean of per-row losses and its standard error (Kish effective sample size). */
function weightedMean(loss: Float64Array, v: Float64Array): { score: number; se: number } {
  let m = 0;
  let v2 = 0;
  for (let i = 0; i < loss.length; i++) {
    m += v[i] * loss[i];
    v2 += v[i] * v[i];
  }
  let s = 0;
  for (let i = 0; i < loss.length; i++) s += v[i] * (loss[i] - m) ** 2;
  const nEff = v2 > 0 ? 1 / v2 : 1;
  return { score: m, se: Math.sqrt(s / Math.max(1, nEff - 1)) };
}

/** Standard error of an AUC (Hanley & McNeil 1982). */
function hanleyMcNeilSe(a: number, nPos: number, nNeg: number): number {
  if (!(nPos > 0 && nNeg > 0)) return NaN;
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  return Math.sqrt((a * (1 - a) + (nPos - 1) * (q1 - a * a) + (nNeg - 1) * (q2 - a * a)) / (nPos * nNeg));
}

/**
 * The chosen lambda index: the best score (the largest lambda among ties), or under "one_se" the
 * largest lambda whose score is within one standard error of the best.
 */
export function pickLambda(s: PathScores, rule: "min" | "one_se"): number {
  let best = 0;
  for (let l = 1; l < s.scores.length; l++) if (s.scores[l] < s.scores[best]) best = l;
  if (rule === "min" || !Number.isFinite(s.scores[best])) return best;
  const limit = s.scores[best] + s.se[best];
  for (let l = 0; l < best; l++) if (s.scores[l] <= limit) return l;
  return best;
}
