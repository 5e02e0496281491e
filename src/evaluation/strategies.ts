/**
 * The evaluation's strategies made concrete for one universe: cross-sectional or time-series ones
 * by how many symbols a timestamp typically holds, "auto" sizes resolved from the number of
 * symbols, checked against it, and the direction the portfolio trades the predictions.
 */
import type { StrategyConfig } from "../backtest/schema.js";
import { isCrossSectional } from "../backtest/strategies.js";
import { MIN_CROSS_SECTION } from "../leakage/association.js";
import type { TargetSpec } from "../targets/spec.js";
import { InputError } from "../util/errors.js";
import type { EvaluationConfig, EvaluationStrategy } from "./schema.js";

export interface ResolvedStrategy {
  name: string;
  config: StrategyConfig;
}

/** K for "auto": a fifth of the universe, at least 2, and fewer than the symbols (so a ranking matters). */
export function autoTopK(S: number): number {
  return Math.max(1, Math.min(S - 1, Math.max(2, Math.round(S / 5))));
}

export type StrategySet = "cross_sectional" | "time_series" | "both";

export interface StrategyChoice {
  /** What ran: the setting, or what "auto" chose. */
  set: StrategySet;
  strategies: ResolvedStrategy[];
  /** Why, in words (for the evaluation file's notes), when "auto" chose. */
  reason: string | null;
}

/**
 * The strategies of one target: `strategy_set` as configured, or for "auto" the cross-sectional
 * ones when a timestamp typically holds enough labelled symbols to rank (typicalCrossSection of
 * the labels, the measure that decides whether a target is scored across symbols) and the
 * time-series ones otherwise. One FX pair, or three futures, get time-series books.
 */
export function chooseStrategies(config: EvaluationConfig, S: number, typicalCrossSection: number, key = "pipeline.evaluation"): StrategyChoice {
  const need = Math.max(MIN_CROSS_SECTION, config.backtest.min_symbols);
  let set: StrategySet;
  let reason: string | null = null;
  if (config.strategy_set !== "auto") set = config.strategy_set;
  else {
    set = typicalCrossSection >= need ? "cross_sectional" : "time_series";
    if (set === "time_series") {
      reason = `time-series strategies (${config.time_series_strategies.map((s) => s.name ?? s.kind).join(", ")}): a timestamp typically holds ${typicalCrossSection} labelled symbol${typicalCrossSection === 1 ? "" : "s"}, fewer than the ${need} a cross-sectional book ranks (${key}.strategy_set auto)`;
    }
  }
  const cs = set === "time_series" ? [] : resolveStrategies(config.strategies, S, key);
  const ts = set === "cross_sectional" ? [] : config.time_series_strategies.map((s) => resolveTimeSeries(s));
  const strategies = [...cs, ...ts];
  const seen = new Set<string>();
  for (const s of strategies) {
    if (seen.has(s.name)) throw new InputError(`${key}: strategy name "${s.name}" is used by both strategies and time_series_strategies`, "give each strategy a distinct name (the name key)");
    seen.add(s.name);
  }
  return { set, strategies, reason };
}

function resolveTimeSeries(s: EvaluationConfig["time_series_strategies"][number]): ResolvedStrategy {
  const { name, ...config } = s;
  return { name: name ?? s.kind, config };
}

export function resolveStrategies(list: readonly EvaluationStrategy[], S: number, key = "pipeline.evaluation"): ResolvedStrategy[] {
  return list.map((s, i) => {
    const name = s.name ?? s.kind;
    const at = `${key}.strategies[${i}]`;
    if (s.kind === "long_short") return { name, config: { kind: "long_short", quantile: s.quantile, weighting: s.weighting } };
    const k = s.top_k === "auto" ? autoTopK(S) : s.top_k;
    if (k > S) {
      throw new InputError(`${at}.top_k: ${k} names is more than the ${S} symbols in the data`, `set top_k below ${S}, or "auto"`);
    }
    if (s.kind === "top_k") return { name, config: { kind: "top_k", top_k: k } };
    const nDrop = s.n_drop === "auto" ? Math.max(1, Math.round(k / 5)) : s.n_drop;
    if (nDrop > k) throw new InputError(`${at}.n_drop: ${nDrop} exceeds top_k (${k})`, "set n_drop at most top_k");
    return { name, config: { kind: "topk_dropout", top_k: k, n_drop: nDrop } };
  });
}

/**
 * +1 when the portfolio should buy high predictions, -1 when high predictions are bad news for a
 * holder: large adverse excursions and drawdowns, and zigzag peaks (the price is about to turn down).
 */
export function tradeDirection(target: Pick<TargetSpec, "definition">, setting: EvaluationConfig["direction"]): 1 | -1 {
  if (setting === "long_high") return 1;
  if (setting === "long_low") return -1;
  const d = target.definition;
  if (d.kind === "excursion" && (d.measure === "mae" || d.measure === "mdd")) return -1;
  if (d.kind === "zigzag" && d.pivot === "peak") return -1;
  return 1;
}

/** Long-only strategies are judged against the benchmark (their skill is the active return). */
export function isLongOnly(config: StrategyConfig): boolean {
  return isCrossSectional(config) && config.kind !== "long_short";
}
