import type { z } from "zod";
import type { ConfigIssue } from "./issues.js";
import { formatPath, isPlainObject, valueAt, type ConfigPathSegments } from "./paths.js";
import { describeSchema, enumValues, keysOf, schemaAt, type AnySchema } from "./schema-walk.js";
import { nearest, suggestKey } from "./suggest.js";

type ZodIssue = z.core.$ZodIssue;

export interface Location {
  file?: string;
  line?: number;
  col?: number;
}

/** What turning zod's findings into located, readable config issues needs to know. */
export interface IssueContext {
  /** The schema the value was validated with. */
  schema: AnySchema;
  /** The value that was validated. */
  value: unknown;
  /** Where the value at a path (relative to the validated value) is written. */
  locate(path: ConfigPathSegments): Location;
  /** Prepended to paths in messages (e.g. `families.0.hyperparameters` for a family's own schema). */
  prefix?: ConfigPathSegments;
}

export function validateValue(ctx: IssueContext): { ok: true; data: unknown } | { ok: false; issues: ConfigIssue[] } {
  const r = ctx.schema.safeParse(ctx.value, { reportInput: true });
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, issues: toConfigIssues(r.error.issues, ctx) };
}

export function toConfigIssues(issues: readonly ZodIssue[], ctx: IssueContext, base: ConfigPathSegments = []): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) out.push(...convert(issue, ctx, [...base, ...(issue.path as (string | number)[])]));
  return out;
}

function convert(issue: ZodIssue, ctx: IssueContext, path: (string | number)[]): ConfigIssue[] {
  const prefix = ctx.prefix ?? [];
  const make = (p: ConfigPathSegments, message: string, suggestion?: string): ConfigIssue => ({
    ...ctx.locate(p),
    path: formatPath([...prefix, ...p]) || undefined,
    message,
    suggestion,
  });
  const schema = schemaAt(ctx.schema, path);
  const input = (issue as { input?: unknown }).input;

  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const s = suggestKey(ctx.schema, path, key, valueAt(ctx.value, keyPath), prefix);
        if (s) return make(keyPath, "unknown key", s.text);
        const parent = schemaAt(ctx.schema, path);
        const valid = parent ? keysOf(parent) : [];
        const list = valid.length && valid.length <= 20 ? `; valid keys here: ${valid.join(", ")}` : "";
        return make(keyPath, `unknown key${list}`);
      });
    case "invalid_type": {
      if (input === undefined && !hasKey(ctx.value, path)) {
        return [make(path, `required key missing (expected ${schema ? describeSchema(schema) : issue.expected})`)];
      }
      if (input === null && (issue.expected === "object" || issue.expected === "record")) {
        return [make(path, "empty value: expected a mapping (are the keys below it indented under it?)")];
      }
      const expected = issue.expected === "int" ? "an integer" : schema ? describeSchema(schema) : issue.expected;
      return [make(path, `expected ${expected}, got ${describeValue(input)}`)];
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = small ? (issue as any).minimum : (issue as any).maximum;
      const inclusive = (issue as any).inclusive !== false;
      const origin = (issue as any).origin as string;
      if (origin === "number" || origin === "bigint" || origin === "int") {
        const op = small ? (inclusive ? ">=" : ">") : inclusive ? "<=" : "<";
        return [make(path, `out of range: must be ${op} ${bound}, got ${describeValue(input)}`)];
      }
      if (origin === "array" || origin === "set") {
        return [make(path, small ? `needs at least ${bound} item(s)` : `allows at most ${bound} item(s)`)];
      }
      if (origin === "string") {
        if (small && bound === 1) return [make(path, "must not be empty")];
        return [make(path, small ? `must be at least ${bound} characters` : `must be at most ${bound} characters`)];
      }
      return [make(path, issue.message)];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const near = typeof input === "string" ? nearest(input, issue.values.map(String)) : undefined;
      const what = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`;
      return [make(path, `expected ${what}, got ${describeValue(input)}`, near !== undefined ? `did you mean ${JSON.stringify(near)}?` : undefined)];
    }
    case "invalid_union": {
      // When exactly one option has the input's shape (a mapping for an object option, ...), its
      // findings are the useful ones; otherwise say what the union accepts.
      const matching = issue.errors.filter((branch) => !branch.some((e) => e.code === "invalid_type" && e.path.length === 0));
      if (matching.length === 1) return toConfigIssues(matching[0], ctx, path);
      const vals = schema ? enumValues(schema) : undefined;
      const near = vals && typeof input === "string" ? nearest(input, vals) : undefined;
      return [
        make(
          path,
          `expected ${schema ? describeSchema(schema) : "another type"}, got ${describeValue(input)}`,
          near !== undefined ? `did you mean ${JSON.stringify(near)}?` : undefined,
        ),
      ];
    }
    case "invalid_key":
    case "invalid_element":
      return toConfigIssues(issue.issues, ctx, path);
    case "invalid_format": {
      const custom = issue.message && !issue.message.startsWith("Invalid") ? issue.message : `expected ${issue.format} format`;
      return [make(path, `${custom}, got ${describeValue(input)}`)];
    }
    default:
      return [make(path, issue.message)];
  }
}

function hasKey(root: unknown, path: ConfigPathSegments): boolean {
  if (path.length === 0) return root !== undefined;
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) return typeof last === "number" && last < parent.length;
  return isPlainObject(parent) && Object.hasOwn(parent, String(last));
}

/** How a received value is shown in messages: `string "abc"`, `1.5`, `a list`, `null (empty value)`. */
export function describeValue(v: unknown): string {
  if (v === null) return "null (empty value)";
  if (v === undefined) return "nothing";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "a list";
  if (isPlainObject(v)) return "a mapping";
  return typeof v;
}
