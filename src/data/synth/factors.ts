import type { Rng } from "../../util/random.js";
import type { MarketCalendar } from "./calendar.js";
import type { SynthConfig } from "./config.js";
import { garchPath, perBarGarch, type GarchParams } from "./garch.js";
import { DAYS_PER_YEAR } from "./universe.js";

/** The common factors every symbol loads on: one market factor with its own GARCH, and sectors. */
export interface Factors {
  /** Market factor log return per calendar bar. */
  readonly market: Float64Array;
  /** Conditional market variance per day before each bar; length T + 1. */
  readonly marketVariance: Float64Array;
  readonly marketLongRunVar: number;
  readonly marketGarch: GarchParams;
  /** Sector factor returns, one array per sector (time-major not needed: a symbol reads one). */
  readonly sectors: Float64Array[];
  /** Variance per day of each sector factor. */
  readonly sectorVarDaily: number;
}

export function drawFactors(rootRng: Rng, config: SynthConfig, calendar: MarketCalendar): Factors {
  const T = calendar.times.length;
  const r = config.returns;
  const share = calendar.varianceShare;

  const marketLongRunVar = (r.market.vol * r.market.vol) / DAYS_PER_YEAR;
  const marketGarch = perBarGarch(r.market.garch, calendar.barsPerDay);
  const shock = new Float64Array(T);
  const marketVariance = new Float64Array(T + 1);
  garchPath(rootRng.fork("market"), T, marketLongRunVar, marketGarch, r.t_df, shock, marketVariance);
  const market = new Float64Array(T);
  for (let u = 0; u < T; u++) market[u] = Math.sqrt(share[u] * marketVariance[u]) * shock[u];

  const sectorVarDaily = (r.sectors.vol * r.sectors.vol) / DAYS_PER_YEAR;
  const sectors: Float64Array[] = [];
  for (let k = 0; k < r.sectors.count; k++) {
    const rng = rootRng.fork("sector").fork(k);
    const g = new Float64Array(T);
    for (let u = 0; u < T; u++) g[u] = Math.sqrt(share[u] * sectorVarDaily) * rng.normal();
    sectors.push(g);
  }
  return { market, marketVariance, marketLongRunVar, marketGarch, sectors, sectorVarDaily };
}
