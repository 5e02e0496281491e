/**
 * The configuration system: YAML files -> one resolved, validated, typed object.
 * Precedence (lowest first): built-in defaults < config/pipeline/*.yaml < family file + variant <
 * experiment < --set.
 */
export { loadConfig, type LoadConfigOptions } from "./load.js";
export { ResolvedConfig, type ConfigPath, type ToYamlOptions } from "./resolved-config.js";
export { ConfigError, ConfigPathError, formatIssue, type ConfigIssue } from "./issues.js";
export { formatSource, type Source, type SourceKind } from "./sources.js";
export { BUNDLED_CONFIG_DIR, PACKAGE_ROOT, defaultConfigDir, type ConfigFileKind } from "./config-dir.js";
export { validateConfigFiles, validateConfigDir, type ValidationReport } from "./validate.js";
export { configJsonSchema, type JsonSchemaKind } from "./json-schema.js";
export { resolvedConfigSchema, type ResolvedConfigValue, type ResolvedFamily } from "./schema/resolved.js";
export { pipelineSchema, type PipelineConfig } from "./schema/pipeline.js";
export { leakageSchema, type LeakageConfig } from "./schema/leakage.js";
export { experimentFileSchema, pipelineFileSchema, familyEntrySchema } from "./schema/experiment.js";
export { familyFileSchema, REQUIRED_VARIANTS } from "./schema/family-file.js";
export { targetSpecSchema, normalizeTarget, targetEntryName, type TargetSpec } from "./schema/targets.js";
export { familyNames as knownFamilies } from "../models/registry.js";
