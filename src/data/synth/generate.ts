import { Rng } from "../../util/random.js";
import type { SymbolSeries } from "../types.js";
import { drawBars, type IdioPath } from "./bars.js";
import { buildCalendar, type MarketCalendar } from "./calendar.js";
import { signalScales } from "./calibrate.js";
import { noiseFeatureName, type SynthConfig, type SynthConfigInput } from "./config.js";
import { parseSynthConfig } from "./config-errors.js";
import { drawFactors, type Factors } from "./factors.js";
import { addSignalTerms, drawNoise, drawSignalValues, leakValues } from "./features.js";
import { garchPath, perBarGarch } from "./garch.js";
import { buildTruth, type GroundTruth } from "./truth.js";
import { drawUniverse, type SymbolParams } from "./universe.js";

/** A generated market: the bars of every symbol plus the answers it was built with. */
export interface SyntheticMarket {
  /** The resolved configuration (defaults filled in). */
  readonly config: SynthConfig;
  /** The common time axis. */
  readonly calendar: MarketCalendar;
  /** One series per symbol, in configuration order: OHLCV, then signal, noise and leak columns. */
  readonly series: SymbolSeries[];
  /** Per-symbol characteristics (betas, volatilities, listing range), parallel to `series`. */
  readonly universe: readonly SymbolParams[];
  /** The common factors, for tests of the factor structure. */
  readonly factors: Factors;
  readonly truth: GroundTruth;
}

/**
 * Generates a synthetic market from `input` (any subset of the configuration; defaults fill the
 * rest). Same configuration => the same numbers, bit for bit. Every random quantity comes from a
 * stream forked by name (symbol, signal, feature), so e.g. planting leaks does not change prices,
 * and a symbol keeps its characteristics when others are added.
 * Throws an InputError naming the key when the configuration is invalid.
 */
export function generateMarket(input: SynthConfigInput = {}): SyntheticMarket {
  const config = parseSynthConfig(input);
  const root = new Rng(config.seed);
  const calendar = buildCalendar(config);
  const universe = drawUniverse(root, config, calendar);
  const factors = drawFactors(root, config, calendar);
  const idioGarch = perBarGarch(config.returns.garch, calendar.barsPerDay);
  const df = config.returns.t_df;

  const idio: (IdioPath | null)[] = universe.map((p) => {
    const n = p.last - p.first + 1;
    const path: IdioPath = { shock: new Float64Array(n), variance: new Float64Array(n + 1) };
    garchPath(root.fork("idio").fork(p.name), n, p.idioVarDaily, idioGarch, df, path.shock, path.variance);
    return path;
  });

  const signals = config.signals.plant ? config.signals.features : [];
  const scales =
    signals.length > 0
      ? signalScales(
          config,
          calendar,
          universe,
          idio.map((x) => (x as IdioPath).variance),
          factors,
          idioGarch,
        )
      : [];
  const noiseCount = config.signals.plant ? config.signals.noise_count : 0;
  const leaks = config.leaks.plant ? config.leaks.features : [];
  const source = `synthetic:seed=${config.seed}`;

  const series: SymbolSeries[] = universe.map((p, i) => {
    const n = p.last - p.first + 1;
    const path = idio[i] as IdioPath;
    const signalValues = signals.map((s) => drawSignalValues(root.fork("signal").fork(s.name).fork(p.name), n));
    let injected: Float64Array | null = null;
    if (signals.length > 0) {
      injected = new Float64Array(n);
      signals.forEach((s, j) => addSignalTerms(injected as Float64Array, signalValues[j], scales[j], p.first, s));
    }
    const bars = drawBars(root.fork("symbol").fork(p.name), config, calendar, p, path, factors, injected);
    idio[i] = null; // the shocks are in the prices now; let them go

    const columns = new Map<string, Float64Array>([
      ["open", bars.open],
      ["high", bars.high],
      ["low", bars.low],
      ["close", bars.close],
      ["volume", bars.volume],
    ]);
    signals.forEach((s, j) => columns.set(s.name, signalValues[j]));
    for (let k = 0; k < noiseCount; k++) {
      const phi = config.signals.noise_persistence[k % config.signals.noise_persistence.length];
      columns.set(noiseFeatureName(k), drawNoise(root.fork("noise").fork(k).fork(p.name), n, phi));
    }
    for (const l of leaks) {
      columns.set(l.name, leakValues(root.fork("leak").fork(l.name).fork(p.name), l, bars.close, config.prices.decimals));
    }
    return { symbol: p.name, ts: calendar.times.slice(p.first, p.last + 1), columns, sources: [source] };
  });

  return { config, calendar, series, universe, factors, truth: buildTruth(config, calendar, universe) };
}
