/**
 * Stage "selection": per kept target, importances from several methods combined into a consensus,
 * correlated features clustered, at most the top M representatives that beat noise selected (one
 * job per target). Writes `selection/<target>/selection.json`. A target for which no feature beats
 * noise is recorded as no_signal with the reason; the gate and training skip it. Only when
 * selection itself fails does the target go on with every candidate feature.
 */
import { selectFeatures } from "../../selection/select.js";
import { withProgress } from "../../util/progress.js";
import type { SelectionFile } from "../../artifacts/run-files.js";
import { stageCvData, symbolNames, type PipelineContext } from "../context.js";
import type { BuiltTarget } from "./targets.js";

export const SELECTION_STAGE = "selection";

export async function selectionStage(ctx: PipelineContext, kept: readonly BuiltTarget[]): Promise<Map<string, SelectionFile>> {
  const { run } = ctx;
  const sc = ctx.cfg.pipeline.selection;
  const out = new Map<string, SelectionFile>();
  if (!sc.enabled) {
    run.summary.stageSkipped(SELECTION_STAGE, "pipeline.selection.enabled is off: every feature continues");
    return out;
  }
  return run.summary.runStage(SELECTION_STAGE, async (stage) => {
    const symbols = symbolNames(ctx.panel);
    await withProgress({ label: "selection", total: kept.length, out: ctx.progress }, async (progress) => {
      for (const built of kept) {
        const { target } = built;
        const log = run.log.forStage(SELECTION_STAGE).with({ target: target.name });
        const t0 = performance.now();
        try {
          const inputs = { target: target.canonical, features: ctx.features.names, selection: sc, seed: ctx.seed, leakage: ctx.cfg.pipeline.leakage };
          const job = await ctx.jobs.run(SELECTION_STAGE, target.name, inputs, async () => {
            const data = stageCvData(ctx, built, ctx.features.names, sc, `selection:${target.name}`);
            return selectFeatures({ data, features: ctx.features.names, grids: ctx.features.grids, symbols, config: sc, seed: ctx.seed, threads: ctx.threads, log });
          });
          const file = job.value;
          out.set(target.name, file);
          run.writeJson(`${SELECTION_STAGE}/${target.name}/selection.json`, file);
          for (const m of file.methods) {
            if (m.status === "failed") run.summary.warn(SELECTION_STAGE, `selection method ${m.method} failed`, { target: target.name, error: m.error ?? "" });
          }
          if (file.selected.length === 0) run.summary.warn(SELECTION_STAGE, "target has no usable features and is not trained", { target: target.name, reason: file.no_usable_features ?? "" });
          ctx.status.add({
            stage: "selection",
            target: target.name,
            status: file.selected.length > 0 ? "succeeded" : "no_signal",
            ...(file.selected.length === 0 ? { error: { type: "NoUsableFeatures", message: file.no_usable_features ?? "no feature selected" } } : {}),
            score: file.consensus[0]?.score ?? null,
            top_feature: file.selected[0] ?? null,
            seconds: (performance.now() - t0) / 1000,
          });
          log.info("features selected", { selected: file.selected.length, candidates: file.candidates, top: file.selected.slice(0, 5) });
        } catch (e) {
          // Selection failing for a target (its machinery, not a lack of signal) is recorded; the
          // target then trains on every feature.
          ctx.status.fail({ stage: "selection", target: target.name, seconds: (performance.now() - t0) / 1000 }, e);
          run.summary.error(SELECTION_STAGE, e, { target: target.name });
          run.summary.warn(SELECTION_STAGE, "feature selection failed for the target; it goes on with every candidate feature", { target: target.name });
        }
        progress.tick();
      }
    });
    const sizes = [...out.values()].map((f) => f.selected.length);
    stage.finish({
      outcome: `features selected for ${out.size} of ${kept.length} target(s): ${[...out.entries()].map(([t, f]) => `${t} ${f.selected.length}/${f.candidates}`).join(", ") || "none"}`,
      figures: { targets: out.size, selected_max: sizes.length > 0 ? Math.max(...sizes) : 0 },
    });
    return out;
  });
}
