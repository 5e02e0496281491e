import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { foxmlPackageRoot } from "../util/package-root.js";

/** The installed foxml package (works from src/ under tsx and from dist/ when compiled). */
export const PACKAGE_ROOT = foxmlPackageRoot();

/** The configuration shipped with the package. */
export const BUNDLED_CONFIG_DIR = join(PACKAGE_ROOT, "config");

/**
 * `config/` in the working directory when it is a foxml config dir (has pipeline/, experiments/ or
 * families/; many projects have an unrelated config/), else the bundled one, so foxml works from anywhere.
 */
export function defaultConfigDir(cwd: string = process.cwd()): string {
  const local = join(cwd, "config");
  return Object.values(KIND_DIRS).some((d) => isDir(join(local, d))) ? local : BUNDLED_CONFIG_DIR;
}

/** Relative paths written in files of a config dir are relative to the folder that holds it. */
export function projectRootOf(configDir: string): string {
  return dirname(resolve(configDir));
}

export type ConfigFileKind = "pipeline" | "experiment" | "family";

export const KIND_DIRS: Record<ConfigFileKind, string> = { pipeline: "pipeline", experiment: "experiments", family: "families" };

export function isYamlFile(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** YAML files directly inside a folder, sorted by name (the order pipeline files are read in). */
export function yamlFilesIn(dir: string): string[] {
  if (!isDir(dir)) return [];
  return readdirSync(dir)
    .filter((n) => isYamlFile(n) && !n.startsWith("."))
    .sort()
    .map((n) => join(dir, n));
}

/** The kind a file's location implies: a file in pipeline/, experiments/ or families/. */
export function kindFromLocation(path: string): ConfigFileKind | undefined {
  const parent = basename(dirname(resolve(path)));
  for (const [kind, dir] of Object.entries(KIND_DIRS) as [ConfigFileKind, string][]) if (parent === dir) return kind;
  return undefined;
}

/** The kind a file's top-level keys imply, for files outside the standard folders. */
export function kindFromContent(value: unknown): ConfigFileKind {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.includes("family") || keys.includes("variants")) return "family";
    if (keys.length > 0 && keys.every((k) => k === "pipeline")) return "pipeline";
  }
  return "experiment";
}

/**
 * YAML files in a config dir that nothing reads: at its top level or in unknown sub-folders.
 * Reported as errors, because a setting in a file that is never read is silently ignored.
 */
export function strayYamlFiles(configDir: string): string[] {
  if (!isDir(configDir)) return [];
  const known = new Set(Object.values(KIND_DIRS));
  const out: string[] = [];
  for (const name of readdirSync(configDir).sort()) {
    if (name.startsWith(".")) continue;
    const full = join(configDir, name);
    if (isDir(full)) {
      if (!known.has(name)) out.push(...yamlFilesIn(full));
    } else if (isYamlFile(name)) out.push(full);
  }
  return out;
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function fileExists(p: string): boolean {
  return existsSync(p);
}
