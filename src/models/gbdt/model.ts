import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { TrainedModel } from "../family.js";
import { sigmoid } from "./objectives.js";
import { softmaxOutputMajor } from "../link.js";
import { TreeShapper } from "./shap.js";
import { PackedForest, type Tree } from "./tree.js";
import { checkPredictInput } from "./validate.js";

/** Bumped whenever the JSON layout changes; `load` accepts this version only. */
export const GBDT_FORMAT = "foxml-gbdt";
export const GBDT_FORMAT_VERSION = 1;

export interface GbdtModelInfo {
  family: string;
  /** Built-in objective name, or "custom:<name>". */
  objective: string;
  numOutputs: number;
  /** Raw starting score per output (boost_from_average); 0 when the training data had init scores. */
  baseScore: number[];
  /** Random forest: prediction = base + mean of the trees instead of their sum. */
  averageTrees: boolean;
  featureNames: string[];
  categoricalFeatures: number[];
  params: { alpha: number; huber_delta: number; learning_rate: number; objective: string };
  bestIteration: number;
  metric: { name: string; best: number } | null;
}

export type ImportanceKind = "split" | "gain";

export class GbdtModel implements TrainedModel {
  readonly family: string;
  private readonly forest: PackedForest;

  constructor(
    readonly info: GbdtModelInfo,
    readonly trees: readonly Tree[],
    private readonly customTransform?: (raw: number) => number,
  ) {
    this.family = info.family;
    this.forest = new PackedForest(trees);
  }

  get nFeatures(): number {
    return this.info.featureNames.length;
  }

  /** Raw scores, output-major [output][row]; init scores of the data are not included. */
  predictRaw(X: Float32Array, nRows: number): Float64Array {
    checkPredictInput(X, nRows, this.nFeatures);
    const K = this.info.numOutputs;
    const out = new Float64Array(K * nRows);
    this.forest.addPredictions(X, nRows, this.nFeatures, out, K);
    return this.finishRaw(out, nRows);
  }

  /**
   * Raw scores with the same finishing steps as predictRaw (tree averaging, base score), from
   * output-major sums of the trees.
   */
  private finishRaw(out: Float64Array, nRows: number): Float64Array {
    const K = this.info.numOutputs;
    if (this.info.averageTrees && this.trees.length > 0) {
      const per = this.trees.length / K;
      for (let i = 0; i < out.length; i++) out[i] /= per;
    }
    for (let k = 0; k < K; k++) {
      const b = this.info.baseScore[k];
      if (b !== 0) for (let r = 0; r < nRows; r++) out[k * nRows + r] += b;
    }
    return out;
  }

  /**
   * A predictor for rows that differ from `X` in one column only (permutation importance): each
   * tree's outputs on X are kept, and for a changed column only the trees that split on it are
   * walked again. Sums run tree by tree in the same order as predict, so its predictions are
   * bit-for-bit predict's on the changed rows. Undefined when the cache would be too large.
   */
  columnPredictor(X: Float32Array, nRows: number): ((Xc: Float32Array, feature: number) => Float64Array) | undefined {
    checkPredictInput(X, nRows, this.nFeatures);
    const nTrees = this.trees.length;
    const K = this.info.numOutputs;
    if (nTrees * nRows > 20_000_000) return undefined;
    const cache = new Float64Array(nTrees * nRows);
    const tmp = new Float64Array(K * nRows);
    for (let k = 0; k < nTrees; k++) {
      const o = (k % K) * nRows;
      tmp.fill(0, o, o + nRows);
      this.forest.addPredictions(X, nRows, this.nFeatures, tmp, K, k, k + 1);
      cache.set(tmp.subarray(o, o + nRows), k * nRows);
    }
    const uses = new Map<number, Uint8Array>();
    return (Xc, feature) => {
      checkPredictInput(Xc, nRows, this.nFeatures);
      let u = uses.get(feature);
      if (u === undefined) {
        u = Uint8Array.from({ length: nTrees }, (_, k) => (this.forest.treeUses(k, feature) ? 1 : 0));
        uses.set(feature, u);
      }
      const out = new Float64Array(K * nRows);
      for (let k = 0; k < nTrees; k++) {
        if (u[k] === 1) {
          this.forest.addPredictions(Xc, nRows, this.nFeatures, out, K, k, k + 1);
          continue;
        }
        const o = (k % K) * nRows;
        const c = k * nRows;
        for (let r = 0; r < nRows; r++) out[o + r] += cache[c + r];
      }
      return this.transform(this.finishRaw(out, nRows), nRows);
    };
  }

  /** Predictions: probabilities for binary, row-major [row][class] probabilities for multiclass, else raw. */
  predict(X: Float32Array, nRows: number): Float64Array {
    return this.transform(this.predictRaw(X, nRows), nRows);
  }

  transform(raw: Float64Array, nRows: number): Float64Array {
    const K = this.info.numOutputs;
    if (this.info.objective === "binary") return raw.map(sigmoid);
    if (K > 1) return softmaxOutputMajor(raw, K, nRows);
    if (this.customTransform) return raw.map(this.customTransform);
    return raw;
  }

  /** Per feature name: number of splits ("split") or their total gain ("gain"). */
  importance(kind: string = "gain"): Record<string, number> {
    if (kind !== "split" && kind !== "gain") throw new InputError(`unknown importance kind "${kind}"`, 'use "split" or "gain"');
    const acc = new Float64Array(this.nFeatures);
    for (const t of this.trees) {
      for (let i = 0; i < t.left.length; i++) {
        if (t.left[i] === -1) continue;
        acc[t.feature[i]] += kind === "split" ? 1 : t.gain[i];
      }
    }
    const out: Record<string, number> = {};
    this.info.featureNames.forEach((name, f) => (out[name] = acc[f]));
    return out;
  }

  /**
   * TreeSHAP contributions of each feature to each row's raw score, row-major
   * [row][output][nFeatures + 1]; the last column is the expected value (bias). Per row and output
   * the columns sum to predictRaw.
   */
  contributions(X: Float32Array, nRows: number): Float64Array {
    checkPredictInput(X, nRows, this.nFeatures);
    const K = this.info.numOutputs;
    const F = this.nFeatures;
    const out = new Float64Array(nRows * K * (F + 1));
    const scale = this.info.averageTrees && this.trees.length > 0 ? K / this.trees.length : 1;
    const phi = new Float64Array(F + 1);
    const shap = new TreeShapper();
    for (let r = 0; r < nRows; r++) {
      for (let t = 0; t < this.trees.length; t++) {
        const k = t % K;
        phi.fill(0);
        shap.explain(this.trees[t], X, r * F, phi, F);
        const o = (r * K + k) * (F + 1);
        for (let j = 0; j <= F; j++) out[o + j] += phi[j] * scale;
      }
      for (let k = 0; k < K; k++) out[(r * K + k) * (F + 1) + F] += this.info.baseScore[k];
    }
    return out;
  }

  toJSON(): GbdtModelJson {
    return {
      format: GBDT_FORMAT,
      version: GBDT_FORMAT_VERSION,
      ...this.info,
      trees: this.trees.map((t) => ({ ...t, defaultLeft: t.defaultLeft.map((b) => (b ? 1 : 0)) })),
    };
  }

  static fromJSON(json: unknown): GbdtModel {
    const parsed = modelJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`not a valid ${GBDT_FORMAT} model: ${issue.path.join(".") || "(root)"}: ${issue.message}`, `expected a JSON object written by GbdtModel.toJSON (format version ${GBDT_FORMAT_VERSION})`);
    }
    const { format: _f, version: _v, trees: rawTrees, ...info } = parsed.data;
    const F = info.featureNames.length;
    const trees: Tree[] = rawTrees.map((t, ti) => {
      const n = t.left.length;
      for (const [key, arr] of Object.entries(t)) {
        if ((arr as unknown[]).length !== n) throw new InputError(`model JSON: trees.${ti}.${key} has ${(arr as unknown[]).length} entries, expected ${n}`);
      }
      for (let i = 0; i < n; i++) {
        const leaf = t.left[i] === -1;
        if (!leaf && (t.left[i] <= i || t.left[i] >= n || t.right[i] <= i || t.right[i] >= n || t.feature[i] < 0 || t.feature[i] >= F)) {
          throw new InputError(`model JSON: trees.${ti} node ${i} has invalid children or feature`);
        }
      }
      return { ...t, defaultLeft: t.defaultLeft.map((b) => b === 1) };
    });
    if (trees.length % info.numOutputs !== 0) throw new InputError(`model JSON: ${trees.length} trees is not a multiple of numOutputs ${info.numOutputs}`);
    return new GbdtModel(info, trees);
  }
}

const treeJsonSchema = z.strictObject({
  left: z.array(z.number().int().min(-1)),
  right: z.array(z.number().int().min(-1)),
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number()),
  defaultLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  categories: z.array(z.array(z.number().int().min(0)).nullable()),
  value: z.array(z.number()),
  gain: z.array(z.number()),
  count: z.array(z.number().min(0)),
  hess: z.array(z.number()),
});

const modelJsonSchema = z.strictObject({
  format: z.literal(GBDT_FORMAT),
  version: z.literal(GBDT_FORMAT_VERSION),
  family: z.string(),
  objective: z.string(),
  numOutputs: z.number().int().min(1),
  baseScore: z.array(z.number()),
  averageTrees: z.boolean(),
  featureNames: z.array(z.string()),
  categoricalFeatures: z.array(z.number().int().min(0)),
  params: z.strictObject({ alpha: z.number(), huber_delta: z.number(), learning_rate: z.number(), objective: z.string() }),
  bestIteration: z.number().int(),
  metric: z.strictObject({ name: z.string(), best: z.number() }).nullable(),
  trees: z.array(treeJsonSchema),
});

export type GbdtModelJson = z.infer<typeof modelJsonSchema>;
