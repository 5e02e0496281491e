/**
 * The FTRL-Proximal state and its per-coordinate update, on typed arrays. Coordinate 0 is the
 * intercept (unpenalized); coordinates 1..p are the standardized design columns.
 */

export interface FtrlSettings {
  alpha: number;
  beta: number;
  l1: number;
  l2: number;
  decay: number;
  logistic: boolean;
}

export class FtrlState {
  readonly z: Float64Array;
  readonly n: Float64Array;
  readonly w: Float64Array;
  /** Online updates applied since the state was created (warm start included as 0). */
  updates = 0;

  constructor(
    readonly s: FtrlSettings,
    readonly dim: number,
    z?: Float64Array,
    n?: Float64Array,
  ) {
    this.z = z ?? new Float64Array(dim);
    this.n = n ?? new Float64Array(dim);
    this.w = new Float64Array(dim);
    for (let i = 0; i < dim; i++) this.w[i] = this.weightOf(i);
  }

  /** The closed-form FTRL-Proximal weight of coordinate i from its z and n. */
  weightOf(i: number): number {
    const l1 = i === 0 ? 0 : this.s.l1;
    const l2 = i === 0 ? 0 : this.s.l2;
    const z = this.z[i];
    if (Math.abs(z) <= l1) return 0;
    return -(z - Math.sign(z) * l1) / ((this.s.beta + Math.sqrt(this.n[i])) / this.s.alpha + l2);
  }

  /** The z that makes coordinate i's weight equal w at its current n (inverse of weightOf). */
  zFor(i: number, w: number): number {
    if (w === 0) return 0;
    const l1 = i === 0 ? 0 : this.s.l1;
    const l2 = i === 0 ? 0 : this.s.l2;
    return -w * ((this.s.beta + Math.sqrt(this.n[i])) / this.s.alpha + l2) - Math.sign(w) * l1;
  }

  /** Sets the weights (warm start) keeping n, by solving for z. */
  setWeights(w: Float64Array): void {
    for (let i = 0; i < this.dim; i++) {
      this.z[i] = this.zFor(i, w[i]);
      this.w[i] = this.weightOf(i);
    }
  }

  /** Link-scale score of one design row (x[0] is ignored: the intercept's input is 1). */
  score(x: Float64Array): number {
    let s = this.w[0];
    for (let i = 1; i < this.dim; i++) s += this.w[i] * x[i];
    return s;
  }

  /** Prediction on the model's scale: probability (logistic) or standardized value. */
  output(x: Float64Array): number {
    const s = this.score(x);
    return this.s.logistic ? 1 / (1 + Math.exp(-s)) : s;
  }

  /** One FTRL-Proximal step on (x, y) with sample weight `weight`; returns the loss before the step. */
  step(x: Float64Array, y: number, weight = 1): number {
    const p = this.output(x);
    const d = this.s.decay;
    if (d < 1) {
      // Forgetting old squared gradients raises the learning rate; z is re-solved so the weights
      // themselves do not jump.
      for (let i = 0; i < this.dim; i++) {
        this.n[i] *= d;
        this.z[i] = this.zFor(i, this.w[i]);
      }
    }
    const gBase = (p - y) * weight;
    for (let i = 0; i < this.dim; i++) {
      const xi = i === 0 ? 1 : x[i];
      if (xi === 0) continue;
      const g = gBase * xi;
      const nOld = this.n[i];
      const nNew = nOld + g * g;
      const sigma = (Math.sqrt(nNew) - Math.sqrt(nOld)) / this.s.alpha;
      this.z[i] += g - sigma * this.w[i];
      this.n[i] = nNew;
      this.w[i] = this.weightOf(i);
    }
    this.updates++;
    return lossOf(p, y, this.s.logistic);
  }
}

export function lossOf(p: number, y: number, logistic: boolean): number {
  if (!logistic) return 0.5 * (p - y) * (p - y);
  const q = Math.min(1 - 1e-15, Math.max(1e-15, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}
