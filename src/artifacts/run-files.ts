/**
 * The shapes of the files a run writes after the leakage stage: the contract between the stages
 * that produce them, the report that draws them, and the registry and CLI that read them. Paths
 * are relative to the run folder. Every number that may be undefined is `null` (JSON has no NaN).
 * Types only, importing nothing: the stages that write these files, evaluation, the report, the
 * registry, the dashboard and trading all read them from here, below every one of them.
 */

/** `target_rankings.json` (and the same rows as `target_rankings.csv`). */
export interface TargetRankingsFile {
  /** Composite-score weights used. */
  weights: { skill: number; stability: number; agreement: number };
  /** Families that scored every target. */
  families: string[];
  /** Best first. */
  targets: TargetRankingRow[];
  /** Names of the targets that continue to selection and training (top N that pass the bar). */
  kept: string[];
}

export interface TargetRankingRow {
  rank: number;
  target: string;
  type: "regression" | "binary" | "multiclass";
  horizon: number;
  /** ic | auc | rank_correlation */
  metric: string;
  /** Out-of-sample skill above no skill (mean over families; AUC - 0.5 for AUC). */
  skill: number | null;
  /** Share of folds and symbols whose skill has the sign of the mean skill, in [0, 1]. */
  stability: number | null;
  /** Mean pairwise correlation of the families' out-of-fold predictions, in [-1, 1]. */
  agreement: number | null;
  /** t-statistic of the skill across time blocks (best family). */
  t_stat: number | null;
  composite: number | null;
  kept: boolean;
  /** Why it was kept or dropped, in words. */
  reason: string;
  /** Per family: skill and per-fold skill. */
  by_family: Record<string, { score: number | null; folds: Array<number | null> }>;
}

/** One candidate's figures at the gate (null where a test did not give one). */
export interface GateRow {
  /** Shadow test: rounds in which the feature's gain beat every shadow, and P(X >= hits). */
  hits: number | null;
  p_shadow: number | null;
  /** Univariate test: mean rank IC, its block t-statistic and two-sided p. */
  ic: number | null;
  t: number | null;
  p_univariate: number | null;
  /** Combined p-value and its corrected value across the candidates. */
  p: number | null;
  q: number | null;
  passed: boolean;
}

export interface GateSummary {
  enabled: boolean;
  alpha?: number;
  /** The multiple-testing correction (`pipeline.selection.significance.correction`). */
  correction?: string;
  tests?: Array<{ test: string; status: "ok" | "failed"; error?: string; rounds?: number; shadow?: string; blocks?: number }>;
  /** Candidates whose q is at most alpha. */
  passed?: number;
  seconds?: number;
}

/** `selection/<target>/selection.json`. */
export interface SelectionFile {
  target: string;
  /** Features offered to selection (after the leakage gate's exclusions). */
  candidates: number;
  methods: Array<{ method: string; weight: number; status: "ok" | "failed"; error?: string; seconds: number }>;
  /** Consensus ranking, best first; one row per candidate feature. */
  consensus: Array<{
    feature: string;
    rank: number;
    /** Weighted consensus score in [0, 1]. */
    score: number;
    /** Per method: normalized importance in [0, 1] (null when the method failed or skipped it). */
    by_method: Record<string, number | null>;
    cluster: number;
    /** True when it is its cluster's representative, passes the significance gate and is within the top M. */
    selected: boolean;
    reason: string;
    /** The significance gate's figures for the feature (absent when the gate is off). */
    gate?: GateRow;
  }>;
  /** Correlated-feature clusters: representative first. */
  clusters: Array<{ id: number; members: string[]; representative: string }>;
  /** Spearman correlation between the methods' rankings: matrix[i][j] for methods[i], methods[j]. */
  agreement: { methods: string[]; matrix: Array<Array<number | null>> };
  /** The significance gate: settings, its tests' status, how many candidates passed (absent with selection off). */
  significance?: GateSummary;
  /** At most top_m features; empty when none beats noise. */
  selected: string[];
  /** Set when nothing is selected: why the target has no usable features (it is not trained). */
  no_usable_features?: string;
}

/** `training/<target>/<family>.json` (the out-of-fold predictions stay in the job store). */
export interface TrainingFile {
  target: string;
  family: string;
  variant: string;
  status: "succeeded" | "failed" | "no_signal";
  params: unknown;
  metric: string;
  score: number | null;
  t_stat: number | null;
  folds: Array<{ fold: number; train_rows: number; test_rows: number; score: number | null }>;
  /** Importance by feature, largest first (top 50). */
  importance: Array<{ feature: string; value: number }>;
  /** Hyperparameter search, when it ran. */
  hpo?: { trials: number; pruned: number; best_score: number | null; best_params: unknown; history: Array<{ trial: number; score: number | null; pruned: boolean; params: unknown }> };
  /** Model trained on all the data, relative path (models/<target>/<family>.json). */
  model_path: string | null;
  seconds: number;
}

/** A member's skill above no skill, so an AUC near 0.5 does not outrank an IC of 0.05 (no score: -Infinity). */
export function memberSkill(f: Pick<TrainingFile, "score" | "metric">): number {
  return f.score === null ? -Infinity : f.score - (f.metric === "auc" ? 0.5 : 0);
}

/** A series over time for plots: ISO dates and values (null where undefined). */
export interface TimeSeriesData {
  times: string[];
  values: Array<number | null>;
}

/** `evaluation/<target>.json`: every family and ensemble of one target, scored alike. */
export interface EvaluationFile {
  target: string;
  metric: string;
  /** Trials counted for the deflated Sharpe (families x HPO trials x ensembles). */
  trials: number;
  models: EvaluatedModel[];
  /** Name of the best model by the metric. */
  best: string | null;
}

export interface EvaluatedModel {
  name: string;
  kind: "family" | "ensemble";
  metrics: {
    ic: number | null;
    rank_ic: number | null;
    icir: number | null;
    ic_t: number | null;
    r2: number | null;
    auc: number | null;
    hit_rate: number | null;
  };
  folds: Array<{ fold: number; ic: number | null; rank_ic: number | null; r2: number | null; auc: number | null }>;
  /** Cross-sectional IC per timestamp (rolling mean for the plot). */
  ic_series: TimeSeriesData;
  backtests: Array<{
    strategy: string;
    annual_return: number | null;
    annual_volatility: number | null;
    sharpe: number | null;
    information_ratio: number | null;
    max_drawdown: number | null;
    turnover: number | null;
    deflated_sharpe: number | null;
    probabilistic_sharpe: number | null;
    /** Cumulative net return (equity - 1) per rebalance. */
    equity: TimeSeriesData;
    /** Drawdown (<= 0) per rebalance. */
    drawdown: TimeSeriesData;
  }>;
}

/** One row of `model_family_status.json`. */
export interface StatusRecord {
  stage: "ranking" | "selection" | "leakage" | "training" | "ensembling" | "evaluation" | "nested" | "report";
  target: string | null;
  family: string | null;
  symbol: string | null;
  status: "succeeded" | "failed" | "no_signal" | "skipped";
  /** For failures: error class and message; for no signal and skips, the reason (e.g. NoUsableFeatures). */
  error: { type: string; message: string } | null;
  score: number | null;
  top_feature: string | null;
  seconds: number | null;
}

export interface StatusFile {
  records: StatusRecord[];
  counts: Record<StatusRecord["status"], number>;
}

/** One row of `target_confidence.json`. */
export interface TargetConfidence {
  target: string;
  tier: "high" | "medium" | "low";
  /** The figures and thresholds behind the tier, in words. */
  reasons: string[];
  best_model: string | null;
  score: number | null;
}

/** `leakage_report.json` at the top of the run folder: the gate's outcome per target. */
export interface LeakageSummaryFile {
  targets: Array<{
    target: string;
    status: string;
    verdict: string;
    excluded: Array<{ feature: string; round: number; reason: string }>;
    suspicious: string[];
    report_path: string;
    /** The gate's re-check on the target's selected features (targets that reached it). */
    gate?: { status: string; verdict: string; excluded: Array<{ feature: string; round: number; reason: string }>; suspicious: string[]; report_path: string };
  }>;
  excluded: string[];
}

/** `nested/<target>.json`: what nested validation chose and predicted for a target, outer fold by outer fold. */
export interface NestedTargetFile {
  target: string;
  mode: "walk_forward" | "holdout";
  /** Outer folds whose inner ranking kept the target (the only folds it has predictions in). */
  kept_folds: number;
  folds: Array<{
    fold: number;
    /** First and last bar of the outer test block (ISO times). */
    test_start: string;
    test_end: string;
    /** Training times before the block after the purge (label window + buffer), and how many the purge removed. */
    train_times: number;
    purged: number;
    kept: boolean;
    /** The target's place in the fold's inner ranking (null when ranking is off or it could not be scored). */
    rank: number | null;
    composite: number | null;
    reason: string;
    /** Features the fold's inner selection chose (minus those the leakage gate excluded). */
    features: string[];
    selection_error: string | null;
    members: Array<{
      name: string;
      /** Hyperparameters chosen on the fold's training part (the configured ones without a search). */
      hyperparameters: unknown;
      trials: number;
      inner_score: number | null;
      /** The target's metric on the outer test block. */
      score: number | null;
      train_rows: number;
      error: string | null;
    }>;
  }>;
  /** The nested evaluation file (an EvaluationFile over the outer folds), null when nothing was predicted. */
  evaluation_path: string | null;
}

/** One model's nested figure beside the figure of the stages' own (non-nested) predictions on the same outer test cells. */
export interface NestedModelFigures {
  name: string;
  kind: "family" | "ensemble";
  score: number | null;
  score_t: number | null;
  deflated_sharpe: number | null;
  sharpe: number | null;
  /** The non-nested out-of-fold predictions of the same member, scored on the same outer test cells (null when the member was not trained by the stages). */
  not_nested_score: number | null;
  not_nested_score_t: number | null;
  not_nested_deflated_sharpe: number | null;
}

/** `nested/nested.json`: the outer folds and every target's nested figures (the honest ones). */
export interface NestedSummaryFile {
  mode: "walk_forward" | "holdout";
  outer_folds: Array<{ fold: number; test_start: string; test_end: string; bars: number }>;
  targets: Array<{
    target: string;
    metric: string;
    no_skill: number;
    kept_folds: number;
    folds: number;
    best: string | null;
    trials: number;
    models: NestedModelFigures[];
  }>;
  seconds: number;
  notes: string[];
}
