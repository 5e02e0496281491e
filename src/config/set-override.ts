import type { ConfigIssue } from "./issues.js";
import { formatPath, parsePath } from "./paths.js";
import { acceptsNull, childSchema, schemaAt as schemaAtOrUndefined, defOf, describeSchema, enumValues, keysOf, kindOf, unwrap, type AnySchema } from "./schema-walk.js";
import { deepPartial } from "./deep-partial.js";
import { nearest, suggestKey } from "./suggest.js";
import { describeValue, validateValue } from "./zod-issues.js";

/**
 * `--set a.b.c=value`: the value is read as the type the schema declares at that path, so
 * `--set pipeline.threading.threads=4` is the number 4 and `--set experiment.name=2024` the string
 * "2024". Lists are JSON (`[1,2]`) or comma lists (`a,b`); mappings are JSON.
 */

export interface SetAssignment {
  arg: string;
  path: (string | number)[];
  raw: string;
}

export function splitSetArg(arg: string): SetAssignment | ConfigIssue {
  const eq = arg.indexOf("=");
  if (eq <= 0) return { file: "--set", message: `expected key.path=value, got ${JSON.stringify(arg)}` };
  const dotted = arg.slice(0, eq).trim();
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(dotted)) return { file: "--set", message: `not a dotted key path: ${JSON.stringify(dotted)}` };
  return { arg, path: parsePath(dotted), raw: arg.slice(eq + 1) };
}

export type Coerced = { ok: true; value: unknown } | { ok: false; message: string; suggestion?: string };

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(["true", "yes", "on"]);
const FALSE = new Set(["false", "no", "off"]);

/** Reads `raw` as the schema's type and validates it (ranges, integers, enums). */
export function coerceAndValidate(schema: AnySchema, raw: string, at: (string | number)[] = []): Coerced {
  const c = coerce(schema, raw);
  if (!c.ok) return c;
  // Blocks given as JSON are overrides: any subset, strict on keys.
  const k = kindOf(schema);
  const checkWith = k === "object" ? deepPartial(schema) : schema;
  const r = validateValue({ schema: checkWith, value: c.value, locate: () => ({}), prefix: at });
  if (!r.ok) {
    const first = r.issues[0];
    const where = first.path && first.path !== formatPath(at) ? `${first.path}: ` : "";
    return { ok: false, message: `${where}${first.message}`, suggestion: first.suggestion };
  }
  return c;
}

function coerce(schema: AnySchema, raw: string): Coerced {
  if (raw === "null" && acceptsNull(schema)) return { ok: true, value: null };
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "number":
      return NUMBER_RE.test(raw.trim()) ? { ok: true, value: Number(raw.trim()) } : { ok: false, message: `expected ${describeSchema(s)}, got ${describeValue(raw)}` };
    case "boolean": {
      const v = raw.trim().toLowerCase();
      if (TRUE.has(v)) return { ok: true, value: true };
      if (FALSE.has(v)) return { ok: true, value: false };
      return { ok: false, message: `expected true or false, got ${describeValue(raw)}` };
    }
    case "enum":
    case "literal": {
      const values: unknown[] = def.type === "enum" ? Object.values(def.entries) : def.values;
      const hit = values.find((v) => String(v) === raw);
      if (hit !== undefined) return { ok: true, value: hit };
      const near = nearest(raw, values.map(String));
      return { ok: false, message: `expected ${describeSchema(s)}, got ${describeValue(raw)}`, suggestion: near ? `did you mean ${JSON.stringify(near)}?` : undefined };
    }
    case "string":
      return { ok: true, value: raw };
    case "array": {
      const t = raw.trim();
      if (t.startsWith("[")) return parseJson(t, "a JSON list");
      if (t === "") return { ok: true, value: [] };
      const items: unknown[] = [];
      for (const part of t.split(",")) {
        const c = coerce(def.element, part.trim());
        if (!c.ok) return { ok: false, message: `list item ${JSON.stringify(part.trim())}: ${c.message}`, suggestion: c.suggestion };
        items.push(c.value);
      }
      return { ok: true, value: items };
    }
    case "object":
    case "record":
      return raw.trim().startsWith("{")
        ? parseJson(raw.trim(), "a JSON mapping")
        : { ok: false, message: `this is a block; set one of its keys (key.path.sub=value) or give a JSON mapping like {"key": 1}` };
    case "union": {
      // The first option the text reads as and validates under wins ("auto" | integer: "4" -> 4).
      let rejected: { option: AnySchema; value: unknown } | undefined;
      for (const option of def.options as AnySchema[]) {
        const c = coerce(option, raw);
        if (!c.ok) continue;
        if (option.safeParse(c.value).success) return c;
        rejected ??= { option, value: c.value };
      }
      const vals = enumValues(s);
      const near = vals ? nearest(raw, vals) : undefined;
      if (rejected && !near) {
        const r = validateValue({ schema: rejected.option, value: rejected.value, locate: () => ({}) });
        if (!r.ok) return { ok: false, message: `expected ${describeSchema(s)}; ${r.issues[0].message}` };
      }
      return {
        ok: false,
        message: `expected ${describeSchema(s)}, got ${describeValue(raw)}`,
        suggestion: near ? `did you mean ${JSON.stringify(near)}?` : undefined,
      };
    }
    default: {
      const p = parseJson(raw.trim(), "JSON");
      return p.ok ? p : { ok: true, value: raw };
    }
  }
}

function parseJson(text: string, what: string): Coerced {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `expected ${what}: ${(e as Error).message}` };
  }
}

/**
 * The schema at a --set path, or an issue naming the first unknown segment with the nearest key
 * (a sibling typo, or the same key under another parent).
 */
export function schemaForSetPath(root: AnySchema, path: (string | number)[], displayPrefix: (string | number)[] = []): AnySchema | ConfigIssue {
  let cur: AnySchema = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const next = childSchema(cur, seg);
    if (next) {
      cur = next;
      continue;
    }
    const parent = path.slice(0, i);
    const full = formatPath([...displayPrefix, ...path.slice(0, i + 1)]);
    const k = kindOf(cur);
    if (k !== "object" && k !== "record" && k !== "union" && k !== "array") {
      return { file: "--set", path: full, message: `${formatPath([...displayPrefix, ...parent])} is ${describeSchema(cur)}, it has no keys` };
    }
    if (k === "array") return { file: "--set", path: full, message: `expected a list index (0, 1, ...)` };
    const s = suggestKey(root, parent, String(seg), undefined, displayPrefix);
    const rest = path.slice(i + 1);
    if (s && rest.length) {
      // Carry the rest of the path over to the suggested place when it fits there.
      const suggested = [...parsePath(s.path).slice(displayPrefix.length), ...rest];
      const fits = suggested.every((_, j) => schemaAtOrUndefined(root, suggested.slice(0, j + 1)));
      const whole = formatPath([...displayPrefix, ...path]);
      if (fits) return { file: "--set", path: whole, message: `unknown key ${full}`, suggestion: s.text.replace(s.path, formatPath([...displayPrefix, ...suggested])) };
      return { file: "--set", path: whole, message: `unknown key ${full}`, suggestion: s.text };
    }
    if (s) return { file: "--set", path: full, message: "unknown key", suggestion: s.text };
    const valid = keysOf(cur);
    return { file: "--set", path: full, message: valid.length && valid.length <= 20 ? `unknown key; valid keys here: ${valid.join(", ")}` : "unknown key" };
  }
  return cur;
}
