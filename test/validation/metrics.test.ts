import { describe, expect, it } from "vitest";
import {
  accuracy,
  auc,
  averageRanks,
  barsPerYear,
  binaryAccuracy,
  deflatedSharpe,
  expectedMaxSharpe,
  hitRate,
  icReport,
  icSeries,
  icSeriesByTime,
  logLoss,
  longShortReport,
  longShortSeries,
  minTrackRecordLength,
  multiclassAccuracy,
  multiclassLogLoss,
  normCdf,
  normPpf,
  pearson,
  probabilisticSharpe,
  regressionMetrics,
  returnMoments,
  sharpeReport,
  spearman,
  summarizeSeries,
} from "../../src/validation/metrics/index.js";

describe("ranks and correlations", () => {
  it("gives tied values the average of their ranks", () => {
    expect(Array.from(averageRanks([3, 1, 4, 1, 5]))).toEqual([3, 1.5, 4, 1.5, 5]);
    expect(Array.from(averageRanks([2, 2, 2]))).toEqual([2, 2, 2]);
    const r = averageRanks([NaN, 7, 3]);
    expect(Number.isNaN(r[0])).toBe(true);
    expect(Array.from(r.subarray(1))).toEqual([2, 1]);
  });

  it("computes Pearson and Spearman known answers", () => {
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3, 4, 5], [10, 8, 6, 4, 2])).toBeCloseTo(-1, 15);
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 15);
    // ties: ranks x = [1, 2.5, 2.5, 4] against [1, 2, 3, 4] -> 4.5 / sqrt(4.5 * 5)
    expect(spearman([1, 2, 2, 3], [10, 20, 30, 40])).toBeCloseTo(4.5 / Math.sqrt(22.5), 14);
    // monotone but non-linear: Spearman 1, Pearson below 1
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3, 4], [1, 8, 27, 64])).toBeLessThan(1);
    // NaN pairs are dropped, constant side gives NaN
    expect(pearson([1, NaN, 3, 4], [2, 5, 6, 8])).toBeCloseTo(pearson([1, 3, 4], [2, 6, 8]), 15);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
});

describe("IC per timestamp", () => {
  // T = 3, S = 5, time-major
  const pred = [1, 2, 3, 4, 5, /* t1 */ 5, 4, 3, 2, 1, /* t2 */ 1, 2, NaN, NaN, NaN];
  const target = [0.1, 0.2, 0.3, 0.4, 0.5, /* t1 */ 1, 3, 2, 5, 4, /* t2 */ 1, 2, 3, 4, 5];

  it("correlates across symbols at each timestamp and leaves thin cross-sections NaN", () => {
    const ic = icSeries(pred, target, 3, 5);
    expect(ic[0]).toBeCloseTo(1, 14);
    expect(ic[1]).toBeCloseTo(pearson([5, 4, 3, 2, 1], [1, 3, 2, 5, 4]), 14);
    expect(Number.isNaN(ic[2])).toBe(true); // 2 valid symbols < minObs 5
    const icLoose = icSeries(pred, target, 3, 5, { minObs: 2 });
    expect(icLoose[2]).toBeCloseTo(1, 14);
    const rank = icSeries(pred, target, 3, 5, { method: "spearman" });
    expect(rank[1]).toBeCloseTo(-0.8, 14); // ranks of target at t1: 1,3,2,5,4 vs 5..1 -> rho = 1 - 6*36/120
  });

  it("gives the same series for row-oriented data grouped by time", () => {
    const rowsP: number[] = [];
    const rowsY: number[] = [];
    const rowsT: number[] = [];
    for (let t = 0; t < 3; t++) {
      for (let s = 0; s < 5; s++) {
        if (Number.isNaN(pred[t * 5 + s])) continue;
        rowsP.push(pred[t * 5 + s]);
        rowsY.push(target[t * 5 + s]);
        rowsT.push(t);
      }
    }
    const byTime = icSeriesByTime(rowsP, rowsY, rowsT, { method: "spearman", minObs: 2 });
    expect(Array.from(byTime.times)).toEqual([0, 1, 2]);
    expect(Array.from(byTime.ic)).toEqual(Array.from(icSeries(pred, target, 3, 5, { method: "spearman", minObs: 2 })));
    expect(() => icSeriesByTime([1, 2], [1, 2], [1, 0])).toThrow(/non-decreasing/);
  });

  it("summarizes mean, std, ICIR and t-stat over finite values", () => {
    const s = summarizeSeries([0.1, 0.2, 0.3, NaN]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.2, 15);
    expect(s.std).toBeCloseTo(0.1, 15);
    expect(s.ir).toBeCloseTo(2, 13);
    expect(s.tStat).toBeCloseTo(2 * Math.sqrt(3), 13);
    expect(s.positiveShare).toBe(1);
    const rep = icReport(pred, target, 3, 5);
    expect(rep.ic.n).toBe(2);
    expect(rep.rankIc.mean).toBeCloseTo((1 - 0.8) / 2, 14);
  });
});

describe("regression and classification metrics", () => {
  it("computes R2, MSE, MAE known answers, skipping NaN", () => {
    const m = regressionMetrics([1, 2, 4, 7], [1, 2, 3, NaN]);
    expect(m.n).toBe(3);
    expect(m.mse).toBeCloseTo(1 / 3, 15);
    expect(m.mae).toBeCloseTo(1 / 3, 15);
    expect(m.r2).toBeCloseTo(0.5, 15);
    expect(Number.isNaN(regressionMetrics([1, 2], [3, 3]).r2)).toBe(true);
  });

  it("computes AUC with ties as one half", () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 15);
    expect(auc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(auc([0, 1, 1, 0], [0.2, 0.9, 0.9, 0.9])).toBeCloseTo(0.75, 15);
    expect(Number.isNaN(auc([1, 1], [0.2, 0.3]))).toBe(true);
    expect(() => auc([0, 2], [0.1, 0.2])).toThrow(/row 1 is 2/);
  });

  it("computes log loss (clipped), accuracy and hit rate", () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
    expect(multiclassLogLoss([2, 0], [0.1, 0.2, 0.7, 0.5, 0.25, 0.25], 3)).toBeCloseTo(-(Math.log(0.7) + Math.log(0.5)) / 2, 15);
    expect(accuracy([0, 1, 2, NaN], [0, 2, 2, 1])).toBeCloseTo(2 / 3, 15);
    expect(binaryAccuracy([1, 0, 1], [0.6, 0.5, 0.4])).toBeCloseTo(2 / 3, 15);
    expect(multiclassAccuracy([2, 0], [0.1, 0.2, 0.7, 0.2, 0.5, 0.3], 3)).toBe(0.5);
    // zeros carry no direction and are left out
    expect(hitRate([0.5, -0.1, 0.2, 0, 0.3], [1, -2, -3, 4, 0])).toBeCloseTo(2 / 3, 15);
  });
});

describe("long-short quantile portfolio", () => {
  it("is top-quantile mean minus bottom-quantile mean return at each timestamp", () => {
    // S = 5, quantile 0.2 -> one symbol per leg; t1 has only 3 valid symbols (< minSymbols 5)
    const pred = [5, 1, 3, 2, 4, /* t1 */ 1, 2, 3, NaN, NaN];
    const ret = [0.05, -0.01, 0.0, 0.02, 0.03, /* t1 */ 0.1, 0.2, 0.3, 0.4, 0.5];
    const ls = longShortSeries(pred, ret, 2, 5);
    expect(ls[0]).toBeCloseTo(0.05 - -0.01, 15);
    expect(Number.isNaN(ls[1])).toBe(true);
    const ls40 = longShortSeries(pred, ret, 2, 5, { quantile: 0.4, minSymbols: 3 });
    expect(ls40[0]).toBeCloseTo((0.05 + 0.03) / 2 - (-0.01 + 0.02) / 2, 15);
    expect(ls40[1]).toBeCloseTo(0.3 - 0.1, 15); // floor(3 * 0.4) = 1 per leg
  });

  it("samples every step-th timestamp for non-overlapping holding periods", () => {
    const T = 6;
    const S = 5;
    const pred = new Float64Array(T * S);
    const ret = new Float64Array(T * S);
    for (let i = 0; i < T * S; i++) {
      pred[i] = i % S;
      ret[i] = (i % S) / 100;
    }
    const ls = longShortSeries(pred, ret, T, S, { step: 3, offset: 1 });
    expect(Array.from(ls).map((v) => (Number.isNaN(v) ? null : Number(v.toFixed(12))))).toEqual([null, 0.04, null, null, 0.04, null]);
    const rep = longShortReport(pred, ret, T, S, { step: 3, barsPerYear: 252 });
    expect(rep.sharpe.n).toBe(2);
  });
});

describe("Sharpe ratio statistics", () => {
  it("reproduces the Deflated Sharpe Ratio paper's worked example (Bailey & Lopez de Prado 2014)", () => {
    // Annualized SR 2.5 over 5 years of daily returns (1250), 100 trials whose annualized Sharpe
    // ratios have variance 0.5, skew -3, kurtosis 10 -> SR0 ~ 0.1132 (daily), DSR ~ 0.9004.
    const daily = 2.5 / Math.sqrt(250);
    const v = 0.5 / 250;
    expect(expectedMaxSharpe(100, v)).toBeCloseTo(0.1132, 4);
    const d = deflatedSharpe({ sharpe: daily, n: 1250, skew: -3, kurtosis: 10, nTrials: 100, trialSharpeVariance: v });
    expect(d.dsr).toBeCloseTo(0.9004, 3);
    expect(expectedMaxSharpe(1, v)).toBe(0);
  });

  it("PSR is 0.5 at the benchmark, grows with the track record and falls with negative skew", () => {
    expect(probabilisticSharpe(0.1, 500, 0, 3, 0.1)).toBeCloseTo(0.5, 14);
    expect(probabilisticSharpe(0.1, 1000, 0, 3)).toBeGreaterThan(probabilisticSharpe(0.1, 100, 0, 3));
    expect(probabilisticSharpe(0.1, 500, -2, 3)).toBeLessThan(probabilisticSharpe(0.1, 500, 0, 3));
    // normal returns: PSR(0) = Phi(SR sqrt(n - 1) / sqrt(1 + SR^2 / 2))
    expect(probabilisticSharpe(0.1, 251, 0, 3)).toBeCloseTo(normCdf((0.1 * Math.sqrt(250)) / Math.sqrt(1 + 0.005)), 14);
  });

  it("minimum track record length is where PSR reaches the confidence", () => {
    const n = minTrackRecordLength(0.08, -1, 6, 0, 0.95);
    expect(probabilisticSharpe(0.08, n, -1, 6)).toBeCloseTo(0.95, 10);
    expect(minTrackRecordLength(0, 0, 3)).toBe(Infinity);
  });

  it("computes moments and an annualized report", () => {
    const m = returnMoments([0.01, -0.02, 0.03, NaN, 0.0]);
    expect(m.n).toBe(4);
    expect(m.mean).toBeCloseTo(0.005, 15);
    const rep = sharpeReport([0.01, -0.02, 0.03, 0.0], 252, { nTrials: 10, trialSharpeVariance: 0.01 });
    expect(rep.annualizedSharpe).toBeCloseTo(rep.sharpe * Math.sqrt(252), 12);
    expect(rep.dsr).toBeLessThan(rep.psr);
  });

  it("measures bars per year from timestamps", () => {
    const day = 86_400_000;
    const times = Array.from({ length: 366 }, (_, i) => i * day * 1.0);
    expect(barsPerYear(times)).toBeCloseTo(365.25, 10);
    expect(() => barsPerYear([0])).toThrow();
  });

  it("normal CDF and quantile invert each other", () => {
    for (const p of [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]) {
      expect(normCdf(normPpf(p))).toBeCloseTo(p, 12);
    }
    expect(normPpf(0.975)).toBeCloseTo(1.959963984540054, 12);
  });
});
