/**
 * The choices of one outer fold, made on its training part only: the target ranking over every
 * candidate, the feature selection of each kept target, and (when configured) each family's
 * hyperparameter search. Each runs the library function the stages run, on label grids masked to
 * the fold's purged training times, with its own inner purged folds. One job per choice, keyed by
 * the fold's test block, so --resume reuses them.
 */
import { rankTargets, scoreTarget, type TargetScore, type UnscoredTarget } from "../../ranking/index.js";
import { selectFeatures } from "../../selection/select.js";
import { trainFamily, type FamilySpec } from "../../training/train-family.js";
import type { SelectionFile, TargetRankingsFile } from "../../artifacts/run-files.js";
import { stageCvData, symbolNames, type PipelineContext } from "../context.js";
import { errorInfo } from "../status.js";
import type { BuiltTarget } from "../stages/targets.js";
import { fitLog } from "../stages/training.js";
import type { Block } from "./outer-folds.js";

export const NESTED_STAGE = "nested";

/** What a job of fold `block` depends on besides its own inputs. */
function foldInputs(ctx: PipelineContext, block: Block) {
  return { block, nesting: ctx.cfg.pipeline.nesting, seed: ctx.seed, leakage: ctx.cfg.pipeline.leakage };
}

/** The ranking of every candidate target on the fold's training part; every target kept when ranking is off. */
export async function innerRanking(ctx: PipelineContext, k: number, block: Block, masked: readonly BuiltTarget[]): Promise<TargetRankingsFile> {
  const rc = ctx.cfg.pipeline.ranking;
  if (!rc.enabled) return { weights: rc.weights, families: [], targets: [], kept: masked.map((t) => t.target.name) };
  const symbols = symbolNames(ctx.panel);
  const scores: TargetScore[] = [];
  const unscored: UnscoredTarget[] = [];
  for (const built of masked) {
    const { target } = built;
    const log = ctx.run.log.forStage(NESTED_STAGE).with({ fold: k, target: target.name });
    try {
      const inputs = { ...foldInputs(ctx, block), target: target.canonical, features: ctx.features.names, ranking: rc };
      const job = await ctx.jobs.run(NESTED_STAGE, `fold${k}/ranking/${target.name}`, inputs, async () => {
        const data = stageCvData(ctx, built, ctx.features.names, rc, `nested:${k}:ranking:${target.name}`);
        return scoreTarget({ data, features: ctx.features.names, grids: ctx.features.grids, symbols, config: rc, seed: ctx.seed, threads: ctx.threads, log });
      });
      scores.push(job.value);
    } catch (e) {
      unscored.push({ target: target.name, type: target.type, horizon: target.horizon, reason: errorInfo(e).message });
    }
  }
  return rankTargets(scores, rc, { unscored });
}

/** A kept target's features on the fold's training part: selected (possibly none), or every feature when selection is off or failed. */
export async function innerSelection(ctx: PipelineContext, k: number, block: Block, built: BuiltTarget): Promise<{ features: string[]; selection: SelectionFile | null; error: string | null }> {
  const sc = ctx.cfg.pipeline.selection;
  if (!sc.enabled) return { features: [...ctx.features.names], selection: null, error: null };
  const { target } = built;
  const log = ctx.run.log.forStage(NESTED_STAGE).with({ fold: k, target: target.name });
  try {
    const inputs = { ...foldInputs(ctx, block), target: target.canonical, features: ctx.features.names, selection: sc };
    const job = await ctx.jobs.run(NESTED_STAGE, `fold${k}/selection/${target.name}`, inputs, async () => {
      const data = stageCvData(ctx, built, ctx.features.names, sc, `nested:${k}:selection:${target.name}`);
      return selectFeatures({ data, features: ctx.features.names, grids: ctx.features.grids, symbols: symbolNames(ctx.panel), config: sc, seed: ctx.seed, threads: ctx.threads, log });
    });
    return { features: [...job.value.selected], selection: job.value, error: null };
  } catch (e) {
    // As in the selection stage: a failed selection leaves the target on every feature.
    return { features: [...ctx.features.names], selection: null, error: errorInfo(e).message };
  }
}

export interface InnerSearch {
  /** Hyperparameters chosen on the fold's training part (the configured ones without a search). */
  hyperparameters: Record<string, unknown>;
  /** Configurations tried, for the deflated Sharpe ratio. */
  trials: number;
  /** Inner cross-validated score of the chosen configuration (null without a search). */
  innerScore: number | null;
}

/** The family's hyperparameter search on the fold's training part; the configured values when the search is off. */
export async function innerSearch(ctx: PipelineContext, k: number, block: Block, built: BuiltTarget, features: readonly string[], family: FamilySpec, member: string, windowBars: number): Promise<InnerSearch> {
  const tc = ctx.cfg.pipeline.training;
  if (!tc.hpo.enabled) return { hyperparameters: family.hyperparameters, trials: 1, innerScore: null };
  const { target } = built;
  const log = ctx.run.log.forStage(NESTED_STAGE).with({ fold: k, target: target.name, family: member });
  const config = { ...tc, final_model: false };
  const inputs = { ...foldInputs(ctx, block), target: target.canonical, features, family, training: config };
  const job = await ctx.jobs.run(NESTED_STAGE, `fold${k}/search/${target.name}/${member}`, inputs, async () => {
    const data = stageCvData(ctx, built, features, tc, `nested:${k}:training`, windowBars);
    const r = await trainFamily({ data, features, grids: ctx.features.grids, family, config, seed: ctx.seed, threads: ctx.threads, log: fitLog(log) });
    return { best: (r.file.hpo?.best_params ?? {}) as Record<string, unknown>, trials: r.trials, score: r.file.score };
  });
  return { hyperparameters: { ...family.hyperparameters, ...job.value.best }, trials: job.value.trials, innerScore: job.value.score };
}
