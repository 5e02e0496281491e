import type { Run } from "../../runs/run.js";
import type { Panel } from "../../data/types.js";
import type { ResolvedConfigValue } from "../../config/schema/resolved.js";
import { buildTarget, type TargetSpec } from "../../targets/index.js";

export interface BuiltTarget {
  target: TargetSpec;
  grid: Float64Array;
}

/**
 * Stage "targets": every target of the experiment on the Panel, each with its label window
 * (which purging uses). Writes targets/targets.json with coverage and moments per target.
 */
export async function targetsStage(run: Run, panel: Panel, cfg: ResolvedConfigValue): Promise<BuiltTarget[]> {
  return run.summary.runStage("targets", async (stage) => {
    const built: BuiltTarget[] = [];
    const rows: object[] = [];
    for (const t of cfg.targets) {
      const target = buildTarget({ ...t.definition, name: t.name }, {
        interval: panel.interval,
        executionLag: cfg.pipeline.leakage.decision_time.execution_lag_bars,
      });
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
