import { basename, extname } from "node:path";
import type { Family } from "../models/family.js";
import { familyNames, getFamily } from "../models/registry.js";
import type { ConfigIssue } from "./issues.js";
import { isPlainObject, type ConfigPathSegments } from "./paths.js";
import { experimentFileSchema, pipelineFileSchema } from "./schema/experiment.js";
import { familyFileSchema, partialParamsSchema, REQUIRED_VARIANTS } from "./schema/family-file.js";
import { clone } from "./sourced-tree.js";
import { validateValue, type Location } from "./zod-issues.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * Checks of one file on its own, by kind. Each returns every finding in the file (not just the
 * first), located by file, line and key path. Cross-file checks (conflicting pipeline files, a
 * variant missing from a family file) happen when layers are combined.
 */

export function locator(src: YamlSource, base: ConfigPathSegments = []): (p: ConfigPathSegments) => Location {
  return (p) => ({ file: src.display, ...src.nearestPosition([...base, ...p]) });
}

function topLevelMapping(src: YamlSource): { value?: Record<string, unknown>; issues: ConfigIssue[] } {
  if (src.issues.length) return { issues: src.issues };
  const v = src.value === null ? {} : src.value;
  if (!isPlainObject(v)) return { issues: [{ file: src.display, line: 1, col: 1, message: "the top level of a config file must be a mapping (key: value lines)" }] };
  return { value: v, issues: [] };
}

export interface CheckedPipelineFile {
  issues: ConfigIssue[];
  /** The `pipeline` block, when the file is valid. */
  pipeline?: Record<string, unknown>;
}

export function checkPipelineFile(src: YamlSource): CheckedPipelineFile {
  const top = topLevelMapping(src);
  if (!top.value) return { issues: top.issues };
  const r = validateValue({ schema: pipelineFileSchema, value: top.value, locate: locator(src) });
  if (!r.ok) return { issues: r.issues };
  return { issues: [], pipeline: (top.value.pipeline as Record<string, unknown> | undefined) ?? {} };
}

export interface ExperimentFamilyEntry {
  name: string;
  variant: string;
  hyperparameters: Record<string, unknown>;
  index: number;
}

export interface CheckedExperimentFile {
  issues: ConfigIssue[];
  value?: {
    name: string;
    description?: string;
    data?: Record<string, unknown>;
    targets?: unknown[];
    families?: ExperimentFamilyEntry[];
    pipeline?: Record<string, unknown>;
  };
}

export function checkExperimentFile(src: YamlSource): CheckedExperimentFile {
  const top = topLevelMapping(src);
  if (!top.value) return { issues: top.issues };
  const raw = top.value;
  const locate = locator(src);
  const r = validateValue({ schema: experimentFileSchema, value: raw, locate });
  const issues: ConfigIssue[] = r.ok ? [] : [...r.issues];

  const pipelineBlock = isPlainObject(raw.pipeline) ? raw.pipeline : undefined;
  if (raw.data !== undefined && pipelineBlock && pipelineBlock.data !== undefined) {
    issues.push({ ...locate(["data"]), path: "data", message: "data overrides are given both as `data:` and as `pipeline.data:`; keep one of them" });
  }

  // Families: registered, and their overrides valid for the family's own schema.
  const families: ExperimentFamilyEntry[] = [];
  if (Array.isArray(raw.families)) {
    raw.families.forEach((entry, i) => {
      if (!isPlainObject(entry) || typeof entry.name !== "string") return; // reported by the schema
      const family = lookupFamily(entry.name);
      if (!family) {
        issues.push({ ...locate(["families", i, "name"]), path: `families.${i}.name`, message: unknownFamilyMessage(entry.name) });
        return;
      }
      const hp = entry.hyperparameters;
      if (isPlainObject(hp)) {
        const hr = validateValue({
          schema: partialParamsSchema(family.paramsSchema),
          value: hp,
          locate: locator(src, ["families", i, "hyperparameters"]),
          prefix: ["families", i, "hyperparameters"],
        });
        if (!hr.ok) issues.push(...hr.issues);
      }
      families.push({
        name: entry.name,
        variant: typeof entry.variant === "string" ? entry.variant : "balanced",
        hyperparameters: isPlainObject(hp) ? hp : {},
        index: i,
      });
    });
  }
  if (issues.length) return { issues };
  return {
    issues: [],
    value: {
      name: typeof raw.name === "string" ? raw.name : basename(src.path, extname(src.path)),
      description: raw.description as string | undefined,
      data: raw.data as Record<string, unknown> | undefined,
      targets: raw.targets as unknown[] | undefined,
      families: raw.families === undefined ? undefined : families,
      pipeline: pipelineBlock,
    },
  };
}

export interface CheckedFamilyFile {
  issues: ConfigIssue[];
  family?: Family<any>;
  hyperparameters?: Record<string, unknown>;
  variants?: Record<string, Record<string, unknown>>;
}

/** A family file; `expectedName` is the family it must configure (the file name when in families/). */
export function checkFamilyFile(src: YamlSource, expectedName?: string): CheckedFamilyFile {
  const top = topLevelMapping(src);
  if (!top.value) return { issues: top.issues };
  const raw = top.value;
  const locate = locator(src);
  const declared = typeof raw.family === "string" ? raw.family : undefined;
  const name = declared ?? expectedName;
  if (declared && expectedName && declared !== expectedName) {
    return { issues: [{ ...locate(["family"]), path: "family", message: `this file configures family "${declared}" but is named ${basename(src.path)}; name it ${declared}${extname(src.path)}` }] };
  }
  if (!name) return { issues: [{ file: src.display, line: 1, col: 1, path: "family", message: "required key missing (the name of the model family this file configures)" }] };
  const family = lookupFamily(name);
  if (!family) return { issues: [{ ...locate(["family"]), path: "family", message: unknownFamilyMessage(name) }] };

  const r = validateValue({ schema: familyFileSchema(family.paramsSchema), value: raw, locate });
  const issues: ConfigIssue[] = r.ok ? [] : [...r.issues];
  const variants = isPlainObject(raw.variants) ? (raw.variants as Record<string, unknown>) : {};
  for (const v of Object.keys(variants)) {
    if (!/^[a-z][a-z0-9_]*$/.test(v)) issues.push({ ...locate(["variants", v]), path: `variants.${v}`, message: "variant names are lower-case letters, digits and _" });
  }
  if (issues.length) return { issues, family };

  const hyperparameters = (raw.hyperparameters as Record<string, unknown> | undefined) ?? {};
  const variantValues = variants as Record<string, Record<string, unknown>>;
  // Each variant, merged over the base hyperparameters, must be a complete valid parameter set
  // (catches cross-field rules that partial checks cannot see).
  for (const [v, overrides] of Object.entries(variantValues)) {
    const merged = deepMerge(hyperparameters, overrides ?? {});
    const locateMerged = (p: ConfigPathSegments): Location => {
      for (const candidate of [["variants", v, ...p], ["hyperparameters", ...p]]) if (src.positionOf(candidate)) return locate(candidate);
      return locate(["variants", v]);
    };
    const fr = validateValue({ schema: family.paramsSchema, value: merged, locate: locateMerged, prefix: ["variants", v] });
    if (!fr.ok) issues.push(...fr.issues);
  }
  return { issues, family, hyperparameters, variants: variantValues };
}

export function lookupFamily(name: string): Family<any> | undefined {
  return familyNames().includes(name) ? getFamily(name) : undefined;
}

export function unknownFamilyMessage(name: string): string {
  const known = familyNames();
  return `unknown model family "${name}"; known families: ${known.length ? known.join(", ") : "(none registered)"}`;
}

export { REQUIRED_VARIANTS };

/** Mappings merge key by key; anything else in `over` replaces. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = clone(base);
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : clone(v);
  }
  return out;
}
