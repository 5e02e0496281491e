import { isAbsolute, join, relative, resolve } from "node:path";
import "../models/index.js"; // every model family registers itself, so experiments can name them
import type { Family } from "../models/family.js";
import { BUNDLED_CONFIG_DIR, defaultConfigDir, fileExists, isDir, PACKAGE_ROOT, projectRootOf, strayYamlFiles, yamlFilesIn } from "./config-dir.js";
import { checkExperimentFile, checkFamilyFile, checkPipelineFile, lookupFamily, type CheckedFamilyFile, type ExperimentFamilyEntry } from "./file-checks.js";
import { ConfigError, type ConfigIssue } from "./issues.js";
import { formatPath, pathKey, type ConfigPathSegments } from "./paths.js";
import { ResolvedConfig } from "./resolved-config.js";
import { variantNameSchema } from "./schema/experiment.js";
import { resolvedConfigSchema, type ResolvedConfigValue } from "./schema/resolved.js";
import { coerceAndValidate, schemaForSetPath, splitSetArg, type SetAssignment } from "./set-override.js";
import { DEFAULT_SOURCE, displayPath, formatSource, type Source } from "./sources.js";
import { SourcedTree, leafPaths } from "./sourced-tree.js";
import { nearest } from "./suggest.js";
import { readYamlFile, type YamlSource } from "./yaml-source.js";
import { validateValue, type Location } from "./zod-issues.js";

export interface LoadConfigOptions {
  /** Folder with pipeline/, families/, experiments/; default: ./config if it exists, else the bundled one. */
  configDir?: string;
  /** Experiment file; default: <configDir>/experiments/default.yaml when it exists. `null`: no experiment. */
  experimentPath?: string | null;
  /** `a.b.c=value` overrides, applied last, in order. */
  sets?: readonly string[];
  /** Base for relative paths and for how files are named in messages (default: process.cwd()). */
  cwd?: string;
}

/**
 * Resolves the one validated configuration. Precedence, lowest first: built-in defaults <
 * config/pipeline/*.yaml < family file and its variant < experiment < --set. Every error found in
 * any layer is collected and thrown together as a ConfigError (exit code 2).
 */
export function loadConfig(opts: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const configDir = opts.configDir ? resolve(cwd, opts.configDir) : defaultConfigDir(cwd);
  const show = (abs: string) => displayPath(abs, cwd);
  if (!isDir(configDir)) throw new ConfigError([{ file: show(configDir), message: "config directory not found" }], "pass --config-dir DIR, or create one with `foxml init DIR`");

  const issues: ConfigIssue[] = [];
  const files: string[] = [];
  const tree = new SourcedTree();
  const read = (abs: string): YamlSource => {
    files.push(abs);
    return readYamlFile(abs, show(abs));
  };

  for (const f of strayYamlFiles(configDir)) {
    issues.push({ file: show(f), message: "this file is not read: pipeline settings go in pipeline/, experiments in experiments/, family files in families/" });
  }

  // 1. Built-in defaults.
  tree.apply([], resolvedConfigSchema.parse({}), () => DEFAULT_SOURCE);

  // 2. Pipeline files, in name order. A key set in two files is an error, not a silent "last wins".
  const pipelineLeaves = new Map<string, Source>();
  for (const f of yamlFilesIn(join(configDir, "pipeline"))) {
    const src = read(f);
    const checked = checkPipelineFile(src);
    issues.push(...checked.issues);
    if (!checked.pipeline) continue;
    const sourceAt = fileSource(src, "pipeline", (p) => p);
    let conflict = false;
    for (const leaf of leafPaths(checked.pipeline, ["pipeline"])) {
      const prev = pipelineLeaves.get(pathKey(leaf));
      if (prev) {
        conflict = true;
        issues.push({ ...at(sourceAt(leaf)), path: formatPath(leaf), message: `also set in ${formatSource(prev)}; set each key in one pipeline file only` });
      } else pipelineLeaves.set(pathKey(leaf), sourceAt(leaf));
    }
    if (!conflict) tree.apply(["pipeline"], checked.pipeline, sourceAt);
  }

  // 3. The experiment.
  const experimentPath = resolveExperimentPath(opts.experimentPath, configDir, cwd);
  let entries: ExperimentFamilyEntry[] = [];
  let experimentSrc: YamlSource | undefined;
  if (experimentPath) {
    const src = (experimentSrc = read(experimentPath));
    const checked = checkExperimentFile(src);
    issues.push(...checked.issues);
    const e = checked.value;
    if (e) {
      const same = fileSource(src, "experiment", (p) => p);
      tree.apply(["experiment", "name"], e.name, fileSource(src, "experiment", () => ["name"]));
      if (e.description !== undefined) tree.apply(["experiment", "description"], e.description, fileSource(src, "experiment", () => ["description"]));
      if (e.pipeline) tree.apply(["pipeline"], e.pipeline, same);
      if (e.data) tree.apply(["pipeline", "data"], e.data, fileSource(src, "experiment", (p) => ["data", ...p.slice(2)]));
      if (e.targets) tree.apply(["targets"], e.targets, same);
      if (e.families) {
        entries = e.families;
        tree.apply(["families"], entries.map((f) => ({ name: f.name, variant: f.variant })), fileSource(src, "experiment", (p) => (p.length < 2 ? p : ["families", entries[p[1] as number]?.index ?? 0, ...p.slice(2)])));
      }
    }
  }

  // 4. --set, except family hyperparameters, which go on top of the family layers below.
  const familySets: { idx: number; assignment: SetAssignment; rest: (string | number)[] }[] = [];
  for (const arg of opts.sets ?? []) {
    const a = splitSetArg(arg);
    if (!("raw" in a)) {
      issues.push(a);
      continue;
    }
    const setSource: Source = { kind: "set", arg };
    // `data.x` is the experiment file's shorthand for `pipeline.data.x`; --set takes it too.
    if (a.path[0] === "data") a.path = ["pipeline", ...a.path];
    if (a.path[0] === "families") {
      const target = familySetTarget(a, tree);
      if ("message" in target) {
        issues.push(target);
        continue;
      }
      if (target.kind === "variant") {
        const c = coerceAndValidate(variantNameSchema, a.raw, a.path);
        if (!c.ok) issues.push({ file: "--set", path: formatPath(a.path), message: c.message, suggestion: c.suggestion });
        else tree.apply(["families", target.idx, "variant"], c.value, () => setSource);
      } else familySets.push({ idx: target.idx, assignment: a, rest: a.path.slice(3) });
      continue;
    }
    const schema = schemaForSetPath(resolvedConfigSchema, a.path);
    if ("message" in schema) {
      issues.push(schema);
      continue;
    }
    const c = coerceAndValidate(schema, a.raw, a.path);
    if (!c.ok) issues.push({ file: "--set", path: formatPath(a.path), message: c.message, suggestion: c.suggestion });
    else tree.apply(a.path, c.value, () => setSource);
  }

  // 5. Families: built-in defaults < family file hyperparameters < variant < experiment < --set.
  const familyFiles = new Map<string, { src: YamlSource; checked: CheckedFamilyFile } | undefined>();
  const families: (Family<any> | undefined)[] = [];
  const resolvedFamilies = (tree.value.families as { name: string; variant: string }[] | undefined) ?? [];
  resolvedFamilies.forEach((f, idx) => {
    const entry = entries[idx];
    const family = lookupFamily(f.name);
    families.push(family);
    if (!family) return; // reported with the experiment file
    if (!familyFiles.has(f.name)) {
      const file = [".yaml", ".yml"].map((ext) => join(configDir, "families", f.name + ext)).find(fileExists);
      if (!file) {
        issues.push({
          ...entryLocation(experimentSrc, entry, "name"),
          path: `families.${idx}.name`,
          message: `no family file ${show(join(configDir, "families", `${f.name}.yaml`))} (it holds the family's hyperparameters and its variants)`,
        });
        familyFiles.set(f.name, undefined);
      } else {
        const src = read(file);
        const checked = checkFamilyFile(src, f.name);
        issues.push(...checked.issues);
        familyFiles.set(f.name, { src, checked });
      }
    }
    const ff = familyFiles.get(f.name);
    if (!ff?.checked.variants) return;
    const variants = ff.checked.variants;
    if (!Object.hasOwn(variants, f.variant)) {
      const names = Object.keys(variants);
      const near = nearest(f.variant, names);
      issues.push({
        ...at(tree.sourceOf(["families", idx, "variant"]) ?? DEFAULT_SOURCE),
        path: `families.${idx}.variant`,
        message: `family ${f.name} has no variant "${f.variant}"; its variants: ${names.join(", ")}`,
        suggestion: near ? `did you mean "${near}"?` : undefined,
      });
      return;
    }
    const base = ["families", idx, "hyperparameters"];
    const defaults = family.paramsSchema.safeParse({});
    tree.apply(base, defaults.success && isRecord(defaults.data) ? defaults.data : {}, () => ({ kind: "default", family: f.name }));
    tree.apply(base, ff.checked.hyperparameters ?? {}, fileSource(ff.src, "family", (p) => ["hyperparameters", ...p.slice(3)], { family: f.name }));
    tree.apply(base, variants[f.variant] ?? {}, fileSource(ff.src, "variant", (p) => ["variants", f.variant, ...p.slice(3)], { family: f.name, variant: f.variant }));
    if (entry && experimentSrc) {
      tree.apply(base, entry.hyperparameters, fileSource(experimentSrc, "experiment", (p) => ["families", entry.index, "hyperparameters", ...p.slice(3)]));
    }
    for (const s of familySets.filter((x) => x.idx === idx)) {
      const schema = schemaForSetPath(family.paramsSchema, s.rest, base);
      if ("message" in schema) {
        issues.push(schema);
        continue;
      }
      const c = coerceAndValidate(schema, s.assignment.raw, [...base, ...s.rest]);
      if (!c.ok) issues.push({ file: "--set", path: formatPath([...base, ...s.rest]), message: c.message, suggestion: c.suggestion });
      else tree.apply([...base, ...s.rest], c.value, () => ({ kind: "set", arg: s.assignment.arg }));
    }
  });
  if (issues.length) throw new ConfigError(issues);

  // 6. The merged result, validated in full (cross-field rules, required keys).
  const locate = (p: ConfigPathSegments): Location => at(tree.sourceOf(p) ?? DEFAULT_SOURCE);
  const r = validateValue({ schema: resolvedConfigSchema, value: tree.value, locate });
  if (!r.ok) throw new ConfigError(r.issues);
  const value = r.data as ResolvedConfigValue;
  value.families.forEach((f, idx) => {
    const family = families[idx];
    if (!family) return;
    const base = ["families", idx, "hyperparameters"];
    const fr = validateValue({ schema: family.paramsSchema, value: f.hyperparameters, locate: (p) => locate([...base, ...p]), prefix: base });
    if (!fr.ok) issues.push(...fr.issues);
    else f.hyperparameters = fr.data as Record<string, unknown>;
  });
  if (issues.length) throw new ConfigError(issues);

  value.pipeline.data.path = resolveDataPath(value.pipeline.data.path, tree.sourceOf(["pipeline", "data", "path"]) ?? DEFAULT_SOURCE, configDir, cwd);
  return new ResolvedConfig({ value, tree, configDir, experimentPath, files, families });
}

function resolveExperimentPath(given: string | null | undefined, configDir: string, cwd: string): string | undefined {
  if (given === null) return undefined;
  if (given !== undefined) return resolve(cwd, given);
  const def = [".yaml", ".yml"].map((ext) => join(configDir, "experiments", `default${ext}`)).find(fileExists);
  return def;
}

/** Where the node at a tree path was written in `src`; `toFile` maps tree paths to file paths. */
function fileSource(src: YamlSource, kind: Source["kind"], toFile: (p: ConfigPathSegments) => ConfigPathSegments, extra: Partial<Source> = {}) {
  return (p: ConfigPathSegments): Source => {
    const filePath = toFile(p);
    const pos = src.positionOf(filePath) ?? src.nearestPosition(filePath);
    return { kind, file: src.display, absFile: src.path, line: pos.line, col: pos.col, ...extra };
  };
}

function at(s: Source): Location {
  if (s.kind === "set") return { file: "--set" };
  if (s.kind === "default") return {};
  return { file: s.file, line: s.line, col: s.col };
}

function entryLocation(src: YamlSource | undefined, entry: ExperimentFamilyEntry | undefined, key: string): Location {
  if (!src || !entry) return {};
  return { file: src.display, ...src.nearestPosition(["families", entry.index, key]) };
}

/** `families.<index or name>.variant` or `families.<index or name>.hyperparameters.<key...>`. */
function familySetTarget(a: SetAssignment, tree: SourcedTree): { kind: "variant" | "hyperparameters"; idx: number } | ConfigIssue {
  const full = formatPath(a.path);
  const current = (tree.value.families as { name: string; variant: string }[] | undefined) ?? [];
  const sel = a.path[1];
  const names = current.map((f) => f.name);
  if (sel === undefined || a.path.length < 3) {
    return { file: "--set", path: full, message: "the families list is chosen in the experiment file; --set can change families.<name>.variant or families.<name>.hyperparameters.<key>" };
  }
  let idx: number;
  if (typeof sel === "number") {
    if (sel >= current.length) return { file: "--set", path: full, message: `the experiment lists ${current.length} famil${current.length === 1 ? "y" : "ies"}; index ${sel} is out of range` };
    idx = sel;
  } else {
    const hits = names.flatMap((n, i) => (n === sel ? [i] : []));
    if (hits.length === 0) {
      const near = nearest(sel, names);
      return {
        file: "--set",
        path: full,
        message: `the experiment has no family "${sel}" (it lists: ${names.length ? names.join(", ") : "none"})`,
        suggestion: near ? `did you mean families.${near}?` : undefined,
      };
    }
    if (hits.length > 1) return { file: "--set", path: full, message: `the experiment lists ${sel} ${hits.length} times; select one by index (families.${hits[0]}...)` };
    idx = hits[0];
  }
  const key = a.path[2];
  if (key === "variant" && a.path.length === 3) return { kind: "variant", idx };
  if (key === "hyperparameters" && a.path.length >= 4) return { kind: "hyperparameters", idx };
  const near = nearest(String(key), ["variant", "hyperparameters"]);
  return {
    file: "--set",
    path: full,
    message: key === "hyperparameters" ? "set one hyperparameter: families.<name>.hyperparameters.<key>=value" : "--set can change a family's variant or its hyperparameters",
    suggestion: near && near !== key ? `did you mean ${formatPath([...a.path.slice(0, 2), near])}?` : undefined,
  };
}

/**
 * Relative data paths: built-in default -> the foxml package (where the bundled datasets are);
 * --set -> the working directory; files in the config dir -> the folder that holds the config dir;
 * experiment files elsewhere -> the working directory.
 */
function resolveDataPath(p: string, source: Source, configDir: string, cwd: string): string {
  if (isAbsolute(p)) return p;
  if (source.kind === "default") return resolve(PACKAGE_ROOT, p);
  if (source.kind === "set" || !source.absFile) return resolve(cwd, p);
  const rel = relative(configDir, source.absFile);
  const inside = rel && !rel.startsWith("..") && !isAbsolute(rel);
  return resolve(inside ? projectRootOf(configDir) : cwd, p);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export { BUNDLED_CONFIG_DIR };
