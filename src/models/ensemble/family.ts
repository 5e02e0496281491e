/**
 * ensemble as a family: configured member families, combined by weights learned out of fold. The
 * members' out-of-fold predictions on the training rows (inner folds by time, purged by the label
 * window: members.ts) are standardized and fitted by the stacking meta-learner of src/ensemble
 * (non-negative least squares or ridge, meta.ts); the members are then refitted on all the rows.
 * Regression: intercept + the weights times the standardized member predictions (on the target's
 * scale). Binary: the normalized non-negative weights times the members' probabilities, so the
 * result stays a probability. Being a family, an ensemble can sit in an experiment's family list,
 * be ranked, searched, nested in another ensemble, saved and loaded.
 */
import { z } from "zod";
import { fitMeta, moments, reportedWeights } from "../../ensemble/meta.js";
import { InputError } from "../../util/errors.js";
import type { Family, FitContext, TabularData, TrainedModel } from "../family.js";
import { checkMembers, fitMembers, loadMember, meanSd, memberOof, membersShape, type SavedMember } from "./members.js";

export const ensembleParamsSchema = z
  .strictObject({
    ...membersShape,
    members: membersShape.members.default([{ family: "ridge", variant: "balanced", hyperparameters: {} }, { family: "lightgbm", variant: "balanced", hyperparameters: {} }]),
    stacker: z.enum(["non_negative", "ridge"]).default("non_negative").describe("non_negative: NNLS weights (no member cancels another); ridge: L2-penalized, weights may be negative"),
    alpha: z.number().min(0).default(0.01).describe("L2 penalty per row on the standardized member predictions"),
    min_rows: z.number().int().min(1).default(50).describe("fewest out-of-fold rows to fit weights; below it the members are averaged equally"),
  })
  .superRefine((p, ctx) => checkMembers(p.members, p.objective, ctx, "ensemble"));
export type EnsembleParams = z.infer<typeof ensembleParamsSchema>;

export const ENSEMBLE_FORMAT = "foxml-ensemble";
export const ENSEMBLE_FORMAT_VERSION = 1;

interface Combiner {
  objective: "regression" | "binary";
  intercept: number;
  /** Per member: coefficient on the standardized prediction (regression) or weight on the probability (binary). */
  coef: number[];
  mean: number[];
  sd: number[];
  /** Normalized weights, for reading. */
  weights: number[];
  /** "fitted" or "equal_weights" (too few out-of-fold rows, or no member related to the target). */
  combination: "fitted" | "equal_weights";
}

export class EnsembleModel implements TrainedModel {
  readonly family = "ensemble";
  constructor(
    readonly names: string[],
    readonly members: TrainedModel[],
    private readonly saved: Array<Omit<SavedMember, "model">>,
    readonly combiner: Combiner,
    /** The columns of a predict row. */
    readonly featureNames: string[],
  ) {}

  /** Weight of each member by name (normalized). */
  weightsByMember(): Record<string, number> {
    return Object.fromEntries(this.names.map((n, m) => [n, this.combiner.weights[m]]));
  }

  predict(X: Float32Array, nRows: number): Float64Array {
    const c = this.combiner;
    const out = new Float64Array(nRows).fill(c.intercept);
    this.members.forEach((model, m) => {
      if (c.coef[m] === 0) return;
      const p = model.predict(X, nRows);
      for (let r = 0; r < nRows; r++) out[r] += c.objective === "binary" ? c.coef[m] * p[r] : (c.coef[m] * (p[r] - c.mean[m])) / c.sd[m];
    });
    return out;
  }

  importance(): Record<string, number> {
    const out: Record<string, number> = {};
    this.members.forEach((model, m) => {
      if (!model.importance) return;
      let imp: Record<string, number>;
      try {
        imp = model.importance("gain");
      } catch {
        imp = model.importance();
      }
      const total = Object.values(imp).reduce((s, v) => s + Math.abs(v), 0) || 1;
      for (const [k, v] of Object.entries(imp)) out[k] = (out[k] ?? 0) + (Math.abs(this.combiner.weights[m]) * Math.abs(v)) / total;
    });
    return out;
  }

  toJSON(): unknown {
    return {
      format: ENSEMBLE_FORMAT,
      version: ENSEMBLE_FORMAT_VERSION,
      family: this.family,
      featureNames: this.featureNames,
      names: this.names,
      combiner: this.combiner,
      members: this.saved.map((s, m) => ({ ...s, model: this.members[m].toJSON() })),
    };
  }

  static fromJSON(json: unknown): EnsembleModel {
    const j = json as { format?: unknown; version?: unknown; featureNames?: string[]; names?: string[]; combiner?: Combiner; members?: SavedMember[] } | null;
    if (typeof j !== "object" || j === null || j.format !== ENSEMBLE_FORMAT || j.version !== ENSEMBLE_FORMAT_VERSION) {
      throw new InputError(`not a ${ENSEMBLE_FORMAT} v${ENSEMBLE_FORMAT_VERSION} model`, "load it with the family that wrote it");
    }
    const members = j.members ?? [];
    const c = j.combiner;
    if (!c || !Array.isArray(j.names) || j.names.length !== members.length || c.coef.length !== members.length) throw new InputError(`${ENSEMBLE_FORMAT} model JSON: members, names and weights do not match`);
    return new EnsembleModel(j.names, members.map((s) => loadMember(s, "ensemble")), members.map(({ family, variant }) => ({ family, variant })), c, j.featureNames ?? []);
  }
}

export const ensembleFamily: Family<EnsembleParams> = {
  name: "ensemble",
  kind: "tabular",
  tasks: ["regression", "binary"],
  paramsSchema: ensembleParamsSchema,
  async fit(train: TabularData, p: EnsembleParams, ctx: FitContext, valid?: TabularData) {
    const o = await memberOof(train, p.members, p.objective, p.inner_folds, ctx, "ensemble");
    const combiner = combine(o.oof, train.y, o.rows, p);
    ctx.log?.info({ family: "ensemble", weights: Object.fromEntries(o.names.map((n, m) => [n, +combiner.weights[m].toFixed(4)])), oofRows: o.rows.length, combination: combiner.combination }, "ensemble weights learned out of fold");
    const models = await fitMembers(train, p.members, p.objective, ctx, "ensemble", valid);
    return new EnsembleModel(o.names, models, p.members.map(({ family, variant }) => ({ family, variant })), combiner, [...train.featureNames]);
  },
  load: (json) => EnsembleModel.fromJSON(json),
};

function combine(oof: Float64Array[], y: Float64Array, rows: Int32Array, p: EnsembleParams): Combiner {
  const M = oof.length;
  const stats = oof.map((v) => meanSd(v, rows));
  const equal = (): Combiner => {
    const w = Array(M).fill(1 / M);
    if (p.objective === "binary") return { objective: "binary", intercept: 0, coef: w, mean: stats.map((s) => s.mean), sd: stats.map((s) => s.sd), weights: w, combination: "equal_weights" };
    // the average standardized member, on the target's mean and spread
    const ys = meanSd(y, rows);
    const my = Number.isFinite(ys.mean) ? ys.mean : 0;
    return { objective: "regression", intercept: my, coef: w.map((v) => v * ys.sd), mean: stats.map((s) => s.mean), sd: stats.map((s) => s.sd), weights: w, combination: "equal_weights" };
  };
  if (rows.length < p.min_rows) return equal();
  const Z = oof.map((v, m) => Float64Array.from(v, (x) => (x - stats[m].mean) / stats[m].sd));
  const meta = fitMeta(moments(Z, y, rows), { kind: p.stacker, alpha: p.alpha });
  if (meta.coef.every((v) => v === 0)) return equal();
  const weights = Array.from(reportedWeights(meta.coef));
  if (p.objective === "binary") {
    return { objective: "binary", intercept: 0, coef: weights, mean: stats.map((s) => s.mean), sd: stats.map((s) => s.sd), weights, combination: "fitted" };
  }
  return { objective: "regression", intercept: meta.intercept, coef: Array.from(meta.coef), mean: stats.map((s) => s.mean), sd: stats.map((s) => s.sd), weights, combination: "fitted" };
}
