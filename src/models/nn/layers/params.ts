import { InputError } from "../../../util/errors.js";
import type { Rng } from "../../../util/random.js";
import { tf, type TF } from "../runtime/backend.js";

/**
 * The trainable weights of one network, by name. Builders ask for each weight once, in the same
 * order whether training from scratch (initialised from the project PRNG, so a seed fixes every
 * starting weight on every backend) or loading (taken from saved values, shapes checked).
 */

export type Init =
  | { kind: "glorot_uniform" }
  | { kind: "he_uniform" }
  | { kind: "orthogonal"; blocks: number }
  | { kind: "normal"; sd: number }
  | { kind: "constant"; value: number }
  /** The last axis split into equal blocks, each filled with its own constant (e.g. an LSTM forget-gate bias). */
  | { kind: "block_constant"; values: number[] };

export const zeros: Init = { kind: "constant", value: 0 };
export const ones: Init = { kind: "constant", value: 1 };
export const glorot: Init = { kind: "glorot_uniform" };
export const he: Init = { kind: "he_uniform" };

export interface SavedWeight {
  shape: number[];
  data: Float32Array;
}

export class ParamStore {
  readonly names: string[] = [];
  readonly vars: TF.Variable[] = [];
  private readonly shapes: number[][] = [];

  private constructor(
    private readonly rng: Rng | null,
    private readonly saved: Map<string, SavedWeight> | null,
    /** Only check names and shapes against `saved`; create no tensors (validating a model file). */
    private readonly checkOnly = false,
  ) {}

  /**
   * A store that checks a saved model's weights against the layout a builder asks for, without
   * tfjs: `load` calls the builder with it so a bad file fails at load, not at the first predict.
   */
  static checker(saved: Map<string, SavedWeight>): ParamStore {
    return new ParamStore(null, saved, true);
  }

  /** Saved weights the builder never asked for (after building with a checker or fromSaved store). */
  unusedSaved(): string[] {
    return this.saved ? [...this.saved.keys()].filter((k) => !this.names.includes(k)) : [];
  }

  static fresh(rng: Rng): ParamStore {
    return new ParamStore(rng, null);
  }

  static fromSaved(saved: Map<string, SavedWeight>): ParamStore {
    return new ParamStore(null, saved);
  }

  /** The weight `name` of `shape`; the last axis is fan-out, the product of the others fan-in. */
  add(name: string, shape: number[], init: Init): TF.Variable {
    if (this.names.includes(name)) throw new Error(`weight "${name}" defined twice`);
    let data: Float32Array;
    if (this.saved) {
      const w = this.saved.get(name);
      if (!w) throw new InputError(`model JSON has no weight "${name}"`, "the file was written by a different network layout");
      if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
        throw new InputError(`model JSON: weight "${name}" has shape [${w.shape}], the network needs [${shape}]`);
      }
      data = w.data;
      if (this.checkOnly) {
        this.names.push(name);
        this.shapes.push(shape);
        return undefined as unknown as TF.Variable;
      }
    } else data = initialValues(shape, init, this.rng!.fork(name));
    const init0 = tf.tensor(data, shape, "float32");
    const v = tf.variable(init0, true, undefined, "float32");
    init0.dispose();
    this.names.push(name);
    this.vars.push(v);
    this.shapes.push(shape);
    return v;
  }

  get count(): number {
    let n = 0;
    for (const s of this.shapes) n += s.reduce((a, b) => a * b, 1);
    return n;
  }

  /** Current values (copies), for snapshots and saving. */
  snapshot(): Float32Array[] {
    return this.vars.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  restore(values: readonly Float32Array[]): void {
    tf.tidy(() => this.vars.forEach((v, i) => v.assign(tf.tensor(values[i], this.shapes[i], "float32"))));
  }

  /** Weights by name with shapes, for the model file. */
  entries(): { name: string; shape: number[]; data: Float32Array }[] {
    const vals = this.snapshot();
    return this.names.map((name, i) => ({ name, shape: this.shapes[i], data: vals[i] }));
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

function initialValues(shape: number[], init: Init, rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const fanOut = shape[shape.length - 1] ?? 1;
  const fanIn = shape.length > 1 ? n / fanOut : fanOut;
  switch (init.kind) {
    case "constant":
      out.fill(init.value);
      break;
    case "block_constant": {
      const size = fanOut / init.values.length;
      for (let i = 0; i < n; i++) out[i] = init.values[Math.floor((i % fanOut) / size)];
      break;
    }
    case "normal":
      for (let i = 0; i < n; i++) out[i] = rng.normal(0, init.sd);
      break;
    case "glorot_uniform": {
      const lim = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = rng.uniformIn(-lim, lim);
      break;
    }
    case "he_uniform": {
      const lim = Math.sqrt(6 / fanIn);
      for (let i = 0; i < n; i++) out[i] = rng.uniformIn(-lim, lim);
      break;
    }
    case "orthogonal": {
      // Recurrent kernels [H, blocks * H]: each gate's H x H block orthogonal, which keeps early
      // gradients through time from exploding or vanishing.
      const rows = shape[0];
      const cols = fanOut / init.blocks;
      for (let b = 0; b < init.blocks; b++) {
        const q = orthogonal(rows, cols, rng);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * fanOut + b * cols + c] = q[r * cols + c];
      }
      break;
    }
  }
  return out;
}

/** A rows x cols matrix with orthonormal columns (or rows, when rows < cols), by Gram-Schmidt. */
function orthogonal(rows: number, cols: number, rng: Rng): Float64Array {
  const tall = rows >= cols;
  const m = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of vectors
  const v = new Float64Array(k * m);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += v[a * m + i] * v[b * m + i];
      for (let i = 0; i < m; i++) v[a * m + i] -= dot * v[b * m + i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[a * m + i] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) v[a * m + i] /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = tall ? v[c * m + r] : v[r * m + c];
  return out;
}
