import { z } from "zod";
import { defOf, type AnySchema } from "./schema-walk.js";

/**
 * The override form of a schema: every key optional at every depth, no defaults filled in (an
 * override that filled defaults would silently reset values set by a lower layer), still strict
 * on unknown keys. Leaves keep their own checks (ranges, enums); object-level refinements are
 * dropped because they only make sense on the merged result, which is validated in full.
 * Defaults are kept as metadata so JSON Schema (editor autocomplete) still shows them.
 */
export function deepPartial(schema: AnySchema): AnySchema {
  return partialOf(schema, undefined);
}

function partialOf(schema: AnySchema, carried: { description?: string; default?: unknown } | undefined): AnySchema {
  const def = defOf(schema);
  const meta = { ...carried };
  const description = schema.description;
  if (description !== undefined && meta.description === undefined) meta.description = description;

  switch (def.type) {
    case "default":
    case "prefault": {
      const dv = typeof def.defaultValue === "function" ? def.defaultValue() : def.defaultValue;
      if (meta.default === undefined && def.type === "default") meta.default = dv;
      return partialOf(def.innerType, meta);
    }
    case "optional":
    case "readonly":
    case "nonoptional":
      return partialOf(def.innerType, meta);
    case "nullable":
      return withMeta(partialOf(def.innerType, undefined).nullable(), meta);
    case "object": {
      const shape: Record<string, AnySchema> = {};
      for (const [k, v] of Object.entries(def.shape as Record<string, AnySchema>)) shape[k] = partialOf(v, undefined).optional();
      // An explicit catchall (a record-like object) stays; plain z.object (which strips) becomes strict.
      const catchall = def.catchall as AnySchema | undefined;
      const obj =
        catchall && defOf(catchall).type !== "never" ? z.object(shape).catchall(partialOf(catchall, undefined)) : z.strictObject(shape);
      return withMeta(obj, meta);
    }
    default:
      return withMeta(schema, meta);
  }
}

function withMeta(schema: AnySchema, meta: { description?: string; default?: unknown }): AnySchema {
  const m: Record<string, unknown> = {};
  if (meta.description !== undefined) m.description = meta.description;
  if (meta.default !== undefined) m.default = meta.default;
  return Object.keys(m).length ? schema.meta(m) : schema;
}
