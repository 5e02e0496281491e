import { z } from "zod";
import { ACTIVATIONS } from "../nn/layers/basic.js";
import { trainingShape, unitsSchema } from "../nn/params.js";

/**
 * Hyperparameters of the multi_task family: the shared trainer's fields, the trunk and heads of the
 * network, and the task weights. The primary head is the target the family is trained for; the
 * auxiliary heads are the run's other targets (TabularData.aux), weighted by `aux_weight` unless
 * `task_weights` names them.
 */
const t = trainingShape;
export const multiTaskParamsSchema = z
  .strictObject({
    objective: z.enum(["regression", "binary"]).default("regression").describe("the primary target's task (set by the pipeline from the target)"),
    hidden_units: unitsSchema("widths of the shared trunk's dense layers").default([64, 32]),
    head_units: unitsSchema("dense layers of each target's own head before its output (empty: a linear head)").default([]),
    activation: z.enum(ACTIVATIONS).default("relu").describe("activation of the hidden layers"),
    layer_norm: z.boolean().default(false).describe("layer normalisation after each dense layer"),
    dropout: t.dropout,
    loss: z.enum(["mse", "huber"]).default("mse").describe("loss of the regression heads on their standardised targets (binary heads: log loss)"),
    huber_delta: t.huber_delta,
    primary_weight: z.number().min(0).max(1e6).default(1).describe("weight of the primary target's head in the loss"),
    aux_weight: z.number().min(0).max(1e6).default(0.5).describe("weight of each auxiliary target's head not named in task_weights (0 = single-task)"),
    task_weights: z.record(z.string().min(1), z.number().min(0).max(1e6)).default({}).describe("weight of an auxiliary target's head by target name"),
    aux_targets: z.array(z.string().min(1)).optional().describe("auxiliary targets to learn (default: every other target of the run); names the run does not have are skipped with a warning"),
    epochs: t.epochs,
    batch_size: t.batch_size,
    max_steps_per_epoch: t.max_steps_per_epoch,
    optimizer: t.optimizer,
    learning_rate: t.learning_rate,
    weight_decay: t.weight_decay,
    beta1: t.beta1,
    beta2: t.beta2,
    adam_epsilon: t.adam_epsilon,
    lr_schedule: t.lr_schedule,
    warmup_steps: t.warmup_steps,
    lr_decay: t.lr_decay,
    lr_min_ratio: t.lr_min_ratio,
    grad_clip_norm: t.grad_clip_norm,
    early_stopping_patience: t.early_stopping_patience,
    min_delta: t.min_delta,
    input_clip: t.input_clip,
    memory_budget_mb: t.memory_budget_mb,
  })
  .refine((v) => v.hidden_units.length > 0, { message: "the shared trunk needs at least one layer", path: ["hidden_units"] })
  .refine((v) => v.primary_weight > 0, { message: "the primary head needs a positive weight", path: ["primary_weight"] });

export type MultiTaskFamilyParams = z.infer<typeof multiTaskParamsSchema>;
