import type { Run } from "../../runs/run.js";
import type { BarInspection } from "../../data/inspect.js";
import { buildFeatures, historyRows, type FeatureLogger, type FeatureSet } from "../../features/index.js";
import type { FeaturesOptions } from "../../features/schema.js";

/**
 * The candidate features of the inspected data: the standard library and the extra columns the
 * data layer classed as candidate features (pipeline.data.extra_columns), less the columns in
 * `without` (a column used as the target is not its own feature). Columns whose history the data
 * layer knows (resampled from ticks) are declared with it. `foxml leakage` scans the same set.
 */
export function candidateFeatures(inspection: BarInspection, options: FeaturesOptions, opts: { without?: readonly string[]; logger?: FeatureLogger } = {}): FeatureSet {
  const without = new Set(opts.without ?? []);
  const extra = inspection.loaded.columns.filter((c) => c.kind === "extra-feature" && !without.has(c.name));
  return buildFeatures(inspection.panel, {
    userColumns: {
      include: extra.map((c) => c.name),
      exclude: [],
      declared: extra.flatMap((c) => (c.feature ? [{ column: c.name, ...c.feature }] : [])),
    },
    minHistoryShare: options.min_history_share,
    logger: opts.logger,
  });
}

/**
 * Stage "features": the standard library (and the users' own columns the data layer classed as
 * candidate features) on the Panel. Writes features/features.json: every feature computed with
 * its declaration, and every one left out with the reason.
 */
export async function featuresStage(run: Run, inspection: BarInspection, options: FeaturesOptions): Promise<FeatureSet> {
  return run.summary.runStage("features", async (stage) => {
    const log = run.log.forStage("features");
    const set = candidateFeatures(inspection, options, { logger: { info: (obj, msg) => log.debug(msg ?? "feature plan", obj as Record<string, unknown>) } });
    const userColumns = inspection.loaded.columns.filter((c) => c.kind === "extra-feature").length;
    run.writeJson("features/features.json", {
      decision_time: set.convention,
      warmup_rows: set.warmupRows,
      features: set.specs.map((s) => ({ name: s.name, kind: s.kind, inputs: s.inputs, lookback: s.lookback, lag: s.lag, history_rows: historyRows(s), description: s.description })),
      skipped: set.skipped,
    });
    for (const s of set.skipped) log.debug("feature left out", { feature: s.name, reason: s.reason });
    const forInputs = set.skipped.filter((s) => s.cause === "inputs");
    const forHistory = set.skipped.filter((s) => s.cause === "history");
    if (forInputs.length > 0) run.summary.warn("features", `${forInputs.length} feature(s) left out for lack of inputs; see features/features.json`);
    if (forHistory.length > 0) {
      // Named, because on a short history this is what decides which ideas the run can test at all.
      run.summary.warn(
        "features",
        `${forHistory.length} feature(s) left out because the ${inspection.panel.T}-bar history is too short for their lookback ` +
          `(pipeline.features.min_history_share ${options.min_history_share}): ${forHistory.map((s) => s.name).join(", ")}`,
      );
    }
    run.summary.headline("features", set.names.length);
    stage.finish({
      outcome: `${set.names.length} features computed, ${set.skipped.length} left out`,
      figures: { features: set.names.length, skipped: set.skipped.length, short_history: forHistory.length, user_columns: userColumns, mib: Number((set.memoryBytes() / 1_048_576).toFixed(2)) },
    });
    return set;
  });
}
