/**
 * `foxml data inspect` and the run's data stage: everything the data layer can tell about a
 * dataset in one report — symbols, dates, bar size (overall and per symbol), rows, gaps, columns,
 * every check's findings and the missing standard columns — as JSON and as readable text.
 */
import { loadData, formatCheckReport, type CheckReport, type ColumnInfo, type DataFileInfo, type LoadedData } from "./load.js";
import { detectPanelInterval, formatDuration, type IntervalDetection, type PanelIntervalDetection } from "./interval.js";
import { gapReport, type GapReport } from "./gaps.js";
import { buildPanel, panelMemoryReport, type PanelMemoryReport } from "./panel.js";
import { alignDailyStamps, dailyStampGroups } from "./panel/stamps.js";
import type { DataOptions } from "./options.js";
import type { Panel, StandardInterval, SymbolSeries } from "./types.js";
import { formatTickReport, tickReport, type TickReport } from "./ticks/stats.js";
import type { TickSeries } from "./ticks/checks.js";
import { InputError } from "../util/errors.js";

export interface SymbolInspection {
  symbol: string;
  bars: number;
  first: string;
  last: string;
  interval: StandardInterval | "irregular" | null;
  medianSpacing: string;
  missingBars: number;
  closedDays: number;
}

export interface InspectReport {
  path: string;
  layout: LoadedData["layout"];
  files: DataFileInfo[];
  fingerprint: string;
  symbols: number;
  rows: number;
  start: string;
  end: string;
  /** The panel's bar size: "1d", "30m", ... or "irregular". */
  interval: StandardInterval | "irregular";
  /** config: pipeline.data.interval, or pipeline.data.resample for resampled ticks. */
  intervalSource: "detected" | "config";
  intervalDetail: Pick<IntervalDetection, "medianSpacingMs" | "dominantShare" | "reason" | "disagreement">;
  intervalWarnings: string[];
  perSymbol: SymbolInspection[];
  columns: ColumnInfo[];
  missingStandardColumns: string[];
  checks: CheckReport;
  gaps: Omit<GapReport, "symbols">;
  /** Null for tick data that are not resampled (pipeline.data.resample: off): ticks make no panel. */
  panel: (PanelMemoryReport & { alignment: DataOptions["alignment"] }) | null;
  /** Tick files only: tick counts and rates, spreads, the suggested resample interval. */
  ticks?: TickReport;
}

export interface Inspection {
  loaded: LoadedData;
  interval: PanelIntervalDetection;
  gaps: GapReport;
  /** Null for tick data that are not resampled. */
  panel: Panel | null;
  report: InspectReport;
}

/** An inspection that made a panel (bars, or resampled ticks): what the pipeline continues with. */
export type BarInspection = Inspection & { panel: Panel; report: InspectReport & { panel: NonNullable<InspectReport["panel"]> } };

/** The inspection as a BarInspection, or an InputError for ticks that were not resampled. */
export function requirePanel(inspection: Inspection): BarInspection {
  const r = inspection.report;
  if (inspection.panel === null || r.panel === null) {
    throw new InputError(
      `${r.path} holds ticks (${r.ticks?.kind.replace(/_/g, " ") ?? "quotes or trades"}), not bars: set pipeline.data.resample to resample them into bars`,
      `suggested: --set pipeline.data.resample=${r.ticks?.suggestedResample ?? "5m"} (${r.ticks?.suggestion ?? "see foxml data inspect"})`,
    );
  }
  return inspection as BarInspection;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Loads, checks and aligns the data that `options` name, and describes it. */
export async function inspectData(options: DataOptions, opts: { baseDir?: string } = {}): Promise<Inspection> {
  const loaded = await loadData(options, opts);
  const ticks = loaded.ticks;
  // Unresampled ticks are described by their distinct times (several ticks may share one); they make no panel.
  const series: SymbolSeries[] = ticks && !ticks.resample ? ticks.series.map(distinctTimes) : loaded.series;
  const interval = detectPanelInterval(series, ticks?.resample ? { ...options, interval: ticks.resample } : options);
  // Resampled bars have the resample interval; a configured bar size (an experiment's, say) describes other data.
  if (ticks?.resample && options.interval !== "auto" && options.interval !== ticks.resample) {
    interval.warnings.push(`pipeline.data.interval (${options.interval}) is not used: the ticks are resampled to ${ticks.resample} bars (pipeline.data.resample)`);
  }
  const gaps = gapReport(series, interval.overall);
  // Daily bars stamped at different times of day (exchanges in other zones, closes vs midnights)
  // would put one trading day on several panel rows: restamp each at 00:00 UTC of its trading date.
  const restamp = !ticks && interval.overall.interval === "1d" && dailyStampGroups(series).length > 1;
  if (restamp) interval.warnings.push("the panel restamps every daily bar at 00:00 UTC of its trading date");
  const panel = ticks && !ticks.resample ? null : buildPanel(restamp ? alignDailyStamps(series) : series, { alignment: options.alignment, interval: interval.overall });
  const tickCount = new Map(ticks?.series.map((t) => [t.symbol, t.ts.length]) ?? []);
  const gapBySymbol = new Map(gaps.symbols.map((g) => [g.symbol, g]));
  const spacingBySymbol = new Map(interval.symbols.map((s) => [s.symbol, s]));

  let rows = 0;
  let start = Infinity;
  let end = -Infinity;
  const perSymbol: SymbolInspection[] = series.map((s) => {
    rows += ticks && !ticks.resample ? tickCount.get(s.symbol)! : s.ts.length;
    start = Math.min(start, s.ts[0]);
    end = Math.max(end, s.ts[s.ts.length - 1]);
    const spacing = spacingBySymbol.get(s.symbol);
    const g = gapBySymbol.get(s.symbol);
    return {
      symbol: s.symbol,
      bars: ticks && !ticks.resample ? tickCount.get(s.symbol)! : s.ts.length,
      first: iso(s.ts[0]),
      last: iso(s.ts[s.ts.length - 1]),
      interval: spacing?.detected ?? null,
      medianSpacing: spacing && Number.isFinite(spacing.medianSpacingMs) ? formatDuration(spacing.medianSpacingMs) : "n/a",
      missingBars: g?.missingBars ?? 0,
      closedDays: g?.closedDays ?? 0,
    };
  });

  const { symbols: _perSymbolGaps, ...gapSummary } = gaps;
  const report: InspectReport = {
    path: options.path,
    layout: loaded.layout,
    files: loaded.files,
    fingerprint: loaded.fingerprint,
    symbols: series.length,
    rows,
    start: iso(start),
    end: iso(end),
    interval: interval.overall.interval,
    intervalSource: interval.overall.explicit ? "config" : "detected",
    intervalDetail: {
      medianSpacingMs: interval.overall.medianSpacingMs,
      dominantShare: interval.overall.dominantShare,
      reason: interval.overall.reason,
      disagreement: interval.overall.disagreement,
    },
    intervalWarnings: interval.warnings,
    perSymbol,
    columns: loaded.columns,
    missingStandardColumns: loaded.missingStandardColumns,
    checks: loaded.report,
    gaps: gapSummary,
    panel: panel === null ? null : { ...panelMemoryReport(panel), alignment: options.alignment },
  };
  if (ticks) report.ticks = tickReport(ticks.kind, ticks.series, ticks.resample);
  return { loaded, interval, gaps, panel, report };
}

/** One tick series' distinct timestamps, for interval detection and the gap report. */
function distinctTimes(t: TickSeries): SymbolSeries {
  let n = 0;
  const ts = new Float64Array(t.ts.length);
  for (let i = 0; i < t.ts.length; i++) if (n === 0 || t.ts[i] !== ts[n - 1]) ts[n++] = t.ts[i];
  return { symbol: t.symbol, ts: ts.slice(0, n), columns: new Map(), sources: t.sources };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;
const day = (isoString: string) => (isoString.endsWith("T00:00:00.000Z") ? isoString.slice(0, 10) : isoString);

/** The report as text for a terminal. */
export function formatInspectReport(r: InspectReport): string {
  const out: string[] = [];
  out.push(`data: ${r.path} (${r.layout}, ${r.files.length} file${r.files.length === 1 ? "" : "s"})`);
  out.push(`symbols: ${r.symbols}   rows: ${r.rows}   from ${day(r.start)} to ${day(r.end)}`);
  const spacing = Number.isFinite(r.intervalDetail.medianSpacingMs) ? formatDuration(r.intervalDetail.medianSpacingMs) : "n/a";
  out.push(`interval: ${r.interval} (${r.intervalSource}; median spacing ${spacing})`);
  for (const w of r.intervalWarnings) out.push(`  note: ${w}`);
  out.push(
    r.missingStandardColumns.length > 0
      ? `missing standard columns: ${r.missingStandardColumns.join(", ")} (features that need them are left out)`
      : "missing standard columns: none",
  );

  out.push("", "columns:");
  for (const c of r.columns) {
    const extra = c.symbolsWithoutValues?.length ? `; no values for ${c.symbolsWithoutValues.join(", ")}` : "";
    out.push(`  ${c.name.padEnd(16)} ${c.kind.padEnd(14)} ${c.dtype.padEnd(10)} ${String(c.nonNull).padStart(10)} values${c.note ? ` (${c.note})` : ""}${extra}`);
  }

  out.push("", "per symbol:");
  out.push(`  ${"symbol".padEnd(10)} ${"bars".padStart(7)}  ${"first".padEnd(10)}  ${"last".padEnd(10)}  ${"interval".padEnd(9)} ${"missing".padStart(7)} ${"closed".padStart(6)}`);
  for (const s of r.perSymbol) {
    out.push(
      `  ${s.symbol.padEnd(10)} ${String(s.bars).padStart(7)}  ${day(s.first).padEnd(10)}  ${day(s.last).padEnd(10)}  ${String(s.interval ?? "n/a").padEnd(9)} ${String(s.missingBars).padStart(7)} ${String(s.closedDays).padStart(6)}`,
    );
  }

  out.push("", "gaps:");
  if (!r.gaps.applicable) out.push(`  ${r.gaps.note ?? "not applicable"}`);
  else {
    const t = r.gaps.totals;
    out.push(`  trading weekdays: ${r.gaps.calendar.tradingWeekdays.join(" ")}; bar times (UTC): ${r.gaps.calendar.barTimesUtc.join(", ") || "n/a"}`);
    out.push(`  expected (overnight, weekends): ${t.expectedGaps}; market closures: ${r.gaps.marketClosures.length} (${t.closedDays} symbol-days)`);
    out.push(`  missing bars inside sessions: ${t.missingBars} in ${t.missingGaps} gaps; halts: ${t.haltBars} bars in ${t.haltGaps} gaps`);
    const closures = r.gaps.marketClosures;
    if (closures.length > 0) {
      const shown = closures.slice(0, 12).map((c) => (c.start === c.end ? c.start : `${c.start}..${c.end}`));
      out.push(`  closures: ${shown.join(", ")}${closures.length > 12 ? `, ... (${closures.length} in all)` : ""}`);
    }
    for (const g of r.gaps.largest.slice(0, 5)) out.push(`  largest: ${g.symbol}: ${g.description}`);
  }

  out.push("", "checks:");
  const findings = formatCheckReport(r.checks);
  if (findings.length === 0) out.push("  no findings");
  else for (const l of findings) out.push(`  ${l}`);

  if (r.ticks) out.push("", ...formatTickReport(r.ticks));
  out.push(
    "",
    r.panel === null
      ? `panel: none (tick data: set pipeline.data.resample, e.g. ${r.ticks?.suggestedResample ?? "5m"}, to resample them into bars)`
      : `panel: ${r.panel.T} times x ${r.panel.S} symbols (${r.panel.alignment}), ${(r.panel.density * 100).toFixed(1)}% filled, ${mb(r.panel.bytes)}`,
  );
  return out.join("\n") + "\n";
}
