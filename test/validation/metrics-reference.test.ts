import { describe, expect, it } from "vitest";
import { Rng } from "../../src/util/random.js";
import {
  auc,
  icSeries,
  logLoss,
  multiclassLogLoss,
  normCdf,
  normPpf,
  pearson,
  regressionMetrics,
  returnMoments,
  spearman,
} from "../../src/validation/metrics/index.js";
import { hasSklearn, runPython } from "./python.js";

/** Cross-checks against scikit-learn / scipy on seeded random data (ties included on purpose). */
describe.skipIf(!hasSklearn())("metrics against scikit-learn and scipy", () => {
  const rng = new Rng("metrics-reference");
  const n = 300;
  const y01 = Array.from({ length: n }, () => (rng.bernoulli(0.4) ? 1 : 0));
  // scores rounded to 1 decimal so many ties occur; correlated with the label
  const score = y01.map((y) => Math.round((rng.normal() + y) * 10) / 10);
  const prob = score.map((s) => 1 / (1 + Math.exp(-s)));
  prob[0] = 0; // exercises clipping
  prob[1] = 1;
  const yReg = Array.from({ length: n }, () => rng.normal(0, 2));
  const pReg = yReg.map((v) => 0.6 * v + rng.normal());
  const xTies = Array.from({ length: n }, () => rng.int(0, 12));
  const yTies = xTies.map((v) => Math.round(v + rng.normal(0, 3)));
  const returns = Array.from({ length: n }, () => rng.standardT(4) * 0.01 + 0.0005);
  const K = 3;
  const yCls = Array.from({ length: n }, () => rng.int(0, K));
  const pCls: number[] = [];
  for (let i = 0; i < n; i++) {
    const raw = Array.from({ length: K }, (_, k) => Math.exp(rng.normal() + (k === yCls[i] ? 1 : 0)));
    const sum = raw.reduce((a, b) => a + b, 0);
    for (const r of raw) pCls.push(r / sum);
  }

  const ref = runPython<Record<string, number | number[]>>(
    `
import numpy as np
from sklearn.metrics import roc_auc_score, log_loss, r2_score, mean_squared_error, mean_absolute_error
from scipy import stats
y = np.array(data["y01"]); s = np.array(data["score"]); p = np.array(data["prob"])
out = {
  "auc": roc_auc_score(y, s),
  "logloss": log_loss(y, p, eps=1e-15),
  "mlogloss": log_loss(np.array(data["yCls"]), np.array(data["pCls"]).reshape(-1, 3), eps=1e-15, labels=[0, 1, 2]),
  "r2": r2_score(data["yReg"], data["pReg"]),
  "mse": mean_squared_error(data["yReg"], data["pReg"]),
  "mae": mean_absolute_error(data["yReg"], data["pReg"]),
  "spearman": stats.spearmanr(data["xTies"], data["yTies"]).correlation,
  "pearson": stats.pearsonr(data["xTies"], data["yTies"])[0],
  "skew": stats.skew(data["returns"]),
  "kurt": stats.kurtosis(data["returns"], fisher=False),
  "cdf": [stats.norm.cdf(x) for x in data["xs"]],
  "ppf": [stats.norm.ppf(q) for q in data["ps"]],
}
print(json.dumps(out))
`,
    { y01, score, prob, yReg, pReg, xTies, yTies, returns, yCls, pCls, xs: [-8, -3.3, -1, 0.2, 1.7, 4, 9], ps: [1e-9, 0.004, 0.2, 0.5, 0.77, 0.995, 1 - 1e-9] },
  );

  it("AUC with ties equals roc_auc_score", () => {
    expect(auc(y01, score)).toBeCloseTo(ref.auc as number, 12);
  });

  it("binary and multiclass log loss equal sklearn's log_loss", () => {
    expect(logLoss(y01, prob)).toBeCloseTo(ref.logloss as number, 12);
    expect(multiclassLogLoss(yCls, pCls, K)).toBeCloseTo(ref.mlogloss as number, 12);
  });

  it("R2, MSE, MAE equal sklearn's", () => {
    const m = regressionMetrics(pReg, yReg);
    expect(m.r2).toBeCloseTo(ref.r2 as number, 12);
    expect(m.mse).toBeCloseTo(ref.mse as number, 12);
    expect(m.mae).toBeCloseTo(ref.mae as number, 12);
  });

  it("Spearman with ties and Pearson equal scipy.stats", () => {
    expect(spearman(xTies, yTies)).toBeCloseTo(ref.spearman as number, 12);
    expect(pearson(xTies, yTies)).toBeCloseTo(ref.pearson as number, 12);
  });

  it("per-timestamp Rank IC equals scipy's spearmanr row by row", () => {
    const T = 4;
    const S = 75;
    const ic = icSeries(xTies, yTies, T, S, { method: "spearman" });
    const rows = runPython<number[]>(
      `
from scipy import stats
x = data["x"]; y = data["y"]; S = data["S"]
print(json.dumps([stats.spearmanr(x[t*S:(t+1)*S], y[t*S:(t+1)*S]).correlation for t in range(len(x)//S)]))
`,
      { x: xTies, y: yTies, S },
    );
    for (let t = 0; t < T; t++) expect(ic[t]).toBeCloseTo(rows[t], 12);
  });

  it("skewness and kurtosis equal scipy.stats (biased, non-excess kurtosis)", () => {
    const m = returnMoments(returns);
    expect(m.skew).toBeCloseTo(ref.skew as number, 11);
    expect(m.kurtosis).toBeCloseTo(ref.kurt as number, 11);
  });

  it("normal CDF and quantile equal scipy.stats.norm", () => {
    const xs = [-8, -3.3, -1, 0.2, 1.7, 4, 9];
    const cdf = ref.cdf as number[];
    xs.forEach((x, i) => expect(Math.abs(normCdf(x) - cdf[i])).toBeLessThanOrEqual(1e-9 * Math.max(cdf[i], 1e-300) + 1e-15));
    const ps = [1e-9, 0.004, 0.2, 0.5, 0.77, 0.995, 1 - 1e-9];
    const ppf = ref.ppf as number[];
    ps.forEach((p, i) => expect(normPpf(p)).toBeCloseTo(ppf[i], 8));
  });
});
