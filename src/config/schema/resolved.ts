import { z } from "zod";
import { experimentNameSchema, variantNameSchema } from "./experiment.js";
import { pipelineSchema } from "./pipeline.js";
import { normalizeTarget, targetListSchema } from "./targets.js";

export const resolvedFamilySchema = z.strictObject({
  name: z.string().min(1),
  variant: variantNameSchema,
  /** Validated and completed by the family's own schema after resolution. */
  hyperparameters: z.record(z.string(), z.unknown()),
});
export type ResolvedFamily = z.infer<typeof resolvedFamilySchema>;

/** The one object every stage reads. Its TypeScript type is inferred from this schema. */
export const resolvedConfigSchema = z.strictObject({
  experiment: z
    .strictObject({
      name: experimentNameSchema.default("default"),
      description: z.string().default(""),
    })
    .prefault({}),
  pipeline: pipelineSchema.prefault({}),
  targets: targetListSchema.default([]).transform((list) => list.map(normalizeTarget)),
  families: z.array(resolvedFamilySchema).default([]),
}).superRefine((v, ctx) => {
  // Both would be the member "multi_task" of every target (training/<target>/multi_task.json).
  const i = v.families.findIndex((f) => f.name === "multi_task");
  if (i >= 0 && v.pipeline.training.strategy.kind === "multi_task") {
    ctx.addIssue({ code: "custom", path: ["families", i, "name"], message: "the multi_task family and pipeline.training.strategy.kind multi_task both train the member multi_task: use one (the family also saves a final model)" });
  }
});
export type ResolvedConfigValue = z.infer<typeof resolvedConfigSchema>;
