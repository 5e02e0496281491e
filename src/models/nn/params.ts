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
  objective: z.enum(NN_OBJECTIVES).default("regression"),
  /** Classes for multiclass; targets are class indices 0..num_class-1. */
  num_class: z.number().int().min(1).max(1000).default(1),
  huber_delta: z.number().gt(0).default(1),
  epochs: z.number().int().min(1).max(100_000).default(50),
  /** Preferred batch size; the memory budget may lower it (the choice is logged). */
  batch_size: z.number().int().min(1).max(1 << 20).default(256),
  /** Caps each epoch at this many steps on very large data (0 = a full pass). Rows are reshuffled every epoch. */
  max_steps_per_epoch: z.number().int().min(0).default(0),
  optimizer: z.enum(["adam", "adamw"]).default("adamw"),
  learning_rate: z.number().gt(0).max(10).default(1e-3),
  /** Decoupled weight decay (AdamW) on weight matrices; biases and norms are not decayed. With adam: L2 added to the gradient. */
  weight_decay: z.number().min(0).max(1).default(1e-4),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  adam_epsilon: z.number().gt(0).default(1e-8),
  lr_schedule: z.enum(["constant", "cosine", "exponential"]).default("cosine"),
  /** Linear warm-up from 0 over this many steps. */
  warmup_steps: z.number().int().min(0).default(0),
  /** exponential: learning rate multiplied by this after each epoch. */
  lr_decay: z.number().gt(0).max(1).default(0.95),
  /** cosine: the floor, as a fraction of learning_rate. */
  lr_min_ratio: z.number().min(0).max(1).default(0.05),
  /** Clip the global gradient norm to this (0 = off). */
  grad_clip_norm: z.number().min(0).default(1),
  dropout: z.number().min(0).lt(1).default(0.1),
  /** Stop when validation loss has not improved for this many epochs (0 = off); the best weights are kept. */
  early_stopping_patience: z.number().int().min(0).default(5),
  min_delta: z.number().min(0).default(0),
  /** Scaled inputs are clipped to +-this many training standard deviations (0 = no clip). */
  input_clip: z.number().min(0).default(10),
  /** Regression: train on the standardised target, predict on the original scale. */
  standardize_target: z.boolean().default(true),
  /** Memory for one training batch (activations, gradients, optimiser state). */
  memory_budget_mb: z.number().min(16).max(1 << 20).default(1024),
};

export const sequenceShape = {
  /** Bars per window, the current bar last. */
  lookback: z.number().int().min(1).max(4096).default(32),
};

export const headShape = {
  /** Dense layers between the encoder and the output. */
  head_units: units("dense layers between the encoder and the output").default([]),
  activation: z.enum(ACTIVATIONS).default("relu"),
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
