import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import { checkSequenceData, type SequenceData } from "../nn/sequence-data.js";
import { baseJsonSchema, loadBase, type BaseJson } from "./base.js";
import { BocpdScratch, CP_FEATURES, seriesFeatures, type BocpdOptions } from "./bocpd.js";
import { changePointParamsSchema, type ChangePointParams } from "./cp-params.js";

export const CHANGE_POINT_FORMAT = "foxml-change-point";
export const CHANGE_POINT_FORMAT_VERSION = 1;

/** One series the detector runs on: an input feature, optionally logged, standardized on training bars. */
export interface CpSeries {
  feature: string;
  index: number;
  log: boolean;
  shift: number;
  scale: number;
}

export interface ChangePointInfo {
  family: string;
  task: "regression" | "binary";
  /** Features of one bar, in grid order (what a sequence grid must hold). */
  featureNames: string[];
  params: ChangePointParams;
  series: CpSeries[];
  /** The base model's columns: the bar's features, the change-point features, interactions. */
  baseColumns: string[];
}

export function bocpdOptions(p: ChangePointParams): BocpdOptions {
  return { hazard: 1 / p.expected_run, mu0: 0, kappa0: p.prior_kappa, alpha0: p.prior_alpha, beta0: p.prior_beta, changeWindow: p.change_window };
}

export function baseColumnsOf(featureNames: readonly string[], series: readonly CpSeries[], interactions: boolean): string[] {
  const cp = series.flatMap((s) => CP_FEATURES.map((f) => `__cp_${s.feature}_${f}`));
  const inter = interactions ? featureNames.map((n) => `__cpx_${n}`) : [];
  return [...featureNames, ...cp, ...inter];
}

function transformed(v: number, s: CpSeries): number {
  const u = s.log ? (v > 0 ? Math.log(v) : NaN) : v;
  return (u - s.shift) / s.scale;
}

/**
 * Change-point features of the given grid cells (t * S + s), row-major [rows x 4 per series]: each
 * from the `lookback` bars of its symbol ending at its own bar, nothing later.
 */
export function gridChangePointFeatures(data: Pick<SequenceData, "grid" | "rows">, series: readonly CpSeries[], p: ChangePointParams): Float64Array {
  const { T, S, nFeatures: F, values } = data.grid;
  const C = CP_FEATURES.length * series.length;
  const out = new Float64Array(data.rows.length * C);
  const sc = new BocpdScratch(p.lookback, bocpdOptions(p));
  // Rows grouped by symbol: one detector pass per symbol and series.
  const bySymbol = new Map<number, number[]>();
  for (let i = 0; i < data.rows.length; i++) {
    const s = data.rows[i] % S;
    let list = bySymbol.get(s);
    if (list === undefined) bySymbol.set(s, (list = []));
    list.push(i);
  }
  const col = new Float64Array(T);
  series.forEach((sr, j) => {
    for (const [s, idx] of bySymbol) {
      for (let u = 0; u < T; u++) col[u] = transformed(values[(u * S + s) * F + sr.index], sr);
      const bars = Int32Array.from(idx, (i) => Math.floor(data.rows[i] / S));
      const part = new Float64Array(idx.length * CP_FEATURES.length);
      seriesFeatures(col, bars, sc, part, CP_FEATURES.length, 0);
      idx.forEach((i, k) => out.set(part.subarray(k * CP_FEATURES.length, (k + 1) * CP_FEATURES.length), i * C + CP_FEATURES.length * j));
    }
  });
  return out;
}

/** The base model's rows: the bar's features, its change-point features and the interactions. */
export function baseRows(current: Float32Array, n: number, F: number, cp: Float64Array, C: number, interactions: boolean): Float32Array {
  const W = F + C + (interactions ? F : 0);
  const out = new Float32Array(n * W);
  for (let r = 0; r < n; r++) {
    const o = r * W;
    for (let f = 0; f < F; f++) out[o + f] = current[r * F + f];
    for (let c = 0; c < C; c++) out[o + F + c] = cp[r * C + c];
    if (interactions) {
      const g = cp[r * C + 1];
      for (let f = 0; f < F; f++) out[o + F + C + f] = current[r * F + f] * g;
    }
  }
  return out;
}

/** The features of each row's own bar, row-major [rows x F]. */
export function currentBar(data: Pick<SequenceData, "grid" | "rows">): Float32Array {
  const F = data.grid.nFeatures;
  const out = new Float32Array(data.rows.length * F);
  for (let i = 0; i < data.rows.length; i++) out.set(data.grid.values.subarray(data.rows[i] * F, (data.rows[i] + 1) * F), i * F);
  return out;
}

/**
 * A base model conditioned on Bayesian online change-point features of its inputs' series. A
 * sequence model: it predicts grid cells (predictSequence), or rows that are flattened windows of
 * `lookback` bars x features, oldest first (predict), like the other sequence families.
 */
export class ChangePointModel implements TrainedModel {
  readonly family: string;

  constructor(
    readonly info: ChangePointInfo,
    readonly base: TrainedModel,
    private readonly baseJson: BaseJson,
  ) {
    this.family = info.family;
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  private checkGrid(data: Pick<SequenceData, "grid" | "rows">): void {
    checkSequenceData({ ...data, y: new Float64Array(0) }, `${this.family} predict`, false);
    const got = data.grid.featureNames;
    const want = this.info.featureNames;
    if (got.length !== want.length || got.some((n, i) => n !== want[i])) {
      throw new InputError(`${this.family} predict: grid features [${got.join(", ")}] differ from the model's [${want.join(", ")}]`, "give the features in the order the model was trained with");
    }
  }

  /** Change-point features of grid cells, row-major [rows x 4 per series] (see CP_FEATURES). */
  changePointFeatures(data: Pick<SequenceData, "grid" | "rows">): Float64Array {
    this.checkGrid(data);
    return gridChangePointFeatures(data, this.info.series, this.info.params);
  }

  predictSequence(data: Pick<SequenceData, "grid" | "rows">): Float64Array {
    const cp = this.changePointFeatures(data);
    const n = data.rows.length;
    const C = CP_FEATURES.length * this.info.series.length;
    return this.base.predict(baseRows(currentBar(data), n, this.nFeatures, cp, C, this.info.params.interactions), n);
  }

  /** Rows of flattened windows: `lookback` bars x features, oldest bar first. */
  predict(X: Float32Array, nRows: number): Float64Array {
    const L = this.info.params.lookback;
    const F = this.nFeatures;
    if (X.length !== nRows * L * F) {
      throw new InputError(`${this.family} predict: X has ${X.length} values, expected ${nRows} rows x ${L} bars x ${F} features`, "each row is a window of lookback bars, oldest first (or use predictSequence with a grid)");
    }
    // Each window is its own one-symbol grid whose row is its last bar: windows never read each other.
    const out = new Float64Array(nRows);
    for (let r = 0; r < nRows; r++) {
      const grid = { T: L, S: 1, nFeatures: F, featureNames: this.info.featureNames, values: X.subarray(r * L * F, (r + 1) * L * F) };
      out[r] = this.predictSequence({ grid, rows: Int32Array.of(L - 1) })[0];
    }
    return out;
  }

  /** The base model's importance of the bar's features and the change-point columns. */
  importance(kind?: string): Record<string, number> {
    const imp = this.base.importance?.(kind) ?? {};
    return Object.fromEntries(this.info.featureNames.map((n) => [n, imp[n] ?? 0]));
  }

  toJSON(): unknown {
    return { format: CHANGE_POINT_FORMAT, version: CHANGE_POINT_FORMAT_VERSION, ...this.info, base: this.baseJson };
  }

  static fromJSON(json: unknown): ChangePointModel {
    const parsed = jsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${CHANGE_POINT_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by ChangePointModel.toJSON (format version ${CHANGE_POINT_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, base, ...info } = parsed.data;
    if (info.series.some((s) => s.index >= info.featureNames.length || info.featureNames[s.index] !== s.feature)) {
      throw new InputError(`${CHANGE_POINT_FORMAT} model: a series does not name its feature's position`);
    }
    return new ChangePointModel(info, loadBase(base), base);
  }
}

const jsonSchema = z.strictObject({
  format: z.literal(CHANGE_POINT_FORMAT),
  version: z.literal(CHANGE_POINT_FORMAT_VERSION),
  family: z.string(),
  task: z.enum(["regression", "binary"]),
  featureNames: z.array(z.string()).min(1),
  params: changePointParamsSchema,
  series: z.array(z.strictObject({ feature: z.string(), index: z.number().int().min(0), log: z.boolean(), shift: z.number(), scale: z.number().gt(0) })).min(1),
  baseColumns: z.array(z.string()),
  base: baseJsonSchema,
});
