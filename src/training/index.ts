export { makeCvData, testedCells, type CvData, type CvDataOptions } from "./cv-data.js";
export { cvFit, paramsForTask, tabularRows, validationTail, UnsupportedTaskError, type CvFitInput, type CvFitResult, type FoldOutcome } from "./cv-fit.js";
export { trainingSchema, hpoSchema, pruneSchema, noSignalSchema, type TrainingConfig, type HpoConfig } from "./schema.js";
export { trainFamily, trainingCvData, importanceRows, type FamilySpec, type TrainFamilyInput, type FamilyTrainResult } from "./train-family.js";
export { fitFinalModel, predictWithModel, predictCells, usableCells, type FinalModel, type FinalModelInput } from "./final-model.js";
export * from "./hpo/index.js";
