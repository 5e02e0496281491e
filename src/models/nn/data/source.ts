import { InputError } from "../../../util/errors.js";
import type { TabularData } from "../../family.js";
import type { FeatureGrid, SequenceData } from "../sequence-data.js";
import { Scaler } from "./scaler.js";

/**
 * Where a batch's inputs come from. A source writes the scaled, NaN-free inputs of the requested
 * rows into a caller-owned buffer, so training holds one batch at a time, never the full tensor.
 */
export interface BatchSource {
  readonly n: number;
  /** Per-sample input shape: [F] for tabular rows, [L, F] for windows. */
  readonly sampleShape: readonly number[];
  /** Floats per sample (the product of sampleShape). */
  readonly sampleSize: number;
  /** Writes samples idx[start .. start+count) into out[0 .. count * sampleSize). */
  fill(idx: Int32Array, start: number, count: number, out: Float32Array): void;
}

/** Tabular rows; with `steps` > 1 each row is a flattened window [steps x (F / steps)], oldest first. */
export class RowSource implements BatchSource {
  readonly sampleShape: readonly number[];
  readonly sampleSize: number;
  private readonly perStep: number;

  constructor(
    private readonly X: Float32Array,
    readonly n: number,
    private readonly nFeatures: number,
    private readonly scaler: Scaler,
    private readonly steps = 1,
  ) {
    this.perStep = nFeatures / steps;
    this.sampleShape = steps > 1 ? [steps, this.perStep] : [nFeatures];
    this.sampleSize = nFeatures;
    if (scaler.nFeatures !== this.perStep) throw new Error(`scaler has ${scaler.nFeatures} features, source ${this.perStep} per step`);
  }

  fill(idx: Int32Array, start: number, count: number, out: Float32Array): void {
    const F = this.nFeatures;
    const P = this.perStep;
    for (let i = 0; i < count; i++) {
      const r = idx[start + i];
      for (let j = 0; j < this.steps; j++) this.scaler.apply(this.X, r * F + j * P, out, i * F + j * P);
    }
  }
}

/** Windows of `lookback` bars gathered per batch from a bar-major feature grid. */
export class WindowSource implements BatchSource {
  readonly sampleShape: readonly number[];
  readonly sampleSize: number;
  readonly n: number;

  constructor(
    private readonly grid: FeatureGrid,
    private readonly rows: Int32Array,
    private readonly lookback: number,
    private readonly scaler: Scaler,
  ) {
    this.n = rows.length;
    this.sampleShape = [lookback, grid.nFeatures];
    this.sampleSize = lookback * grid.nFeatures;
  }

  fill(idx: Int32Array, start: number, count: number, out: Float32Array): void {
    const { S, nFeatures: F, values } = this.grid;
    const L = this.lookback;
    for (let i = 0; i < count; i++) {
      const cell = this.rows[idx[start + i]];
      const t = Math.floor(cell / S);
      const s = cell - t * S;
      let o = i * L * F;
      for (let j = 0; j < L; j++, o += F) {
        const tt = t - L + 1 + j;
        if (tt < 0) out.fill(0, o, o + F);
        else this.scaler.apply(values, (tt * S + s) * F, out, o);
      }
    }
  }
}

/** Fits the input scaler on training rows only. */
export function fitRowScaler(d: TabularData, steps: number, clip: number): Scaler {
  const P = d.nFeatures / steps;
  return Scaler.fit(d.X, P, (cb) => {
    for (let r = 0; r < d.nRows; r++) for (let j = 0; j < steps; j++) cb(r * d.nFeatures + j * P);
  }, clip);
}

/** Fits the input scaler on the training rows' own bars (cells), which all lie in the training fold. */
export function fitGridScaler(d: SequenceData, clip: number): Scaler {
  const F = d.grid.nFeatures;
  return Scaler.fit(d.grid.values, F, (cb) => {
    for (let r = 0; r < d.rows.length; r++) cb(d.rows[r] * F);
  }, clip);
}

/** Checks a tabular matrix's shape (finite or NaN values are both fine: NaN means missing). */
export function checkTabular(d: Pick<TabularData, "X" | "nRows" | "nFeatures">, what: string): void {
  if (!Number.isInteger(d.nRows) || d.nRows < 0) throw new InputError(`${what}: nRows must be a non-negative integer, got ${d.nRows}`);
  if (d.X.length !== d.nRows * d.nFeatures) {
    throw new InputError(`${what}: X has ${d.X.length} values, expected nRows x nFeatures = ${d.nRows} x ${d.nFeatures} = ${d.nRows * d.nFeatures}`);
  }
}
