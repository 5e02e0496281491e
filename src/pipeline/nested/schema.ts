import { z } from "zod";

/**
 * The `pipeline.nesting` block: how the reported out-of-sample figures are kept honest.
 *
 * Target ranking, feature selection and the hyperparameter search all look at labels. Judged on
 * the same periods they looked at, the models' scores carry the optimism of those choices. Nested
 * validation repeats the choices inside each outer walk-forward fold on that fold's training part
 * only (purged by the target's label window, plus the purge buffer), and judges the resulting
 * models on the fold's test block, which no stage saw.
 *
 *  - walk_forward: the panel's last (1 - min_train_share) of time is cut into `outer_folds`
 *    consecutive test blocks; each is predicted by a procedure that saw only the times before it.
 *  - holdout: the last `holdout_share` of time is hidden from every stage (the leakage scan,
 *    ranking, selection, gate, training, ensembling and their evaluation run on the rest) and then
 *    predicted once, reported separately.
 *  - off: no nesting; the figures are those of the stages, labelled optimistic.
 */
export const nestingSchema = z
  .strictObject({
    mode: z
      .enum(["walk_forward", "holdout", "off"])
      .default("walk_forward")
      .describe("walk_forward: ranking, selection and the search rerun inside each outer fold; holdout: a final period hidden from every stage; off: none (figures optimistic)"),
    outer_folds: z.number().int().min(1).max(20).default(3).describe("walk_forward: consecutive outer test blocks after the first min_train_share of time"),
    min_train_share: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe("walk_forward: share of the panel's time before the first outer test block (the first fold's training part)"),
    holdout_share: z.number().gt(0).lt(1).default(0.2).describe("holdout: share of the panel's time, at its end, hidden from every stage"),
  })
  .describe("nested validation: every reported out-of-sample figure from periods no choice was made on");

export type NestingConfig = z.output<typeof nestingSchema>;
