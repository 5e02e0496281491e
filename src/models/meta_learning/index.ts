/** The meta_learning family (a regime-gated combination of member families); importing registers it. */
import { registerFamily } from "../registry.js";
import { metaLearningFamily } from "./family.js";

registerFamily(metaLearningFamily);

export { metaLearningFamily, metaLearningParamsSchema, MetaLearningModel, META_FORMAT, type MetaLearningParams } from "./family.js";
export { fitGate, applyGate, type Gate } from "./gate.js";
