import { relative, isAbsolute } from "node:path";

/** Which layer a resolved value came from, lowest precedence first. */
export type SourceKind = "default" | "pipeline" | "family" | "variant" | "experiment" | "set";

export interface Source {
  kind: SourceKind;
  /** File as displayed (relative to the working directory when inside it). */
  file?: string;
  /** Absolute file path, for resolving relative paths written in that file. */
  absFile?: string;
  line?: number;
  col?: number;
  family?: string;
  variant?: string;
  /** The `--set` argument, for kind "set". */
  arg?: string;
}

export const DEFAULT_SOURCE: Source = Object.freeze({ kind: "default" }) as Source;

/**
 * `default`, `config/pipeline/leakage.yaml:12`, `experiment config/experiments/x.yaml:5`,
 * `family lightgbm variant balanced (config/families/lightgbm.yaml:20)`, `--set`.
 */
export function formatSource(s: Source): string {
  const at = s.file ? `${s.file}${s.line !== undefined ? `:${s.line}` : ""}` : "";
  switch (s.kind) {
    case "default":
      return s.family ? `default (family ${s.family})` : "default";
    case "pipeline":
      return at;
    case "experiment":
      return `experiment ${at}`;
    case "family":
      return `family ${s.family} (${at})`;
    case "variant":
      return `family ${s.family} variant ${s.variant} (${at})`;
    case "set":
      return "--set";
  }
}

/** How a file is named in messages: relative to `cwd` when inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}
