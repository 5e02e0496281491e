import { InputError } from "../util/errors.js";
import type { TrainedModel } from "./family.js";

/**
 * `Family.load` for a family whose model class parses its own JSON: the saved model must be this
 * family's (a file renamed or copied between folders is an error, not a silently wrong model).
 */
export function loadAs<M extends TrainedModel>(family: string, fromJSON: (json: unknown) => M, json: unknown): M {
  const model = fromJSON(json);
  if (model.family !== family) throw new InputError(`model JSON is a "${model.family}" model, not "${family}"`, `load it with the "${model.family}" family`);
  return model;
}
