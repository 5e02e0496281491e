/** The multi_task family (one network, a head per target); importing registers it. */
import { registerFamily } from "../registry.js";
import { multiTaskFamily } from "./family.js";

registerFamily(multiTaskFamily);

export { multiTaskFamily, MultiTaskFamilyModel, MULTI_TASK_FAMILY_FORMAT, PRIMARY_HEAD } from "./family.js";
export { multiTaskParamsSchema, type MultiTaskFamilyParams } from "./params.js";
