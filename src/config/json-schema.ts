import { z } from "zod";
import { getFamily } from "../models/registry.js";
import "../models/index.js";
import { experimentFileSchema, pipelineFileSchema } from "./schema/experiment.js";
import { familyFileSchema } from "./schema/family-file.js";
import type { AnySchema } from "./schema-walk.js";

export type JsonSchemaKind = "experiment" | "pipeline" | "family";

/**
 * JSON Schema (draft 2020-12) of a config file kind, for editors: with the YAML language server,
 * `# yaml-language-server: $schema=<path>` at the top of a file gives completion and checks.
 * The experiment schema also accepts pipeline files (an experiment may carry a `pipeline:` block).
 */
export function configJsonSchema(kind: JsonSchemaKind = "experiment", family?: string): Record<string, unknown> {
  let schema: AnySchema;
  let title: string;
  if (kind === "family") {
    if (!family) throw new Error("configJsonSchema: the family kind needs a family name");
    schema = familyFileSchema(getFamily(family).paramsSchema);
    title = `FoxML family file: ${family}`;
  } else if (kind === "pipeline") {
    schema = pipelineFileSchema;
    title = "FoxML pipeline settings file";
  } else {
    schema = experimentFileSchema;
    title = "FoxML experiment (also valid for pipeline settings files)";
  }
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return { $schema: json.$schema, title, ...json };
}
