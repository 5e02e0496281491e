import { InputError } from "../../util/errors.js";
import { globToRegExp } from "../../util/glob.js";
import type { DataOptions } from "../options.js";
import type { CheckCollector } from "../checks/report.js";
import { checkFileValues } from "../checks/values.js";
import { groupBySymbol } from "../read/assemble.js";
import type { RawTable } from "../read/table.js";
import { checkWantedSymbols, countPresent, unique, type ColumnInfo, type LoadedData } from "../load.js";
import { STANDARD_COLUMNS, type SymbolSeries } from "../types.js";
import { checkTicks, isQuote, isTrade, type TickSeries } from "./checks.js";
import { TICK_COLUMNS, type TickColumn } from "./columns.js";
import { resampleTicks, type ResampleInterval } from "./resample.js";

/**
 * The tick branch of loadData: tick columns read and checked (checks.ts), then, with
 * pipeline.data.resample set, resampled into bars (resample.ts) that continue like bars read from
 * a file. Other numeric columns of a tick file are not loaded (nothing says how to aggregate them).
 */

export interface LoadedTicks {
  kind: "quotes" | "trades" | "quotes_and_trades";
  series: TickSeries[];
  /** The bar size `series` of LoadedData was resampled to; null when resampling is off. */
  resample: ResampleInterval | null;
  /** Per symbol: OHLC from trade prices or quote mids (resampled data only). */
  priceSource: Record<string, "trades" | "quotes">;
}

/** Columns of resampled bars that become candidate features (subject to pipeline.data.extra_columns). */
const DERIVED = ["ticks", "spread", "rel_spread"] as const;
const DESCRIPTIONS: Record<(typeof DERIVED)[number], string> = {
  ticks: "price ticks (trades, or quotes for quote-only symbols) in the bar, from the tick file",
  spread: "mean quoted spread (ask - bid) over the bar's quotes, from the tick file",
  rel_spread: "mean relative quoted spread (ask - bid) / mid over the bar's quotes, from the tick file",
};

export function loadTicks(live: readonly RawTable[], options: DataOptions, checks: CheckCollector): Omit<LoadedData, "report" | "files" | "fingerprint" | "layout"> {
  const present = TICK_COLUMNS.filter((k) => live.some((t) => t.columns.some((c) => c.key === k)));
  const keys = new Set<string>(present);
  const wanted = options.symbols ? new Set(options.symbols) : null;
  for (const t of live) checkFileValues(t, (k) => keys.has(k), wanted, checks);
  const grouped = groupBySymbol(live, present, wanted);
  checkWantedSymbols(grouped, live, options);
  const ticks = grouped.map((g) => checkTicks(g, live, checks)).filter((t) => t.ts.length > 0);
  if (ticks.length === 0) {
    throw new InputError(`no tick is left to load from ${options.path} after the data checks`, "see the report of pipeline.data.checks (foxml data inspect PATH)");
  }
  let quotes = 0;
  let trades = 0;
  for (const t of ticks) {
    for (let i = 0; i < t.ts.length; i++) {
      if (isQuote(t, i)) quotes++;
      if (isTrade(t, i)) trades++;
    }
  }
  const kind: LoadedTicks["kind"] = quotes > 0 && trades > 0 ? "quotes_and_trades" : trades > 0 ? "trades" : "quotes";

  const columns: ColumnInfo[] = [{ name: live[0].timeColumn, kind: "timestamp", dtype: unique(live.map((t) => t.timeDtype)), nonNull: ticks.reduce((n, t) => n + t.ts.length, 0) }];
  const sym = live.find((t) => t.symbolColumn !== null);
  if (sym) columns.push({ name: sym.symbolColumn!, kind: "symbol", dtype: unique(live.filter((t) => t.symbolColumn !== null).map((t) => t.symbolDtype)), nonNull: columns[0].nonNull });
  for (const k of present) {
    const dtype = unique(live.flatMap((t) => t.columns.filter((c) => c.key === k).map((c) => c.dtype)));
    columns.push({ name: k, kind: "tick", dtype, nonNull: ticks.reduce((n, t) => n + countPresent(t.values[k as TickColumn]), 0) });
  }
  const others = new Map<string, ColumnInfo>();
  for (const t of live) {
    for (const c of t.columns) {
      if (keys.has(c.key)) continue;
      const prev = others.get(c.key);
      if (prev) prev.nonNull += c.numericCount;
      else others.set(c.key, { name: c.name, kind: "excluded", dtype: c.dtype, nonNull: c.numericCount, note: "not a tick column (bid, ask, bid_size, ask_size, price, size): not loaded" });
    }
    for (const g of t.ignoredColumns) if (!others.has(g.name)) others.set(g.name, { name: g.name, kind: "excluded", dtype: g.dtype, nonNull: g.nonNull, note: g.reason });
  }

  const info: LoadedTicks = { kind, series: ticks, resample: null, priceSource: {} };
  if (options.resample === "off") {
    columns.push(...others.values());
    return { series: [], columns, missingStandardColumns: [], ticks: info };
  }

  info.resample = options.resample;
  const bars: SymbolSeries[] = [];
  for (const r of resampleTicks(ticks, options.resample)) {
    const s = r.series;
    if (s.ts.length < options.min_bars) {
      checks.record("too_few_bars", {
        file: s.sources[0] ?? options.path,
        symbol: s.symbol,
        detail: `symbol ${s.symbol} has ${s.ts.length} ${options.resample} bar${s.ts.length === 1 ? "" : "s"} after resampling, fewer than pipeline.data.min_bars (${options.min_bars})`,
      });
      if (checks.action("too_few_bars") === "fix") continue;
    }
    info.priceSource[s.symbol] = r.priceSource;
    bars.push(s);
  }
  if (bars.length === 0) {
    throw new InputError(
      `no symbol is left after resampling ${options.path} to ${options.resample} bars`,
      "use a smaller pipeline.data.resample, lower pipeline.data.min_bars, or set pipeline.data.checks.too_few_bars: warn",
    );
  }
  const barColumns = [...bars[0].columns.keys()];
  const note = `resampled from ticks to ${options.resample} bars`;
  const exclude = options.extra_columns.exclude_patterns.map(globToRegExp);
  const feature = options.extra_columns.feature_patterns.map(globToRegExp);
  for (const name of barColumns) {
    const nonNull = bars.reduce((n, s) => n + countPresent(s.columns.get(name)!), 0);
    const without = bars.filter((s) => countPresent(s.columns.get(name)!) === 0).map((s) => s.symbol);
    const c: ColumnInfo = { name, kind: "standard", dtype: "Float64", nonNull, note };
    if ((DERIVED as readonly string[]).includes(name)) {
      const excluded = exclude.some((r) => r.test(name)) || !feature.some((r) => r.test(name));
      c.kind = excluded ? "excluded" : "extra-feature";
      if (excluded) c.note = `${note}; excluded by pipeline.data.extra_columns`;
      else c.feature = { lookback: 1, lag: 0, description: DESCRIPTIONS[name as (typeof DERIVED)[number]] };
    }
    if (without.length > 0) c.symbolsWithoutValues = without;
    columns.push(c);
  }
  columns.push(...others.values());
  // Excluded derived columns stay out of the series, like excluded extra columns of bar files.
  const dropped = new Set(columns.filter((c) => c.kind === "excluded" && barColumns.includes(c.name)).map((c) => c.name));
  for (const s of bars) for (const d of dropped) s.columns.delete(d);
  const missingStandardColumns = STANDARD_COLUMNS.filter((c) => !barColumns.includes(c));
  return { series: bars, columns, missingStandardColumns, ticks: info };
}
