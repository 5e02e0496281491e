/**
 * Training one family on one target: cross-validated under the configured splitter (optionally
 * after a hyperparameter search over the same folds), judged against no skill, and, when it found
 * something, refitted on all the data as the final model.
 *
 * With the search on, trial 0 is the configured hyperparameters and every trial sees the same
 * folds and the same fit seeds, so differences between trials come from the parameters alone and
 * the chosen configuration scores at least as well as the configured one on the folds. That score
 * is optimistic by the selection (the trials were judged on the folds that report it): the number
 * of trials and their scores are returned for the deflated Sharpe ratio.
 */
import type { FitContext } from "../models/family.js";
import type { TrainingFile } from "../artifacts/run-files.js";
import { makeCvData, type CvData, type CvDataOptions } from "./cv-data.js";
import { cvFit, paramsForTask, type CvFitResult } from "./cv-fit.js";
import { fitFinalModel } from "./final-model.js";
import { checkSearchSpace, resolveSearchSpace, type SearchSpace } from "./hpo/space.js";
import { runStudy, type Objective, type StudyResult } from "./hpo/study.js";
import type { TrainingConfig } from "./schema.js";
import { Rng } from "../util/random.js";
import { finiteOrNull } from "../util/finite.js";

export interface FamilySpec {
  name: string;
  variant: string;
  /** The family's hyperparameters after its YAML, variant and overrides (before its schema). */
  hyperparameters: Record<string, unknown>;
}

export interface TrainFamilyInput {
  /** The target in folds: build it with `trainingCvData` so the splitter and row caps follow the config. */
  data: CvData;
  features: readonly string[];
  grids: ReadonlyMap<string, Float32Array>;
  family: FamilySpec;
  config: TrainingConfig;
  seed: number;
  threads: number;
  log?: FitContext["log"];
  signal?: AbortSignal;
}

export interface FamilyTrainResult {
  file: Omit<TrainingFile, "model_path">;
  /** Out-of-fold predictions of the chosen configuration (T x S, NaN outside the tested cells). */
  oof: Float64Array;
  /** The final model's toJSON() (null when final_model is off or the family found no signal). */
  model: unknown | null;
  /** Configurations tried (1 without the search), for the deflated Sharpe ratio. */
  trials: number;
  /** Score of each configuration tried, in order (NaN for pruned trials). */
  trialScores: number[];
}

/** Importance rows kept in the training file. */
const TOP_IMPORTANCE = 50;

/** The target cut into folds as training configures it (splitter, row caps, its own seed streams). */
export function trainingCvData(o: Omit<CvDataOptions, "splitter" | "maxRows" | "maxTrainRows" | "purpose">, config: TrainingConfig): CvData {
  return makeCvData({ ...o, splitter: config.splitter, maxRows: config.max_rows, maxTrainRows: config.max_train_rows, purpose: "training" });
}

export async function trainFamily(input: TrainFamilyInput): Promise<FamilyTrainResult> {
  const started = performance.now();
  const { data, features, grids, family, config } = input;
  const base = family.hyperparameters;
  // Fails fast (UnsupportedTaskError, invalid hyperparameters) before any fitting.
  const baseParams = paramsForTask(family.name, base, data) as Record<string, unknown>;
  const noSkill = data.task.noSkill;
  const lastFold = data.folds.length - 1;

  const fit = (overrides: Record<string, unknown>, onFold?: (fold: number, score: number) => boolean) =>
    cvFit({
      data,
      features,
      grids,
      family: family.name,
      hyperparameters: { ...base, ...overrides },
      seed: input.seed,
      threads: input.threads,
      purpose: "train",
      validFraction: config.valid_fraction,
      // A completed last fold is never pruned: the trial is whole by then.
      onFold: onFold && ((k, s) => k === lastFold || !onFold(k, Number.isFinite(s.value) ? s.value : noSkill)),
      signal: input.signal,
      log: input.log,
    });

  const space = config.hpo.enabled ? resolveSearchSpace(family.name, config.hpo.search_space) : {};
  let chosen: CvFitResult;
  let study: StudyResult<CvFitResult> | undefined;
  if (config.hpo.enabled && Object.keys(space).length === 0) {
    input.log?.warn({ family: family.name, target: data.target.name }, "hyperparameter search skipped: the search space is empty");
  }
  if (Object.keys(space).length > 0) {
    checkSearchSpace(family.name, space, (ov) => rejection(() => paramsForTask(family.name, { ...base, ...ov }, data)));
    let baseline: CvFitResult | undefined;
    const objective: Objective<CvFitResult> = async (params, trial) => {
      const r = await fit(params, (k, score) => trial.report(k, score));
      if (trial.index === 0) baseline = r;
      return { score: r.score.value, pruned: r.pruned, result: r };
    };
    const hpo = config.hpo;
    study = await runStudy({
      space,
      objective,
      trials: hpo.trials,
      minutes: hpo.minutes,
      seed: new Rng(input.seed).fork(`hpo:${data.target.name}:${family.name}:${family.variant}`).nextUint32(),
      startupTrials: hpo.startup_trials,
      gamma: hpo.gamma,
      candidates: hpo.candidates,
      prune: { enabled: hpo.prune.enabled, warmupFolds: hpo.prune.warmup_folds, percentile: hpo.prune.percentile, minTrials: hpo.prune.min_trials },
      enqueue: [projection(space, baseParams)],
      signal: input.signal,
      onTrial: (t) =>
        input.log?.info({ family: family.name, target: data.target.name, trial: t.trial, score: t.score, pruned: t.pruned, folds: t.folds.length, seconds: t.seconds }, "hyperparameter trial"),
    });
    chosen = study.bestResult ?? baseline!;
  } else {
    chosen = await fit({});
  }

  const score = chosen.score;
  const hasSignal = Number.isFinite(score.value) && Number.isFinite(score.t) && score.t >= config.no_signal.min_t_stat && score.value > noSkill;
  const status: TrainingFile["status"] = hasSignal ? "succeeded" : "no_signal";
  const bestOverrides = study?.best?.params ?? {};

  let model: unknown | null = null;
  if (config.final_model && hasSignal) {
    const final = await fitFinalModel({
      data,
      features,
      grids,
      family: family.name,
      hyperparameters: { ...base, ...bestOverrides },
      seed: input.seed,
      threads: input.threads,
      maxTrainRows: config.max_train_rows,
      validFraction: config.valid_fraction,
      log: input.log,
      signal: input.signal,
    });
    model = final.json;
  }

  const file: Omit<TrainingFile, "model_path"> = {
    target: data.target.name,
    family: family.name,
    variant: family.variant,
    status,
    params: plain(chosen.params),
    metric: data.task.metric,
    score: finiteOrNull(score.value),
    t_stat: finiteOrNull(score.t),
    folds: chosen.folds.map((f) => ({ fold: f.index, train_rows: f.trainRows, test_rows: f.testRows, score: finiteOrNull(f.score.value) })),
    importance: importanceRows(chosen.importance),
    seconds: 0,
  };
  if (study !== undefined) {
    file.hpo = {
      trials: study.trials.length,
      pruned: study.pruned,
      best_score: finiteOrNull(study.best?.score ?? NaN),
      best_params: plain(bestOverrides),
      history: study.trials.map((t) => ({ trial: t.trial, score: finiteOrNull(t.score), pruned: t.pruned, params: plain(t.params) })),
    };
  }
  file.seconds = (performance.now() - started) / 1000;
  return {
    file,
    oof: chosen.oof,
    model,
    trials: study?.trials.length ?? 1,
    trialScores: study ? study.trials.map((t) => t.score) : [score.value],
  };
}

/** The configured values of the searched keys (trial 0 of a study), leaving out unset ones. */
function projection(space: SearchSpace, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(space).sort()) if (params[key] !== undefined) out[key] = params[key];
  return out;
}

/** Importance as shares of the total (summing to 1), largest first, ties by name; empty when none. */
export function importanceRows(importance: Record<string, number>, top = TOP_IMPORTANCE): Array<{ feature: string; value: number }> {
  let total = 0;
  for (const v of Object.values(importance)) if (Number.isFinite(v) && v > 0) total += v;
  if (!(total > 0)) return [];
  return Object.entries(importance)
    .filter(([, v]) => Number.isFinite(v) && v > 0)
    .map(([feature, v]) => ({ feature, value: v / total }))
    .sort((a, b) => b.value - a.value || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0))
    .slice(0, top);
}

function rejection(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}


/** A JSON-plain copy (no undefined members, no functions), as the job store and the file need. */
function plain(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}
