/** Feature selection per target: methods, consensus, clusters, agreement (see select.ts). */
export { selectFeatures, SelectionFailedError, type SelectFeaturesInput } from "./select.js";
export { selectionSchema, clusterSchema, consensusSchema, LINKAGES, type SelectionConfig, type ClusterConfig, type ConsensusConfig, type Linkage, type MethodSettings } from "./schema.js";
export { METHODS, METHOD_NAMES, type MethodEntry, type MethodName } from "./methods/index.js";
export { consensusRanking, methodVector, normalizeScores, rankNormalize, minMaxNormalize, type ConsensusInput, type ConsensusRanking } from "./consensus.js";
export { absCorrelations, clusterFeatures } from "./cluster.js";
export { agreementMatrix, type AgreementMatrix } from "./agreement.js";
export type { MethodContext, MethodResult, SelectionMethod } from "./method.js";
