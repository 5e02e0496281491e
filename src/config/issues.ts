import { InputError } from "../util/errors.js";

/** One thing wrong with the configuration, located as precisely as the input allows. */
export interface ConfigIssue {
  /** File as shown to the user (relative to the working directory when inside it), or "--set". */
  file?: string;
  line?: number;
  col?: number;
  /** Dotted key path, e.g. `pipeline.leakage.thresholds`. */
  path?: string;
  message: string;
  /** "did you mean ...?" text, when there is a likely fix. */
  suggestion?: string;
}

/** `file:line:col key.path: message (did you mean ...)` — the format of every config error. */
export function formatIssue(issue: ConfigIssue): string {
  let loc = issue.file ?? "";
  if (issue.file && issue.line !== undefined) loc += `:${issue.line}:${issue.col ?? 1}`;
  const head = [loc, issue.path].filter(Boolean).join(" ");
  return `${head ? `${head}: ` : ""}${issue.message}${issue.suggestion ? ` (${issue.suggestion})` : ""}`;
}

/** Stable order: by file, then line, then column, then path. */
export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      (a.path ?? "").localeCompare(b.path ?? ""),
  );
}

/** Invalid configuration: every finding, one per line. A user error (exit code 2). */
export class ConfigError extends InputError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[], hint = "run `foxml config validate` to check the configuration files") {
    const sorted = sortIssues(issues);
    const n = sorted.length;
    super(`invalid configuration (${n} error${n === 1 ? "" : "s"}):\n${sorted.map((i) => `  ${formatIssue(i)}`).join("\n")}`, hint);
    this.name = "ConfigError";
    this.issues = sorted;
  }
}

/** A path that does not exist in the resolved configuration (get/sourceOf/--set). */
export class ConfigPathError extends InputError {
  readonly path: string;
  readonly suggestion?: string;
  constructor(path: string, message: string, suggestion?: string) {
    super(`${path}: ${message}${suggestion ? ` (${suggestion})` : ""}`);
    this.name = "ConfigPathError";
    this.path = path;
    this.suggestion = suggestion;
  }
}
