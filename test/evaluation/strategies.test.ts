/** The evaluation schema's defaults and the strategies made concrete for a universe. */
import { describe, expect, it } from "vitest";
import { autoTopK, chooseStrategies, resolveStrategies, tradeDirection } from "../../src/evaluation/strategies.js";
import { timingReturns } from "../../src/backtest/metrics.js";
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

describe("chooseStrategies", () => {
  const names = (c: ReturnType<typeof chooseStrategies>) => c.strategies.map((s) => s.name);
  it("auto: cross-sectional books from a typical cross-section of 5 labelled symbols (and min_symbols), time-series ones below", () => {
    const c = evaluationSchema.parse({});
    expect(c.time_series_strategies).toEqual([
      { kind: "sign", threshold: 0, max_weight: 1 },
      { kind: "vol_scaled", threshold: 0, target_vol: 0.1, vol_window: 60, max_weight: 1 },
    ]);
    expect(c.strategy_set).toBe("auto");
    const wide = chooseStrategies(c, 30, 5);
    expect([wide.set, names(wide), wide.reason]).toEqual(["cross_sectional", ["long_short", "topk_dropout"], null]);
    const few = chooseStrategies(c, 30, 4);
    expect([few.set, names(few)]).toEqual(["time_series", ["sign", "vol_scaled"]]);
    expect(few.reason).toMatch(/typically holds 4 labelled symbols, fewer than the 5 .*pipeline\.evaluation\.strategy_set auto/);
    expect(few.strategies[1].config).toEqual({ kind: "vol_scaled", threshold: 0, target_vol: 0.1, vol_window: 60, max_weight: 1 });
    // a larger min_symbols raises the bar
    expect(chooseStrategies(evaluationSchema.parse({ backtest: { min_symbols: 8 } }), 30, 7).set).toBe("time_series");
  });

  it("by configuration: one set, or both (cross-sectional first); names must not collide across the lists", () => {
    expect(names(chooseStrategies(evaluationSchema.parse({ strategy_set: "both" }), 30, 30))).toEqual(["long_short", "topk_dropout", "sign", "vol_scaled"]);
    expect(names(chooseStrategies(evaluationSchema.parse({ strategy_set: "time_series" }), 30, 30))).toEqual(["sign", "vol_scaled"]);
    expect(chooseStrategies(evaluationSchema.parse({ strategy_set: "cross_sectional" }), 2, 1).set).toBe("cross_sectional");
    const clash = evaluationSchema.parse({ strategy_set: "both", time_series_strategies: [{ kind: "sign", name: "long_short" }] });
    expect(() => chooseStrategies(clash, 30, 30)).toThrow(/strategy name "long_short" is used by both/);
    expect(evaluationSchema.safeParse({ time_series_strategies: [{ kind: "long_short" }] }).success).toBe(false);
    expect(evaluationSchema.safeParse({ strategies: [{ kind: "sign" }] }).success).toBe(false);
    expect(evaluationSchema.safeParse({ time_series_strategies: [{ kind: "vol_scaled", target_vol: 0.2, top_k: 3 }] }).success).toBe(false);
  });
});

describe("timingReturns", () => {
  it("of a book always fully long is minus its costs; of a book long and short in turn, its net return less the small average", () => {
    const r = [0.01, -0.02, 0.03, 0.005];
    const cost = [0.001, 0, 0, 0];
    const net = r.map((x, t) => x - cost[t]);
    const long = timingReturns(net, [1, 1, 1, 1], r, 1, 0, 3);
    for (let t = 0; t < 4; t++) expect(long[t]).toBeCloseTo(-cost[t], 15);
    const w = [1, -1, 1, -1];
    const net2 = r.map((x, t) => w[t] * x);
    expect(Array.from(timingReturns(net2, w, r, 1, 0, 3))).toEqual(net2);
    // two symbols: the average position per symbol, NaN returns earning 0
    const out = timingReturns([0.1, 0.2], [0.5, 0, 0.5, -1], [0.02, 0.04, NaN, 0.06], 2, 0, 1);
    expect(out[0]).toBeCloseTo(0.1 - (0.5 * 0.02 + -0.5 * 0.04), 15);
    expect(out[1]).toBeCloseTo(0.2 - -0.5 * 0.06, 15);
  });
});
