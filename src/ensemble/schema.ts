import { z } from "zod";

/**
 * The ensembling section of the configuration, meant to sit at pipeline.ensemble. Ensembles combine
 * the out-of-fold predictions of the trained families of one target and are judged on the same
 * folds as the families themselves (see ensemble.ts for how stacking avoids its own fold).
 */

export const ENSEMBLE_METHODS = ["stacking", "rank_average"] as const;
export type EnsembleMethod = (typeof ENSEMBLE_METHODS)[number];

export const stackerSchema = z.strictObject({
  kind: z
    .enum(["non_negative", "ridge"])
    .default("non_negative")
    .describe(
      "non_negative: non-negative least squares weights, reported normalized to sum to 1 (robust for a few correlated members: no member gets a negative weight to cancel another); ridge: L2-penalized least squares, weights may be negative",
    ),
  alpha: z
    .number()
    .min(0)
    .default(0.01)
    .describe("L2 penalty per training row on the standardized member predictions (0 = none); shrinks weights of correlated members towards each other"),
  features: z
    .enum(["rank", "zscore"])
    .default("rank")
    .describe("how member predictions are standardized before stacking: centred ranks or z-scores, per timestamp for IC-scored targets (per fold block for pooled metrics)"),
  training_cells: z
    .enum(["auto", "clean", "all"])
    .default("auto")
    .describe(
      "which out-of-fold cells of a fold's training times fit its meta-learner. clean: only cells predicted by member models that never trained on labels overlapping the fold's test period (walk-forward has them; k-fold and CPCV have none); all: every out-of-fold cell (standard stacking, slightly optimistic under k-fold); auto: clean when there are at least min_rows of them, else all",
    ),
  min_rows: z
    .number()
    .int()
    .min(1)
    .default(200)
    .describe("fewest training cells for a fold's meta-learner; below it the fold uses the members' equal-weight average (flagged in the fold's outcome)"),
});

export const ensembleSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("build ensembles of the trained families of each target"),
  methods: z
    .array(z.enum(ENSEMBLE_METHODS))
    .min(1)
    .default(["stacking", "rank_average"])
    .refine((m) => new Set(m).size === m.length, { message: "list each method once" })
    .describe("stacking: a meta-learner on the members' out-of-fold predictions; rank_average: the mean of the members' standardized ranks"),
  stacker: stackerSchema.prefault({}).describe("the stacking meta-learner"),
  rank_weights: z
    .record(z.string().min(1), z.number().min(0))
    .default({})
    .describe("weights of the rank average by family name; empty = equal weights; families not named get weight 0"),
  min_members: z.number().int().min(2).default(2).describe("fewest successfully trained families for a target to get ensembles"),
});

export type EnsembleConfig = z.infer<typeof ensembleSchema>;
export type EnsembleConfigInput = z.input<typeof ensembleSchema>;
export type StackerConfig = z.infer<typeof stackerSchema>;

/** The ensembling configuration with every default filled in. */
export const DEFAULT_ENSEMBLE: EnsembleConfig = ensembleSchema.parse({});
