import type { MarketCalendar } from "./calendar.js";
import type { SignalSpec, SynthConfig } from "./config.js";
import type { Factors } from "./factors.js";
import { persistence, type GarchParams } from "./garch.js";
import type { SymbolParams } from "./universe.js";

/**
 * How strongly each planted signal is written into later returns, per calendar bar.
 *
 * Signal j's value at bar t, z[t] ~ N(0, 1) independent across bars and symbols, adds
 * c_j[t] * z[t] to the return of each bar t + onset .. t + horizon. The scale c_j[t] is the same for
 * every symbol at t and is chosen so that the cross-sectional correlation between z[t] and the
 * forward log return over `horizon` bars has expectation `ic`:
 *
 *   corr = m c / sqrt(V + h C),  m = horizon - onset + 1,  h = horizon,
 *
 * where V is the expected cross-sectional variance of the h-bar return without any signal (from
 * the symbols' GARCH variance forecasts, the dispersion of betas times the market variance
 * forecast, sector dispersion and drift dispersion) and C = sum_j m_j c_j^2 is the variance all
 * signals add to one bar. Solving for every signal at once gives, with v_j = V_j / h_j and
 * k_j = ic_j^2 h_j / m_j, K = sum k_j:
 *
 *   C = sum_j k_j v_j / (1 - K),   c_j = sign(ic_j) sqrt(ic_j^2 h_j (v_j + C)) / m_j.
 *
 * Because z is independent across bars, the other bars' signal values only add variance, and the
 * signal's correlation with other horizons H follows exactly: ic * n(H) / m * sqrt(h / H), with
 * n(H) the number of the signal's bars within the first H (see truth.ts).
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
  const budget = signals.map((s) => {
    const h = s.horizon;
    const m = h - onsetOf(s) + 1;
    return { h, m, k: (s.ic * s.ic * h) / m };
  });
  const K_total = budget.reduce((a, b) => a + b.k, 0);
  const scales = signals.map(() => new Float64Array(T));
  const perBar = new Float64Array(signals.length);

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
    let C = 0;
    for (let j = 0; j < signals.length; j++) {
      const h = budget[j].h;
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
      V += driftVar * shareSum * shareSum;
      perBar[j] = V / h;
      C += budget[j].k * perBar[j];
    }
    C /= 1 - K_total;
    for (let j = 0; j < signals.length; j++) {
      const { h, m } = budget[j];
      const ic = signals[j].ic;
      scales[j][t] = (Math.sign(ic) * Math.sqrt(ic * ic * h * (perBar[j] + C))) / m;
    }
  }
  return scales;
}

export function onsetOf(s: SignalSpec): number {
  return s.onset ?? s.horizon;
}
