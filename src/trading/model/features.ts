/**
 * The model's features on new bars, built causally with the run's own feature settings.
 *
 * Two ways, equal to the bit (test/trading/features-window.test.ts):
 * - over a whole history at once (a replay): every feature at row t reads rows <= t only (the
 *   causality property test of src/features), so building once and reading row by row is what a
 *   live loop would have seen;
 * - over only the last `historyRows + 1` bars (the live loop): the plan's warm-up is exactly what
 *   the model's features declare they read, and the window keeps its absolute row numbers, so the
 *   kernels' arithmetic matches the full build.
 *
 * A feature the data cannot support any more (a column missing from the live data, too short a
 * history) is an error naming it and the reason: a model is never fed a feature it was not trained on.
 */
import type { BarInspection } from "../../data/inspect.js";
import type { Panel } from "../../data/types.js";
import { panelFromGrids } from "../../data/panel.js";
import { buildFeatures, type BuildOptions } from "../../features/build.js";
import { computeChunk } from "../../features/engine.js";
import { planFeatures, type FeaturePlan } from "../../features/plan.js";
import { panelSource } from "../../features/source.js";
import { InputError } from "../../util/errors.js";
import type { TradingModel } from "./load.js";

/** The options the features stage built with, restricted to the model's features. */
export function modelFeatureOptions(inspection: Pick<BarInspection, "loaded">, model: Pick<TradingModel, "featureNames">): BuildOptions {
  return featureOptions(model, inspection.loaded.columns.filter((c) => c.kind === "extra-feature").map((c) => c.name));
}

/** The model's features, with the data's own feature columns (none for a live bar feed). */
export function featureOptions(model: Pick<TradingModel, "featureNames">, userColumns: readonly string[]): BuildOptions {
  return { include: [...model.featureNames], userColumns: { include: [...userColumns], exclude: [] } };
}

function requireAll(model: Pick<TradingModel, "featureNames" | "modelId">, computed: ReadonlySet<string>, skipped: ReadonlyArray<{ name: string; reason: string }>, where: string): void {
  const missing = model.featureNames.filter((n) => !computed.has(n));
  if (missing.length === 0) return;
  const why = new Map(skipped.map((s) => [s.name, s.reason]));
  const list = missing.slice(0, 8).map((n) => `${n} (${why.get(n) ?? "unknown to this version of foxml"})`);
  throw new InputError(
    `model ${model.modelId} cannot trade on ${where}: ${missing.length} of its ${model.featureNames.length} features cannot be computed: ${list.join("; ")}${missing.length > 8 ? "; ..." : ""}`,
    "trade on data with the columns and history the model was trained on",
  );
}

/** Every model feature over the whole panel (for a replay). */
export function historyFeatures(inspection: Pick<BarInspection, "loaded" | "panel">, model: Pick<TradingModel, "featureNames" | "modelId">, where: string): ReadonlyMap<string, Float32Array> {
  const set = buildFeatures(inspection.panel, modelFeatureOptions(inspection, model));
  requireAll(model, new Set(set.names), set.skipped, where);
  return set.grids;
}

/** The plan of the model's features on this data, with the rows of history its newest value needs. */
export function windowPlan(panel: Panel, opts: BuildOptions, model: Pick<TradingModel, "featureNames" | "modelId">, where: string): FeaturePlan {
  const src = panelSource(panel);
  // Planned as if the history were long enough, so that the plan says how much it needs.
  const plan = planFeatures({ T: Number.MAX_SAFE_INTEGER, S: src.S, times: src.times, symbols: src.symbols, interval: src.interval, marketProxy: -1, columnNames: src.columnNames, columnHasValues: (c) => src.columnHasValues(c) }, opts);
  requireAll(model, new Set(plan.outputs.map((s) => s.name)), plan.skipped, where);
  return plan;
}

/**
 * The model's features at the panel's row `t` from rows [t - plan.warmupRows, t] only: the live
 * path. Returns one row (S values) per feature name, in the model's order. `absOffset` is the
 * absolute bar number of the panel's row 0 when the panel is a rolling buffer of the latest bars:
 * the rolling kernels anchor their summation blocks at absolute rows, so passing it keeps the
 * floating-point operations those of the whole-history build (on the bundled data the buffer
 * gives the same bits either way; the test checks the buffer with its offset).
 */
export function featuresAtRow(panel: Panel, t: number, plan: FeaturePlan, model: Pick<TradingModel, "featureNames">, absOffset = 0): Map<string, Float32Array> {
  const S = panel.S;
  const start = t - plan.warmupRows;
  if (start < 0) throw new InputError(`the model's features need ${plan.warmupRows + 1} bars of history; the data has ${t + 1} up to the decision bar`, "load more history before trading");
  const slice = panelSource(panel).rows(start, t + 1);
  const rows = absOffset === 0 ? slice : { ...slice, abs0: slice.abs0 + absOffset };
  const outputs = plan.outputs.map(() => new Float32Array(S));
  computeChunk(rows, plan, plan.warmupRows, outputs);
  const byName = new Map(plan.outputs.map((s, j) => [s.name, outputs[j]]));
  return new Map(model.featureNames.map((n) => [n, byName.get(n)!]));
}

/** Rows [start, end) of a panel as a panel of their own (zero-copy views), e.g. a live window. */
export function panelRows(panel: Panel, start: number, end: number): Panel {
  const S = panel.S;
  const columns = new Map([...panel.columns].map(([k, g]) => [k, g.subarray(start * S, end * S)]));
  return panelFromGrids({ times: panel.times.subarray(start, end), symbols: panel.symbols, columns, present: panel.present.subarray(start * S, end * S), interval: panel.interval });
}
