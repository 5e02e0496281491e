import { InputError } from "../../util/errors.js";
import type { Family, FitContext, TabularData, TrainedModel } from "../family.js";
import { fitMultiTask, MultiTaskNet, type MultiTaskHead, type MultiTaskRows } from "../nn/multitask/index.js";
import { multiTaskParamsSchema, type MultiTaskFamilyParams } from "./params.js";

/**
 * multi_task as a family: one network with a shared trunk, a head for the target it is trained for
 * (the primary, head 0) and one per auxiliary target the pipeline passes in `TabularData.aux` (the
 * run's other targets, purged with their own label windows). `predict` is the primary head, so the
 * family ranks, stacks and trades like any other; `predictAll` gives every head, and the saved
 * model holds them all. Without auxiliary targets (target ranking, a run with one target) it is a
 * single-head network.
 */

export const MULTI_TASK_FAMILY_FORMAT = "foxml-multi-task-family";

export class MultiTaskFamilyModel implements TrainedModel {
  readonly family = "multi_task";
  constructor(readonly net: MultiTaskNet) {}

  /** Target of each head, the primary first. */
  get targets(): string[] {
    return this.net.heads.map((h) => h.name);
  }

  predict(X: Float32Array, nRows: number): Float64Array {
    const all = this.net.predict(X, nRows);
    const K = this.net.heads.length;
    const out = new Float64Array(nRows);
    for (let r = 0; r < nRows; r++) out[r] = all[r * K];
    return out;
  }

  /** Every head's predictions, row-major [nRows x targets.length]. */
  predictAll(X: Float32Array, nRows: number): Float64Array {
    return this.net.predict(X, nRows);
  }

  toJSON(): unknown {
    // featureNames at the top, as every saved model has them (foxml trade rebuilds those features)
    return { format: MULTI_TASK_FAMILY_FORMAT, version: 1, family: this.family, featureNames: this.net.info.featureNames, network: this.net.toJSON() };
  }
}

/** Name of the primary head in the saved model (the pipeline names targets; the family sees rows). */
export const PRIMARY_HEAD = "primary";

export const multiTaskFamily: Family<MultiTaskFamilyParams> = {
  name: "multi_task",
  kind: "tabular",
  tasks: ["regression", "binary"],
  paramsSchema: multiTaskParamsSchema,
  auxiliaryTargets: true,
  async fit(train: TabularData, params: MultiTaskFamilyParams, ctx: FitContext, valid?: TabularData) {
    const chosen = chooseAux(train, params, ctx);
    const heads: MultiTaskHead[] = [
      { name: PRIMARY_HEAD, objective: params.objective, weight: params.primary_weight },
      ...chosen.map((j) => ({ name: train.aux!.names[j], objective: train.aux!.objectives[j], weight: params.task_weights[train.aux!.names[j]] ?? params.aux_weight })),
    ];
    const rows = (d: TabularData, what: string): MultiTaskRows => {
      const K = heads.length;
      const Y = new Float64Array(d.nRows * K);
      const aux = d.aux;
      const idx = chosen.map((j) => {
        const k = aux?.names.indexOf(train.aux!.names[j]) ?? -1;
        if (k < 0) throw new InputError(`multi_task ${what}: auxiliary target "${train.aux!.names[j]}" is missing`, "give the validation rows the same auxiliary targets as the training rows");
        return k;
      });
      const A = aux?.names.length ?? 0;
      for (let r = 0; r < d.nRows; r++) {
        Y[r * K] = d.y[r];
        for (let j = 0; j < idx.length; j++) Y[r * K + 1 + j] = aux!.Y[r * A + idx[j]];
      }
      return { nRows: d.nRows, nFeatures: d.nFeatures, featureNames: d.featureNames, X: d.X, Y };
    };
    const net = await fitMultiTask(rows(train, "training data"), heads, params, ctx, valid ? rows(valid, "validation data") : undefined);
    return new MultiTaskFamilyModel(net);
  },
  load(json: unknown) {
    const j = json as { format?: unknown; family?: unknown; network?: unknown } | null;
    if (typeof j !== "object" || j === null || j.format !== MULTI_TASK_FAMILY_FORMAT) {
      throw new InputError(`not a multi_task model (format ${JSON.stringify(j?.format)})`, `load it with the family that wrote it (${JSON.stringify(j?.family ?? "unknown")})`);
    }
    return new MultiTaskFamilyModel(MultiTaskNet.fromJSON(j.network));
  },
};

/** Indices into train.aux of the auxiliary targets to learn, in their given order. */
function chooseAux(train: TabularData, p: MultiTaskFamilyParams, ctx: FitContext): number[] {
  const aux = train.aux;
  const names = aux?.names ?? [];
  for (const key of Object.keys(p.task_weights)) {
    if (!names.includes(key)) ctx.log?.warn({ family: "multi_task", target: key }, "multi_task: task_weights names a target that is not an auxiliary target of this fit; ignored");
  }
  if (p.aux_targets !== undefined) {
    const missing = p.aux_targets.filter((n) => !names.includes(n));
    if (missing.length > 0) ctx.log?.warn({ family: "multi_task", missing }, "multi_task: aux_targets not among this fit's auxiliary targets; skipped");
  }
  const out: number[] = [];
  names.forEach((n, j) => {
    if (p.aux_targets !== undefined && !p.aux_targets.includes(n)) return;
    const w = p.task_weights[n] ?? p.aux_weight;
    if (w <= 0) return;
    // A head needs some labels, and a binary head both classes.
    let count = 0;
    let pos = 0;
    const A = names.length;
    for (let r = 0; r < train.nRows; r++) {
      const v = aux!.Y[r * A + j];
      if (v === v) {
        count++;
        if (v === 1) pos++;
      }
    }
    if (count < 10 || (aux!.objectives[j] === "binary" && (pos === 0 || pos === count))) {
      ctx.log?.warn({ family: "multi_task", target: n, labels: count }, "multi_task: too few labels (or one class) for this auxiliary head; left out");
      return;
    }
    out.push(j);
  });
  return out;
}
