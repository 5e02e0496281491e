/** NGBoost (natural-gradient boosting of a Normal distribution over GBDT trees); importing registers it. */
import { loadAs } from "../family-load.js";
import type { Family, FitContext, TabularData } from "../family.js";
import { registerFamily } from "../registry.js";
import { fitNgboost, NGBOOST_FAMILY } from "./fit.js";
import { NgboostModel } from "./model.js";
import { ngboostParamsSchema, type NgboostParams } from "./params.js";

/** The NGBoost family: fit returns an NgboostModel (predictDistribution, predictScale). */
export interface NgboostFamily extends Family<NgboostParams> {
  fit(train: TabularData, params: NgboostParams, ctx: FitContext, valid?: TabularData): Promise<NgboostModel>;
  load(json: unknown): NgboostModel;
}

export const ngboostFamily: NgboostFamily = {
  name: NGBOOST_FAMILY,
  kind: "tabular",
  tasks: ["regression"],
  paramsSchema: ngboostParamsSchema,
  fit: fitNgboost,
  load: (json: unknown) => loadAs(NGBOOST_FAMILY, NgboostModel.fromJSON, json),
};

registerFamily(ngboostFamily);

export { NGBOOST_FAMILY, fitNgboost } from "./fit.js";
export { NgboostModel, NGBOOST_FORMAT, NGBOOST_FORMAT_VERSION, type NgboostModelInfo, type NormalPrediction } from "./model.js";
export { ngboostParamsSchema, type NgboostParams } from "./params.js";
export { normalNll, normalGradients } from "./normal.js";
