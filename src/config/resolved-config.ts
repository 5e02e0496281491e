import type { Family } from "../models/family.js";
import { hashJson } from "../util/hash.js";
import { ConfigPathError } from "./issues.js";
import { formatPath, isPlainObject, parsePath, valueAt, type ConfigPathSegments } from "./paths.js";
import type { DottedPath, ValueAtPath } from "./path-types.js";
import { resolvedConfigSchema, type ResolvedConfigValue } from "./schema/resolved.js";
import { schemaForSetPath } from "./set-override.js";
import { DEFAULT_SOURCE, formatSource, type Source } from "./sources.js";
import type { SourcedTree } from "./sourced-tree.js";
import { nearest } from "./suggest.js";
import { pruneValue, valueToYaml } from "./to-yaml.js";

export type ConfigPath = DottedPath<ResolvedConfigValue>;

export interface ToYamlOptions {
  /** A trailing comment on each leaf saying which layer set it (default true). */
  withSources?: boolean;
  /** Only what differs from the built-in defaults. */
  onlyOverrides?: boolean;
}

/** The resolved, validated configuration: typed value, dotted access, sources, content hash. */
export class ResolvedConfig {
  readonly value: ResolvedConfigValue;
  readonly configDir: string;
  readonly experimentPath?: string;
  /** Every file read while resolving, absolute. */
  readonly files: readonly string[];
  private readonly tree: SourcedTree;
  private readonly families: readonly (Family<any> | undefined)[];

  constructor(init: {
    value: ResolvedConfigValue;
    tree: SourcedTree;
    configDir: string;
    experimentPath?: string;
    files: string[];
    families: (Family<any> | undefined)[];
  }) {
    this.value = init.value;
    this.tree = init.tree;
    this.configDir = init.configDir;
    this.experimentPath = init.experimentPath;
    this.files = [...new Set(init.files)];
    this.families = init.families;
  }

  /** The value at a dotted path. Families may be selected by name: `families.lightgbm.variant`. */
  get<P extends ConfigPath>(path: P): ValueAtPath<ResolvedConfigValue, P>;
  get(path: string): unknown;
  get(path: string): unknown {
    return valueAt(this.value, this.checkPath(path));
  }

  /** Where the value at a path came from: `default`, `config/pipeline/leakage.yaml:12`, `--set`, ... */
  sourceOf(path: ConfigPath | (string & {})): string {
    return formatSource(this.sourceInfo(path));
  }

  sourceInfo(path: ConfigPath | (string & {})): Source {
    return this.tree.sourceOf(this.checkPath(path)) ?? DEFAULT_SOURCE;
  }

  /** SHA-256 (hex) of the canonical JSON of the resolved value: equal configurations, equal hashes. */
  hash(): string {
    return hashJson(this.value);
  }

  toYaml(opts: ToYamlOptions = {}): string {
    const withSources = opts.withSources ?? true;
    const sourceAt = (p: ConfigPathSegments) => this.tree.sourceOf(p) ?? DEFAULT_SOURCE;
    const value = opts.onlyOverrides ? (pruneValue(this.value, (p) => sourceAt(p).kind !== "default") ?? {}) : this.value;
    return valueToYaml(value, withSources ? (p) => `from ${formatSource(sourceAt(p))}` : undefined);
  }

  toJSON(): ResolvedConfigValue {
    return this.value;
  }

  /** Parses a dotted path, maps family names to indices, and rejects paths the schema does not have. */
  private checkPath(dotted: string): (string | number)[] {
    const path = parsePath(dotted);
    if (path[0] === "families" && typeof path[1] === "string") {
      const names = this.value.families.map((f) => f.name);
      const idx = names.indexOf(path[1]);
      if (idx < 0) {
        const near = nearest(path[1], names);
        throw new ConfigPathError(dotted, `no family "${path[1]}" in this configuration`, near ? `did you mean families.${near}?` : undefined);
      }
      path[1] = idx;
    }
    if (path[0] === "families" && path[2] === "hyperparameters" && path.length > 3 && typeof path[1] === "number") {
      const family = this.families[path[1]];
      const hp = this.value.families[path[1]]?.hyperparameters;
      if (family && !(isPlainObject(hp) && valueAt(hp, path.slice(3)) !== undefined)) {
        const s = schemaForSetPath(family.paramsSchema, path.slice(3), path.slice(0, 3));
        if ("message" in s) throw new ConfigPathError(dotted, s.message, s.suggestion);
      }
      return path;
    }
    if (path[0] === "families" && typeof path[1] === "number" && path[1] >= this.value.families.length) {
      throw new ConfigPathError(dotted, `there are ${this.value.families.length} families; index ${path[1]} is out of range`);
    }
    if (path[0] === "targets" && typeof path[1] === "number" && path[1] >= this.value.targets.length) {
      throw new ConfigPathError(dotted, `there are ${this.value.targets.length} targets; index ${path[1]} is out of range`);
    }
    const s = schemaForSetPath(resolvedConfigSchema, path);
    if ("message" in s) throw new ConfigPathError(formatPath(path), s.message, s.suggestion);
    return path;
  }
}
