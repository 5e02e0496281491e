import { averageRanksInto } from "./ranks.js";

/**
 * Pearson correlation of the first `n` pairs. NaN when n < 2 or either side has zero variance
 * (a constant prediction carries no ranking information; reporting 0 would hide that).
 * Two-pass (mean first) for accuracy on values far from zero.
 */
export function pearsonN(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0) return NaN;
  const r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
  return Math.max(-1, Math.min(1, r));
}

/** Reusable buffers for correlations over groups of at most `capacity` pairs. */
export class CorrelationScratch {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly rx: Float64Array;
  readonly ry: Float64Array;
  readonly order: Int32Array;
  constructor(readonly capacity: number) {
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.rx = new Float64Array(capacity);
    this.ry = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
  }
}

/** Spearman's rho of the first `n` pairs held in `scratch.x` / `scratch.y`: Pearson of average ranks. */
export function spearmanScratch(scratch: CorrelationScratch, n: number): number {
  if (n < 2) return NaN;
  averageRanksInto(scratch.x, n, scratch.order, scratch.rx);
  averageRanksInto(scratch.y, n, scratch.order, scratch.ry);
  return pearsonN(scratch.rx, scratch.ry, n);
}

/** Pearson over all pairs where both values are finite. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const s = collectPairs(x, y);
  return pearsonN(s.x, s.y, s.n);
}

/** Spearman over all pairs where both values are finite (ties get average ranks). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const s = collectPairs(x, y);
  return spearmanScratch(s.scratch, s.n);
}

function collectPairs(x: ArrayLike<number>, y: ArrayLike<number>): { x: Float64Array; y: Float64Array; n: number; scratch: CorrelationScratch } {
  if (x.length !== y.length) throw new Error(`correlation: arrays differ in length (${x.length} vs ${y.length})`);
  const scratch = new CorrelationScratch(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      scratch.x[n] = a;
      scratch.y[n] = b;
      n++;
    }
  }
  return { x: scratch.x, y: scratch.y, n, scratch };
}
