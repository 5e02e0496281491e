import { z } from "zod";

/**
 * The splitter section of the configuration (validation.splitter or wherever the configuration
 * schema embeds it). Purge buffer, embargo and whether to include the feature lookback are NOT
 * here: they live in pipeline.leakage (owned by the configuration) and reach the splitters as
 * PurgeSettings, so there is one place to set them.
 *
 * Sizes are in eligible bars (whole numbers) or, below 1, a fraction of the eligible times.
 */
const size = z
  .number()
  .positive()
  .refine((v) => v < 1 || Number.isInteger(v), "use a whole number of bars, or a fraction in (0, 1) of the eligible times");

export const walkForwardSchema = z
  .strictObject({
    kind: z.literal("walk_forward"),
    mode: z.enum(["expanding", "rolling"]).default("expanding").describe("expanding: train on all earlier data; rolling: on the last train_size bars"),
    n_splits: z.number().int().min(1).optional().describe("number of test windows (the most recent ones); default 5 when test_size is absent"),
    test_size: size.optional().describe("bars per test window; default: eligible bars / (n_splits + 1)"),
    train_size: size.optional().describe("rolling: training window; expanding: minimum training length"),
    step: size.optional().describe("bars between test window starts; default test_size"),
    gap: z.number().int().min(0).default(0).describe("bars left out between training and test on top of the purge"),
  })
  .refine((v) => v.mode !== "rolling" || v.train_size !== undefined, { message: "rolling walk-forward needs train_size", path: ["train_size"] });

export const purgedKFoldSchema = z.strictObject({
  kind: z.literal("purged_kfold"),
  n_splits: z.number().int().min(2).default(5).describe("number of contiguous folds"),
});

export const cpcvSchema = z
  .strictObject({
    kind: z.literal("cpcv"),
    n_groups: z.number().int().min(2).default(6).describe("N contiguous groups of time"),
    n_test_groups: z.number().int().min(1).default(2).describe("k groups per test set: C(N, k) splits, C(N-1, k-1) backtest paths"),
  })
  .refine((v) => v.n_test_groups < v.n_groups, { message: "n_test_groups must be smaller than n_groups", path: ["n_test_groups"] });

export const splitterSchema = z.discriminatedUnion("kind", [walkForwardSchema, purgedKFoldSchema, cpcvSchema]);

export type SplitterConfig = z.infer<typeof splitterSchema>;
export type WalkForwardConfig = z.infer<typeof walkForwardSchema>;
export type PurgedKFoldConfig = z.infer<typeof purgedKFoldSchema>;
export type CpcvConfig = z.infer<typeof cpcvSchema>;

/** The default splitter when the configuration names none. */
export const DEFAULT_SPLITTER: SplitterConfig = { kind: "purged_kfold", n_splits: 5 };
