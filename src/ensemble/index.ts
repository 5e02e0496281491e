/**
 * Ensembling of the trained families of a target: out-of-fold stacking and rank averaging, judged
 * on the same purged folds as the families.
 */
export * from "./schema.js";
export * from "./types.js";
export * from "./standardize.js";
export * from "./folds.js";
export * from "./meta.js";
export * from "./score.js";
export * from "./rank-average.js";
export * from "./stacking.js";
export * from "./ensemble.js";
