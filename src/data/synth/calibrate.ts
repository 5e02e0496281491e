import type { MarketCalendar } from "./calendar.js";
import type { SynthConfig } from "./config.js";
import type { Factors } from "./factors.js";
import { persistence, type GarchParams } from "./garch.js";
import type { SymbolParams } from "./universe.js";
import { scaleMap } from "./signal-model.js";

/**
 * How strongly each planted signal is written into later returns, per calendar bar: scale c_j[t]
 * multiplies z_j[t] in each of its bars (see signal-model.ts). The scale is the same for every
 * symbol at t and is chosen so that the cross-sectional correlation between z_j[t] and the forward
 * log return over the signal's horizon has expectation `ic`. The variance of that return without
 * signals, V_j[t], is the expected cross-sectional variance over the window: the symbols' GARCH
 * variance forecasts, the dispersion of betas times the market variance forecast, sector and drift
 * dispersion, over the symbols listed at t. Then c^2 = A^-1 (ic^2 * V) with the fixed matrix A of
 * signal-model.ts, so the calibration follows volatility regimes and the changing cross-section.
 */
export function signalScales(
  config: SynthConfig,
  calendar: MarketCalendar,
  universe: readonly SymbolParams[],
  idioVariance: readonly Float64Array[],
  factors: Factors,
  idioGarch: GarchParams,
): Float64Array[] {
  const signals = config.signals.features;
  const T = calendar.times.length;
  const K = config.returns.sectors.count;
  // Cross-sectional sums over the symbols listed at t and t + 1.
  const count = new Float64Array(T);
  const sumLongRun = new Float64Array(T);
  const sumDeviation = new Float64Array(T);
  const sumBeta = new Float64Array(T);
  const sumBeta2 = new Float64Array(T);
  const sumDrift = new Float64Array(T);
  const sumDrift2 = new Float64Array(T);
  const sectorCount = new Float64Array(K > 0 ? T * K : 0);
  universe.forEach((p, i) => {
    const h = idioVariance[i];
    for (let t = p.first; t < p.last; t++) {
      count[t] += 1;
      sumLongRun[t] += p.idioVarDaily;
      sumDeviation[t] += h[t + 1 - p.first] - p.idioVarDaily;
      sumBeta[t] += p.beta;
      sumBeta2[t] += p.beta * p.beta;
      sumDrift[t] += p.driftDaily;
      sumDrift2[t] += p.driftDaily * p.driftDaily;
      if (K > 0) sectorCount[t * K + p.sector] += 1;
    }
  });

  const phi = persistence(idioGarch);
  const phiM = persistence(factors.marketGarch);
  const share = calendar.varianceShare;
  const toScales = scaleMap(signals);
  const scales = signals.map(() => new Float64Array(T));
  const windowVariance = new Float64Array(signals.length);
  const scale2 = new Float64Array(signals.length);

  for (let t = 0; t < T - 1; t++) {
    const n = count[t];
    if (n === 0) continue;
    const longRun = sumLongRun[t] / n;
    const deviation = sumDeviation[t] / n;
    const betaVar = Math.max(0, sumBeta2[t] / n - (sumBeta[t] / n) ** 2);
    const driftVar = Math.max(0, sumDrift2[t] / n - (sumDrift[t] / n) ** 2);
    let sectorVar = 0;
    if (K > 0) {
      let concentration = 0;
      for (let k = 0; k < K; k++) concentration += (sectorCount[t * K + k] / n) ** 2;
      sectorVar = factors.sectorVarDaily * (1 - concentration);
    }
    const marketDeviation = factors.marketVariance[t + 1] - factors.marketLongRunVar;
    for (let j = 0; j < signals.length; j++) {
      const h = signals[j].horizon;
      let V = 0;
      let shareSum = 0;
      let decay = 1;
      let decayM = 1;
      for (let k = 1; k <= h; k++) {
        const s = share[Math.min(t + k, T - 1)];
        const idio = longRun + decay * deviation;
        const market = betaVar * (factors.marketLongRunVar + decayM * marketDeviation);
        V += s * (idio + market + sectorVar);
        shareSum += s;
        decay *= phi;
        decayM *= phiM;
      }
      windowVariance[j] = V + driftVar * shareSum * shareSum;
    }
    toScales(windowVariance, scale2);
    for (let j = 0; j < signals.length; j++) scales[j][t] = Math.sign(signals[j].ic) * Math.sqrt(scale2[j]);
  }
  return scales;
}
