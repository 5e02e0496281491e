/** FTRL-Proximal (online logistic / linear learning); importing registers it. */
import { registerFamily } from "../registry.js";
import { ftrlFamily } from "./family.js";

registerFamily(ftrlFamily);

export { ftrlFamily, FTRL_FAMILY, type FtrlFamily } from "./family.js";
export { FtrlModel, FTRL_FORMAT, FTRL_FORMAT_VERSION, type FtrlModelInfo, type FtrlModelJson } from "./model.js";
export { FtrlState, type FtrlSettings } from "./core.js";
export { ftrlParamsSchema, type FtrlParams } from "./params.js";
