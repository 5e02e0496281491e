export * from "./purge.js";
export * from "./fold.js";
export * from "./walk-forward.js";
export * from "./kfold.js";
export * from "./cpcv.js";
export * from "./rows.js";
export * from "./schema.js";
export * from "./split.js";
