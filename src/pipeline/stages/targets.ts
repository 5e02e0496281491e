import type { Run } from "../../runs/run.js";
import type { Panel } from "../../data/types.js";
import type { ResolvedConfigValue } from "../../config/schema/resolved.js";
import { buildTarget, type TargetSpec } from "../../targets/index.js";
import { autoTargetNames, mergeCandidates } from "../../ranking/auto-targets.js";

export interface BuiltTarget {
  target: TargetSpec;
  grid: Float64Array;
}

/**
 * Stage "targets": every target of the experiment on the Panel, each with its label window
 * (which purging uses). With pipeline.ranking.auto_targets on, a standard set over several horizons
 * joins the experiment's targets as candidates. Writes targets/targets.json with coverage and
 * moments per target.
 */
export async function targetsStage(run: Run, panel: Panel, cfg: ResolvedConfigValue): Promise<BuiltTarget[]> {
  return run.summary.runStage("targets", async (stage) => {
    const built: BuiltTarget[] = [];
    const rows: object[] = [];
    const tctx = { interval: panel.interval, executionLag: cfg.pipeline.leakage.decision_time.execution_lag_bars };
    const listed = cfg.targets.map((t) => buildTarget({ ...t.definition, name: t.name }, tctx));
    const names = mergeCandidates(listed, autoTargetNames(cfg.pipeline.ranking.auto_targets));
    const specs = names.map((n) => listed.find((t) => t.name === n) ?? buildTarget(n, tctx));
    for (const target of specs) {
      const grid = target.compute(panel);
      let n = 0;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < grid.length; i++) {
        const v = grid[i];
        if (v === v) {
          n++;
          sum += v;
          sq += v * v;
        }
      }
      const mean = n > 0 ? sum / n : NaN;
      const std = n > 1 ? Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1))) : NaN;
      rows.push({ name: target.name, type: target.type, horizon: target.horizon, window: target.window, repainting: target.repainting, labels: n, coverage: round(n / Math.max(1, panel.T * panel.S)), mean: round(mean), std: round(std), description: target.description });
      run.log.forStage("targets").with({ target: target.name }).info("target built", { labels: n, window: target.window });
      built.push({ target, grid });
    }
    run.writeJson("targets/targets.json", { targets: rows });
    stage.finish({ outcome: `${built.length} target(s): ${built.map((b) => b.target.name).join(", ") || "none"}`, figures: { targets: built.length } });
    return built;
  });
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}
