/**
 * Training strategies: single-task (plain cvFit per target and family), multi-task (one network,
 * several targets) and cascade (a direction classifier gates a regressor).
 */
export {
  strategySchema,
  strategyUnionSchema,
  singleStrategySchema,
  multiTaskStrategySchema,
  cascadeStrategySchema,
  defaultStrategy,
  CASCADE_DIRECTIONS,
  CASCADE_GATES,
  CASCADE_REGRESS_ON,
  MULTI_TASK_LOSSES,
  type StrategyConfig,
  type SingleStrategyConfig,
  type MultiTaskConfig,
  type CascadeConfig,
} from "./schema.js";
export { multiTaskCv, type MultiTaskInput, type MultiTaskResult, type MultiTaskTargetResult, type MultiTaskFoldResult } from "./multi-task.js";
export { cascadeCv, gateOne, directionData, magnitudeData, CASCADE_NEUTRAL, type CascadeInput, type CascadeResult, type CascadeFold, type CascadeStage } from "./cascade.js";
export { sharedFoldPlan, type SharedFold, type SharedFoldPlan } from "./fold-plan.js";
