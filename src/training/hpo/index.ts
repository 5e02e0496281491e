export * from "./space.js";
export { NumericParzen, CategoricalParzen } from "./parzen.js";
export { TpeSampler, randomValue, type TpeOptions, type Observation } from "./tpe.js";
export { PercentilePruner, percentile, type PruneSettings } from "./pruner.js";
export { runStudy, type Objective, type StudyOptions, type StudyResult, type TrialHandle, type TrialOutcome, type TrialRecord } from "./study.js";
