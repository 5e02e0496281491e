/**
 * The evaluation's strategies made concrete for one universe: "auto" sizes resolved from the
 * number of symbols, checked against it, and the direction the portfolio trades the predictions.
 */
import type { StrategyConfig } from "../backtest/schema.js";
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
  return config.kind !== "long_short";
}
