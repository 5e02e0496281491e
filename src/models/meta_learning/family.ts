/**
 * meta_learning: a meta-model that learns which family to trust per regime. Its members' out-of-fold
 * predictions on the training rows (purged inner time folds, as the ensemble family's) and the
 * rows' regime features (`gate_features`: e.g. a volatility level, a GMM regime probability, a
 * symbol-group column) fit a softmax gate (gate.ts) whose member weights move with the regime; the
 * members are then refitted on all the rows. A constant gate is ordinary stacking, so where regimes
 * do not matter it falls back to fixed weights.
 */
import { z } from "zod";
import { InputError } from "../../util/errors.js";
import type { Family, FitContext, TabularData, TrainedModel } from "../family.js";
import { checkMembers, fitMembers, loadMember, meanSd, memberOof, membersShape, type SavedMember } from "../ensemble/members.js";
import { applyGate, fitGate, type Gate } from "./gate.js";

export const metaLearningParamsSchema = z
  .strictObject({
    ...membersShape,
    members: membersShape.members.default([{ family: "ridge", variant: "balanced", hyperparameters: {} }, { family: "lightgbm", variant: "balanced", hyperparameters: {} }]),
    gate_features: z.array(z.string().min(1)).default([]).describe("features the gate reads as the regime (default: every feature)"),
    l2: z.number().min(0).default(0.01).describe("L2 penalty on the gate's regime coefficients"),
    max_iter: z.number().int().min(1).max(10_000).default(200).describe("L-BFGS iterations of the gate fit at most"),
  })
  .superRefine((p, ctx) => checkMembers(p.members, p.objective, ctx, "meta_learning"));
export type MetaLearningParams = z.infer<typeof metaLearningParamsSchema>;

export const META_FORMAT = "foxml-meta-learning";

interface Saved {
  /** The columns of a predict row. */
  featureNames: string[];
  names: string[];
  gateFeatures: string[];
  /** Column of each gate feature in a predict row. */
  gateColumns: number[];
  gateMean: number[];
  gateSd: number[];
  memberMean: number[];
  memberSd: number[];
  gate: Gate;
}

export class MetaLearningModel implements TrainedModel {
  readonly family = "meta_learning";
  constructor(
    readonly members: TrainedModel[],
    private readonly specs: Array<Omit<SavedMember, "model">>,
    readonly s: Saved,
    private readonly nFeatures: number,
  ) {}

  /** Member weights per row, row-major [nRows x members], and the predictions. */
  explain(X: Float32Array, nRows: number): { pred: Float64Array; weights: Float64Array; names: string[] } {
    const M = this.members.length;
    const Z = new Float64Array(nRows * M);
    this.members.forEach((model, m) => {
      const p = model.predict(X, nRows);
      for (let r = 0; r < nRows; r++) Z[r * M + m] = (p[r] - this.s.memberMean[m]) / this.s.memberSd[m];
    });
    const Gf = gateRows(X, nRows, this.nFeatures, this.s);
    const { pred, weights } = applyGate(this.s.gate, Z, Gf, nRows);
    return { pred, weights, names: this.s.names };
  }

  predict(X: Float32Array, nRows: number): Float64Array {
    return this.explain(X, nRows).pred;
  }

  toJSON(): unknown {
    return { format: META_FORMAT, version: 1, family: this.family, nFeatures: this.nFeatures, ...this.s, members: this.specs.map((sp, m) => ({ ...sp, model: this.members[m].toJSON() })) };
  }

  static fromJSON(json: unknown): MetaLearningModel {
    const j = json as (Saved & { format?: unknown; version?: unknown; nFeatures: number; members: SavedMember[] }) | null;
    if (typeof j !== "object" || j === null || j.format !== META_FORMAT || j.version !== 1) throw new InputError(`not a ${META_FORMAT} v1 model`, "load it with the family that wrote it");
    const { format: _f, version: _v, family: _fam, nFeatures, members, ...s } = j as typeof j & { family?: unknown };
    if (!Array.isArray(members) || members.length !== s.gate.M) throw new InputError(`${META_FORMAT} model JSON: ${members?.length} members for a gate over ${s.gate?.M}`);
    return new MetaLearningModel(members.map((m) => loadMember(m, "meta_learning")), members.map(({ family, variant }) => ({ family, variant })), s as Saved, nFeatures);
  }
}

/** Standardized gate features of predict rows (0 where missing). */
function gateRows(X: Float32Array, nRows: number, F: number, s: Pick<Saved, "gateColumns" | "gateMean" | "gateSd">): Float64Array {
  const G = s.gateColumns.length;
  const out = new Float64Array(nRows * G);
  for (let r = 0; r < nRows; r++) {
    for (let j = 0; j < G; j++) {
      const v = X[r * F + s.gateColumns[j]];
      out[r * G + j] = v === v ? (v - s.gateMean[j]) / s.gateSd[j] : 0;
    }
  }
  return out;
}

export const metaLearningFamily: Family<MetaLearningParams> = {
  name: "meta_learning",
  kind: "tabular",
  tasks: ["regression", "binary"],
  paramsSchema: metaLearningParamsSchema,
  async fit(train: TabularData, p: MetaLearningParams, ctx: FitContext, valid?: TabularData) {
    const names = p.gate_features.length > 0 ? p.gate_features : train.featureNames;
    const gateColumns = names.map((n) => {
      const j = train.featureNames.indexOf(n);
      if (j < 0) throw new InputError(`meta_learning: gate feature "${n}" is not among the training features`, `gate_features must name features of the run (${train.featureNames.slice(0, 8).join(", ")}${train.featureNames.length > 8 ? ", ..." : ""})`);
      return j;
    });
    const o = await memberOof(train, p.members, p.objective, p.inner_folds, ctx, "meta_learning");
    if (o.rows.length < 20) throw new InputError(`meta_learning: only ${o.rows.length} training rows have every member's out-of-fold prediction`, "use more data or fewer inner_folds");
    const M = o.oof.length;
    const G = gateColumns.length;
    const F = train.nFeatures;
    const memberStats = o.oof.map((v) => meanSd(v, o.rows));
    const gateStats = gateColumns.map((j) => {
      const v = new Float64Array(train.nRows);
      const ok: number[] = [];
      for (let r = 0; r < train.nRows; r++) {
        v[r] = train.X[r * F + j];
        if (v[r] === v[r]) ok.push(r);
      }
      return meanSd(v, Int32Array.from(ok));
    });
    const saved0 = { gateColumns, gateMean: gateStats.map((s) => s.mean), gateSd: gateStats.map((s) => s.sd) };
    const n = o.rows.length;
    const Z = new Float64Array(n * M);
    const y = new Float64Array(n);
    const Xr = new Float32Array(n * F);
    for (let i = 0; i < n; i++) {
      const r = o.rows[i];
      y[i] = train.y[r];
      Xr.set(train.X.subarray(r * F, (r + 1) * F), i * F);
      for (let m = 0; m < M; m++) Z[i * M + m] = (o.oof[m][r] - memberStats[m].mean) / memberStats[m].sd;
    }
    const gate = fitGate(Z, gateRows(Xr, n, F, saved0), y, n, M, G, { l2: p.l2, binary: p.objective === "binary", maxIter: p.max_iter });
    ctx.log?.info({ family: "meta_learning", members: o.names, gateFeatures: names, oofRows: n }, "meta_learning gate fitted out of fold");
    const models = await fitMembers(train, p.members, p.objective, ctx, "meta_learning", valid);
    const s: Saved = { featureNames: [...train.featureNames], names: o.names, gateFeatures: [...names], ...saved0, memberMean: memberStats.map((x) => x.mean), memberSd: memberStats.map((x) => x.sd), gate };
    return new MetaLearningModel(models, p.members.map(({ family, variant }) => ({ family, variant })), s, F);
  },
  load: (json) => MetaLearningModel.fromJSON(json),
};
