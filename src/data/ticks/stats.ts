import { formatDuration } from "../interval.js";
import { iso } from "../panel/grid.js";
import type { TickSeries } from "./checks.js";
import { isQuote, isTrade } from "./checks.js";
import { resampleTicks, type ResampleInterval } from "./resample.js";
import { tickSessions } from "./sessions.js";

/**
 * What `foxml data inspect` says about tick data: how many ticks of each kind, how fast they
 * arrive (per symbol per trading hour and day, inter-tick gaps inside sessions), the quoted
 * spread, and the bar size to resample to: the smallest standard interval at which every
 * symbol's median bar holds at least MIN_TICKS_PER_BAR ticks.
 */

export const MIN_TICKS_PER_BAR = 20;
export const RESAMPLE_CANDIDATES: readonly ResampleInterval[] = ["1m", "5m", "15m", "30m", "1h", "4h", "1d"];

export interface GapQuantiles {
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  p99: number;
}

export interface TickSymbolStats {
  symbol: string;
  ticks: number;
  quotes: number;
  trades: number;
  first: string;
  last: string;
  tradingDays: number;
  sessions: number;
  /** Ticks per hour of session time (first to last tick of each session). */
  ticksPerHour: number;
  ticksPerDay: number;
  /** Inter-tick gaps inside sessions, ms. */
  gapMs: GapQuantiles | null;
  /** Median quoted spread (ask - bid) and relative spread in basis points of the mid; null without quotes. */
  medianSpread: number | null;
  medianRelSpreadBps: number | null;
}

export interface TickReport {
  kind: "quotes" | "trades" | "quotes_and_trades";
  ticks: number;
  quotes: number;
  trades: number;
  /** Inter-tick gaps inside sessions over all symbols, ms. */
  gapMs: GapQuantiles | null;
  /** Over symbols: the median and range of ticks per session hour. */
  ticksPerHour: { min: number; median: number; max: number };
  perSymbol: TickSymbolStats[];
  /** For each candidate interval: the lowest over symbols of the median ticks per bar. */
  ticksPerBar: Partial<Record<ResampleInterval, number>>;
  suggestedResample: ResampleInterval;
  suggestion: string;
  /** The interval the data were resampled to, or null. */
  resample: ResampleInterval | null;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function quantiles(values: Float64Array): GapQuantiles | null {
  if (values.length === 0) return null;
  const s = values.slice().sort();
  return { p10: quantile(s, 0.1), p25: quantile(s, 0.25), median: quantile(s, 0.5), p75: quantile(s, 0.75), p90: quantile(s, 0.9), p99: quantile(s, 0.99) };
}

function median(values: number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

export function tickReport(kind: TickReport["kind"], series: readonly TickSeries[], resample: ResampleInterval | null): TickReport {
  const allGaps: number[] = [];
  const perSymbol = series.map((t): TickSymbolStats => {
    const s = tickSessions(t.ts);
    const gaps: number[] = [];
    let sessionMs = 0;
    for (let j = 0; j < s.starts.length; j++) {
      const from = s.starts[j];
      const to = j + 1 < s.starts.length ? s.starts[j + 1] : t.ts.length;
      sessionMs += t.ts[to - 1] - t.ts[from];
      for (let i = from + 1; i < to; i++) gaps.push(t.ts[i] - t.ts[i - 1]);
    }
    allGaps.push(...gaps);
    let quotes = 0;
    let trades = 0;
    const spreads: number[] = [];
    const rel: number[] = [];
    for (let i = 0; i < t.ts.length; i++) {
      if (isTrade(t, i)) trades++;
      if (isQuote(t, i)) {
        quotes++;
        const b = t.values.bid[i];
        const a = t.values.ask[i];
        spreads.push(a - b);
        rel.push(((a - b) / ((a + b) / 2)) * 1e4);
      }
    }
    const days = new Set(s.day).size;
    return {
      symbol: t.symbol,
      ticks: t.ts.length,
      quotes,
      trades,
      first: iso(t.ts[0]),
      last: iso(t.ts[t.ts.length - 1]),
      tradingDays: days,
      sessions: s.starts.length,
      ticksPerHour: sessionMs > 0 ? t.ts.length / (sessionMs / 3_600_000) : NaN,
      ticksPerDay: t.ts.length / Math.max(1, days),
      gapMs: quantiles(Float64Array.from(gaps)),
      medianSpread: spreads.length > 0 ? median(spreads) : null,
      medianRelSpreadBps: rel.length > 0 ? median(rel) : null,
    };
  });

  const ticksPerBar: TickReport["ticksPerBar"] = {};
  let suggested: ResampleInterval | null = null;
  for (const c of RESAMPLE_CANDIDATES) {
    const worst = Math.min(...resampleTicks(series, c).map((r) => median(Array.from(r.series.columns.get("ticks")!))));
    ticksPerBar[c] = worst;
    if (suggested === null && worst >= MIN_TICKS_PER_BAR) suggested = c;
  }
  const rates = perSymbol.map((p) => p.ticksPerHour).filter((x) => Number.isFinite(x));
  const suggestion =
    suggested !== null
      ? `${suggested}: the smallest bar size at which every symbol's median bar holds at least ${MIN_TICKS_PER_BAR} ticks (${ticksPerBar[suggested]})`
      : `1d: even daily bars hold fewer than ${MIN_TICKS_PER_BAR} ticks for some symbol (median ${ticksPerBar["1d"]}); the data are sparse`;
  return {
    kind,
    ticks: perSymbol.reduce((n, p) => n + p.ticks, 0),
    quotes: perSymbol.reduce((n, p) => n + p.quotes, 0),
    trades: perSymbol.reduce((n, p) => n + p.trades, 0),
    gapMs: quantiles(Float64Array.from(allGaps)),
    ticksPerHour: { min: rates.length ? Math.min(...rates) : NaN, median: rates.length ? median(rates) : NaN, max: rates.length ? Math.max(...rates) : NaN },
    perSymbol,
    ticksPerBar,
    suggestedResample: suggested ?? "1d",
    suggestion,
    resample,
  };
}

/** The tick section of the readable inspect report. */
export function formatTickReport(r: TickReport): string[] {
  const out: string[] = [];
  const g = r.gapMs;
  out.push(`ticks: ${r.ticks} (${r.kind.replace(/_/g, " ")}: ${r.quotes} quotes, ${r.trades} trades)`);
  out.push(`  ticks per session hour over symbols: median ${r.ticksPerHour.median.toFixed(1)} (${r.ticksPerHour.min.toFixed(1)}..${r.ticksPerHour.max.toFixed(1)})`);
  if (g) out.push(`  gaps between ticks inside sessions: median ${formatDuration(g.median)}, p10 ${formatDuration(g.p10)}, p90 ${formatDuration(g.p90)}, p99 ${formatDuration(g.p99)}`);
  out.push(`  ticks per bar (lowest symbol median): ${RESAMPLE_CANDIDATES.map((c) => `${c} ${r.ticksPerBar[c]}`).join(", ")}`);
  out.push(r.resample !== null ? `  resampled to ${r.resample} bars (pipeline.data.resample); suggested ${r.suggestion}` : `  suggested resample: ${r.suggestion}; set pipeline.data.resample: ${r.suggestedResample}`);
  out.push(`  ${"symbol".padEnd(10)} ${"ticks".padStart(9)} ${"quotes".padStart(9)} ${"trades".padStart(9)} ${"days".padStart(5)} ${"per hour".padStart(9)} ${"med gap".padStart(9)} ${"spread bps".padStart(10)}`);
  for (const s of r.perSymbol) {
    out.push(
      `  ${s.symbol.padEnd(10)} ${String(s.ticks).padStart(9)} ${String(s.quotes).padStart(9)} ${String(s.trades).padStart(9)} ${String(s.tradingDays).padStart(5)} ${s.ticksPerHour.toFixed(1).padStart(9)} ${(s.gapMs ? formatDuration(s.gapMs.median) : "n/a").padStart(9)} ${(s.medianRelSpreadBps === null ? "n/a" : s.medianRelSpreadBps.toFixed(2)).padStart(10)}`,
    );
  }
  return out;
}
