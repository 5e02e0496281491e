/** The evaluation schema's defaults and the strategies made concrete for a universe. */
import { describe, expect, it } from "vitest";
import { autoTopK, resolveStrategies, tradeDirection } from "../../src/evaluation/strategies.js";
import { evaluationSchema } from "../../src/evaluation/schema.js";
import { buildTarget } from "../../src/targets/index.js";
import { InputError } from "../../src/util/errors.js";

describe("evaluation config", () => {
  it("parses {} to the documented defaults and rejects keys in the wrong place", () => {
    const c = evaluationSchema.parse({});
    expect(c.backtest).toEqual({ min_symbols: 5, cost_bps: 5, slippage_bps: 0, spread_cost: "auto", benchmark: "equal_weight" });
    expect(c.strategies).toEqual([
      { kind: "long_short", quantile: 0.2, weighting: "equal" },
      { kind: "topk_dropout", top_k: "auto", n_drop: "auto" },
    ]);
    expect(c.ic_window).toBe(63);
    expect(c.max_points).toBe(500);
    expect(c.direction).toBe("auto");
    expect(c.confidence).toEqual({ high: { min_t: 3, min_stability: 0.8, min_dsr: 0.95, min_selection_agreement: 0.2 }, medium: { min_t: 2, min_stability: 0.6, min_dsr: 0.5 } });
    expect(evaluationSchema.safeParse({ backtest: { strategy: { kind: "long_short" } } }).success).toBe(false);
    expect(evaluationSchema.safeParse({ strategies: [{ kind: "long_short", top_k: 3 }] }).success).toBe(false);
    expect(evaluationSchema.safeParse({ strategies: [{ kind: "long_short" }, { kind: "long_short", quantile: 0.1 }] }).success).toBe(false);
    expect(evaluationSchema.safeParse({ strategies: [{ kind: "long_short" }, { kind: "long_short", quantile: 0.1, name: "deciles" }] }).success).toBe(true);
    expect(evaluationSchema.safeParse({ confidence: { medium: { min_dsr: 0.99 } } }).success).toBe(false);
  });
});

describe("resolveStrategies", () => {
  it("sizes auto top-K as a fifth of the universe (at least 2, below the universe) and n_drop a fifth of K", () => {
    expect([3, 5, 10, 30, 40, 500].map(autoTopK)).toEqual([2, 2, 2, 6, 8, 100]);
    const c = evaluationSchema.parse({ strategies: [{ kind: "topk_dropout" }, { kind: "top_k", name: "top" }, { kind: "topk_dropout", name: "fixed", top_k: 4, n_drop: 0 }] });
    expect(resolveStrategies(c.strategies, 30)).toEqual([
      { name: "topk_dropout", config: { kind: "topk_dropout", top_k: 6, n_drop: 1 } },
      { name: "top", config: { kind: "top_k", top_k: 6 } },
      { name: "fixed", config: { kind: "topk_dropout", top_k: 4, n_drop: 0 } },
    ]);
  });

  it("names the strategy and key when K does not fit the universe", () => {
    const c = evaluationSchema.parse({ strategies: [{ kind: "long_short" }, { kind: "topk_dropout", top_k: 50 }] });
    expect(() => resolveStrategies(c.strategies, 30)).toThrow(InputError);
    expect(() => resolveStrategies(c.strategies, 30)).toThrow("pipeline.evaluation.strategies[1].top_k: 50 names is more than the 30 symbols");
    const d = evaluationSchema.parse({ strategies: [{ kind: "topk_dropout", top_k: 3, n_drop: 5 }] });
    expect(() => resolveStrategies(d.strategies, 30)).toThrow(/strategies\[0\]\.n_drop: 5 exceeds top_k \(3\)/);
  });

  it("trades against targets where a high value is bad news", () => {
    expect(tradeDirection(buildTarget("fwd_ret_5"), "auto")).toBe(1);
    expect(tradeDirection(buildTarget({ kind: "excursion", measure: "mdd", horizon: 10 }), "auto")).toBe(-1);
    expect(tradeDirection(buildTarget({ kind: "excursion", measure: "mfe", horizon: 10 }), "auto")).toBe(1);
    expect(tradeDirection(buildTarget({ kind: "zigzag", pivot: "peak", threshold: 0.05 }), "auto")).toBe(-1);
    expect(tradeDirection(buildTarget("fwd_ret_5"), "long_low")).toBe(-1);
  });
});
