/**
 * Cascade training: a classifier learns the direction of a target, a regressor learns the target
 * (or its size), and the classifier's out-of-sample probability gates the regressor's prediction.
 * Both are fitted by cvFit on the SAME folds and cells (the classifier on a binary sibling of the
 * target's CvData), so the combination on a test cell uses two models that never saw its label.
 *
 * What the regressor learns (strategy.regress_on):
 * - target (default): the target itself, exactly as a single-task model would (its fitted form:
 *   the centred cross-sectional rank for IC-scored targets). The regressor stays a complete model
 *   on its own, its score is directly comparable with the single-task results, and the classifier
 *   acts as a second opinion on its sign. The gate weighs r by q, the classifier's probability
 *   that r's sign is right (q = p(up) where r >= 0, 1 - p(up) where r < 0), so a short signal is
 *   treated like a long one instead of being shrunk by a low p(up).
 *   soft: r * q;  hard: r where q > threshold, else neutral.
 * - magnitude: |target| only; the direction comes from the classifier. This is the hurdle
 *   decomposition E[y] = p E|y| - (1 - p) E|y| when up and down moves are of similar size; it
 *   suits raw-return targets, whose size (volatility) is far more predictable than their sign.
 *   soft: (2p - 1) * m;  hard: +m where p > threshold, -m where 1 - p > threshold, else neutral.
 *
 * Neutral is 0: no move for raw targets, the cross-sectional median for rank-fitted ones.
 */
import { getFamily } from "../../models/registry.js";
import type { FitContext } from "../../models/family.js";
import { modelTask, scorePredictions, type Score, type ScoreMetric } from "../../leakage/quick-model.js";
import type { TargetSpec } from "../../targets/spec.js";
import { FoxmlError, InputError } from "../../util/errors.js";
import type { CvData } from "../cv-data.js";
import { cvFit, paramsForTask, type CvFitResult } from "../cv-fit.js";
import type { CascadeConfig } from "./schema.js";

/** The value a gated-out prediction takes. */
export const CASCADE_NEUTRAL = 0;

export interface CascadeInput {
  data: CvData;
  features: readonly string[];
  grids: ReadonlyMap<string, Float32Array>;
  /** The parsed cascade strategy block. */
  config: CascadeConfig;
  seed: number;
  threads: number;
  signal?: AbortSignal;
  log?: FitContext["log"];
}

export interface CascadeFold {
  index: number;
  trainRows: number;
  testRows: number;
  /** Score of the combined prediction on the fold's test cells (the target's metric). */
  score: Score;
  classifier_score: Score;
  regressor_score: Score;
}

export interface CascadeStage {
  family: string;
  /** Hyperparameters after the family's schema. */
  params: unknown;
  importance: Record<string, number>;
}

export interface CascadeResult {
  strategy: "cascade";
  target: string;
  metric: ScoreMetric;
  /** Combined out-of-fold predictions (T x S, NaN outside the cells both models predicted). */
  oof: Float64Array;
  /** The classifier's out-of-fold probability of "up" (T x S). */
  classifier_oof: Float64Array;
  /** The regressor's out-of-fold prediction (of the target, or of its size with regress_on magnitude). */
  regressor_oof: Float64Array;
  folds: CascadeFold[];
  score: Score;
  /** AUC of the classifier against the direction labels. */
  classifier_score: Score;
  /** The regressor's own score (against the target, or against |target| with regress_on magnitude). */
  regressor_score: Score;
  /** The neutral value of a gated-out prediction. */
  neutral: number;
  /** Share of the combined predictions set to neutral by the hard gate (0 with the soft gate). */
  gated_share: number;
  classifier: CascadeStage;
  regressor: CascadeStage;
  /** The cascade block as applied. */
  params: CascadeConfig;
}

export async function cascadeCv(input: CascadeInput): Promise<CascadeResult> {
  const { data, config: cfg } = input;
  const { T, S } = data;
  if (data.task.objective !== "regression") {
    throw new InputError(`strategy.kind cascade: target "${data.target.name}" is a ${data.target.type} target; a cascade gates a regressor and needs a regression target`, "use strategy.kind: single for class targets");
  }
  const dirData = directionData(data, cfg.direction);
  const regData = cfg.regress_on === "magnitude" ? magnitudeData(data) : data;
  checkStage("classifier", cfg.classifier, dirData);
  checkStage("regressor", cfg.regressor, regData);
  const common = { features: input.features, grids: input.grids, seed: input.seed, threads: input.threads, signal: input.signal, log: input.log, validFraction: cfg.valid_fraction };
  const cls = await cvFit({ ...common, data: dirData, family: cfg.classifier.family, hyperparameters: cfg.classifier.hyperparameters, purpose: "cascade:classifier" });
  const reg = await cvFit({ ...common, data: regData, family: cfg.regressor.family, hyperparameters: cfg.regressor.hyperparameters, purpose: "cascade:regressor" });

  const oof = new Float64Array(T * S).fill(NaN);
  const folds: CascadeFold[] = [];
  let combined = 0;
  let gated = 0;
  for (let k = 0; k < data.folds.length; k++) {
    const index = data.folds[k].index;
    const cf = cls.folds.find((f) => f.index === index);
    const rf = reg.folds.find((f) => f.index === index);
    if (!cf || !rf) continue;
    const grid = new Float64Array(T * S).fill(NaN);
    let n = 0;
    for (const c of data.test[k]) {
      const v = gateOne(cls.oof[c], reg.oof[c], cfg);
      if (v !== v) continue;
      grid[c] = v;
      oof[c] = v;
      n++;
      if (cfg.gate === "hard" && v === CASCADE_NEUTRAL) gated++;
    }
    combined += n;
    folds.push({ index, trainRows: rf.trainRows, testRows: n, score: scorePredictions(grid, data.y, T, S, data.task, data.target.window), classifier_score: cf.score, regressor_score: rf.score });
  }
  if (folds.length === 0) {
    throw new FoxmlError(`cascade on target ${data.target.name}: the classifier and the regressor have no fold in common`, { exitCode: 1, hint: "use more data or fewer folds" });
  }
  input.log?.info({ target: data.target.name, folds: folds.length, gated: gated / Math.max(1, combined) }, "cascade fitted");
  return {
    strategy: "cascade",
    target: data.target.name,
    metric: data.task.metric,
    oof,
    classifier_oof: cls.oof,
    regressor_oof: reg.oof,
    folds,
    score: scorePredictions(oof, data.y, T, S, data.task, data.target.window),
    classifier_score: cls.score,
    regressor_score: reg.score,
    neutral: CASCADE_NEUTRAL,
    gated_share: combined > 0 ? gated / combined : 0,
    classifier: stageOf(cls),
    regressor: stageOf(reg),
    params: cfg,
  };
}

/**
 * One combined prediction from the classifier's probability of "up" `p` and the regressor's
 * prediction `r` (NaN when either is missing); see the module comment for the rules.
 */
export function gateOne(p: number, r: number, cfg: Pick<CascadeConfig, "gate" | "threshold" | "regress_on">): number {
  if (p !== p || r !== r) return NaN;
  if (cfg.regress_on === "magnitude") {
    if (cfg.gate === "soft") return (2 * p - 1) * r;
    if (p > cfg.threshold) return r;
    if (1 - p > cfg.threshold) return -r;
    return CASCADE_NEUTRAL;
  }
  const q = r >= 0 ? p : 1 - p;
  if (cfg.gate === "soft") return r * q;
  return q > cfg.threshold ? r : CASCADE_NEUTRAL;
}

/**
 * The binary sibling of a target's CvData: the same cells and folds, labelled 1 where the target
 * moved up (sign: above 0; above_median: above its cross-sectional median at that time, which
 * removes the market's common move) and 0 otherwise (flat counts as not up).
 */
export function directionData(data: CvData, direction: CascadeConfig["direction"]): CvData {
  const { T, S, valid, y } = data;
  const labels = new Float64Array(T * S).fill(NaN);
  const row = new Float64Array(S);
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let s = 0; s < S; s++) {
      const c = t * S + s;
      if (valid[c] && y[c] === y[c]) row[n++] = y[c];
    }
    if (n === 0) continue;
    const level = direction === "sign" ? 0 : median(row.subarray(0, n));
    for (let s = 0; s < S; s++) {
      const c = t * S + s;
      if (valid[c] && y[c] === y[c]) labels[c] = y[c] > level ? 1 : 0;
    }
  }
  const name = `${data.target.name}:direction`;
  const target: TargetSpec = {
    ...data.target,
    name,
    type: "binary",
    tasks: ["binary"],
    rankingCompatible: false,
    classes: ["not_up", "up"],
    description: `${direction === "sign" ? "sign" : "above the cross-sectional median"} of ${data.target.name}`,
    compute: () => labels,
  };
  return { ...data, target, y: labels, fitY: labels, task: modelTask(target, S) };
}

/** The size sibling: the regressor fits |fitted target| and is scored against |target|. */
export function magnitudeData(data: CvData): CvData {
  const fitY = data.fitY.map(Math.abs);
  const y = data.y.map(Math.abs);
  const target: TargetSpec = { ...data.target, name: `${data.target.name}:magnitude`, description: `size of ${data.target.name}`, compute: () => y };
  return { ...data, target, y, fitY };
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Checks a stage's family and hyperparameters up front, with errors naming the configuration key. */
function checkStage(role: "classifier" | "regressor", stage: CascadeConfig["classifier"], data: CvData): void {
  try {
    getFamily(stage.family);
  } catch (e) {
    throw new InputError(`strategy.${role}.family: ${e instanceof Error ? e.message : String(e)}`, e instanceof FoxmlError ? e.hint : undefined);
  }
  try {
    paramsForTask(stage.family, stage.hyperparameters, data);
  } catch (e) {
    if (e instanceof FoxmlError) {
      const key = /invalid hyperparameters/.test(e.message) ? `strategy.${role}.hyperparameters` : `strategy.${role}.family`;
      throw new InputError(`${key}: ${e.message}`, e.hint);
    }
    throw e;
  }
}

function stageOf(r: CvFitResult): CascadeStage {
  return { family: r.family, params: r.params, importance: r.importance };
}
