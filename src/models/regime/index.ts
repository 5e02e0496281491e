/** Regime families (Gaussian-mixture regimes, Bayesian online change points); importing registers them. */
import { registerFamily } from "../registry.js";
import { changePointFamily } from "./cp-family.js";
import { gmmRegimeFamily } from "./gmm-family.js";

registerFamily(gmmRegimeFamily);
registerFamily(changePointFamily);

export { gmmRegimeFamily, GMM_REGIME_FAMILY, stateFeatureIndex, type GmmRegimeFamily } from "./gmm-family.js";
export { GmmRegimeModel, GMM_REGIME_FORMAT, GMM_REGIME_FORMAT_VERSION, regimeColumn } from "./gmm-model.js";
export { gmmRegimeParamsSchema, DEFAULT_STATE_FEATURES, type GmmRegimeParams } from "./gmm-params.js";
export { fitGmm, selectGmmByBic, responsibilities, gmmParameterCount, type Gmm, type GmmOptions, type BicEntry, type CovarianceType } from "./gmm.js";
export { changePointFamily, CHANGE_POINT_FAMILY, chooseSeries, type ChangePointFamily } from "./cp-family.js";
export { ChangePointModel, CHANGE_POINT_FORMAT, CHANGE_POINT_FORMAT_VERSION, gridChangePointFeatures, type CpSeries } from "./cp-model.js";
export { changePointParamsSchema, RETURN_PATTERNS, VOLATILITY_PATTERNS, type ChangePointParams } from "./cp-params.js";
export { windowFeatures, runLengthPosterior, seriesFeatures, BocpdScratch, CP_FEATURES, type BocpdOptions } from "./bocpd.js";
