/** The gan family (a conditional GAN of feature and return paths, and a predictor on real + generated rows); importing registers it. */
import { registerFamily } from "../registry.js";
import { ganFamily } from "./family.js";

registerFamily(ganFamily);

export { ganFamily, ganParamsSchema, GanModel, GAN_FORMAT, type GanParams } from "./family.js";
export { Cgan, type CganJson, type CganParams } from "./cgan.js";
export { realPaths, pathStats, pathConditions, checkPaths, type PathSet, type PathStats, type PathCheck } from "./paths.js";
