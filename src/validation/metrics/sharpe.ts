import { normCdf, normPpf } from "./normal.js";

/**
 * Sharpe ratio statistics after Bailey & Lopez de Prado: the probabilistic Sharpe ratio (PSR,
 * "The Sharpe Ratio Efficient Frontier", 2012) and the deflated Sharpe ratio (DSR, "The Deflated
 * Sharpe Ratio", 2014). All Sharpe ratios passed to PSR/DSR are per period (not annualized), in
 * the sampling frequency of the returns, as the formulas require.
 */

export const EULER_GAMMA = 0.5772156649015329;

export interface ReturnMoments {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  std: number;
  /** Per-period Sharpe ratio mean / std (no risk-free rate: the series is already an excess or long-short return). */
  sharpe: number;
  /** Sample skewness m3 / m2^1.5 (biased moments, as in the papers and scipy.stats.skew). */
  skew: number;
  /** Sample kurtosis m4 / m2^2, NOT excess: 3 for a normal distribution (scipy kurtosis(fisher=False)). */
  kurtosis: number;
}

export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < returns.length; i++) {
    const v = returns[i];
    if (Number.isFinite(v)) {
      n++;
      sum += v;
    }
  }
  if (n < 2) return { n, mean: n ? sum / n : NaN, std: NaN, sharpe: NaN, skew: NaN, kurtosis: NaN };
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < returns.length; i++) {
    const v = returns[i];
    if (!Number.isFinite(v)) continue;
    const d = v - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = Math.sqrt(m2 / (n - 1));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    n,
    mean,
    std,
    sharpe: std > 0 ? mean / std : NaN,
    skew: m2 > 0 ? m3 / Math.pow(m2, 1.5) : NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
  };
}

/** Per-period Sharpe ratio scaled to a year: SR * sqrt(periodsPerYear). */
export function annualizeSharpe(perPeriodSharpe: number, periodsPerYear: number): number {
  return perPeriodSharpe * Math.sqrt(periodsPerYear);
}

/** Standard deviation of the Sharpe ratio estimator under non-normal returns (the PSR denominator / sqrt(n - 1)). */
export function sharpeStdError(sharpe: number, n: number, skew: number, kurtosis: number): number {
  const v = 1 - skew * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  return Math.sqrt(Math.max(v, 0) / (n - 1));
}

/**
 * Probabilistic Sharpe ratio: the probability that the true Sharpe ratio exceeds `benchmark`,
 * given the observed per-period `sharpe` over `n` returns with the given skewness and (non-excess)
 * kurtosis. PSR = Phi((SR - SR*) sqrt(n - 1) / sqrt(1 - skew SR + (kurt - 1)/4 SR^2)).
 */
export function probabilisticSharpe(sharpe: number, n: number, skew: number, kurtosis: number, benchmark = 0): number {
  if (!(n > 1) || !Number.isFinite(sharpe)) return NaN;
  const se = sharpeStdError(sharpe, n, skew, kurtosis);
  if (!(se > 0)) return NaN;
  return normCdf((sharpe - benchmark) / se);
}

/**
 * Expected maximum Sharpe ratio among `nTrials` independent trials whose Sharpe ratios have
 * variance `trialSharpeVariance` and true value zero (False Strategy theorem):
 * sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))). Zero for a single trial.
 */
export function expectedMaxSharpe(nTrials: number, trialSharpeVariance: number): number {
  if (!(nTrials >= 1)) throw new Error(`expectedMaxSharpe: nTrials must be >= 1, got ${nTrials}`);
  if (!(trialSharpeVariance >= 0)) throw new Error(`expectedMaxSharpe: trial Sharpe variance must be >= 0, got ${trialSharpeVariance}`);
  if (nTrials === 1) return 0;
  return Math.sqrt(trialSharpeVariance) * ((1 - EULER_GAMMA) * normPpf(1 - 1 / nTrials) + EULER_GAMMA * normPpf(1 - 1 / (nTrials * Math.E)));
}

export interface DeflatedSharpeInput {
  /** Observed per-period Sharpe ratio of the selected strategy. */
  sharpe: number;
  /** Number of returns it was measured on. */
  n: number;
  skew: number;
  /** Non-excess kurtosis (3 = normal). */
  kurtosis: number;
  /** Number of (effectively independent) strategies tried. */
  nTrials: number;
  /** Variance across trials of their per-period Sharpe ratios. */
  trialSharpeVariance: number;
}

/** Deflated Sharpe ratio: PSR against the Sharpe ratio expected from the best of nTrials lucky trials. */
export function deflatedSharpe(input: DeflatedSharpeInput): { dsr: number; benchmark: number } {
  const benchmark = expectedMaxSharpe(input.nTrials, input.trialSharpeVariance);
  return { dsr: probabilisticSharpe(input.sharpe, input.n, input.skew, input.kurtosis, benchmark), benchmark };
}

/**
 * Minimum track record length: the number of returns needed for PSR(benchmark) to reach
 * `confidence` given the observed per-period Sharpe and moments. Infinity when sharpe <= benchmark.
 */
export function minTrackRecordLength(sharpe: number, skew: number, kurtosis: number, benchmark = 0, confidence = 0.95): number {
  if (!(sharpe > benchmark)) return Infinity;
  const z = normPpf(confidence);
  const v = 1 - skew * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  return 1 + v * (z / (sharpe - benchmark)) ** 2;
}

export interface SharpeReport extends ReturnMoments {
  annualizedSharpe: number;
  /** PSR against a zero Sharpe ratio. */
  psr: number;
  /** DSR, present when the number of trials and their Sharpe variance are known. */
  dsr?: number;
  dsrBenchmark?: number;
}

/**
 * Sharpe statistics of a per-period return series (e.g. a long-short portfolio). `trials` gives
 * the selection context for the DSR: how many configurations were tried and the variance of
 * their per-period Sharpe ratios.
 */
export function sharpeReport(returns: ArrayLike<number>, periodsPerYear: number, trials?: { nTrials: number; trialSharpeVariance: number }): SharpeReport {
  const m = returnMoments(returns);
  const report: SharpeReport = { ...m, annualizedSharpe: annualizeSharpe(m.sharpe, periodsPerYear), psr: probabilisticSharpe(m.sharpe, m.n, m.skew, m.kurtosis) };
  if (trials) {
    const d = deflatedSharpe({ sharpe: m.sharpe, n: m.n, skew: m.skew, kurtosis: m.kurtosis, ...trials });
    report.dsr = d.dsr;
    report.dsrBenchmark = d.benchmark;
  }
  return report;
}

/** Variance (n - 1) of a list of per-period trial Sharpe ratios, ignoring NaN; the DSR input. */
export function trialSharpeVariance(trialSharpes: ArrayLike<number>): number {
  const m = returnMoments(trialSharpes);
  return m.std * m.std;
}
