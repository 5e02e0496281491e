/** Regime families (Gaussian-mixture regimes, Bayesian online change points); importing registers them. */
import { registerFamily } from "../registry.js";
import { gmmRegimeFamily } from "./gmm-family.js";

registerFamily(gmmRegimeFamily);

export { gmmRegimeFamily, GMM_REGIME_FAMILY, stateFeatureIndex, type GmmRegimeFamily } from "./gmm-family.js";
export { GmmRegimeModel, GMM_REGIME_FORMAT, GMM_REGIME_FORMAT_VERSION, regimeColumn } from "./gmm-model.js";
export { gmmRegimeParamsSchema, DEFAULT_STATE_FEATURES, type GmmRegimeParams } from "./gmm-params.js";
export { fitGmm, selectGmmByBic, responsibilities, gmmParameterCount, type Gmm, type GmmOptions, type BicEntry, type CovarianceType } from "./gmm.js";
