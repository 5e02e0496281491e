/**
 * Confidence tiers on constructed evaluation files: each figure moves the tier as its thresholds
 * say, the leakage gate caps it, and the reasons name the figures and thresholds.
 */
import { describe, expect, it } from "vitest";
import { targetConfidence } from "../../src/evaluation/confidence.js";
import { evaluationSchema } from "../../src/evaluation/schema.js";
import type { EvaluatedModel, EvaluationFile, TargetRankingRow } from "../../src/artifacts/run-files.js";

const empty = { times: [], values: [] };

function evaluated(o: { ic: number; t: number; folds: number[]; dsr: number | null; name?: string }): EvaluatedModel {
  return {
    name: o.name ?? "lightgbm",
    kind: "family",
    metrics: { ic: o.ic, rank_ic: o.ic, icir: 0.1, ic_t: o.t, r2: null, auc: null, hit_rate: 0.52 },
    folds: o.folds.map((ic, i) => ({ fold: i, ic, rank_ic: ic, r2: null, auc: null })),
    ic_series: empty,
    backtests:
      o.dsr === undefined
        ? []
        : [
            {
              strategy: "long_short",
              annual_return: 0.1,
              annual_volatility: 0.1,
              sharpe: 1,
              information_ratio: 1,
              max_drawdown: 0.1,
              turnover: 20,
              deflated_sharpe: o.dsr,
              probabilistic_sharpe: 0.99,
              equity: empty,
              drawdown: empty,
            },
          ],
  };
}

function file(models: EvaluatedModel[], best: string | null = models[0]?.name ?? null): EvaluationFile {
  return { target: "fwd_ret_5", metric: "ic", trials: 7, models, best };
}

const clean = { status: "clean", suspicious: [] };
const strong = { ic: 0.06, t: 4.2, folds: [0.05, 0.07, 0.04, 0.06, 0.05], dsr: 0.97 };

describe("targetConfidence", () => {
  it("is high when every figure clears the high thresholds and the leakage gate is clean", () => {
    const c = targetConfidence({ target: "fwd_ret_5", evaluation: file([evaluated(strong)]), leakage: clean, selectionAgreement: 0.5 });
    expect(c.tier).toBe("high");
    expect(c.best_model).toBe("lightgbm");
    expect(c.score).toBe(0.06);
    expect(c.reasons).toContain("t-statistic of the skill over time blocks 4.200 >= 3 (high)");
    expect(c.reasons).toContain("share of folds beating no skill 1.000 >= 0.8 (high)");
    expect(c.reasons).toContain("deflated Sharpe ratio (long_short, 7 trials) 0.970 >= 0.95 (high)");
    expect(c.reasons).toContain("leakage gate status clean, nothing suspicious");
    expect(c.reasons.at(-1)).toBe("tier high");
  });

  it("drops to medium on a middling t-statistic, stability or DSR, naming the figure", () => {
    const t = targetConfidence({ target: "x", evaluation: file([evaluated({ ...strong, t: 2.5 })]), leakage: clean });
    expect(t.tier).toBe("medium");
    expect(t.reasons).toContain("t-statistic of the skill over time blocks 2.500 >= 2 (medium) but < 3 (high)");
    const s = targetConfidence({ target: "x", evaluation: file([evaluated({ ...strong, folds: [0.05, 0.07, -0.01, 0.06, -0.02] })]), leakage: clean });
    expect(s.tier).toBe("medium");
    expect(s.reasons).toContain("share of folds beating no skill 0.600 >= 0.6 (medium) but < 0.8 (high)");
    const d = targetConfidence({ target: "x", evaluation: file([evaluated({ ...strong, dsr: 0.7 })]), leakage: clean });
    expect(d.tier).toBe("medium");
    expect(d.reasons).toContain("deflated Sharpe ratio (long_short, 7 trials) 0.700 >= 0.5 (medium) but < 0.95 (high)");
  });

  it("is low without skill, with a weak t-statistic, or when the DSR is missing", () => {
    const none = targetConfidence({ target: "x", evaluation: file([evaluated({ ic: -0.01, t: -1, folds: [-0.01, 0.01], dsr: 0.2 })]), leakage: clean });
    expect(none.tier).toBe("low");
    expect(none.reasons).toContain("no skill: the ic is not above 0");
    const weak = targetConfidence({ target: "x", evaluation: file([evaluated({ ...strong, t: 1.2 })]), leakage: clean });
    expect(weak.tier).toBe("low");
    expect(weak.reasons).toContain("t-statistic of the skill over time blocks 1.200 < 2 (medium)");
    const noDsr = targetConfidence({ target: "x", evaluation: file([evaluated({ ...strong, dsr: null })]), leakage: clean });
    expect(noDsr.tier).toBe("low");
    expect(noDsr.reasons.some((r) => r.includes("not available"))).toBe(true);
    const nothing = targetConfidence({ target: "x", evaluation: file([], null) });
    expect(nothing).toEqual({ target: "x", tier: "low", reasons: ["no model produced an out-of-sample score"], best_model: null, score: null });
  });

  it("caps at medium when leakage is unverified, suspicious or unknown, or selection methods disagree; low when leaks were kept", () => {
    const ev = file([evaluated(strong)]);
    const unverified = targetConfidence({ target: "x", evaluation: ev, leakage: { status: "unverified", suspicious: [] } });
    expect(unverified.tier).toBe("medium");
    expect(unverified.reasons).toContain("leakage gate status unverified: cannot be high");
    const suspicious = targetConfidence({ target: "x", evaluation: ev, leakage: { status: "leaks_excluded", suspicious: ["alpha_d"] } });
    expect(suspicious.tier).toBe("medium");
    expect(suspicious.reasons).toContain("suspicious features left for review (alpha_d): cannot be high");
    expect(targetConfidence({ target: "x", evaluation: ev }).tier).toBe("medium");
    const disagree = targetConfidence({ target: "x", evaluation: ev, leakage: clean, selectionAgreement: 0.05 });
    expect(disagree.tier).toBe("medium");
    expect(disagree.reasons.some((r) => r.includes("0.050 < 0.2"))).toBe(true);
    const leaks = targetConfidence({ target: "x", evaluation: ev, leakage: { status: "leaks_found", suspicious: [] } });
    expect(leaks.tier).toBe("low");
  });

  it("reads the best model, its own score fields when present, custom thresholds and the ranking row", () => {
    const weak = evaluated({ ic: 0.01, t: 1, folds: [0.01], dsr: 0.1, name: "ridge" });
    const best = { ...evaluated(strong), name: "stacking", kind: "ensemble" as const, score: 0.07, score_t: 5 };
    const ranking: TargetRankingRow = {
      rank: 1, target: "fwd_ret_5", type: "regression", horizon: 5, metric: "ic", skill: 0.05, stability: 0.9, agreement: 0.6, t_stat: 4, composite: 0.8, kept: true, reason: "top", by_family: {},
    };
    const thresholds = evaluationSchema.parse({ confidence: { high: { min_t: 6 } } }).confidence;
    const c = targetConfidence({ target: "fwd_ret_5", evaluation: file([weak, best], "stacking"), leakage: clean, ranking, thresholds });
    expect(c.best_model).toBe("stacking");
    expect(c.score).toBe(0.07);
    expect(c.tier).toBe("medium");
    expect(c.reasons).toContain("t-statistic of the skill over time blocks 5.000 >= 2 (medium) but < 6 (high)");
    expect(c.reasons.some((r) => r.startsWith("target ranking: rank 1, composite 0.800"))).toBe(true);
  });
});
