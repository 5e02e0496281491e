/**
 * Validation of the run files the report draws. Each schema is typed against its interface in
 * src/artifacts/run-files.ts (or src/leakage/types.ts), so a change of the contract that the report
 * does not follow fails to compile here instead of drawing a wrong chart. Objects are loose: a
 * stage may add optional fields without breaking older reports.
 */
import { z } from "zod";
import type {
  EvaluationFile,
  LeakageSummaryFile,
  NestedSummaryFile,
  SelectionFile,
  StatusFile,
  TargetConfidence,
  TargetRankingsFile,
  TimeSeriesData,
  TrainingFile,
} from "../artifacts/run-files.js";

const num = z.number();
const optNum = z.number().nullable();
// `params: unknown` in the contract is a required key; z.unknown() alone would make it optional.
const anyValue = z.custom<unknown>(() => true);

export const TargetRankingsSchema: z.ZodType<TargetRankingsFile> = z.looseObject({
  weights: z.looseObject({ skill: num, stability: num, agreement: num }),
  families: z.array(z.string()),
  targets: z.array(
    z.looseObject({
      rank: num,
      target: z.string(),
      type: z.enum(["regression", "binary", "multiclass"]),
      horizon: num,
      metric: z.string(),
      skill: optNum,
      stability: optNum,
      agreement: optNum,
      t_stat: optNum,
      composite: optNum,
      kept: z.boolean(),
      reason: z.string(),
      by_family: z.record(z.string(), z.looseObject({ score: optNum, folds: z.array(optNum) })),
    }),
  ),
  kept: z.array(z.string()),
});

export const SelectionSchema: z.ZodType<SelectionFile> = z.looseObject({
  target: z.string(),
  candidates: num,
  methods: z.array(
    z.looseObject({ method: z.string(), weight: num, status: z.enum(["ok", "failed"]), error: z.string().optional(), seconds: num }),
  ),
  consensus: z.array(
    z.looseObject({
      feature: z.string(),
      rank: num,
      score: num,
      by_method: z.record(z.string(), optNum),
      cluster: num,
      selected: z.boolean(),
      reason: z.string(),
    }),
  ),
  clusters: z.array(z.looseObject({ id: num, members: z.array(z.string()), representative: z.string() })),
  agreement: z.looseObject({ methods: z.array(z.string()), matrix: z.array(z.array(optNum)) }),
  selected: z.array(z.string()),
});

const TimeSeries = z.looseObject({ times: z.array(z.string()), values: z.array(optNum) });

/**
 * An evaluation file as on disk: the series (ic_series, equity, drawdown) live in the series file it
 * names (series_file, src/evaluation/series-file.ts) and are put back by the reader; files written
 * before that hold them inline.
 */
export type EvaluationOnDisk = Omit<EvaluationFile, "models"> & {
  series_file?: string;
  models: Array<
    Omit<EvaluationFile["models"][number], "ic_series" | "backtests"> & {
      ic_series?: TimeSeriesData;
      backtests: Array<Omit<EvaluationFile["models"][number]["backtests"][number], "equity" | "drawdown"> & { equity?: TimeSeriesData; drawdown?: TimeSeriesData }>;
    }
  >;
};

export const EvaluationSchema: z.ZodType<EvaluationOnDisk> = z.looseObject({
  series_file: z.string().optional(),
  target: z.string(),
  metric: z.string(),
  trials: num,
  models: z.array(
    z.looseObject({
      name: z.string(),
      kind: z.enum(["family", "ensemble"]),
      metrics: z.looseObject({ ic: optNum, rank_ic: optNum, icir: optNum, ic_t: optNum, r2: optNum, auc: optNum, hit_rate: optNum }),
      folds: z.array(z.looseObject({ fold: num, ic: optNum, rank_ic: optNum, r2: optNum, auc: optNum })),
      ic_series: TimeSeries.optional(),
      backtests: z.array(
        z.looseObject({
          strategy: z.string(),
          annual_return: optNum,
          annual_volatility: optNum,
          sharpe: optNum,
          information_ratio: optNum,
          max_drawdown: optNum,
          turnover: optNum,
          deflated_sharpe: optNum,
          probabilistic_sharpe: optNum,
          equity: TimeSeries.optional(),
          drawdown: TimeSeries.optional(),
        }),
      ),
    }),
  ),
  best: z.string().nullable(),
});

export const TrainingSchema: z.ZodType<TrainingFile> = z.looseObject({
  target: z.string(),
  family: z.string(),
  variant: z.string(),
  status: z.enum(["succeeded", "failed", "no_signal"]),
  params: anyValue,
  metric: z.string(),
  score: optNum,
  t_stat: optNum,
  folds: z.array(z.looseObject({ fold: num, train_rows: num, test_rows: num, score: optNum })),
  importance: z.array(z.looseObject({ feature: z.string(), value: num })),
  hpo: z
    .looseObject({
      trials: num,
      pruned: num,
      best_score: optNum,
      best_params: anyValue,
      history: z.array(z.looseObject({ trial: num, score: optNum, pruned: z.boolean(), params: anyValue })),
    })
    .optional(),
  model_path: z.string().nullable(),
  seconds: num,
});

const STATUS_VALUES = ["succeeded", "failed", "no_signal", "skipped"] as const;

export const StatusSchema: z.ZodType<StatusFile> = z.looseObject({
  records: z.array(
    z.looseObject({
      stage: z.enum(["ranking", "selection", "leakage", "training", "ensembling", "evaluation", "nested", "report"]),
      target: z.string().nullable(),
      family: z.string().nullable(),
      symbol: z.string().nullable(),
      status: z.enum(STATUS_VALUES),
      error: z.looseObject({ type: z.string(), message: z.string() }).nullable(),
      score: optNum,
      top_feature: z.string().nullable(),
      seconds: optNum,
    }),
  ),
  counts: z.looseObject({ succeeded: num, failed: num, no_signal: num, skipped: num }),
});

export const ConfidenceSchema: z.ZodType<TargetConfidence[]> = z.array(
  z.looseObject({
    target: z.string(),
    tier: z.enum(["high", "medium", "low"]),
    reasons: z.array(z.string()),
    best_model: z.string().nullable(),
    score: optNum,
  }),
);

export const LeakageSummarySchema: z.ZodType<LeakageSummaryFile> = z.looseObject({
  targets: z.array(
    z.looseObject({
      target: z.string(),
      status: z.string(),
      verdict: z.string(),
      excluded: z.array(z.looseObject({ feature: z.string(), round: num, reason: z.string() })),
      suspicious: z.array(z.string()),
      report_path: z.string(),
    }),
  ),
  excluded: z.array(z.string()),
});

const Verdict = z.enum(["OK", "SUSPICIOUS", "LEAK"]);
const Check = z.looseObject({
  check: z.string(),
  verdict: Verdict,
  evidence: z.looseObject({ figure: z.string(), value: z.union([num, z.string()]).nullable(), threshold: z.union([num, z.string()]).nullable() }),
  explanation: z.string(),
});

/**
 * The parts of a target's LeakageReport (src/leakage/types.ts) that the report shows. Not typed
 * against LeakageReport itself: that interface names every check, and a report from a newer
 * version with a new check should still draw.
 */
export const LeakageReportSchema = z.looseObject({
  format: z.literal("foxml.leakage-report"),
  target: z.looseObject({ name: z.string(), type: z.string(), horizon: num }),
  status: z.string(),
  verdict: Verdict,
  rounds: z.array(
    z.looseObject({
      round: num,
      features_checked: num,
      leak: z.array(z.string()),
      suspicious: z.array(z.string()),
      model: z.looseObject({ family: z.string(), metric: z.string(), score: optNum, baseline: optNum, features: num }).nullable(),
      model_skipped: z.string().nullable(),
    }),
  ),
  features: z.record(z.string(), z.looseObject({ verdict: Verdict, round: num, checks: z.array(Check) })),
  excluded: z.array(z.looseObject({ feature: z.string(), round: num, checks: z.array(z.string()), reason: z.string() })),
  model_checks: z.array(Check),
  sentinels: z.array(Check),
});
export type LeakageReportView = z.infer<typeof LeakageReportSchema>;
export type LeakageCheckView = z.infer<typeof Check>;

export const NestedSummarySchema: z.ZodType<NestedSummaryFile> = z.looseObject({
  mode: z.enum(["walk_forward", "holdout"]),
  outer_folds: z.array(z.looseObject({ fold: num, test_start: z.string(), test_end: z.string(), bars: num })),
  targets: z.array(
    z.looseObject({
      target: z.string(),
      metric: z.string(),
      no_skill: num,
      kept_folds: num,
      folds: num,
      best: z.string().nullable(),
      trials: num,
      models: z.array(
        z.looseObject({
          name: z.string(),
          kind: z.enum(["family", "ensemble"]),
          score: optNum,
          score_t: optNum,
          deflated_sharpe: optNum,
          sharpe: optNum,
          not_nested_score: optNum,
          not_nested_score_t: optNum,
          not_nested_deflated_sharpe: optNum,
        }),
      ),
    }),
  ),
  seconds: num,
  notes: z.array(z.string()),
});
