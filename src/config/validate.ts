import { basename, extname, join, resolve } from "node:path";
import "../models/index.js";
import { defaultConfigDir, isDir, kindFromContent, kindFromLocation, KIND_DIRS, strayYamlFiles, yamlFilesIn, type ConfigFileKind } from "./config-dir.js";
import { checkExperimentFile, checkFamilyFile, checkPipelineFile } from "./file-checks.js";
import { ConfigError, formatIssue, sortIssues, type ConfigIssue } from "./issues.js";
import { loadConfig } from "./load.js";
import { displayPath } from "./sources.js";
import { readYamlFile } from "./yaml-source.js";

export interface ValidationReport {
  /** Files checked, absolute, with the kind each was checked as. */
  files: { path: string; kind: ConfigFileKind }[];
  /** Every finding, deduplicated and sorted by file and line. */
  issues: ConfigIssue[];
}

/**
 * Validates the given files, each by its kind (from its folder: pipeline/, experiments/,
 * families/; otherwise from its top-level keys). Experiments are also resolved against `configDir`,
 * which catches what only shows across files (a missing variant, conflicting pipeline files).
 */
export function validateConfigFiles(paths: readonly string[], opts: { configDir?: string; cwd?: string } = {}): ValidationReport {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const configDir = opts.configDir ? resolve(cwd, opts.configDir) : defaultConfigDir(cwd);
  const issues: ConfigIssue[] = [];
  const files: ValidationReport["files"] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const src = readYamlFile(abs, displayPath(abs, cwd));
    const locationKind = kindFromLocation(abs);
    const kind = locationKind ?? (src.issues.length ? "experiment" : kindFromContent(src.value));
    files.push({ path: abs, kind });
    if (kind === "pipeline") issues.push(...checkPipelineFile(src).issues);
    else if (kind === "family") issues.push(...checkFamilyFile(src, locationKind === "family" ? basename(abs, extname(abs)) : undefined).issues);
    else {
      const own = checkExperimentFile(src).issues;
      issues.push(...own);
      if (own.length === 0 && isDir(configDir)) issues.push(...resolveIssues(() => loadConfig({ configDir, experimentPath: abs, cwd })));
    }
  }
  return { files, issues: dedupe(issues) };
}

/** Validates a whole config dir: every file by its folder, stray files, and every experiment resolved. */
export function validateConfigDir(configDir: string, opts: { cwd?: string } = {}): ValidationReport {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const dir = resolve(cwd, configDir);
  if (!isDir(dir)) return { files: [], issues: [{ file: displayPath(dir, cwd), message: "config directory not found" }] };
  const paths = (Object.values(KIND_DIRS) as string[]).flatMap((d) => yamlFilesIn(join(dir, d)));
  const report = validateConfigFiles(paths, { configDir: dir, cwd });
  const issues = [...report.issues];
  for (const f of strayYamlFiles(dir)) {
    issues.push({ file: displayPath(f, cwd), message: "this file is not read: pipeline settings go in pipeline/, experiments in experiments/, family files in families/" });
  }
  // The layers without an experiment: catches pipeline files that conflict with each other.
  issues.push(...resolveIssues(() => loadConfig({ configDir: dir, experimentPath: null, cwd })));
  return { files: report.files, issues: dedupe(issues) };
}

function resolveIssues(run: () => unknown): ConfigIssue[] {
  try {
    run();
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return sortIssues(issues).filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
