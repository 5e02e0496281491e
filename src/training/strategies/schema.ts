import { z } from "zod";
import { ACTIVATIONS } from "../../models/nn/ops/activation.js";

/**
 * How the training stage turns targets into models (meant to sit at pipeline.training.strategy):
 * - single: one model per target and family (plain cross-validated fitting, the default);
 * - multi_task: one neural network with a shared trunk and one output head per target, trained on
 *   all the targets at once, so what the horizons have in common is learned once;
 * - cascade: a classifier learns the direction of a target, a regressor learns the target (or its
 *   size), and the classifier's probability gates the regressor's prediction.
 *
 * A discriminated union on `kind`, strict, so a key that only another strategy reads is an error.
 */

const units = (what: string) => z.array(z.number().int().min(1).max(65_536)).describe(what);

export const singleStrategySchema = z.strictObject({
  kind: z.literal("single").describe("one model per target and family"),
});

export const MULTI_TASK_LOSSES = ["mse", "huber"] as const;

export const multiTaskStrategySchema = z
  .strictObject({
    kind: z.literal("multi_task").describe("one network, a shared trunk and one head per target"),
    targets: z
      .array(z.string().min(1))
      .min(2)
      .optional()
      .describe("targets that share the network (at least two); default: every target kept by the earlier stages"),
    hidden_units: units("widths of the shared trunk's dense layers").default([64, 32]),
    head_units: units("dense layers of each target's own head before its output (empty: a linear head)").default([]),
    activation: z.enum(ACTIVATIONS).default("relu").describe("activation of the trunk and head layers"),
    layer_norm: z.boolean().default(false).describe("layer normalisation after each trunk layer"),
    dropout: z.number().min(0).lt(1).default(0.1).describe("dropout rate after each hidden layer in training"),
    epochs: z.number().int().min(1).max(100_000).default(10).describe("passes over each fold's training rows at most"),
    batch_size: z.number().int().min(1).max(1 << 20).default(256).describe("rows per step (the memory budget may lower it)"),
    max_steps_per_epoch: z.number().int().min(0).default(0).describe("caps each epoch at this many steps on very large data (0 = a full pass)"),
    optimizer: z.enum(["adam", "adamw"]).default("adamw").describe("adamw: weight decay decoupled from the adaptive step; adam: L2 added to the gradient"),
    learning_rate: z.number().gt(0).max(10).default(2e-3).describe("peak learning rate"),
    weight_decay: z.number().min(0).max(1).default(1e-4).describe("weight decay on weight matrices (biases and norms are not decayed)"),
    lr_schedule: z.enum(["constant", "cosine", "exponential"]).default("cosine").describe("learning-rate schedule after the warm-up"),
    warmup_steps: z.number().int().min(0).default(0).describe("linear warm-up from 0 over this many steps"),
    lr_decay: z.number().gt(0).max(1).default(0.95).describe("exponential schedule: factor applied after each epoch"),
    lr_min_ratio: z.number().min(0).max(1).default(0.05).describe("cosine schedule: the floor as a fraction of learning_rate"),
    grad_clip_norm: z.number().min(0).default(1).describe("clip the global gradient norm to this (0 = off)"),
    valid_fraction: z
      .number()
      .min(0)
      .max(0.5)
      .default(0.1)
      .describe("share of each fold's training times (the latest, purged by the longest label window) held out for early stopping; 0 = none"),
    early_stopping_patience: z.number().int().min(0).default(3).describe("stop when the held-out loss has not improved for this many epochs (0 = off); the best weights are kept"),
    min_delta: z.number().min(0).default(0).describe("smallest held-out loss improvement that counts"),
    input_clip: z.number().min(0).default(10).describe("standardised inputs are clipped to +- this many training standard deviations (0 = no clip)"),
    loss: z.enum(MULTI_TASK_LOSSES).default("mse").describe("loss of the regression heads on their standardised targets (binary heads use log loss)"),
    huber_delta: z.number().gt(0).default(1).describe("huber loss: where the quadratic part ends, in standard deviations of the head's target"),
    loss_weights: z
      .record(z.string().min(1), z.number().min(0).max(1e6))
      .default({})
      .describe("weight of each target's head in the loss, by target name (missing targets weigh 1)"),
    memory_budget_mb: z.number().min(16).max(1 << 20).default(512).describe("memory for one training batch; the batch shrinks to fit"),
  })
  .refine((v) => v.hidden_units.length > 0, { message: "the shared trunk needs at least one layer", path: ["hidden_units"] });

export const CASCADE_DIRECTIONS = ["sign", "above_median"] as const;
export const CASCADE_REGRESS_ON = ["target", "magnitude"] as const;
export const CASCADE_GATES = ["soft", "hard"] as const;

const stageModel = (role: string, family: string) =>
  z
    .strictObject({
      family: z.string().min(1).default(family).describe(`model family of the ${role}`),
      hyperparameters: z.record(z.string(), z.unknown()).default({}).describe(`hyperparameters of the ${role} (the family's defaults fill the rest)`),
    })
    .prefault({});

export const cascadeStrategySchema = z.strictObject({
  kind: z.literal("cascade").describe("a classifier of the target's direction gates a regressor"),
  classifier: stageModel("direction classifier (a family that learns binary targets)", "lightgbm"),
  regressor: stageModel("regressor", "lightgbm"),
  direction: z
    .enum(CASCADE_DIRECTIONS)
    .default("sign")
    .describe(
      "what the classifier learns: sign = the label is above 0; above_median = the label is above its cross-sectional median at that time (market moves removed)",
    ),
  regress_on: z
    .enum(CASCADE_REGRESS_ON)
    .default("target")
    .describe(
      "target: the regressor learns the target itself and the classifier confirms its sign; magnitude: the regressor learns only the size |target| and the direction comes from the classifier",
    ),
  gate: z
    .enum(CASCADE_GATES)
    .default("soft")
    .describe("soft: the regressor's prediction weighted by the classifier's probability; hard: the regressor's prediction where that probability exceeds threshold, else neutral (0)"),
  threshold: z.number().min(0).lt(1).default(0.5).describe("hard gate: the classifier's probability must exceed this for a prediction to pass"),
  valid_fraction: z
    .number()
    .min(0)
    .max(0.5)
    .default(0)
    .describe("share of each fold's training times (the latest, purged) held out for the families' early stopping; 0 = none"),
});

export const strategyUnionSchema = z.discriminatedUnion("kind", [singleStrategySchema, multiTaskStrategySchema, cascadeStrategySchema]);

/** The strategy block; absent means single-task. */
export const strategySchema = strategyUnionSchema.prefault({ kind: "single" }).describe("single-task, multi-task (one network, several targets) or cascade (a classifier gates a regressor)");

export type StrategyConfig = z.infer<typeof strategyUnionSchema>;
export type SingleStrategyConfig = z.infer<typeof singleStrategySchema>;
export type MultiTaskConfig = z.infer<typeof multiTaskStrategySchema>;
export type CascadeConfig = z.infer<typeof cascadeStrategySchema>;

/** Defaults of each strategy, for the YAML defaults file and tests. */
export function defaultStrategy<K extends StrategyConfig["kind"]>(kind: K): Extract<StrategyConfig, { kind: K }> {
  return strategyUnionSchema.parse({ kind }) as Extract<StrategyConfig, { kind: K }>;
}
