/** One network, several targets: a shared trunk with one head per target, trained on a masked weighted loss. */
export { fitMultiTask, type MultiTaskParams, type MultiTaskRows, type LoopParams } from "./fit.js";
export { MultiTaskNet, MULTI_TASK_FORMAT, MULTI_TASK_FORMAT_VERSION, type MultiTaskHead, type MultiEpochRecord, type MultiTaskInfo } from "./model.js";
export { buildMultiTaskNetwork, type MultiTaskArch } from "./network.js";
export { headLosses, multiTaskLoss, type HeadLossSpec } from "./loss.js";
