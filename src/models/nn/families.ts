import { InputError } from "../../util/errors.js";
import type { Family, FitContext, TabularData, TaskType } from "../family.js";
import { buildMlp, mlpParamsSchema } from "./arch/mlp.js";
import { buildCnn, cnnParamsSchema } from "./arch/cnn.js";
import { rnnBuilder, rnnParamsSchema } from "./arch/rnn.js";
import { buildTabCnn, buildTabLstm, buildTabTransformer, tabCnnParamsSchema, tabLstmParamsSchema, tabTransformerParamsSchema } from "./arch/tabular-tokens.js";
import { buildTransformer, transformerParamsSchema } from "./arch/transformer.js";
import { buildVae, vaeParamsSchema } from "./arch/vae.js";
import { fitNn, type NnFamilyDef, type NnInput } from "./fit.js";
import { NnModel } from "./model.js";
import type { TrainingParams } from "./params.js";
import type { SequenceData } from "./sequence-data.js";

/**
 * The neural families. Tabular families take TabularData rows; sequence families take SequenceData
 * (windows gathered from a feature grid) or rows that are flattened windows. Every family learns
 * regression, binary and multiclass targets and saves to JSON that loads into identical predictions.
 */

const TASKS: readonly TaskType[] = ["regression", "binary", "multiclass"];

/** A Family whose fit also accepts SequenceData (sequence families). */
export interface NnFamily<P> extends Family<P> {
  fit(train: TabularData | SequenceData, params: P, ctx: FitContext, valid?: TabularData | SequenceData): Promise<NnModel>;
  load(json: unknown): NnModel;
}

export function makeNnFamily<P extends TrainingParams>(def: NnFamilyDef<P>): NnFamily<P> {
  return {
    name: def.name,
    kind: def.kind,
    tasks: TASKS,
    paramsSchema: def.schema,
    fit: (train: NnInput, params: P, ctx: FitContext, valid?: NnInput) => fitNn(def as NnFamilyDef<P & { lookback?: number }>, train, params as P & { lookback?: number }, ctx, valid),
    load(json: unknown) {
      const family = typeof json === "object" && json !== null ? (json as { family?: unknown }).family : undefined;
      if (family !== undefined && family !== def.name) throw new InputError(`model JSON is a "${String(family)}" model, not "${def.name}"`, `load it with the "${String(family)}" family`);
      return NnModel.fromJSON(json, def.builder, def.schema);
    },
  };
}

export const mlpFamily = makeNnFamily({ name: "mlp", kind: "tabular", schema: mlpParamsSchema, builder: buildMlp });
export const lstmFamily = makeNnFamily({ name: "lstm", kind: "sequence", schema: rnnParamsSchema, builder: rnnBuilder("lstm") });
export const gruFamily = makeNnFamily({ name: "gru", kind: "sequence", schema: rnnParamsSchema, builder: rnnBuilder("gru") });

export const cnn1dFamily = makeNnFamily({ name: "cnn1d", kind: "sequence", schema: cnnParamsSchema, builder: buildCnn });
export const transformerFamily = makeNnFamily({ name: "transformer", kind: "sequence", schema: transformerParamsSchema, builder: buildTransformer });
export const vaeFamily = makeNnFamily({ name: "vae", kind: "tabular", schema: vaeParamsSchema, builder: buildVae });
export const tabCnnFamily = makeNnFamily({ name: "tab_cnn", kind: "tabular", schema: tabCnnParamsSchema, builder: buildTabCnn });
export const tabLstmFamily = makeNnFamily({ name: "tab_lstm", kind: "tabular", schema: tabLstmParamsSchema, builder: buildTabLstm });
export const tabTransformerFamily = makeNnFamily({ name: "tab_transformer", kind: "tabular", schema: tabTransformerParamsSchema, builder: buildTabTransformer });

export const NN_FAMILIES = [mlpFamily, cnn1dFamily, lstmFamily, gruFamily, transformerFamily, vaeFamily, tabCnnFamily, tabLstmFamily, tabTransformerFamily] as const;
