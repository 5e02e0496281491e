/**
 * Scores one candidate target: every ranking family is fitted under the target's purged folds
 * (through cvFit, as everywhere else), and its out-of-fold predictions are judged overall, per
 * fold, per block of time and per symbol; then the families' predictions are compared with each
 * other. A family that fails is recorded with its error and the others go on; one that cannot
 * learn the target's type is marked unsupported, except the linear regression families on a
 * binary target, which are fitted as a linear probability model or as logistic regression
 * (`linear_on_binary`).
 *
 * The result is plain data (the pipeline's job store keeps it for --resume); the out-of-fold grids
 * are dropped once scored.
 */
import "../models/index.js";
import { blockCount, timeBlocks } from "../leakage/association.js";
import type { Score, ScoreMetric } from "../leakage/quick-model.js";
import { getFamily } from "../models/registry.js";
import type { TargetType } from "../targets/spec.js";
import type { CvData } from "../training/cv-data.js";
import { cvFit, UnsupportedTaskError } from "../training/cv-fit.js";
import { isFoxmlError } from "../util/errors.js";
import type { RankingConfig, RankingFamilyEntry } from "./schema.js";
import { blockSkills, predictionAgreement, symbolSkills, testedBlockStarts, tOfMean } from "./skill.js";

export type FamilyStatus = "ok" | "failed" | "unsupported";

export interface FamilyScore {
  /** The configured family name (the key in the rankings). */
  family: string;
  /**
   * What was fitted: the family, "logistic" in place of ridge on a binary target, or
   * "ridge (linear probability)"; null when nothing was.
   */
  fittedAs: string | null;
  status: FamilyStatus;
  /** Why the family failed or is unsupported; null when ok. */
  error: string | null;
  /**
   * All out-of-fold predictions together: the metric's value, the t-statistic of the skill across
   * blocks of time (not the pooled metric's own, which treats overlapping labels as independent),
   * and the scored rows (timestamps for the IC).
   */
  score: Score;
  /** score.value minus the metric's no-skill level (AUC - 0.5). */
  skill: number;
  /** Per fold that was fitted: skill above no skill and its size. */
  folds: Array<{ fold: number; skill: number; n: number; trainRows: number; testRows: number }>;
  /** Skill above no skill per block of time (NaN where a block has too little to score). */
  blockSkill: number[];
  /** Skill above no skill per symbol, aligned with TargetScore.symbols (NaN where too few rows). */
  symbolSkill: number[];
  seconds: number;
}

export interface TargetScore {
  target: string;
  type: TargetType;
  horizon: number;
  /** Bars the label reads after the decision (purge and block length follow it). */
  window: number;
  metric: ScoreMetric;
  /** The metric's value without skill (0.5 for AUC, else 0). */
  noSkill: number;
  symbols: string[];
  /** Cells used (after the max_rows sample) and their timestamps. */
  rows: number;
  timestamps: number;
  /** Folds in the plan (some may go unfitted when their training part is too small). */
  folds: number;
  /** Folds the splitter configuration asked for, and why the history held fewer (null: as asked). */
  foldsRequested: number;
  foldsAdapted: string | null;
  /** Blocks of time the t-statistics are computed from. */
  blocks: number;
  families: FamilyScore[];
  /** Mean pairwise agreement of the ok families' predictions; NaN with fewer than two. */
  agreement: number;
  agreementPairs: Array<{ a: string; b: string; value: number }>;
  seconds: number;
}

export interface RankingLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface ScoreTargetInput {
  /** The target in purged folds (makeCvData with config.splitter, max_rows, max_train_rows). */
  data: CvData;
  features: readonly string[];
  grids: ReadonlyMap<string, Float32Array>;
  /** Symbol names, one per panel column. */
  symbols: readonly string[];
  config: Pick<RankingConfig, "families" | "linear_on_binary">;
  seed: number;
  threads: number;
  log?: RankingLog;
  signal?: AbortSignal;
}

/** Linear regression families and the logistic penalty that matches each. */
const LOGISTIC_PENALTY: Record<string, "l2" | "l1" | "elasticnet"> = { ridge: "l2", lasso: "l1", elastic_net: "elasticnet" };
/** Settings the linear regression families share with logistic regression. */
const SHARED_LINEAR_KEYS = [
  "fit_intercept",
  "standardize",
  "missing_indicator",
  "winsorize",
  "max_iter",
  "tol",
  "lambda",
  "n_lambda",
  "lambda_min_ratio",
  "lambda_selection",
  "holdout_fraction",
  "holdout_gap_rows",
  "max_active",
  "l1_ratio",
];

export async function scoreTarget(input: ScoreTargetInput): Promise<TargetScore> {
  const started = performance.now();
  const { data } = input;
  const { T, S } = data;
  if (input.symbols.length !== S) throw new Error(`scoreTarget: ${input.symbols.length} symbol names for a panel of ${S} symbols`);
  const starts = testedBlockStarts(data);
  const families: FamilyScore[] = [];
  const oofs: Array<{ family: string; oof: Float64Array }> = [];
  for (const entry of input.config.families) {
    if (input.signal?.aborted) throw new Error("aborted");
    const t0 = performance.now();
    const seconds = () => round3((performance.now() - t0) / 1000);
    let fittedAs: string | null = null;
    try {
      const plan = familyPlan(entry, data, input.config.linear_on_binary);
      fittedAs = plan.label;
      const fit = await cvFit({
        // A linear probability model is a regression on the 0/1 label, scored by the AUC as before.
        data: plan.linearProbability ? { ...data, task: { ...data.task, objective: "regression" } } : data,
        features: input.features,
        grids: input.grids,
        family: plan.family,
        hyperparameters: plan.hyperparameters,
        seed: input.seed,
        threads: input.threads,
        purpose: "ranking",
        signal: input.signal,
      });
      const blockSkill = blockSkills(fit.oof, data.y, T, S, data.task, starts);
      const score: Score = { value: fit.score.value, t: tOfMean(blockSkill), n: fit.score.n };
      families.push({
        family: entry.name,
        fittedAs,
        status: "ok",
        error: null,
        score,
        skill: score.value - data.task.noSkill,
        folds: fit.folds.map((f) => ({ fold: f.index, skill: f.score.value - data.task.noSkill, n: f.score.n, trainRows: f.trainRows, testRows: f.testRows })),
        blockSkill: Array.from(blockSkill),
        symbolSkill: Array.from(symbolSkills(fit.oof, data.y, T, S, data.task)),
        seconds: seconds(),
      });
      oofs.push({ family: entry.name, oof: fit.oof });
      input.log?.info("family scored", { target: data.target.name, family: entry.name, fitted_as: fittedAs, metric: data.task.metric, value: score.value, t: score.t });
    } catch (e) {
      if (input.signal?.aborted) throw e;
      const unsupported = e instanceof UnsupportedTaskError;
      const error = errorText(e);
      families.push({
        family: entry.name,
        fittedAs,
        status: unsupported ? "unsupported" : "failed",
        error,
        score: { value: NaN, t: NaN, n: 0 },
        skill: NaN,
        folds: [],
        blockSkill: [],
        symbolSkill: [],
        seconds: seconds(),
      });
      input.log?.warn(unsupported ? "family does not learn this target" : "family failed", { target: data.target.name, family: entry.name, error });
    }
  }
  const agreementPairs: TargetScore["agreementPairs"] = [];
  for (let i = 0; i < oofs.length; i++) {
    for (let j = i + 1; j < oofs.length; j++) {
      agreementPairs.push({ a: oofs[i].family, b: oofs[j].family, value: predictionAgreement(oofs[i].oof, oofs[j].oof, T, S, data.task) });
    }
  }
  const finite = agreementPairs.map((p) => p.value).filter(Number.isFinite);
  let rows = 0;
  let timestamps = 0;
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let s = 0; s < S; s++) n += data.valid[t * S + s];
    rows += n;
    if (n > 0) timestamps++;
  }
  return {
    target: data.target.name,
    type: data.target.type,
    horizon: data.target.horizon,
    window: data.target.window,
    metric: data.task.metric,
    noSkill: data.task.noSkill,
    symbols: [...input.symbols],
    rows,
    timestamps,
    folds: data.folds.length,
    foldsRequested: data.plan.requestedFolds,
    foldsAdapted: data.plan.adapted,
    blocks: starts.length - 1,
    families,
    agreement: finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN,
    agreementPairs,
    seconds: round3((performance.now() - started) / 1000),
  };
}

/**
 * What to fit for a configured family on this target: the family itself, or for a linear
 * regression family on a binary target a linear probability model or logistic regression. Linear
 * families choosing their penalty on a holdout of the training rows get a gap of one label window
 * between fit and holdout, so the choice does not see labels that overlap the holdout.
 */
export function familyPlan(
  entry: RankingFamilyEntry,
  data: Pick<CvData, "task" | "train" | "S" | "target">,
  linearOnBinary: RankingConfig["linear_on_binary"],
): { family: string; hyperparameters: Record<string, unknown>; label: string; linearProbability: boolean } {
  const family = getFamily(entry.name);
  let name = entry.name;
  let label = entry.name;
  let linearProbability = false;
  let hp: Record<string, unknown> = { ...entry.hyperparameters };
  if (data.task.objective === "binary" && !family.tasks.includes("binary")) {
    const penalty = LOGISTIC_PENALTY[entry.name];
    if (linearOnBinary === "unsupported" || penalty === undefined) {
      throw new UnsupportedTaskError(
        `family ${entry.name} does not learn binary targets (it learns: ${family.tasks.join(", ")})`,
        penalty === undefined
          ? "rank binary targets with a family that learns them (lightgbm, xgboost, logistic, mlp)"
          : "set pipeline.ranking.linear_on_binary to linear_probability or logistic to score it anyway",
      );
    }
    if (linearOnBinary === "logistic") {
      name = "logistic";
      label = "logistic";
      hp = logisticFrom(penalty, hp);
    } else {
      linearProbability = true;
      label = `${entry.name} (linear probability)`;
    }
  }
  const defaults = getFamily(name).paramsSchema.safeParse({});
  const hasGap = defaults.success && typeof defaults.data === "object" && defaults.data !== null && "holdout_gap_rows" in defaults.data;
  if (hasGap && (hp.holdout_gap_rows === undefined || hp.holdout_gap_rows === "auto")) {
    hp.holdout_gap_rows = Math.ceil(data.target.window * maxRowsPerTime(data.train, data.S));
  }
  return { family: name, hyperparameters: hp, label, linearProbability };
}

function logisticFrom(penalty: "l2" | "l1" | "elasticnet", hp: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { penalty };
  for (const k of SHARED_LINEAR_KEYS) if (hp[k] !== undefined) out[k] = hp[k];
  if (penalty !== "elasticnet") delete out.l1_ratio;
  // The regression families pick lambda by mse or IC; the classifier's counterparts are log loss and AUC.
  if (hp.selection_metric === "ic" || hp.selection_metric === "rank_ic") out.selection_metric = "auc";
  return out;
}

/**
 * Most training rows any one timestamp has in any fold: window x this rows cover at least the
 * label window wherever the holdout starts (rows are in time order).
 */
function maxRowsPerTime(train: readonly Int32Array[], S: number): number {
  let best = 1;
  for (const cells of train) {
    let run = 0;
    let last = -1;
    for (const c of cells) {
      const t = Math.floor(c / S);
      run = t === last ? run + 1 : 1;
      last = t;
      if (run > best) best = run;
    }
  }
  return best;
}

function errorText(e: unknown): string {
  if (isFoxmlError(e)) return e.hint ? `${e.message} (${e.hint})` : e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
