import type { FeatureBins } from "./binning.js";

/**
 * Best split of one feature from its histogram slice ([grad, hess] per bin, missing bin last).
 * Gains and leaf outputs follow LightGBM: L1 soft-thresholds the gradient sum, L2 adds to the hessian
 * sum, `max_delta_step` clips the output.
 */

export interface SplitConfig {
  lambdaL1: number;
  lambdaL2: number;
  maxDeltaStep: number;
  minDataInLeaf: number;
  minSumHessian: number;
  minGainToSplit: number;
  maxCatToOnehot: number;
  maxCatThreshold: number;
  catSmooth: number;
  catL2: number;
  minDataPerGroup: number;
}

/** Row-count / hessian totals of a node. */
export interface NodeSums {
  g: number;
  h: number;
  n: number;
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  /** Numeric: left when bin <= thresholdBin. */
  thresholdBin: number;
  /** Numeric: where missing values go. Categorical splits always send missing and unseen codes right. */
  defaultLeft: boolean;
  /** Categorical: the bins going left (ascending); null for numeric. */
  catBins: Int32Array | null;
  left: NodeSums;
  right: NodeSums;
}

function thresholdL1(g: number, l1: number): number {
  if (l1 <= 0) return g;
  return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

export function leafOutput(g: number, h: number, c: SplitConfig, extraL2 = 0): number {
  let out = -thresholdL1(g, c.lambdaL1) / (h + c.lambdaL2 + extraL2);
  if (c.maxDeltaStep > 0 && Math.abs(out) > c.maxDeltaStep) out = Math.sign(out) * c.maxDeltaStep;
  return out;
}

/** Reduction in loss of a leaf with these sums at its optimal output (the "score" of the leaf). */
export function leafGain(g: number, h: number, c: SplitConfig, extraL2 = 0): number {
  const sg = thresholdL1(g, c.lambdaL1);
  const hh = h + c.lambdaL2 + extraL2;
  if (c.maxDeltaStep <= 0) return (sg * sg) / hh;
  const out = leafOutput(g, h, c, extraL2);
  return -(2 * sg * out + hh * out * out);
}

/**
 * Scans one numeric feature. `countFactor` turns hessian sums into row counts (1 when every row's
 * hessian is 1). `onlyBin` >= 0 restricts the scan to one threshold (extra trees).
 */
export function bestNumericSplit(hist: Float64Array, offset: number, fb: FeatureBins, feature: number, node: NodeSums, countFactor: number, c: SplitConfig, parentGain: number, onlyBin: number, out: SplitCandidate): void {
  const nb = fb.nBins - 1; // non-missing bins
  const mo = (offset + nb) << 1;
  const missG = hist[mo];
  const missH = hist[mo + 1];
  const hasMissing = missH > 0;
  const minGain = parentGain + c.minGainToSplit;
  if (onlyBin < 0 && c.lambdaL1 <= 0 && c.maxDeltaStep <= 0) {
    scanPlainL2(hist, offset, nb, feature, node, countFactor, c, parentGain, hasMissing, missG, missH, out);
    return;
  }
  const lo = onlyBin >= 0 ? onlyBin : 0;
  const hi = onlyBin >= 0 ? onlyBin : nb - 2;
  // Pass 0: missing goes right; pass 1: missing goes left (only when the node has missing values).
  for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
    let gl = pass === 1 ? missG : 0;
    let hl = pass === 1 ? missH : 0;
    for (let b = 0; b < lo; b++) {
      gl += hist[(offset + b) << 1];
      hl += hist[((offset + b) << 1) + 1];
    }
    for (let t = lo; t <= hi; t++) {
      const p = (offset + t) << 1;
      gl += hist[p];
      hl += hist[p + 1];
      const nl = Math.round(hl * countFactor);
      if (nl < c.minDataInLeaf || hl < c.minSumHessian) continue;
      const hr = node.h - hl;
      const nr = node.n - nl;
      if (nr < c.minDataInLeaf || hr < c.minSumHessian) break;
      const gr = node.g - gl;
      const gain = leafGain(gl, hl, c) + leafGain(gr, hr, c);
      if (gain > minGain && gain - parentGain > out.gain) {
        out.gain = gain - parentGain;
        out.feature = feature;
        out.thresholdBin = t;
        out.defaultLeft = hasMissing ? pass === 1 : hl > hr;
        out.catBins = null;
        out.left = { g: gl, h: hl, n: nl };
        out.right = { g: gr, h: hr, n: nr };
      }
    }
  }
}

/**
 * bestNumericSplit without L1 and max_delta_step (the common case): the gain is inlined as
 * g^2 / (h + lambda_l2), the same operations as leafGain, so the same bits, with no calls per bin.
 */
function scanPlainL2(hist: Float64Array, offset: number, nb: number, feature: number, node: NodeSums, countFactor: number, c: SplitConfig, parentGain: number, hasMissing: boolean, missG: number, missH: number, out: SplitCandidate): void {
  const l2 = c.lambdaL2;
  const minGain = parentGain + c.minGainToSplit;
  const minData = c.minDataInLeaf;
  const minHess = c.minSumHessian;
  const G = node.g;
  const H = node.h;
  const N = node.n;
  let bestGain = out.gain;
  let bestT = -1;
  let bestPass = 0;
  let bestGl = 0;
  let bestHl = 0;
  for (let pass = 0; pass < (hasMissing ? 2 : 1); pass++) {
    let gl = pass === 1 ? missG : 0;
    let hl = pass === 1 ? missH : 0;
    const end = (offset + nb - 1) << 1;
    for (let p = offset << 1, t = 0; p < end; p += 2, t++) {
      gl += hist[p];
      hl += hist[p + 1];
      const nl = Math.round(hl * countFactor);
      if (nl < minData || hl < minHess) continue;
      const hr = H - hl;
      if (N - nl < minData || hr < minHess) break;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2 + 0) + (gr * gr) / (hr + l2 + 0);
      if (gain > minGain && gain - parentGain > bestGain) {
        bestGain = gain - parentGain;
        bestT = t;
        bestPass = pass;
        bestGl = gl;
        bestHl = hl;
      }
    }
  }
  if (bestT < 0) return;
  const nl = Math.round(bestHl * countFactor);
  const hr = H - bestHl;
  out.gain = bestGain;
  out.feature = feature;
  out.thresholdBin = bestT;
  out.defaultLeft = hasMissing ? bestPass === 1 : bestHl > hr;
  out.catBins = null;
  out.left = { g: bestGl, h: bestHl, n: nl };
  out.right = { g: G - bestGl, h: hr, n: N - nl };
}

/**
 * One categorical feature, LightGBM style: few categories are tried one-vs-rest; otherwise the
 * categories with enough data are ordered by gradient/hessian ratio and prefixes from both ends are
 * tried as the left set. `randomPrefix` >= 0 (extra trees) tries a single prefix length.
 */
export function bestCategoricalSplit(hist: Float64Array, offset: number, fb: FeatureBins, feature: number, node: NodeSums, countFactor: number, c: SplitConfig, parentGain: number, randomDraw: number, out: SplitCandidate): void {
  const nc = fb.nBins - 1;
  const minGain = parentGain + c.minGainToSplit;
  const consider = (set: number[], gl: number, hl: number, extraL2: number): void => {
    const nl = Math.round(hl * countFactor);
    const hr = node.h - hl;
    const nr = node.n - nl;
    if (nl < c.minDataInLeaf || hl < c.minSumHessian || nr < c.minDataInLeaf || hr < c.minSumHessian) return;
    const gr = node.g - gl;
    const gain = leafGain(gl, hl, c, extraL2) + leafGain(gr, hr, c, extraL2);
    if (gain > minGain && gain - parentGain > out.gain) {
      out.gain = gain - parentGain;
      out.feature = feature;
      out.thresholdBin = -1;
      out.defaultLeft = false;
      out.catBins = Int32Array.from(set).sort();
      out.left = { g: gl, h: hl, n: nl };
      out.right = { g: gr, h: hr, n: nr };
    }
  };
  if (nc <= c.maxCatToOnehot) {
    const bins: number[] = [];
    for (let b = 0; b < nc; b++) if (hist[((offset + b) << 1) + 1] > 0) bins.push(b);
    if (randomDraw >= 0 && bins.length > 0) {
      const b = bins[Math.floor(randomDraw * bins.length)];
      consider([b], hist[(offset + b) << 1], hist[((offset + b) << 1) + 1], 0);
      return;
    }
    for (const b of bins) consider([b], hist[(offset + b) << 1], hist[((offset + b) << 1) + 1], 0);
    return;
  }
  const used: number[] = [];
  for (let b = 0; b < nc; b++) {
    const h = hist[((offset + b) << 1) + 1];
    if (h > 0 && Math.round(h * countFactor) >= c.catSmooth) used.push(b);
  }
  if (used.length < 2) return;
  const ctr = (b: number): number => hist[(offset + b) << 1] / (hist[((offset + b) << 1) + 1] + c.catSmooth);
  used.sort((a, b) => ctr(a) - ctr(b) || a - b);
  const maxNum = Math.min(c.maxCatThreshold, Math.floor((used.length + 1) / 2));
  const directions = randomDraw >= 0 ? [randomDraw < 0.5 ? 1 : -1] : [1, -1];
  for (const dir of directions) {
    let gl = 0;
    let hl = 0;
    let groupCount = 0;
    const set: number[] = [];
    const only = randomDraw >= 0 ? Math.floor(((randomDraw * 2) % 1) * maxNum) : -1;
    for (let i = 0; i < maxNum; i++) {
      const b = dir === 1 ? used[i] : used[used.length - 1 - i];
      gl += hist[(offset + b) << 1];
      hl += hist[((offset + b) << 1) + 1];
      set.push(b);
      groupCount += Math.round(hist[((offset + b) << 1) + 1] * countFactor);
      if (only >= 0 && i !== only) continue;
      if (groupCount < c.minDataPerGroup && only < 0) continue;
      groupCount = 0;
      consider(set, gl, hl, c.catL2);
    }
  }
}

export function emptyCandidate(): SplitCandidate {
  return { gain: 0, feature: -1, thresholdBin: -1, defaultLeft: false, catBins: null, left: { g: 0, h: 0, n: 0 }, right: { g: 0, h: 0, n: 0 } };
}
