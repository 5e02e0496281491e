/**
 * The report's charts as Vega-Lite specifications: pure data in, a spec out (null when there is
 * nothing to draw). Data is inlined, times are epoch milliseconds on UTC scales (the picture does
 * not depend on the machine's time zone), and long series are thinned before they get here.
 */
import type { Config, TopLevelSpec } from "vega-lite";
import type { UnitSpec } from "vega-lite/types_unstable/spec/index.js";
import type { EvaluatedModel, SelectionFile, TargetRankingsFile } from "../artifacts/run-files.js";
import { downsample, pointsPerSeries, seriesPoints } from "./downsample.js";

const WIDTH = 620;
const KEPT_COLORS = { domain: ["kept", "dropped"], range: ["#2f6f9f", "#b8b8b8"] };
const SELECTED_COLORS = { domain: ["selected", "not selected"], range: ["#2f6f9f", "#c4c9cf"] };
const FINDING_COLORS = { domain: ["excluded (leak)", "suspicious (kept)"], range: ["#c0392b", "#e6a23c"] };

/** Shared look: small fonts, light grid, no view border, white background. */
export const CHART_CONFIG: Config = {
  // No ARIA label per bar and point (they would triple the SVG); the chart as a whole is labelled.
  aria: false,
  background: "white",
  padding: 6,
  font: "Helvetica, Arial, sans-serif",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal", gridColor: "#ececec", domainColor: "#888", tickColor: "#888", labelLimit: 200 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 220, orient: "bottom" },
  title: { anchor: "start", fontSize: 12, fontWeight: "bold", offset: 8 },
  header: { labelFontSize: 11, labelFontWeight: "bold", titleFontSize: 11 },
  range: { category: ["#2f6f9f", "#e07b39", "#3a9a5b", "#b04a8c", "#7f6bb0", "#a37f3c", "#4aa3b5", "#d6544a", "#6d8f2f", "#7a7a7a"] },
};

/** Target ranking: composite score and skill side by side, one row per target, best first. */
export function targetRankingSpec(rankings: TargetRankingsFile, maxTargets = 40): TopLevelSpec | null {
  const rows = rankings.targets
    .slice()
    .sort((a, b) => a.rank - b.rank)
    .slice(0, maxTargets)
    .map((r) => ({ target: r.target, rank: r.rank, composite: r.composite, skill: r.skill, status: r.kept ? "kept" : "dropped" }));
  if (rows.length === 0) return null;
  const order = rows.map((r) => r.target);
  const height = Math.max(60, rows.length * 20);
  const panel = (field: "composite" | "skill", title: string, withLabels: boolean) => ({
    width: 260,
    height,
    mark: { type: "bar" as const, height: { band: 0.7 } },
    encoding: {
      y: { field: "target", type: "nominal" as const, sort: order, title: null, axis: withLabels ? { labelLimit: 220 } : { labels: false, ticks: false, domain: false } },
      x: { field, type: "quantitative" as const, title, axis: { format: ".3~f", tickCount: 5 } },
      color: { field: "status", type: "nominal" as const, title: null, scale: KEPT_COLORS },
    },
  });
  return {
    description: "Target ranking: composite score and out-of-sample skill per target",
    data: { values: rows },
    spacing: 12,
    hconcat: [panel("composite", "composite score", true), panel("skill", `skill (${metricsOf(rankings)} above no skill)`, false)],
    config: CHART_CONFIG,
  };
}

function metricsOf(rankings: TargetRankingsFile): string {
  const metrics = [...new Set(rankings.targets.map((t) => t.metric))];
  return metrics.length === 1 ? metrics[0] : "metric";
}

/**
 * Feature-importance consensus of one target: the top features by consensus score (bars, coloured
 * selected or not) with each method's normalized importance as a point, so disagreement shows.
 */
export function consensusSpec(selection: SelectionFile, top = 25): TopLevelSpec | null {
  const rows = selection.consensus
    .slice()
    .sort((a, b) => a.rank - b.rank)
    .slice(0, top);
  if (rows.length === 0) return null;
  const order = rows.map((r) => r.feature);
  const bars = rows.map((r) => ({ feature: r.feature, score: r.score, status: r.selected ? "selected" : "not selected" }));
  const points = rows.flatMap((r) =>
    Object.entries(r.by_method)
      .filter((e): e is [string, number] => typeof e[1] === "number" && Number.isFinite(e[1]))
      .map(([method, value]) => ({ feature: r.feature, method, value })),
  );
  const y = { field: "feature", type: "nominal" as const, sort: order, title: null, axis: { labelLimit: 240 } };
  const layers: Array<UnitSpec<string>> = [
    {
      data: { values: bars },
      mark: { type: "bar", height: { band: 0.7 } },
      encoding: {
        y,
        x: { field: "score", type: "quantitative", title: "consensus score (bars) and per-method importance (points), 0..1", scale: { domain: [0, 1] } },
        color: { field: "status", type: "nominal", title: null, scale: SELECTED_COLORS },
      },
    },
  ];
  if (points.length > 0) {
    layers.push({
      data: { values: points },
      mark: { type: "point", filled: false, size: 36, color: "#333", strokeWidth: 1.2 },
      encoding: { y, x: { field: "value", type: "quantitative" }, shape: { field: "method", type: "nominal", title: "method" } },
    });
  }
  const shown = rows.length < selection.consensus.length ? ` (top ${rows.length} of ${selection.consensus.length})` : "";
  return {
    description: `Feature-importance consensus for target ${selection.target}${shown}`,
    width: WIDTH - 240,
    height: Math.max(60, rows.length * 16),
    layer: layers,
    resolve: { scale: { color: "independent", shape: "independent" } },
    config: CHART_CONFIG,
  };
}

/** Spearman agreement between the selection methods' rankings as a heatmap with the values written in. */
export function agreementSpec(agreement: SelectionFile["agreement"]): TopLevelSpec | null {
  const m = agreement.methods;
  if (m.length < 2) return null;
  const cells: Array<{ a: string; b: string; rho: number | null; label: string }> = [];
  for (let i = 0; i < m.length; i++) {
    for (let j = 0; j < m.length; j++) {
      const v = agreement.matrix[i]?.[j] ?? null;
      const rho = typeof v === "number" && Number.isFinite(v) ? v : null;
      cells.push({ a: m[i], b: m[j], rho, label: rho === null ? "n/a" : rho.toFixed(2) });
    }
  }
  const size = Math.min(60, Math.max(34, Math.floor(320 / m.length)));
  return {
    description: "Agreement (Spearman correlation) between the feature-selection methods' rankings",
    data: { values: cells },
    width: size * m.length,
    height: size * m.length,
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 1 },
        encoding: {
          x: { field: "b", type: "nominal", sort: m, title: null, axis: { labelAngle: -30, labelLimit: 120 } },
          y: { field: "a", type: "nominal", sort: m, title: null, axis: { labelLimit: 120 } },
          color: {
            condition: { test: "datum.rho === null", value: "#eeeeee" },
            field: "rho",
            type: "quantitative",
            title: "rank correlation",
            scale: { scheme: "redblue", domain: [-1, 1] },
            legend: { orient: "right", gradientLength: Math.max(60, size * m.length - 20) },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: {
          x: { field: "b", type: "nominal", sort: m },
          y: { field: "a", type: "nominal", sort: m },
          text: { field: "label" },
          color: { condition: { test: "datum.rho !== null && abs(datum.rho) > 0.6", value: "white" }, value: "#222" },
        },
      },
    ],
    config: CHART_CONFIG,
  };
}

export interface LeakageFinding {
  target: string;
  feature: string;
  finding: "excluded (leak)" | "suspicious (kept)";
}

/** Features flagged by the leakage gate, feature x target, coloured by finding. Null when none. */
export function leakageSpec(findings: readonly LeakageFinding[], targets: readonly string[], maxFeatures = 50): TopLevelSpec | null {
  if (findings.length === 0) return null;
  const perFeature = new Map<string, number>();
  for (const f of findings) perFeature.set(f.feature, (perFeature.get(f.feature) ?? 0) + (f.finding === "excluded (leak)" ? 1000 : 1));
  // Features flagged as leaks for the most targets first, then suspicious ones, then by name.
  const features = [...perFeature.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxFeatures)
    .map(([f]) => f);
  const keep = new Set(features);
  const shown = findings.filter((f) => keep.has(f.feature));
  const colWidth = Math.min(90, Math.max(40, Math.floor(360 / Math.max(1, targets.length))));
  return {
    description: "Leakage findings: features excluded as leaks or flagged suspicious, per target",
    data: { values: shown },
    width: colWidth * targets.length,
    height: Math.max(40, features.length * 16),
    mark: { type: "square", size: 120 },
    encoding: {
      x: { field: "target", type: "nominal", sort: [...targets], scale: { domain: [...targets] }, title: "target", axis: { labelAngle: -30, labelLimit: 140, orient: "top" } },
      y: { field: "feature", type: "nominal", sort: features, title: null, axis: { labelLimit: 240 } },
      color: { field: "finding", type: "nominal", title: null, scale: FINDING_COLORS },
    },
    config: CHART_CONFIG,
  };
}

/** Rolling cross-sectional IC per model over time, with the zero line. */
export function icSpec(models: readonly EvaluatedModel[], metric: string): TopLevelSpec | null {
  const withData = models.map((m) => ({ m, pts: seriesPoints(m.ic_series) })).filter((x) => x.pts.length > 0);
  if (withData.length === 0) return null;
  const budget = pointsPerSeries(withData.length);
  const values = withData.flatMap(({ m, pts }) => downsample(pts, budget).map((p) => ({ t: p.t, v: round(p.v), model: m.name, kind: m.kind })));
  const names = withData.map((x) => x.m.name);
  return {
    description: `Cross-sectional ${metric} over time per model`,
    width: WIDTH,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: "line", strokeWidth: 1.3, interpolate: "linear" },
        encoding: {
          x: { field: "t", type: "temporal", title: null, scale: { type: "utc" } },
          y: { field: "v", type: "quantitative", title: `${metric} (rolling mean)`, axis: { format: ".3~f" } },
          color: { field: "model", type: "nominal", sort: names, title: "model" },
          strokeDash: { field: "kind", type: "nominal", title: "kind", sort: ["family", "ensemble"], scale: { domain: ["family", "ensemble"], range: [[1, 0], [5, 3]] } },
        },
      },
      { data: { values: [{ zero: 0 }] }, mark: { type: "rule", color: "#666", strokeWidth: 0.8 }, encoding: { y: { field: "zero", type: "quantitative" } } },
    ],
    config: CHART_CONFIG,
  };
}

type BacktestSeries = "equity" | "drawdown";

/** Series of every model's backtests, one row of facets per strategy. */
function backtestValues(models: readonly EvaluatedModel[], which: BacktestSeries) {
  const series = models.flatMap((m) => m.backtests.map((b) => ({ model: m.name, strategy: b.strategy, pts: seriesPoints(b[which]) }))).filter((s) => s.pts.length > 0);
  const budget = pointsPerSeries(series.length, { total: 1200 });
  return {
    values: series.flatMap((s) => downsample(s.pts, budget).map((p) => ({ t: p.t, v: round(p.v), model: s.model, strategy: s.strategy }))),
    models: [...new Set(series.map((s) => s.model))],
    strategies: [...new Set(series.map((s) => s.strategy))],
  };
}

/** Cumulative net return per model, one panel per strategy. */
export function equitySpec(models: readonly EvaluatedModel[]): TopLevelSpec | null {
  const { values, models: names, strategies } = backtestValues(models, "equity");
  if (values.length === 0) return null;
  return {
    description: "Cumulative net return of the backtests per model and strategy",
    data: { values },
    facet: { row: { field: "strategy", type: "nominal", sort: strategies, title: null, header: { labelAngle: 0, labelAlign: "left", labelAnchor: "start", labelOrient: "top" } } },
    spec: {
      width: WIDTH,
      height: 170,
      mark: { type: "line", strokeWidth: 1.3 },
      encoding: {
        x: { field: "t", type: "temporal", title: null, scale: { type: "utc" } },
        y: { field: "v", type: "quantitative", title: "cumulative net return", axis: { format: ".0%" } },
        color: { field: "model", type: "nominal", sort: names, title: "model" },
      },
    },
    resolve: { scale: { y: "independent" } },
    config: CHART_CONFIG,
  };
}

/** Drawdown (<= 0) per model as overlaid areas, one panel per strategy. */
export function drawdownSpec(models: readonly EvaluatedModel[]): TopLevelSpec | null {
  const { values, models: names, strategies } = backtestValues(models, "drawdown");
  if (values.length === 0) return null;
  return {
    description: "Drawdown of the backtests per model and strategy",
    data: { values },
    facet: { row: { field: "strategy", type: "nominal", sort: strategies, title: null, header: { labelAngle: 0, labelAlign: "left", labelAnchor: "start", labelOrient: "top" } } },
    spec: {
      width: WIDTH,
      height: 130,
      mark: { type: "area", opacity: 0.22, line: { strokeWidth: 1 } },
      encoding: {
        x: { field: "t", type: "temporal", title: null, scale: { type: "utc" } },
        y: { field: "v", type: "quantitative", title: "drawdown", stack: null, axis: { format: ".0%" } },
        color: { field: "model", type: "nominal", sort: names, title: "model" },
      },
    },
    resolve: { scale: { y: "independent" } },
    config: CHART_CONFIG,
  };
}

/** Six significant digits are far below a pixel and keep the inlined data (and the SVG) small. */
function round(v: number): number {
  return Number(v.toPrecision(6));
}
