import { z } from "zod";
import { deepPartial } from "../deep-partial.js";
import { shapeOf, type AnySchema } from "../schema-walk.js";

/** Every family file names these three variants; more may be added. */
export const REQUIRED_VARIANTS = ["conservative", "balanced", "aggressive"] as const;

/** Hyperparameter overrides for a family: partial, strict, no defaults filled. */
export function partialParamsSchema(paramsSchema: AnySchema): AnySchema {
  // A schema that is not an object (e.g. a transform) cannot be checked key by key; its merged
  // result is still validated in full.
  return shapeOf(paramsSchema) ? deepPartial(paramsSchema) : z.record(z.string(), z.unknown());
}

/** `config/families/<name>.yaml`, checked with the family's own hyperparameter schema. */
export function familyFileSchema(paramsSchema: AnySchema) {
  const partial = partialParamsSchema(paramsSchema);
  return z.strictObject({
    family: z.string().min(1).describe("the registered family this file configures; equals the file name"),
    description: z.string().optional(),
    hyperparameters: partial.optional().describe("base hyperparameters, over the family's built-in defaults"),
    variants: z
      .object({
        conservative: partial.describe("slower, more regularized: the safe choice on small or noisy data"),
        balanced: partial.describe("the default variant"),
        aggressive: partial.describe("faster, higher capacity: more risk of overfitting"),
      })
      .catchall(partial)
      .describe("named partial overrides of hyperparameters"),
  });
}
