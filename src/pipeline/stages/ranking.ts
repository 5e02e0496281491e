/**
 * Stage "ranking": every candidate target scored by quick families under purged CV (one job per
 * target), ranked by a composite of skill, stability and agreement. Writes `target_rankings.json`
 * and `target_rankings.csv` at the top of the run folder and `ranking/<target>.json` per target; the
 * kept targets continue.
 */
import { rankingsCsv, rankTargets, scoreTarget, type TargetScore, type UnscoredTarget } from "../../ranking/index.js";
import { withProgress } from "../../util/progress.js";
import type { TargetRankingsFile } from "../../artifacts/run-files.js";
import { stageCvData, symbolNames, type PipelineContext } from "../context.js";
import { errorInfo } from "../status.js";
import type { BuiltTarget } from "./targets.js";

export const RANKING_STAGE = "ranking";
export const RANKINGS_JSON = "target_rankings.json";
export const RANKINGS_CSV = "target_rankings.csv";

export interface RankingOutcome {
  file: TargetRankingsFile;
  kept: BuiltTarget[];
}

export async function rankingStage(ctx: PipelineContext): Promise<RankingOutcome> {
  const { run } = ctx;
  const rc = ctx.cfg.pipeline.ranking;
  if (!rc.enabled) {
    run.summary.stageSkipped(RANKING_STAGE, "pipeline.ranking.enabled is off: every target continues unranked");
    const file: TargetRankingsFile = { weights: rc.weights, families: [], targets: [], kept: ctx.targets.map((t) => t.target.name) };
    return { file, kept: ctx.targets };
  }
  return run.summary.runStage(RANKING_STAGE, async (stage) => {
    const symbols = symbolNames(ctx.panel);
    const scores: TargetScore[] = [];
    const unscored: UnscoredTarget[] = [];
    await withProgress({ label: "ranking", total: ctx.targets.length, out: ctx.progress }, async (progress) => {
      for (const built of ctx.targets) {
        const { target } = built;
        const log = run.log.forStage(RANKING_STAGE).with({ target: target.name });
        const inputs = { target: target.canonical, features: ctx.features.names, ranking: rc, seed: ctx.seed, leakage: ctx.cfg.pipeline.leakage };
        try {
          const job = await ctx.jobs.run(RANKING_STAGE, target.name, inputs, async () => {
            const data = stageCvData(ctx, built, ctx.features.names, rc, `ranking:${target.name}`);
            return scoreTarget({ data, features: ctx.features.names, grids: ctx.features.grids, symbols, config: rc, seed: ctx.seed, threads: ctx.threads, log });
          });
          const score = job.value;
          scores.push(score);
          run.writeJson(`${RANKING_STAGE}/${target.name}.json`, score);
          for (const f of score.families) {
            ctx.status.add({
              stage: "ranking",
              target: target.name,
              family: f.family,
              status: f.status === "ok" ? (f.skill > 0 && f.score.t >= rc.min_t_stat ? "succeeded" : "no_signal") : f.status === "unsupported" ? "skipped" : "failed",
              error: f.status === "ok" ? null : { type: f.status === "unsupported" ? "UnsupportedTask" : "FamilyError", message: f.error ?? "" },
              score: Number.isFinite(f.score.value) ? f.score.value : null,
              seconds: f.seconds,
            });
            if (f.status === "failed") run.summary.warn(RANKING_STAGE, `family ${f.family} failed while ranking`, { target: target.name, error: f.error ?? "" });
          }
        } catch (e) {
          const err = errorInfo(e);
          unscored.push({ target: target.name, type: target.type, horizon: target.horizon, reason: err.message });
          ctx.status.fail({ stage: "ranking", target: target.name }, e);
          run.summary.warn(RANKING_STAGE, `target could not be scored`, { target: target.name, error: err.message });
        }
        progress.tick();
      }
    });
    const file = rankTargets(scores, rc, { unscored });
    run.writeJson(RANKINGS_JSON, file);
    run.writeFile(RANKINGS_CSV, rankingsCsv(file));
    const kept = ctx.targets.filter((t) => file.kept.includes(t.target.name));
    const best = file.targets[0];
    if (best !== undefined) run.summary.headline("best_target", best.target);
    run.summary.headline("targets_kept", kept.map((k) => k.target.name).join(", "));
    stage.finish({
      outcome: `${file.targets.length} target(s) ranked; kept ${kept.map((k) => k.target.name).join(", ") || "none"}`,
      figures: { ranked: file.targets.length, kept: kept.length, unscored: unscored.length },
    });
    return { file, kept };
  });
}
