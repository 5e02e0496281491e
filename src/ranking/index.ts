/**
 * Target ranking (pipeline stage "ranking"): which candidate targets are predictable enough to
 * train. scoreTarget scores one target with the quick families; rankTargets turns the scores into
 * target_rankings.json (rankingsCsv into target_rankings.csv); autoTargetNames generates the
 * standard candidates.
 */
export { rankingSchema, rankingWeightsSchema, autoTargetsSchema, AUTO_TARGET_MEASURES, DEFAULT_RANKING_FAMILIES } from "./schema.js";
export type { RankingConfig, RankingFamilyEntry, AutoTargetsConfig, AutoTargetMeasure } from "./schema.js";
export { scoreTarget, familyPlan } from "./score-target.js";
export type { ScoreTargetInput, TargetScore, FamilyScore, FamilyStatus, RankingLog } from "./score-target.js";
export { rankTargets, summarizeTarget, normalizedWeights } from "./rank.js";
export type { RankInfo, UnscoredTarget, TargetSummary, RankingFamilyCell } from "./rank.js";
export { rankingsCsv, csvField } from "./csv.js";
export { autoTargetNames, mergeCandidates } from "./auto-targets.js";
export { rankingFamilyIssues, type RankingConfigIssue } from "./check.js";
