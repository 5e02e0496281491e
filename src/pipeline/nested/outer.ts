/**
 * The outer prediction of one fold: a family fitted on the fold's training cells with the features
 * and hyperparameters its inner choices gave, predicting the fold's test block (cvFit on a
 * one-fold view of the target's outer CvData, so tabular and sequence families fit exactly as in
 * training). One job per fold, target and member; the job keeps only the test block's predictions.
 */
import { cvFit } from "../../training/cv-fit.js";
import type { CvData } from "../../training/cv-data.js";
import type { FamilySpec } from "../../training/train-family.js";
import { finiteOrNull } from "../../util/finite.js";
import type { PipelineContext } from "../context.js";
import { fitLog } from "../stages/training.js";
import { NESTED_STAGE } from "./inner.js";
import { foldView, type Block } from "./outer-folds.js";

export interface OuterPrediction {
  /** Predictions at data.test[k], in that order. */
  pred: Float64Array;
  /** The fold's score on its test block (the target's metric), null when not finite. */
  score: number | null;
  trainRows: number;
}

export async function outerPrediction(
  ctx: PipelineContext,
  data: CvData,
  k: number,
  block: Block,
  features: readonly string[],
  family: FamilySpec,
  member: string,
  hyperparameters: Record<string, unknown>,
): Promise<OuterPrediction> {
  const tc = ctx.cfg.pipeline.training;
  const name = data.target.name;
  const inputs = { block, nesting: ctx.cfg.pipeline.nesting, seed: ctx.seed, leakage: ctx.cfg.pipeline.leakage, target: data.target.canonical, features, family: family.name, hyperparameters, training: { max_train_rows: tc.max_train_rows, valid_fraction: tc.valid_fraction } };
  const job = await ctx.jobs.run(NESTED_STAGE, `fold${k}/outer/${name}/${member}`, inputs, async () => {
    const r = await cvFit({
      data: foldView(data, k),
      features,
      grids: ctx.features.grids,
      family: family.name,
      hyperparameters,
      seed: ctx.seed,
      threads: ctx.threads,
      purpose: `nested:${k}`,
      validFraction: tc.valid_fraction,
      log: fitLog(ctx.run.log.forStage(NESTED_STAGE).with({ fold: k, target: name, family: member })),
    });
    const cells = data.test[k];
    const pred = new Float64Array(cells.length);
    for (let i = 0; i < cells.length; i++) pred[i] = r.oof[cells[i]];
    return { pred, score: finiteOrNull(r.folds[0]?.score.value ?? NaN), trainRows: r.folds[0]?.trainRows ?? 0 };
  });
  return job.value;
}
