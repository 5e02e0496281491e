/**
 * The `pipeline.selection` block: feature selection per kept target. Every key has a default, so
 * `{}` parses to the full configuration. Each method's block holds `enabled`, `weight` and the
 * method's own settings (from its schema in methods/), validated strictly: a misspelt key is an
 * error naming it.
 *
 * Defaults are sized for the bundled daily data (30 symbols x ~3000 days, ~50 features): the whole
 * stage stays within ~25 s per target on two busy cores.
 */
import { z } from "zod";
import { splitterSchema } from "../validation/splitters/schema.js";
import { METHODS, type MethodName } from "./methods/index.js";

export const LINKAGES = ["average", "complete", "single"] as const;
export type Linkage = (typeof LINKAGES)[number];

export const clusterSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("cluster correlated features and keep one representative per cluster"),
  threshold: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe("features whose |correlation| reaches this (by the linkage rule) share a cluster; only the cluster's best consensus feature can be selected"),
  method: z
    .enum(LINKAGES)
    .default("average")
    .describe("hierarchical linkage: average (mean |corr| between two clusters), complete (their weakest pair) or single (their strongest pair: chains)"),
  correlation: z.enum(["spearman", "pearson"]).default("spearman").describe("correlation between features (Spearman: ranks, robust to fat tails)"),
  max_rows: z.number().int().min(100).default(20_000).describe("cells (seeded subsample) the correlations are computed on"),
});

export const consensusSchema = z.strictObject({
  normalize: z
    .enum(["rank", "minmax"])
    .default("rank")
    .describe("per method, scores to [0, 1]: rank = rank among the features it scored above zero (zero and below -> 0, ties share); minmax = (s - min) / (max - min)"),
  per_symbol: z
    .enum(["median", "mean", "pooled"])
    .default("median")
    .describe("methods with per-symbol importances: median (or mean) across symbols of the normalized per-symbol scores, so no one symbol dominates; pooled = ignore them"),
});

function methodBlock(name: MethodName) {
  const entry = METHODS[name];
  const base = {
    enabled: z.boolean().default(true).describe(`run the ${name} method (${entry.description})`),
    weight: z.number().min(0).default(entry.defaultWeight).describe(`weight of ${name} in the consensus (0 = computed and reported, but no effect)`),
  };
  const shape = (entry.paramsSchema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  // Object schemas merge into one strict block; any other schema is checked as a whole in select.ts.
  const block = shape ? z.strictObject({ ...base, ...shape }) : z.looseObject(base);
  return block.prefault({}).describe(entry.description);
}

const methodsShape = Object.fromEntries((Object.keys(METHODS) as MethodName[]).map((n) => [n, methodBlock(n)])) as unknown as Record<MethodName, z.ZodPrefault<z.ZodType<MethodSettings>>>;

/** One method's block: switch, weight, and its own settings. */
export type MethodSettings = { enabled: boolean; weight: number } & Record<string, unknown>;

export const selectionSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("run feature selection; off: every candidate feature continues"),
  top_m: z.number().int().min(1).default(20).describe("features that continue: the best cluster representatives of the consensus ranking"),
  min_score: z.number().min(0).lt(1).default(0).describe("consensus score a feature must exceed to be selected (0: any method found it useful)"),
  min_methods: z.number().int().min(1).default(2).describe("methods with weight > 0 that must succeed, else selection fails for the target"),
  max_rows: z.number().int().min(1000).default(100_000).describe("panel cells selection uses; larger panels use a seeded subset of timestamps"),
  max_train_rows: z.number().int().min(500).default(20_000).describe("training rows per fold (seeded subsample) the model-based methods fit on"),
  splitter: splitterSchema.default({ kind: "purged_kfold", n_splits: 3 }).describe("folds the methods fit and judge on (purged by the target's window)"),
  consensus: consensusSchema.prefault({}),
  cluster: clusterSchema.prefault({}),
  methods: z.strictObject(methodsShape).prefault({}),
});

export type SelectionConfig = z.output<typeof selectionSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type ConsensusConfig = z.output<typeof consensusSchema>;
