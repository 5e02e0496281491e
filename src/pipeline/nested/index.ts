import type { ResolvedConfigValue } from "../../config/schema/resolved.js";
import { purgeForTarget } from "../../validation/splitters/index.js";
import type { BuiltTarget } from "../stages/targets.js";
import { hideHoldout } from "./outer-folds.js";

export { nestedStage, NESTED_SUMMARY, type NestedInput } from "./stage.js";
export { nestingSchema, type NestingConfig } from "./schema.js";
export { outerTestBlocks } from "./outer-folds.js";

/**
 * The targets the stages before the nested one work on: in holdout mode with the holdout (and the
 * purge before it) hidden; else as built. Before a test block the feature lookback does not widen
 * the purge, so it is given as 0.
 */
export function stageTargets(targets: readonly BuiltTarget[], T: number, S: number, cfg: ResolvedConfigValue): BuiltTarget[] {
  return hideHoldout(targets, T, S, cfg.pipeline.nesting, (t) => purgeForTarget(t, cfg.pipeline.leakage, 0));
}
