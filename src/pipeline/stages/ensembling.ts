/**
 * Stage "ensembling": out-of-fold stacking and rank averaging of each target's trained members,
 * judged on the same folds. Writes `ensemble/<target>.json` (weights, per-fold scores, notes).
 */
import { ensembleMembers, type EnsembleResult } from "../../ensemble/index.js";
import type { PipelineContext } from "../context.js";
import type { TrainedTarget } from "./training.js";

export const ENSEMBLE_STAGE = "ensembling";

export async function ensemblingStage(ctx: PipelineContext, trained: readonly TrainedTarget[]): Promise<Map<string, EnsembleResult[]>> {
  const { run } = ctx;
  const ec = ctx.cfg.pipeline.ensemble;
  const out = new Map<string, EnsembleResult[]>();
  if (!ec.enabled) {
    run.summary.stageSkipped(ENSEMBLE_STAGE, "pipeline.ensemble.enabled is off");
    return out;
  }
  return run.summary.runStage(ENSEMBLE_STAGE, async (stage) => {
    let built = 0;
    for (const t of trained) {
      const name = t.gated.built.target.name;
      const t0 = performance.now();
      try {
        const members = t.members.map((m) => ({ name: m.name, oof: m.oof }));
        const results = ensembleMembers({ data: t.data, members, config: ec, seed: ctx.seed });
        out.set(name, results);
        built += results.length;
        run.writeJson(`ensemble/${name}.json`, {
          target: name,
          members: members.map((m) => m.name),
          ensembles: results.map(({ oof: _oof, ...rest }) => rest),
        });
        const seconds = (performance.now() - t0) / 1000;
        for (const r of results) {
          ctx.status.add({ stage: "ensembling", target: name, family: r.name, status: r.score.value > t.data.task.noSkill ? "succeeded" : "no_signal", score: Number.isFinite(r.score.value) ? r.score.value : null, seconds });
        }
        if (results.length === 0) {
          ctx.status.add({ stage: "ensembling", target: name, status: "skipped", error: { type: "Skipped", message: `fewer than ${ec.min_members} trained members` } });
        }
      } catch (e) {
        ctx.status.fail({ stage: "ensembling", target: name }, e);
        run.summary.error(ENSEMBLE_STAGE, e, { target: name });
      }
    }
    stage.finish({ outcome: `${built} ensemble(s) over ${trained.length} target(s)`, figures: { ensembles: built } });
    return out;
  });
}
