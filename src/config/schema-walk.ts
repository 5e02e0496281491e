import type { z } from "zod";
import type { ConfigPathSegments } from "./paths.js";

/**
 * Reading zod 4 schemas as a tree: which keys exist where, what type a leaf has. Used to suggest
 * the nearest valid key, to find where a misplaced block belongs, to type `--set` values and to
 * derive partial (override) schemas. Relies on `_zod.def.type`, zod 4's stable discriminator.
 */

// zod's internals are typed loosely on purpose; this module is the only place that reads them.
type AnyDef = { type: string; [k: string]: any };
export type AnySchema = z.ZodType;

export function defOf(schema: AnySchema): AnyDef {
  return (schema as any)._zod.def as AnyDef;
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

/** Strips optional/default/nullable/... wrappers and the input side of pipes (transforms). */
export function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type)) s = def.innerType;
    else if (def.type === "pipe") s = defOf(def.in).type === "transform" ? def.out : def.in;
    else if (def.type === "lazy") s = def.getter();
    else return s;
  }
  return s;
}

/** True when null is accepted somewhere in the wrapper chain. */
export function acceptsNull(schema: AnySchema): boolean {
  let s = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(s);
    if (def.type === "nullable") return true;
    if (WRAPPERS.has(def.type)) s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else return def.type === "null";
  }
  return false;
}

export function kindOf(schema: AnySchema): string {
  return defOf(unwrap(schema)).type;
}

/** The object shape of a schema, or undefined when it is not an object. */
export function shapeOf(schema: AnySchema): Record<string, AnySchema> | undefined {
  const s = unwrap(schema);
  const def = defOf(s);
  return def.type === "object" ? (def.shape as Record<string, AnySchema>) : undefined;
}

/** An object with no catchall (or a `never` catchall) rejects unknown keys. */
export function isStrictObject(schema: AnySchema): boolean {
  const def = defOf(unwrap(schema));
  return def.type === "object" && def.catchall !== undefined && defOf(def.catchall).type === "never";
}

/** The options of a union (after unwrapping), or undefined. */
export function unionOptions(schema: AnySchema): AnySchema[] | undefined {
  const def = defOf(unwrap(schema));
  return def.type === "union" ? (def.options as AnySchema[]) : undefined;
}

/**
 * The schema that describes the value at `path`, or undefined when the path leaves the schema.
 * Array indices step into the element; record keys into the value type; unions into the first
 * object option that knows the key.
 */
export function schemaAt(root: AnySchema, path: ConfigPathSegments): AnySchema | undefined {
  let cur: AnySchema | undefined = root;
  for (const seg of path) {
    if (!cur) return undefined;
    cur = childSchema(cur, seg);
  }
  return cur;
}

export function childSchema(schema: AnySchema, seg: string | number): AnySchema | undefined {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "object": {
      if (typeof seg === "string" && Object.hasOwn(def.shape, seg)) return def.shape[seg];
      if (def.catchall && defOf(def.catchall).type !== "never" && typeof seg === "string") return def.catchall;
      return undefined;
    }
    case "array":
      return typeof seg === "number" ? def.element : undefined;
    case "record":
      return typeof seg === "string" ? def.valueType : undefined;
    case "union":
      for (const o of def.options as AnySchema[]) {
        const c = childSchema(o, seg);
        if (c) return c;
      }
      return undefined;
    case "any":
    case "unknown":
      return s;
    default:
      return undefined;
  }
}

/** Keys an object schema (or an object option of a union) accepts at this node. */
export function keysOf(schema: AnySchema): string[] {
  const shape = shapeOf(schema);
  if (shape) return Object.keys(shape);
  const opts = unionOptions(schema);
  if (opts) return [...new Set(opts.flatMap((o) => keysOf(o)))];
  return [];
}

/**
 * Every object key in the tree, as a path. Array elements appear as the segment "*" (so a key inside
 * a list entry reads `families.*.variant`). Records are not descended: their keys are free.
 */
export function allKeyPaths(root: AnySchema, maxDepth = 12): string[][] {
  const out: string[][] = [];
  const seen = new Set<AnySchema>();
  const walk = (schema: AnySchema, prefix: string[], depth: number) => {
    if (depth > maxDepth) return;
    const s = unwrap(schema);
    if (seen.has(s) && defOf(s).type === "object") return;
    const def = defOf(s);
    if (def.type === "object") {
      seen.add(s);
      for (const [k, child] of Object.entries(def.shape as Record<string, AnySchema>)) {
        out.push([...prefix, k]);
        walk(child, [...prefix, k], depth + 1);
      }
      seen.delete(s);
    } else if (def.type === "array") {
      walk(def.element, [...prefix, "*"], depth + 1);
    } else if (def.type === "union") {
      for (const o of def.options as AnySchema[]) walk(o, prefix, depth + 1);
    }
  };
  walk(root, [], 0);
  return out;
}

interface NumberBounds {
  int: boolean;
  min?: number;
  minInclusive: boolean;
  max?: number;
  maxInclusive: boolean;
}

function numberBounds(schema: AnySchema): NumberBounds {
  const def = defOf(schema);
  const b: NumberBounds = { int: def.format === "safeint" || def.format === "int32", minInclusive: true, maxInclusive: true };
  for (const c of (def.checks ?? []) as any[]) {
    const cd = c._zod.def;
    if (cd.check === "number_format" && (cd.format === "safeint" || cd.format === "int32")) b.int = true;
    if (cd.check === "greater_than") {
      b.min = cd.value;
      b.minInclusive = cd.inclusive;
    }
    if (cd.check === "less_than") {
      b.max = cd.value;
      b.maxInclusive = cd.inclusive;
    }
  }
  return b;
}

export function isIntegerSchema(schema: AnySchema): boolean {
  const s = unwrap(schema);
  return defOf(s).type === "number" && numberBounds(s).int;
}

/** A short human description of what a schema accepts: "an integer >= 1", `one of "a", "b"`. */
export function describeSchema(schema: AnySchema): string {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "number": {
      const b = numberBounds(s);
      const what = b.int ? "an integer" : "a number";
      const safe = Number.MAX_SAFE_INTEGER;
      const lo = b.min !== undefined && b.min > -safe ? b.min : undefined;
      const hi = b.max !== undefined && b.max < safe ? b.max : undefined;
      if (lo !== undefined && hi !== undefined) return `${what} in ${b.minInclusive ? "[" : "("}${lo}, ${hi}${b.maxInclusive ? "]" : ")"}`;
      if (lo !== undefined) return `${what} ${b.minInclusive ? ">=" : ">"} ${lo}`;
      if (hi !== undefined) return `${what} ${b.maxInclusive ? "<=" : "<"} ${hi}`;
      return what;
    }
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries as Record<string, unknown>).map((v) => JSON.stringify(v)).join(", ")}`;
    case "literal":
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(" or ");
    case "array":
      return `a list of ${plural(describeSchema(def.element))}`;
    case "object":
    case "record":
      return "a mapping";
    case "union":
      return (def.options as AnySchema[]).map(describeSchema).join(" or ");
    case "null":
      return "null";
    default:
      return def.type;
  }
}

function plural(desc: string): string {
  // "an integer >= 1" -> "integers >= 1"; good enough for list element descriptions.
  return desc.replace(/^an? (integer|number|string|mapping)/, "$1s").replace(/^one of/, "values, each one of");
}

/** Allowed values of an enum or literal leaf, for suggestions; undefined for other kinds. */
export function enumValues(schema: AnySchema): string[] | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === "enum") return Object.values(def.entries as Record<string, unknown>).map(String);
  if (def.type === "literal") return (def.values as unknown[]).map(String);
  const opts = unionOptions(schema);
  if (opts) {
    const vals = opts.flatMap((o) => enumValues(o) ?? []);
    return vals.length ? vals : undefined;
  }
  return undefined;
}
