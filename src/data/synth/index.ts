/**
 * The synthetic market generator: known-answer data for testing every later stage (leakage
 * detection, target ranking, feature selection, training). See generate.ts for the model.
 */
export { generateMarket, type SyntheticMarket } from "./generate.js";
export { writeMarket, MANIFEST_NAME, symbolFile, type WriteOptions, type WrittenMarket } from "./write.js";
export {
  synthConfigSchema,
  signalBudget,
  SYNTH_INTERVALS,
  SYNTH_FORMATS,
  SYNTH_LAYOUTS,
  type SynthConfig,
  type SynthConfigInput,
  type SignalSpec,
  type LeakSpec,
  type LeakKind,
  type SynthInterval,
  type SynthFormat,
  type SynthLayout,
} from "./config.js";
export { parseSynthConfig } from "./config-errors.js";
export { readSynthConfigFile } from "./config-file.js";
export { expectedIcs, solveSignals, overlapSquares } from "./signal-model.js";
export { type GroundTruth, type SignalTruth, type LeakTruth, type TargetTruth, type SymbolTruth } from "./truth.js";
export type { MarketCalendar } from "./calendar.js";
export type { SymbolParams } from "./universe.js";
export type { Factors } from "./factors.js";
