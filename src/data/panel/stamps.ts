import { InputError } from "../../util/errors.js";
import type { SymbolSeries } from "../types.js";
import { iso } from "./grid.js";
import { DAY_MS, dailyStampTimes, keyDate, symbolCalendar } from "./sessions.js";

/**
 * Daily bars of different sources are stamped at different times of day (00:00 UTC, 16:00 New
 * York = 20:00/21:00 UTC, 00:00 Tokyo = 15:00 UTC the day before). On a union time axis one
 * trading day would then take several rows, each symbol present on only one of them. Restamping
 * every bar at 00:00 UTC of its trading date (learned per symbol, see sessions.ts) aligns them.
 */

/** Groups of symbols sharing the same daily stamp times; more than one group means stamps differ. */
export function dailyStampGroups(series: readonly SymbolSeries[]): Array<{ timesUtc: string[]; symbols: string[] }> {
  const groups = new Map<string, { timesUtc: string[]; symbols: string[] }>();
  for (const s of series) {
    if (s.ts.length === 0) continue;
    const times = dailyStampTimes(s.ts);
    const key = times.join(",");
    const g = groups.get(key) ?? { timesUtc: times, symbols: [] };
    g.symbols.push(s.symbol);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.symbols.length - a.symbols.length);
}

/**
 * The same series with each daily bar restamped at 00:00 UTC of its trading date (columns are
 * shared, not copied). InputError when two bars of a symbol fall on one trading date.
 */
export function alignDailyStamps(series: readonly SymbolSeries[]): SymbolSeries[] {
  return series.map((s) => {
    const { keys } = symbolCalendar(s.ts, "daily", DAY_MS);
    const ts = new Float64Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && keys[i] <= keys[i - 1]) {
        throw new InputError(
          `symbol "${s.symbol}": bars at ${iso(s.ts[i - 1])} and ${iso(s.ts[i])} fall on the same trading date ${keyDate(keys[i], "daily")}, ` +
            `so its daily bars cannot be aligned by date`,
          "check that this symbol's file holds one bar per day, or set pipeline.data.interval to an intraday size",
        );
      }
      ts[i] = keys[i] * DAY_MS;
    }
    return { ...s, ts };
  });
}
