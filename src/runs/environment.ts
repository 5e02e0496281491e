/**
 * What a run records about the software it ran on, so a result can be traced and reproduced:
 * FoxML's version, the installed versions of its dependencies (read from node_modules, not from
 * package.json ranges: the installed one is what ran), Node and the platform, and the git commit
 * of the project folder when there is one.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { foxmlPackageRoot } from "../util/package-root.js";

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackageJson(path: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

export { foxmlPackageRoot };

/**
 * The installed version of `name`, looked up in node_modules folders from `fromDir` upwards (as
 * Node resolves packages), reading package.json directly because many packages do not export it.
 */
export function installedVersion(name: string, fromDir = foxmlPackageRoot()): string | null {
  let dir = fromDir;
  for (;;) {
    const path = join(dir, "node_modules", name, "package.json");
    if (existsSync(path)) return readPackageJson(path)?.version ?? null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface SoftwareVersions {
  foxml: string;
  node: string;
  /** Every runtime dependency FoxML declares, at its installed version (null: declared, not installed). */
  dependencies: Record<string, string | null>;
}

export function softwareVersions(): SoftwareVersions {
  const root = foxmlPackageRoot();
  const pkg = readPackageJson(join(root, "package.json")) ?? {};
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})].sort();
  const dependencies: Record<string, string | null> = {};
  for (const name of names) dependencies[name] = installedVersion(name, root);
  return { foxml: pkg.version ?? "unknown", node: process.versions.node, dependencies };
}

export interface PlatformInfo {
  os: string;
  arch: string;
  release: string;
  cpus: number;
  memory_gb: number;
}

export function platformInfo(): PlatformInfo {
  return {
    os: process.platform,
    arch: process.arch,
    release: release(),
    cpus: availableParallelism(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

export interface GitInfo {
  commit: string;
  /** Tracked files differ from the commit (null when git could not tell). */
  dirty: boolean | null;
}

/** The git commit of the repository containing `cwd`, or null when git is missing or it is not a repository. */
export function gitInfo(cwd: string): GitInfo | null {
  const git = (args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } }).trim();
  let commit: string;
  try {
    commit = git(["rev-parse", "--verify", "HEAD"]);
  } catch {
    return null;
  }
  if (!/^[0-9a-f]{40,64}$/.test(commit)) return null;
  let dirty: boolean | null;
  try {
    dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
  } catch {
    dirty = null;
  }
  return { commit, dirty };
}
