export * from "./schema.js";
export * from "./inputs.js";
export * from "./strategies.js";
export * from "./engine.js";
export * from "./benchmark.js";
export * from "./metrics.js";
export * from "./report.js";
export * from "./run.js";
