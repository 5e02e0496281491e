import type { Rng } from "../../util/random.js";
import type { MarketCalendar } from "./calendar.js";
import type { SynthConfig } from "./config.js";

/** Trading days per year, for turning annualised figures into daily ones. */
export const DAYS_PER_YEAR = 252;

/** One symbol's fixed characteristics, drawn once from its own random stream. */
export interface SymbolParams {
  readonly name: string;
  /** Sector index, or -1 when there are no sectors. */
  readonly sector: number;
  /** Loading on the market factor. */
  readonly beta: number;
  /** Long-run idiosyncratic variance per day (log-return units). */
  readonly idioVarDaily: number;
  /** Log drift per day. */
  readonly driftDaily: number;
  readonly startPrice: number;
  /** Median daily volume. */
  readonly volumeDaily: number;
  /** First and last bar (inclusive) on the calendar. */
  readonly first: number;
  readonly last: number;
}

export function symbolNames(symbols: SynthConfig["symbols"]): string[] {
  if (Array.isArray(symbols)) return [...symbols];
  const width = Math.max(3, String(symbols).length);
  return Array.from({ length: symbols }, (_, i) => `S${String(i + 1).padStart(width, "0")}`);
}

function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.exp(rng.uniformIn(Math.log(lo), Math.log(hi)));
}

/** First bar of each trading day, and one past the last bar of the calendar. */
function dayStarts(calendar: MarketCalendar): Int32Array {
  const starts = new Int32Array(calendar.days.length + 1);
  let d = -1;
  for (let i = 0; i < calendar.times.length; i++) {
    if (calendar.day[i] !== d) {
      d = calendar.day[i];
      starts[d] = i;
    }
  }
  starts[d + 1] = calendar.times.length;
  return starts;
}

/**
 * Listing and delisting happen at session boundaries: a symbol lists at the open of a trading day
 * and delists after the close of one, and keeps at least `min_bars` bars (fewer only when the
 * calendar itself is shorter).
 */
function listingRange(rng: Rng, config: SynthConfig, calendar: MarketCalendar, starts: Int32Array): { first: number; last: number } {
  const T = calendar.times.length;
  const D = calendar.days.length;
  const minBars = Math.min(config.listing.min_bars, T);
  const minDays = Math.max(1, Math.ceil(minBars / calendar.barsPerDay));
  const lateRoll = rng.uniform();
  const delistRoll = rng.uniform();
  const lateDay = rng.uniform();
  const delistDay = rng.uniform();
  let firstDay = 0;
  // Listing on day f leaves days f .. D-1, which must hold minDays.
  const latestFirst = D - minDays;
  if (lateRoll < config.listing.late_fraction && latestFirst >= 1) firstDay = 1 + Math.floor(lateDay * latestFirst);
  let lastDay = D - 1;
  const earliestLast = firstDay + minDays - 1;
  const latestLast = D - 2;
  if (delistRoll < config.listing.delist_fraction && latestLast >= earliestLast) {
    lastDay = earliestLast + Math.floor(delistDay * (latestLast - earliestLast + 1));
  }
  let first = starts[firstDay];
  let last = starts[lastDay + 1] - 1;
  // A partial final day can leave too few bars: fall back to the full history.
  if (last - first + 1 < minBars) {
    first = 0;
    last = T - 1;
  }
  return { first, last };
}

export function drawUniverse(rootRng: Rng, config: SynthConfig, calendar: MarketCalendar): SymbolParams[] {
  const names = symbolNames(config.symbols);
  const starts = dayStarts(calendar);
  const r = config.returns;
  const sectors = r.sectors.count;
  return names.map((name) => {
    const rng = rootRng.fork("universe").fork(name);
    // Fixed draw order per symbol: the same name gets the same characteristics whatever else changes.
    const sector = sectors > 0 ? rng.int(0, sectors) : -1;
    const beta = rng.normal(r.market.beta_mean, r.market.beta_sd);
    const idioVol = logUniform(rng, r.idio_vol.min, r.idio_vol.max);
    const driftAnnual = rng.normal(r.drift.mean, r.drift.sd);
    const startPrice = logUniform(rng, config.prices.start.min, config.prices.start.max);
    const volumeDaily = config.volume.median_daily * Math.exp(config.volume.dispersion * rng.normal());
    const { first, last } = listingRange(rng, config, calendar, starts);
    return {
      name,
      sector,
      beta,
      idioVarDaily: (idioVol * idioVol) / DAYS_PER_YEAR,
      driftDaily: driftAnnual / DAYS_PER_YEAR,
      startPrice,
      volumeDaily,
      first,
      last,
    };
  });
}
