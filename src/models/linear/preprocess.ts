import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TabularData } from "../family.js";
import { quantileInPlace } from "./quantile.js";

/**
 * Preprocessing that belongs to a linear model: fitted on training rows only and saved with the
 * model, so predictions on new data repeat it exactly. Per input feature: clip to training quantiles
 * (optional winsorizing), replace NaN by the training median, optionally add a missing-indicator
 * column; then every design column is centered (when there is an intercept) and scaled to unit
 * weighted standard deviation (when standardizing), so an L1/L2 penalty treats features alike.
 *
 * Design columns: the F input features in order, then one indicator per feature that had missing
 * values in training. A column constant on the (weighted) training rows gets scale 0: it contributes
 * nothing and its coefficient stays 0.
 */

export interface PreprocessOptions {
  fitIntercept: boolean;
  standardize: boolean;
  missingIndicator: boolean;
  winsorize: number;
}

/** A contiguous range of rows [start, end) with weights normalized to sum to 1. */
export interface RowRange {
  start: number;
  end: number;
  /** Normalized weights, length end - start. */
  v: Float64Array;
}

export class Preprocessor {
  /** Number of design columns (features + indicators). */
  readonly nCols: number;
  /** Multiplier after centering: 1 / scale, or 0 for a constant column. */
  private readonly invScale: Float64Array;

  constructor(
    readonly featureNames: readonly string[],
    /** Per input feature: value that replaces NaN. */
    readonly median: Float64Array,
    /** Per input feature: clip bounds (-Infinity / Infinity when not winsorizing). */
    readonly lower: Float64Array,
    readonly upper: Float64Array,
    /** Input feature of each indicator column, in design order after the F value columns. */
    readonly indicatorOf: Int32Array,
    /** Per design column: subtracted before scaling (0 without an intercept). */
    readonly center: Float64Array,
    /** Per design column: divisor (1 when not standardizing); 0 marks a constant column. */
    readonly scale: Float64Array,
    /** Per design column: weighted standard deviation on the training rows (for importances). */
    readonly std: Float64Array,
  ) {
    this.nCols = featureNames.length + indicatorOf.length;
    this.invScale = scale.map((s) => (s === 0 ? 0 : 1 / s));
  }

  get nFeatures(): number {
    return this.featureNames.length;
  }

  /** Design column names: features, then `<feature>__missing` indicators. */
  get columnNames(): string[] {
    return [...this.featureNames, ...Array.from(this.indicatorOf, (f) => `${this.featureNames[f]}__missing`)];
  }

  isConstant(col: number): boolean {
    return this.scale[col] === 0;
  }

  /** Writes the design row of X's row `row` into out[0..nCols). Caller guarantees no ±Infinity. */
  fillRow(X: Float32Array, row: number, out: Float64Array): void {
    const F = this.featureNames.length;
    const base = row * F;
    const { median, lower, upper, center, invScale, indicatorOf } = this;
    for (let f = 0; f < F; f++) {
      const x = X[base + f];
      const u = x !== x ? median[f] : x < lower[f] ? lower[f] : x > upper[f] ? upper[f] : x;
      out[f] = (u - center[f]) * invScale[f];
    }
    for (let k = 0; k < indicatorOf.length; k++) {
      const x = X[base + indicatorOf[k]];
      const c = F + k;
      out[c] = ((x !== x ? 1 : 0) - center[c]) * invScale[c];
    }
  }

  /** Column-major design [nCols x n] of rows [start, end): column c at offset c * n. */
  columnMajor(X: Float32Array, start: number, end: number): Float64Array {
    const n = end - start;
    const p = this.nCols;
    const out = new Float64Array(n * p);
    const row = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      this.fillRow(X, start + i, row);
      for (let c = 0; c < p; c++) out[c * n + i] = row[c];
    }
    return out;
  }

  /** Row-major design [n x nCols] of rows [start, end). */
  rowMajor(X: Float32Array, start: number, end: number): Float64Array {
    const n = end - start;
    const p = this.nCols;
    const out = new Float64Array(n * p);
    for (let i = 0; i < n; i++) this.fillRow(X, start + i, out.subarray(i * p, (i + 1) * p));
    return out;
  }

  /** Fits on rows [range.start, range.end) of `data`; X must already be checked for ±Infinity. */
  static fit(data: TabularData, range: RowRange, opts: PreprocessOptions): Preprocessor {
    const { X, nFeatures: F } = data;
    const { start, end, v } = range;
    const n = end - start;
    const median = new Float64Array(F);
    const lower = new Float64Array(F).fill(-Infinity);
    const upper = new Float64Array(F).fill(Infinity);
    const indicators: number[] = [];
    const buf = new Float64Array(n);
    for (let f = 0; f < F; f++) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const x = X[(start + i) * F + f];
        if (x === x) buf[m++] = x;
      }
      if (m < n && opts.missingIndicator) indicators.push(f);
      if (m === 0) continue; // all missing: imputes 0, and the column is constant
      median[f] = quantileInPlace(buf, m, 0.5);
      if (opts.winsorize > 0) {
        lower[f] = quantileInPlace(buf, m, opts.winsorize);
        upper[f] = quantileInPlace(buf, m, 1 - opts.winsorize);
      }
    }
    const indicatorOf = Int32Array.from(indicators);
    const p = F + indicatorOf.length;
    const center = new Float64Array(p);
    const scale = new Float64Array(p);
    const std = new Float64Array(p);
    // Moments from the imputed, clipped values: a provisional preprocessor with no centering/scaling.
    const raw = new Preprocessor(data.featureNames, median, lower, upper, indicatorOf, new Float64Array(p), new Float64Array(p).fill(1), std);
    const mean = new Float64Array(p);
    const lo = new Float64Array(p).fill(Infinity);
    const hi = new Float64Array(p).fill(-Infinity);
    const row = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      if (v[i] === 0) continue;
      raw.fillRow(X, start + i, row);
      for (let c = 0; c < p; c++) {
        const u = row[c];
        mean[c] += v[i] * u;
        if (u < lo[c]) lo[c] = u;
        if (u > hi[c]) hi[c] = u;
      }
    }
    const ss = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      if (v[i] === 0) continue;
      raw.fillRow(X, start + i, row);
      for (let c = 0; c < p; c++) {
        const d = row[c] - mean[c];
        ss[c] += v[i] * d * d;
      }
    }
    for (let c = 0; c < p; c++) {
      // Exact constancy test (min === max on weighted rows): a variance threshold would misjudge
      // features that are legitimately tiny in scale.
      const constant = !(hi[c] > lo[c]);
      std[c] = constant ? 0 : Math.sqrt(ss[c]);
      center[c] = opts.fitIntercept ? mean[c] : 0;
      scale[c] = constant ? 0 : opts.standardize ? std[c] : 1;
    }
    return new Preprocessor(data.featureNames, median, lower, upper, indicatorOf, center, scale, std);
  }

  toJSON(): PreprocessorJson {
    const bound = (a: Float64Array) => Array.from(a, (x) => (Number.isFinite(x) ? x : null));
    return {
      median: Array.from(this.median),
      lower: bound(this.lower),
      upper: bound(this.upper),
      indicatorOf: Array.from(this.indicatorOf),
      center: Array.from(this.center),
      scale: Array.from(this.scale),
      std: Array.from(this.std),
    };
  }

  static fromJSON(json: PreprocessorJson, featureNames: readonly string[]): Preprocessor {
    const F = featureNames.length;
    const p = F + json.indicatorOf.length;
    const check = (key: string, len: number, want: number) => {
      if (len !== want) throw new InputError(`linear model JSON: preprocess.${key} has ${len} entries, expected ${want}`);
    };
    check("median", json.median.length, F);
    check("lower", json.lower.length, F);
    check("upper", json.upper.length, F);
    check("center", json.center.length, p);
    check("scale", json.scale.length, p);
    check("std", json.std.length, p);
    for (const f of json.indicatorOf) if (f >= F) throw new InputError(`linear model JSON: preprocess.indicatorOf names feature ${f} of ${F}`);
    return new Preprocessor(
      featureNames,
      Float64Array.from(json.median),
      Float64Array.from(json.lower, (x) => x ?? -Infinity),
      Float64Array.from(json.upper, (x) => x ?? Infinity),
      Int32Array.from(json.indicatorOf),
      Float64Array.from(json.center),
      Float64Array.from(json.scale),
      Float64Array.from(json.std),
    );
  }
}

export const preprocessorJsonSchema = z.strictObject({
  median: z.array(z.number()),
  lower: z.array(z.number().nullable()),
  upper: z.array(z.number().nullable()),
  indicatorOf: z.array(z.number().int().min(0)),
  center: z.array(z.number()),
  scale: z.array(z.number().min(0)),
  std: z.array(z.number().min(0)),
});

export type PreprocessorJson = z.infer<typeof preprocessorJsonSchema>;
