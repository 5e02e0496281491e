import { z } from "zod";
import { deepPartial } from "../deep-partial.js";
import { shapeOf, type AnySchema } from "../schema-walk.js";

/** Every family file names these three variants; more may be added. */
export const REQUIRED_VARIANTS = ["conservative", "balanced", "aggressive"] as const;

/** Hyperparameter overrides for a family: partial, strict, no defaults filled. */
// Derived schemas are cached per family schema: building one is cheap, but zod compiles each new
// object schema on its first parse, which dominated validating a config dir.
const partialCache = new WeakMap<AnySchema, AnySchema>();
const fileCache = new WeakMap<AnySchema, ReturnType<typeof buildFamilyFileSchema>>();

export function partialParamsSchema(paramsSchema: AnySchema): AnySchema {
  let p = partialCache.get(paramsSchema);
  if (!p) {
    // A schema that is not an object (e.g. a transform) cannot be checked key by key; its merged
    // result is still validated in full.
    p = shapeOf(paramsSchema) ? deepPartial(paramsSchema) : z.record(z.string(), z.unknown());
    partialCache.set(paramsSchema, p);
  }
  return p;
}

/** `config/families/<name>.yaml`, checked with the family's own hyperparameter schema. */
export function familyFileSchema(paramsSchema: AnySchema): ReturnType<typeof buildFamilyFileSchema> {
  let s = fileCache.get(paramsSchema);
  if (!s) {
    s = buildFamilyFileSchema(paramsSchema);
    fileCache.set(paramsSchema, s);
  }
  return s;
}

function buildFamilyFileSchema(paramsSchema: AnySchema) {
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
