/** Public surface of the feature registry and library. */
export { DECISION_TIME, EWM_TAIL_MASS, CROSS_SECTION_MIN_COUNT, FEATURE_CONFIG_KEYS, type DecisionTimeId } from "./convention.js";
export type { FeatureSpec, TimeSeriesFeatureSpec, CrossSectionalFeatureSpec, FeatureKind, HorizonRange, DataInfo, RowContext } from "./spec.js";
export { historyRows, allowsHorizon } from "./spec.js";
export { FeatureRegistry, standardRegistry, standardTimeSeriesSpecs, specProblems } from "./registry.js";
export { crossSectionalSpec, crossSectionalName, CS_TRANSFORMS, DEFAULT_CROSS_SECTIONAL, DEFAULT_WINSOR_QUANTILE, type CsTransform } from "./library/cross_sectional.js";
export { userColumnSpec, type UserColumnDecl } from "./library/user.js";
export type { LibraryOptions } from "./library/define.js";
export { planFeatures, DEFAULT_USER_EXCLUDE } from "./plan.js";
export type { FeatureOptions, FeaturePlan, FeatureLogger, SkippedFeature, UserColumnsOptions, CrossSectionalRequest, PlanData } from "./plan.js";
export { buildFeatures, streamFeatures, type BuildOptions, type FeatureSet, type FeatureChunk, type StreamSummary } from "./build.js";
export { panelSource, type GridSource } from "./source.js";
export type { ChunkInput } from "./engine.js";
export { SymbolFrame, type Series, type ChunkGrids } from "./frame.js";
