import type { Rng } from "../../util/random.js";
import type { MarketCalendar } from "./calendar.js";
import type { SynthConfig } from "./config.js";
import type { Factors } from "./factors.js";
import { roundTo } from "./rounding.js";
import type { SymbolParams } from "./universe.js";

/** One symbol's OHLCV over its listed bars (index 0 = its first bar). */
export interface BarColumns {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The idiosyncratic GARCH path of one symbol: shocks and conditional variances (length n + 1). */
export interface IdioPath {
  shock: Float64Array;
  variance: Float64Array;
}

/** E|e| of a unit-variance shock, to centre the volume response (normal: sqrt(2/pi)). */
const MEAN_ABS_SHOCK = Math.sqrt(2 / Math.PI);

/**
 * Prices and volume of one symbol. The close-to-close log return of bar u is
 *
 *   drift * share + beta * market + sector + sqrt(share * h) * e + planted signal terms,
 *
 * with `share` the bar's share of a day's variance and h the GARCH variance. On a session's first
 * bar part of the return happens in the overnight gap: given the bar's return r with variance s2
 * and a gap share q, the gap is drawn from its conditional law given r, N(q r, q (1 - q) s2), so the
 * open jumps from the last close without changing the close. Within the bar, price moves from open
 * to close as a Brownian bridge with variance (1 - q) s2; its maximum and minimum are drawn exactly
 * (max = (d + sqrt(d^2 - 2 s2 ln U)) / 2 for a bridge ending at d), so the high/low range scales
 * with volatility and high >= max(open, close), low <= min(open, close) by construction.
 *
 * Log volume = log(daily median * bar's volume share) + response to the standardized |return| +
 * response to log(current / long-run volatility) + AR(1) noise.
 */
export function drawBars(
  rng: Rng,
  config: SynthConfig,
  calendar: MarketCalendar,
  p: SymbolParams,
  idio: IdioPath,
  factors: Factors,
  injected: Float64Array | null,
): BarColumns {
  const n = p.last - p.first + 1;
  const out: BarColumns = {
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const pathRng = rng.fork("bars");
  const volumeRng = rng.fork("volume");
  const decimals = config.prices.decimals;
  const tick = 10 ** -decimals;
  const v = config.volume;
  const noiseInnovation = v.noise * Math.sqrt(1 - v.persistence * v.persistence);
  const sector = p.sector >= 0 ? factors.sectors[p.sector] : null;
  const sectorVar = p.sector >= 0 ? factors.sectorVarDaily : 0;
  const share = calendar.varianceShare;
  const overnight = calendar.overnightShare;
  const volumeShare = calendar.volumeShare;

  let logPrev = Math.log(p.startPrice);
  let volumeNoise = v.noise * volumeRng.normal();
  for (let i = 0; i < n; i++) {
    const u = p.first + i;
    const s = share[u];
    const h = idio.variance[i];
    const idioPart = Math.sqrt(s * h) * idio.shock[i];
    const common = p.beta * factors.market[u] + (sector ? sector[u] : 0);
    const r = p.driftDaily * s + common + idioPart + (injected ? injected[i] : 0);
    const barVar = s * (h + p.beta * p.beta * factors.marketVariance[u] + sectorVar);

    const q = overnight[u] / s;
    const gapNoise = pathRng.normal();
    const gap = q > 0 ? q * r + Math.sqrt(q * (1 - q) * barVar) * gapNoise : 0;
    const d = r - gap;
    const bridgeVar = (1 - q) * barVar;
    const u1 = 1 - pathRng.uniform();
    const u2 = 1 - pathRng.uniform();
    const up = 0.5 * (d + Math.sqrt(d * d - 2 * bridgeVar * Math.log(u1)));
    const down = 0.5 * (d - Math.sqrt(d * d - 2 * bridgeVar * Math.log(u2)));

    const logOpen = logPrev + gap;
    const logClose = logPrev + r;
    const open = Math.max(tick, roundTo(Math.exp(logOpen), decimals));
    const close = Math.max(tick, roundTo(Math.exp(logClose), decimals));
    // Rounding is monotone, so the bridge's extremes stay outside open/close; max/min guard the last ulp.
    out.open[i] = open;
    out.close[i] = close;
    out.high[i] = Math.max(open, close, roundTo(Math.exp(logOpen + up), decimals));
    out.low[i] = Math.max(tick, Math.min(open, close, roundTo(Math.exp(logOpen + down), decimals)));

    volumeNoise = v.persistence * volumeNoise + noiseInnovation * volumeRng.normal();
    const absStd = Math.abs(r) / Math.sqrt(barVar);
    const logVolume =
      Math.log(p.volumeDaily * volumeShare[u]) + v.abs_return * (absStd - MEAN_ABS_SHOCK) + 0.5 * v.volatility * Math.log(h / p.idioVarDaily) + volumeNoise;
    out.volume[i] = Math.max(1, Math.round(Math.exp(logVolume)));

    logPrev = logClose;
  }
  return out;
}
