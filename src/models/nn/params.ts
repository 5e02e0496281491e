import { z } from "zod";
import { ACTIVATIONS } from "./layers/basic.js";

/**
 * Hyperparameters shared by every neural family (objective, optimiser, schedule, regularisation,
 * early stopping, memory), extended by each family with its architecture. Defaults are a sound
 * starting point on standardised financial features; the family YAML files tune them per variant.
 */

export const NN_OBJECTIVES = ["regression", "huber", "binary", "multiclass"] as const;
export type NnObjective = (typeof NN_OBJECTIVES)[number];

const units = (what: string) => z.array(z.number().int().min(1).max(65_536)).describe(what);

export const trainingShape = {
  objective: z.enum(NN_OBJECTIVES).default("regression").describe("loss the trees minimise: regression (L2), regression_l1, huber, quantile, binary, multiclass, lambdarank"),
  num_class: z.number().int().min(1).max(1000).default(1).describe("Classes for multiclass; targets are class indices 0..num_class-1."),
  huber_delta: z.number().gt(0).default(1).describe("huber loss: residual size where the loss turns from squared to linear"),
  epochs: z.number().int().min(1).max(100_000).default(50).describe("passes over the training rows at most; early stopping may stop sooner"),
  batch_size: z.number().int().min(1).max(1 << 20).default(256).describe("Preferred batch size; the memory budget may lower it (the choice is logged)."),
  max_steps_per_epoch: z.number().int().min(0).default(0).describe("Caps each epoch at this many steps on very large data (0 = a full pass). Rows are reshuffled every epoch."),
  optimizer: z.enum(["adam", "adamw"]).default("adamw").describe("adam, or adamw (weight decay decoupled from the gradient)"),
  learning_rate: z.number().gt(0).max(10).default(1e-3).describe("shrinkage of each tree's contribution (smaller: more trees, usually better generalisation)"),
  weight_decay: z.number().min(0).max(1).default(1e-4).describe("Decoupled weight decay (AdamW) on weight matrices; biases and norms are not decayed. With adam: L2 added to the gradient."),
  beta1: z.number().min(0).lt(1).default(0.9).describe("Adam's first-moment decay"),
  beta2: z.number().min(0).lt(1).default(0.999).describe("Adam's second-moment decay"),
  adam_epsilon: z.number().gt(0).default(1e-8).describe("Adam's denominator floor"),
  lr_schedule: z.enum(["constant", "cosine", "exponential"]).default("cosine").describe("learning rate over training: constant, cosine (to lr_min_ratio) or exponential (lr_decay per epoch)"),
  warmup_steps: z.number().int().min(0).default(0).describe("Linear warm-up from 0 over this many steps."),
  lr_decay: z.number().gt(0).max(1).default(0.95).describe("exponential: learning rate multiplied by this after each epoch."),
  lr_min_ratio: z.number().min(0).max(1).default(0.05).describe("cosine: the floor, as a fraction of learning_rate."),
  grad_clip_norm: z.number().min(0).default(1).describe("Clip the global gradient norm to this (0 = off)."),
  dropout: z.number().min(0).lt(1).default(0.1).describe("share of units dropped in training"),
  early_stopping_patience: z.number().int().min(0).default(5).describe("Stop when validation loss has not improved for this many epochs (0 = off); the best weights are kept."),
  min_delta: z.number().min(0).default(0).describe("an improvement in validation loss smaller than this does not count for early stopping"),
  input_clip: z.number().min(0).default(10).describe("Scaled inputs are clipped to +-this many training standard deviations (0 = no clip)."),
  standardize_target: z.boolean().default(true).describe("Regression: train on the standardised target, predict on the original scale."),
  memory_budget_mb: z.number().min(16).max(1 << 20).default(1024).describe("Memory for one training batch (activations, gradients, optimiser state)."),
};

export const sequenceShape = {
  lookback: z.number().int().min(1).max(4096).default(32).describe("Bars per window, the current bar last."),
};

export const headShape = {
  head_units: units("dense layers between the encoder and the output").default([]).describe("Dense layers between the encoder and the output."),
  activation: z.enum(ACTIVATIONS).default("relu").describe("activation of the hidden layers"),
};

export const POOLINGS = ["last", "mean", "last_mean"] as const;
export type Pooling = (typeof POOLINGS)[number];

export const unitsSchema = units;

/** The fields every family's params carry, for the shared trainer. */
export interface TrainingParams {
  objective: NnObjective;
  num_class: number;
  huber_delta: number;
  epochs: number;
  batch_size: number;
  max_steps_per_epoch: number;
  optimizer: "adam" | "adamw";
  learning_rate: number;
  weight_decay: number;
  beta1: number;
  beta2: number;
  adam_epsilon: number;
  lr_schedule: "constant" | "cosine" | "exponential";
  warmup_steps: number;
  lr_decay: number;
  lr_min_ratio: number;
  grad_clip_norm: number;
  dropout: number;
  early_stopping_patience: number;
  min_delta: number;
  input_clip: number;
  standardize_target: boolean;
  memory_budget_mb: number;
}

/** A strict object schema of training + architecture fields, with the objective/num_class rule. */
export function familySchema<S extends z.ZodRawShape>(arch: S) {
  return z.strictObject({ ...trainingShape, ...arch }).superRefine((p, ctx) => {
    const q = p as unknown as TrainingParams;
    if (q.objective === "multiclass" && q.num_class < 2) ctx.addIssue({ code: "custom", path: ["num_class"], message: "objective multiclass needs num_class >= 2" });
    if (q.objective !== "multiclass" && q.num_class !== 1) ctx.addIssue({ code: "custom", path: ["num_class"], message: "num_class is only for objective multiclass" });
  });
}

/** Output width of the network for an objective. */
export function outputDim(p: Pick<TrainingParams, "objective" | "num_class">): number {
  return p.objective === "multiclass" ? p.num_class : 1;
}
