/**
 * Evaluation of one target: every family and ensemble scored alike on the target's folds
 * (research metrics overall and per fold, the IC over time) and traded as a portfolio with each
 * configured strategy, with Sharpe ratios deflated for the number of models tried.
 */
import type { Panel } from "../data/types.js";
import { ownTestCells } from "../ensemble/score.js";
import { sourceFolds } from "../ensemble/folds.js";
import type { EvaluatedModel, EvaluationFile } from "../artifacts/run-files.js";
import type { CvData } from "../training/cv-data.js";
import { backtestSetup, finishBacktests, runModelBacktests, type EvaluatedBacktest, type RawBacktest } from "./backtests.js";
import { foldMetrics, modelIcSeries, overallMetrics, type ResearchMetrics } from "./metrics.js";
import type { EvaluationConfig } from "./schema.js";
import { rollingIcSeries } from "./series.js";
import { chooseStrategies, tradeDirection, type ResolvedStrategy, type StrategySet } from "./strategies.js";
import { typicalCrossSection } from "../leakage/quick-model.js";
import { finiteOrNull as num } from "../util/finite.js";
import { isCrossSectional } from "../backtest/strategies.js";

export interface EvaluationModelInput {
  name: string;
  kind: "family" | "ensemble";
  /** Out-of-fold predictions (T x S, NaN outside tested cells). */
  oof: Float64Array;
  /**
   * True (default) when the predictions are forecasts of what the models were fitted to, so R^2
   * is reported; false for scores such as the rank average (EnsembleResult.forecast).
   */
  forecast?: boolean;
  /** cvFit's per-fold outcomes; only the training rows are read (the file's folds are recomputed from oof). */
  folds?: ReadonlyArray<{ index: number; trainRows: number }>;
}

export interface EvaluateInput {
  data: CvData;
  /** The panel the target was built on: its times, symbols and closes (for the backtest's returns). */
  panel: Panel;
  models: readonly EvaluationModelInput[];
  /** Configurations tried for this target (families x HPO trials x ensembles), for the deflated Sharpe. */
  trials: number;
  /** Per-bar Sharpe ratios of the trials, when known; else from the models' own (see backtests.ts). */
  trialSharpes?: readonly number[];
  config: EvaluationConfig;
  /** Where the configuration lives, for messages (default pipeline.evaluation). */
  configKey?: string;
}

/** An evaluated model with the optional fields this module adds to the artifact shape. */
export type EvaluatedModelOut = Omit<EvaluatedModel, "folds" | "backtests"> & {
  /** The target's metric (EvaluationFile.metric) and its t-statistic against no skill. */
  score: number | null;
  score_t: number | null;
  /** Cells with a prediction and a label. */
  cells: number;
  folds: Array<EvaluatedModel["folds"][number] & { score: number | null; cells: number; train_rows: number | null }>;
  backtests: EvaluatedBacktest[];
};

export type EvaluationFileOut = Omit<EvaluationFile, "models"> & {
  models: EvaluatedModelOut[];
  /** The target metric's value without skill (0 for correlations, 0.5 for AUC). */
  no_skill: number;
  /** +1: the portfolios buy high predictions; -1: low ones (targets where high is bad news). */
  direction: 1 | -1;
  /** The strategies as run (auto sizes resolved); a key a strategy kind does not have is null. */
  strategies: StrategyRow[];
  /** Which strategies ran: cross-sectional, time-series or both (what strategy_set auto chose). */
  strategy_set: StrategySet;
  /** Median labelled symbols per timestamp, which strategy_set auto reads. */
  typical_cross_section: number;
  notes: string[];
};


export interface StrategyRow {
  name: string;
  kind: string;
  top_k: number | null;
  n_drop: number | null;
  quantile: number | null;
  threshold: number | null;
  max_weight: number | null;
  target_vol: number | null;
  vol_window: number | null;
}

function strategyRow(s: ResolvedStrategy): StrategyRow {
  const c: Record<string, unknown> = s.config;
  const pick = (k: keyof StrategyRow): number | null => (typeof c[k] === "number" ? c[k] : null);
  return {
    name: s.name,
    kind: s.config.kind,
    top_k: pick("top_k"),
    n_drop: pick("n_drop"),
    quantile: pick("quantile"),
    threshold: pick("threshold"),
    max_weight: pick("max_weight"),
    target_vol: pick("target_vol"),
    vol_window: pick("vol_window"),
  };
}

/** A time-series book whose |net exposure| is at least this share of its gross is "one-sided". */
const ONE_SIDED = 0.8;

/** Assignable to the artifact shape (a compile-time check that the additions only add). */
export const asEvaluationFile = (f: EvaluationFileOut): EvaluationFile => f;

export function evaluateTarget(input: EvaluateInput): EvaluationFileOut {
  const { data, panel, config } = input;
  const key = input.configKey ?? "pipeline.evaluation";
  const { T, S } = data;
  if (panel.T !== T || panel.S !== S) throw new Error(`evaluateTarget: panel is ${panel.T} x ${panel.S}, the target's folds ${T} x ${S}`);
  const names = new Set<string>();
  for (const m of input.models) {
    if (m.oof.length !== T * S) throw new Error(`evaluateTarget: model ${m.name} has ${m.oof.length} predictions, expected T*S = ${T * S}`);
    if (names.has(m.name)) throw new Error(`evaluateTarget: model ${m.name} is listed twice`);
    names.add(m.name);
  }
  const typical = typicalCrossSection(data.y, T, S);
  const choice = chooseStrategies(config, S, typical, key);
  const strategies = choice.strategies;
  const direction = tradeDirection(data.target, config.direction);
  const setup = backtestSetup(panel, data.target, config, strategies, direction, data.task.objective === "binary", key);
  const source = sourceFolds(data);
  const foldCells = data.test.map((cells, k) => ownTestCells(cells, source, k));

  const partial: Array<Omit<EvaluatedModelOut, "backtests">> = [];
  const raw: RawBacktest[][] = [];
  for (const m of input.models) {
    const forecast = m.forecast ?? true;
    const ic = modelIcSeries(m.oof, data);
    const overall = overallMetrics(m.oof, data, forecast, ic);
    const folds = data.folds.map((fold, k) => {
      const f = foldMetrics(m.oof, data, forecast, ic, foldCells[k]);
      const trained = m.folds?.find((o) => o.index === fold.index);
      return { fold: fold.index, ic: num(f.ic), rank_ic: num(f.rankIc), r2: num(f.r2), auc: num(f.auc), score: num(f.score), cells: f.n, train_rows: trained?.trainRows ?? null };
    });
    partial.push({
      name: m.name,
      kind: m.kind,
      metrics: metricsOut(overall),
      score: num(overall.score),
      score_t: num(overall.scoreT),
      cells: overall.n,
      folds,
      ic_series: rollingIcSeries(ic.pearson, panel.times, config.ic_window, config.max_points),
    });
    raw.push(runModelBacktests(setup, m.oof));
  }
  const backtests = finishBacktests(raw, strategies, input.trials, input.trialSharpes, config.max_points);
  const models: EvaluatedModelOut[] = partial.map((p, i) => ({ ...p, backtests: backtests[i] }));

  const notes: string[] = [];
  if (choice.reason !== null) notes.push(choice.reason);
  const silent = models.filter((m) => m.backtests.length === 0).map((m) => m.name);
  if (silent.length > 0) notes.push(`no backtest (no out-of-fold prediction): ${silent.join(", ")}`);
  const idle = strategies.filter((s) => isCrossSectional(s.config)).filter((s) => models.some((m) => m.backtests.some((b) => b.strategy === s.name && b.rebalances === 0))).map((s) => s.name);
  if (idle.length > 0) {
    notes.push(`${idle.join(", ")}: some books never traded: fewer than ${config.backtest.min_symbols} tradable symbols with a prediction at every rebalance (${key}.backtest.min_symbols)`);
  }
  const oneSided = models.flatMap((m) =>
    m.backtests
      .filter((b) => b.sharpe_basis === "timing" && b.average_net_exposure !== null && b.average_gross_exposure! > 0 && Math.abs(b.average_net_exposure) >= ONE_SIDED * b.average_gross_exposure!)
      .map((b) => `${m.name} ${b.strategy} (net/gross exposure ${(b.average_net_exposure! / b.average_gross_exposure!).toFixed(2)})`),
  );
  if (oneSided.length > 0) {
    notes.push(`time-series books nearly always on one side, whose Sharpe ratio is mostly the instrument's drift: ${oneSided.join(", ")}; their PSR and DSR are of the timing return (net minus the average position held all along)`);
  }
  if (data.plan.adapted !== null) notes.push(`${data.plan.adapted}: the history held fewer folds than configured`);
  if (data.plan.kind !== "walk_forward") {
    notes.push(`${data.plan.kind}: the backtests trade out-of-fold predictions of models that trained on data after the traded period (purged, but not a walk-forward simulation)`);
  }
  return {
    target: data.target.name,
    metric: data.task.metric,
    trials: Math.max(1, Math.floor(input.trials)),
    models,
    best: bestModel(models),
    no_skill: data.task.noSkill,
    direction,
    strategies: strategies.map(strategyRow),
    strategy_set: choice.set,
    typical_cross_section: typical,
    notes,
  };
}

function metricsOut(m: ResearchMetrics): EvaluatedModel["metrics"] {
  return { ic: num(m.ic), rank_ic: num(m.rankIc), icir: num(m.icir), ic_t: num(m.icT), r2: num(m.r2), auc: num(m.auc), hit_rate: num(m.hitRate) };
}

/** The model with the highest value of the target's metric (every metric here is higher-is-better); the first on ties. */
export function bestModel(models: ReadonlyArray<{ name: string; score: number | null }>): string | null {
  let best: string | null = null;
  let value = -Infinity;
  for (const m of models) {
    if (m.score !== null && m.score > value) {
      value = m.score;
      best = m.name;
    }
  }
  return best;
}
