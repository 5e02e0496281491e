/**
 * Per-feature standardisation fitted on the training fold only, NaN-aware: the mean and standard
 * deviation skip missing values, and a missing value becomes 0 after scaling (the training mean),
 * so a network never sees NaN. Scaled values are clipped to +-clip, because one extreme print in a
 * financial feature can otherwise dominate a batch's gradients.
 */
export interface ScalerJson {
  mean: number[];
  scale: number[];
  clip: number;
}

export class Scaler {
  constructor(
    readonly mean: Float64Array,
    /** 1 / std; 1 when a feature is constant or never observed. */
    readonly invStd: Float64Array,
    readonly clip: number,
  ) {}

  get nFeatures(): number {
    return this.mean.length;
  }

  /**
   * Fits from `count` observations of F features: `visit(cb)` must call `cb(offset)` once per
   * observation with the offset of its first feature in `values`.
   */
  static fit(values: Float32Array, F: number, visit: (cb: (offset: number) => void) => void, clip: number): Scaler {
    // Welford per feature in float64: exact enough for millions of rows.
    const n = new Float64Array(F);
    const mean = new Float64Array(F);
    const m2 = new Float64Array(F);
    visit((o) => {
      for (let f = 0; f < F; f++) {
        const v = values[o + f];
        if (v !== v || v === Infinity || v === -Infinity) continue;
        const k = ++n[f];
        const d = v - mean[f];
        mean[f] += d / k;
        m2[f] += d * (v - mean[f]);
      }
    });
    const inv = new Float64Array(F);
    for (let f = 0; f < F; f++) {
      const sd = n[f] > 1 ? Math.sqrt(m2[f] / (n[f] - 1)) : 0;
      inv[f] = sd > 1e-12 && Number.isFinite(sd) ? 1 / sd : 1;
      if (n[f] === 0) mean[f] = 0;
    }
    return new Scaler(mean, inv, clip);
  }

  /** Scales F values from src[so..] into dst[do..]; missing or infinite values become 0. */
  apply(src: Float32Array, so: number, dst: Float32Array, d0: number): void {
    const F = this.mean.length;
    const clip = this.clip;
    const mean = this.mean;
    const inv = this.invStd;
    for (let f = 0; f < F; f++) {
      const v = src[so + f];
      if (v !== v || v === Infinity || v === -Infinity) {
        dst[d0 + f] = 0;
        continue;
      }
      let z = (v - mean[f]) * inv[f];
      if (clip > 0) z = z > clip ? clip : z < -clip ? -clip : z;
      dst[d0 + f] = z;
    }
  }

  toJSON(): ScalerJson {
    return { mean: Array.from(this.mean), scale: Array.from(this.invStd), clip: this.clip };
  }

  static fromJSON(j: ScalerJson): Scaler {
    return new Scaler(Float64Array.from(j.mean), Float64Array.from(j.scale), j.clip);
  }
}

/** Affine target scaling for regression (train mean/std), inverted at prediction. */
export interface TargetScale {
  shift: number;
  scale: number;
}

export function fitTargetScale(y: Float64Array, weight?: Float64Array): TargetScale {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weight ? weight[i] : 1;
    sw += w;
    s += w * y[i];
  }
  const mean = sw > 0 ? s / sw : 0;
  let ss = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weight ? weight[i] : 1;
    ss += w * (y[i] - mean) ** 2;
  }
  const sd = sw > 0 ? Math.sqrt(ss / sw) : 1;
  return { shift: mean, scale: sd > 1e-12 ? sd : 1 };
}
