import type { MarketCalendar } from "./calendar.js";
import { expectedIcs, onsetOf, solveSignals } from "./signal-model.js";
import { noiseFeatureName, type LeakSpec, type SynthConfig } from "./config.js";
import { DAYS_PER_YEAR, type SymbolParams } from "./universe.js";

/**
 * The known answers a synthetic market was built with, as plain JSON: which columns are signals
 * (and how strong at which horizon), which are noise, which leak the future (and how), which
 * forward-return targets are predictable. Later stages are tested against this.
 */
export interface GroundTruth {
  /** How the expected ICs are measured. */
  ic_definition: string;
  /** How each forward-return target is defined. */
  target_definition: string;
  time_axis: {
    interval: string;
    bar_timestamp: string;
    bars: number;
    first: string;
    last: string;
    trading_days: number;
    bars_per_day: number;
    session: { open: string; close: string; timezone: string } | null;
    holidays: string[];
  };
  columns: { prices: string[]; signals: string[]; noise: string[]; leaks: string[] };
  signals: SignalTruth[];
  noise: { name: string; persistence: number; expected_ic: number }[];
  leaks: LeakTruth[];
  targets: TargetTruth[];
  symbols: SymbolTruth[];
}

export interface SignalTruth {
  name: string;
  horizon: number;
  onset: number;
  ic: number;
  /** Expected IC with the forward return at each rated horizon (keys are horizons). */
  expected_ic: Record<string, number>;
}

export interface LeakTruth {
  name: string;
  kind: LeakSpec["kind"];
  params: Record<string, number>;
  /** How far into the future the column looks, in bars. */
  lookahead_bars: number;
  relation: string;
}

export interface TargetTruth {
  horizon: number;
  name: string;
  predictable: boolean;
  /** IC of each planted signal with this target. */
  expected_ic: Record<string, number>;
  /** IC of the best linear combination of the signals (they are independent, so sqrt of the sum of squares). */
  combined_ic: number;
}

export interface SymbolTruth {
  symbol: string;
  first: string;
  last: string;
  bars: number;
  sector: number | null;
  beta: number;
  idio_vol: number;
  drift: number;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function leakTruth(l: LeakSpec): LeakTruth {
  switch (l.kind) {
    case "fwd_copy":
      return {
        name: l.name,
        kind: l.kind,
        params: { horizon: l.horizon, noise: l.noise },
        lookahead_bars: l.horizon,
        relation: `log(close[t+${l.horizon}] / close[t]) + N(0, (${l.noise} * sd of that return)^2): correlation about ${round6(1 / Math.sqrt(1 + l.noise * l.noise))} with the ${l.horizon}-bar forward return`,
      };
    case "future_close":
      return {
        name: l.name,
        kind: l.kind,
        params: { shift: l.shift },
        lookahead_bars: l.shift,
        relation: `close[t+${l.shift}] exactly`,
      };
    case "centered_ma": {
      const half = (l.window - 1) / 2;
      return {
        name: l.name,
        kind: l.kind,
        params: { window: l.window },
        lookahead_bars: half,
        relation: `mean of close[t-${half}] .. close[t+${half}] (a centred ${l.window}-bar moving average)`,
      };
    }
    case "sign_agreement":
      return {
        name: l.name,
        kind: l.kind,
        params: { horizon: l.horizon, agreement: l.agreement },
        lookahead_bars: l.horizon,
        relation: `sign(log(close[t+${l.horizon}] / close[t])) with probability ${l.agreement}, else its opposite`,
      };
  }
}

export function buildTruth(config: SynthConfig, calendar: MarketCalendar, universe: readonly SymbolParams[]): GroundTruth {
  const signals = config.signals.plant ? config.signals.features : [];
  const noiseNames = config.signals.plant ? Array.from({ length: config.signals.noise_count }, (_, k) => noiseFeatureName(k)) : [];
  const leaks = config.leaks.plant ? config.leaks.features : [];
  const horizons = [...new Set([...config.targets.horizons, ...signals.map((s) => s.horizon)])].sort((a, b) => a - b);
  const iso = (t: number) => isoTime(calendar.times[t], calendar.interval === "1d");
  const solution = solveSignals(signals);
  const icsAt = new Map(horizons.map((H) => [H, expectedIcs(signals, H, solution)]));

  return {
    ic_definition:
      "mean over bars t of the cross-sectional Pearson correlation, across the symbols listed at t, between the column at t and the forward log return log(close[t+h] / close[t])",
    target_definition: "fwd_ret_h[t] = log(close[t+h] / close[t]), h in bars of the symbol's own series",
    time_axis: {
      interval: calendar.interval,
      bar_timestamp: calendar.interval === "1d" ? "the trading date at 00:00 UTC" : "the bar's start time, UTC",
      bars: calendar.times.length,
      first: iso(0),
      last: iso(calendar.times.length - 1),
      trading_days: calendar.days.length,
      bars_per_day: calendar.barsPerDay,
      session: calendar.session,
      holidays: [...calendar.holidays],
    },
    columns: {
      prices: ["open", "high", "low", "close", "volume"],
      signals: signals.map((s) => s.name),
      noise: noiseNames,
      leaks: leaks.map((l) => l.name),
    },
    signals: signals.map((s, j) => ({
      name: s.name,
      horizon: s.horizon,
      onset: onsetOf(s),
      ic: s.ic,
      expected_ic: Object.fromEntries(horizons.map((H) => [String(H), round6(icsAt.get(H)?.[j] ?? Number.NaN)])),
    })),
    noise: noiseNames.map((name, k) => ({
      name,
      persistence: config.signals.noise_persistence[k % config.signals.noise_persistence.length],
      expected_ic: 0,
    })),
    leaks: leaks.map(leakTruth),
    targets: horizons.map((H) => {
      const ics = icsAt.get(H) ?? [];
      const combined = Math.sqrt(ics.reduce((a, b) => a + b * b, 0));
      return {
        horizon: H,
        name: `fwd_ret_${H}`,
        predictable: combined > 0,
        expected_ic: Object.fromEntries(signals.map((s, j) => [s.name, round6(ics[j])])),
        combined_ic: round6(combined),
      };
    }),
    symbols: universe.map((p) => ({
      symbol: p.name,
      first: iso(p.first),
      last: iso(p.last),
      bars: p.last - p.first + 1,
      sector: p.sector >= 0 ? p.sector : null,
      beta: round6(p.beta),
      idio_vol: round6(Math.sqrt(p.idioVarDaily * DAYS_PER_YEAR)),
      drift: round6(p.driftDaily * DAYS_PER_YEAR),
    })),
  };
}

/** ISO text of a bar time: a date for daily bars, seconds precision with Z otherwise. */
export function isoTime(ms: number, dateOnly: boolean): string {
  const s = new Date(ms).toISOString();
  return dateOnly ? s.slice(0, 10) : `${s.slice(0, 19)}Z`;
}
