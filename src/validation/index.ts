export * from "./metrics/index.js";
export * from "./splitters/index.js";
