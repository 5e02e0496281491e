/** Neural families on TensorFlow.js (MLP, CNN1D, LSTM, GRU, Transformer, VAE, Tab*); importing registers them. */
import { registerFamily } from "../registry.js";
import { NN_FAMILIES } from "./families.js";

for (const f of NN_FAMILIES) registerFamily(f);

export {
  NN_FAMILIES,
  makeNnFamily,
  mlpFamily,
  cnn1dFamily,
  lstmFamily,
  gruFamily,
  transformerFamily,
  vaeFamily,
  tabCnnFamily,
  tabLstmFamily,
  tabTransformerFamily,
  type NnFamily,
} from "./families.js";
export { setKernelMode, kernelMode, KERNEL_MODES, KERNELS_ENV, type KernelMode } from "./ops/fused.js";
export { NnModel, NN_FORMAT, NN_FORMAT_VERSION, type NnModelInfo } from "./model.js";
export { nnReady, activeNnBackend, NN_BACKENDS, BACKEND_ENV, type NnBackend, type NnBackendChoice } from "./runtime/backend.js";
export { featureGridFromColumns, featureGridFromPanel, presentCells, isSequenceData, type FeatureGrid, type SequenceData } from "./sequence-data.js";
export type { TrainingParams, NnObjective } from "./params.js";
export { fitNnParallel, type NnJob, type ParallelOptions } from "./parallel/pool.js";
