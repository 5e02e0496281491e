import { InputError } from "../../util/errors.js";
import type { Family, FitContext, TabularData, TaskType } from "../family.js";
import { fitLinear, type LinearKind } from "./fit.js";
import { LinearModel } from "./model.js";
import {
  elasticNetParamsSchema,
  lassoParamsSchema,
  logisticParamsSchema,
  ridgeParamsSchema,
  type ElasticNetParams,
  type LassoParams,
  type LogisticParams,
  type RidgeParams,
} from "./params.js";

/**
 * The linear families: ridge (L2, closed form), lasso (L1) and elastic net (L1 + L2) by coordinate
 * descent along a regularization path, and logistic regression (binary or multinomial, any of the
 * three penalties). All share the in-model preprocessing and the lambda selection in fit.ts.
 */

/** A linear family: fit returns a LinearModel (with path(), coefficients(), entryOrder()). */
export interface LinearFamily<P> extends Family<P> {
  fit(train: TabularData, params: P, ctx: FitContext, valid?: TabularData): Promise<LinearModel>;
  load(json: unknown): LinearModel;
}

function makeFamily<P>(name: string, kind: LinearKind, schema: Family<P>["paramsSchema"], tasks: readonly TaskType[]): LinearFamily<P> {
  return {
    name,
    kind: "tabular",
    tasks,
    paramsSchema: schema,
    fit: (train, params, ctx, valid) => fitLinear({ family: name, kind }, train, params as never, ctx, valid),
    load(json: unknown) {
      const model = LinearModel.fromJSON(json);
      if (model.family !== name) throw new InputError(`model JSON is a "${model.family}" model, not "${name}"`, `load it with the "${model.family}" family`);
      return model;
    },
  };
}

export const ridgeFamily: LinearFamily<RidgeParams> = makeFamily("ridge", "ridge", ridgeParamsSchema, ["regression"]);
export const lassoFamily: LinearFamily<LassoParams> = makeFamily("lasso", "lasso", lassoParamsSchema, ["regression"]);
export const elasticNetFamily: LinearFamily<ElasticNetParams> = makeFamily("elastic_net", "elastic_net", elasticNetParamsSchema, ["regression"]);
export const logisticFamily: LinearFamily<LogisticParams> = makeFamily("logistic", "logistic", logisticParamsSchema, ["binary", "multiclass"]);

export const LINEAR_FAMILIES = [ridgeFamily, lassoFamily, elasticNetFamily, logisticFamily] as const;
