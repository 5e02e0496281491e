/** One network, several targets: a shared trunk with one head per target, trained on a masked weighted loss. */
export { fitMultiTask, type MultiTaskHead, type MultiTaskModel, type MultiTaskParams, type MultiTaskRows } from "./fit.js";
export { buildMultiTaskNetwork, type MultiTaskArch } from "./network.js";
export { headLosses, multiTaskLoss, type HeadLossSpec } from "./loss.js";
export type { MultiEpochRecord } from "./trainer.js";
