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
import { GBDT_SELECTION_FAMILIES } from "./methods/tree-importance.js";
import { MIN_BLOCKS } from "../leakage/association.js";
import { CORRECTIONS } from "./multiple-testing.js";
import { SHADOW_KINDS } from "./shadow-test.js";

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

export const SIGNIFICANCE_TESTS = ["shadow", "univariate"] as const;
export type SignificanceTest = (typeof SIGNIFICANCE_TESTS)[number];

/**
 * The significance gate after the consensus: a feature is selected only when it beats noise. Its
 * defaults match the boruta and univariate methods' defaults, so with both methods on the gate
 * reuses their work.
 */
export const significanceSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("drop features that do not beat noise, even when fewer than top_m (or none) remain; off: top_m is a quota"),
  alpha: z.number().gt(0).lt(1).default(0.05).describe("a feature passes when its corrected p-value (q) is at most this"),
  correction: z
    .enum(CORRECTIONS)
    .default("fdr_bh")
    .describe("multiple-testing correction across the candidates: fdr_bh (Benjamini-Hochberg), fdr_by (Benjamini-Yekutieli, any dependence), holm, bonferroni, none"),
  tests: z
    .array(z.enum(SIGNIFICANCE_TESTS))
    .min(1)
    .default(["shadow", "univariate"])
    .refine((t) => new Set(t).size === t.length, "a test is listed twice")
    .describe("evidence against noise: shadow (GBDT gain beats every shadow copy, binomial test over rounds) and univariate (rank IC t-test across blocks of time); a feature's p-value is the smallest of the tests' times their number (Bonferroni)"),
  shadow: z
    .strictObject({
      family: z.enum(GBDT_SELECTION_FAMILIES).default("lightgbm").describe("GBDT family fitted in each round"),
      hyperparameters: z.record(z.string(), z.unknown()).default({}).describe("on top of small selection defaults (lightgbm: 25 trees, 15 leaves, min_data_in_leaf 100, 63 bins)"),
      rounds: z.number().int().min(1).max(500).default(14).describe("fits, each with fresh shadows on a fresh sample of one fold's training cells; the smallest p-value is 2^-rounds"),
      max_rows: z.number().int().min(100).default(5000).describe("training cells per round at most"),
      shadow: z
        .enum(SHADOW_KINDS)
        .default("rotate")
        .describe("how a shadow is made within each symbol: rotate its series by a random offset (keeps autocorrelation, so slow noise cannot beat it by persistence alone) or shuffle it across time (the original Boruta)"),
    })
    .prefault({}),
  univariate: z
    .strictObject({
      blocks: z
        .union([z.literal("auto"), z.number().int().min(MIN_BLOCKS).max(1000)])
        .default("auto")
        .describe('contiguous blocks of time for the t-statistic; "auto" = about 20, each at least two label windows and ten bars long'),
    })
    .prefault({}),
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
  top_m: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe("features that continue at most: the best cluster representatives of the consensus ranking that pass the significance gate (fewer, or none, when fewer pass)"),
  min_score: z.number().min(0).lt(1).default(0).describe("consensus score a feature must exceed to be selected (0: any method found it useful)"),
  min_methods: z.number().int().min(1).default(2).describe("methods with weight > 0 that must succeed, else selection fails for the target"),
  max_rows: z.number().int().min(1000).default(100_000).describe("panel cells selection uses; larger panels use a seeded subset of timestamps"),
  max_train_rows: z.number().int().min(500).default(20_000).describe("training rows per fold (seeded subsample) the model-based methods fit on"),
  splitter: splitterSchema.default({ kind: "purged_kfold", n_splits: 3 }).describe("folds the methods fit and judge on (purged by the target's window)"),
  consensus: consensusSchema.prefault({}),
  cluster: clusterSchema.prefault({}),
  significance: significanceSchema.prefault({}),
  methods: z.strictObject(methodsShape).prefault({}),
});

export type SelectionConfig = z.output<typeof selectionSchema>;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type ConsensusConfig = z.output<typeof consensusSchema>;
export type SignificanceConfig = z.output<typeof significanceSchema>;
