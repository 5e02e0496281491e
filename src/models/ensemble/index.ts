/** The ensemble family (configured members, weights learned out of fold); importing registers it. */
import { registerFamily } from "../registry.js";
import { ensembleFamily } from "./family.js";

registerFamily(ensembleFamily);

export { ensembleFamily, ensembleParamsSchema, EnsembleModel, ENSEMBLE_FORMAT, ENSEMBLE_FORMAT_VERSION, type EnsembleParams } from "./family.js";
export { innerFolds, memberOof, fitMembers, memberSchema, type MemberSpec, type InnerFold, type MemberOof } from "./members.js";
