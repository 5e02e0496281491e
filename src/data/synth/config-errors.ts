import type { z } from "zod";
import { InputError } from "../../util/errors.js";
import { synthConfigSchema, type SynthConfig, type SynthConfigInput } from "./config.js";

export type IssuePath = readonly PropertyKey[];

/** `returns.garch.alpha`, `signals.features[1].ic`. */
export function keyPath(path: IssuePath): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out === "" ? "(top level)" : out;
}

interface Flat {
  path: PropertyKey[];
  message: string;
}

/**
 * One readable line per problem. A union's failure is reported through the branch that got
 * furthest (the deepest path), so `symbols: [1]` says `symbols[0]: expected string`, not just
 * "invalid input"; unrecognized keys are reported at the key itself.
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): Flat[] {
  const out: Flat[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...path, key], message: "unknown key (check the spelling; unknown keys are not ignored)" });
    } else if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branches = issue.errors.map((branch) => flatten(branch, path));
      const depth = (fs: Flat[]) => Math.max(...fs.map((f) => f.path.length));
      const best = Math.max(...branches.map(depth));
      const deepest = branches.filter((b) => depth(b) === best);
      if (deepest.length === 1) out.push(...deepest[0]);
      else {
        const messages = [...new Set(deepest.flatMap((b) => b.map((f) => f.message.replace(/^Invalid input: /, ""))))];
        out.push({ path, message: messages.join("; or ") });
      }
    } else out.push({ path, message: issue.message });
  }
  return out;
}

/** Describes a problem's location, e.g. "line 12"; undefined when it cannot be placed. */
export type Locator = (path: IssuePath) => string | undefined;

export function configProblems(error: z.ZodError, locate?: Locator): string[] {
  return flatten(error.issues).map((f) => {
    const where = locate?.(f.path);
    return `${where ? `${where}: ` : ""}${keyPath(f.path)}: ${f.message}`;
  });
}

/**
 * Validates a synth configuration and fills defaults; an invalid one becomes an InputError that
 * lists every problem with its key (and, through `locate`, its place in the source file).
 */
export function parseSynthConfig(input: SynthConfigInput | unknown, source = "synth config", locate?: Locator): SynthConfig {
  const parsed = synthConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = configProblems(parsed.error, locate);
  throw new InputError(
    `invalid ${source}:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    "`foxml data synth --print-config` prints every key with its default",
  );
}
