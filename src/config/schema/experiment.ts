import { z } from "zod";
import { dataOptionsSchema } from "../../data/options.js";
import { deepPartial } from "../deep-partial.js";
import { pipelineSchema } from "./pipeline.js";
import { targetListSchema } from "./targets.js";

export const experimentNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "experiment names are letters, digits, '.', '_' and '-' (they name run folders)");

export const variantNameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, "variant names are lower-case letters, digits and _");

export const familyEntrySchema = z.strictObject({
  name: z.string().min(1).describe("a registered model family (see config/families/)"),
  variant: variantNameSchema.default("balanced").describe("named variant from the family file: conservative, balanced or aggressive"),
  hyperparameters: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("overrides on top of the family file and its variant, validated by the family's own schema"),
});

/** Any subset of the pipeline block, strict on unknown keys at every depth, no defaults filled. */
export const partialPipelineSchema = deepPartial(pipelineSchema);

export const experimentFileSchema = z.strictObject({
  name: experimentNameSchema.optional().describe("names the run folders; defaults to the file name"),
  description: z.string().optional().describe("one line on what the experiment is for, shown in the report and `foxml runs list`"),
  data: deepPartial(dataOptionsSchema).optional().describe("overrides of pipeline.data for this experiment"),
  targets: targetListSchema.optional().describe("targets to rank and train: short names like fwd_ret_5, tb_5_2_1 (see src/targets/grammar.ts) or the object form {kind: forward_return, horizon: 5, ...}"),
  families: z
    .array(familyEntrySchema)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((f, i) => {
        const id = `${f.name}@${f.variant}`;
        if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i], message: `family ${f.name} with variant ${f.variant} is already listed` });
        seen.add(id);
      });
    })
    .optional()
    .describe("model families to train; each {name, variant, hyperparameters}"),
  pipeline: partialPipelineSchema.optional().describe("overrides of any pipeline setting for this experiment"),
});

/** A file in config/pipeline/: any subset of the pipeline block under a top-level `pipeline:` key. */
export const pipelineFileSchema = z.strictObject({
  pipeline: partialPipelineSchema,
});
