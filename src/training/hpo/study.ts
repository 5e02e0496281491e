/**
 * A hyperparameter study: proposes configurations with the TPE sampler, evaluates each through an
 * objective that reports fold scores as it goes (so the pruner can stop hopeless trials early), and
 * keeps the history and the best trial's result.
 *
 * Budget: `trials` configurations, and optionally `minutes` of wall time (no new trial starts after
 * the deadline; a running trial finishes). Only the trial budget is reproducible: how many trials
 * fit in a number of minutes depends on the machine and its load, so a minutes budget can give a
 * different history (and best configuration) on another run with the same seed.
 */
import { Rng } from "../../util/random.js";
import { PercentilePruner, type PruneSettings } from "./pruner.js";
import type { SearchSpace } from "./space.js";
import { TpeSampler, type Observation } from "./tpe.js";

export interface TrialHandle {
  readonly index: number;
  /**
   * Reports the score of one fold (folds in order, same indices for every trial). Returns true when
   * the trial should stop: the objective then returns with `pruned: true`. A NaN score counts as
   * hopeless; map "no skill" to the metric's no-skill value before reporting.
   */
  report(fold: number, score: number): boolean;
}

export interface TrialOutcome<R> {
  /** The trial's score (higher is better); ignored for pruned trials. */
  score: number;
  pruned: boolean;
  result: R;
}

export type Objective<R> = (params: Record<string, unknown>, trial: TrialHandle) => Promise<TrialOutcome<R>>;

export interface StudyOptions<R> {
  space: SearchSpace;
  objective: Objective<R>;
  /** Configurations to evaluate at most (enqueued ones included). */
  trials: number;
  /** Wall-clock budget: no trial starts after this many minutes (the first always runs). */
  minutes?: number;
  seed: number;
  startupTrials: number;
  gamma: number;
  candidates: number;
  prune: PruneSettings;
  /** Configurations evaluated first, in order (e.g. the configured defaults as trial 0). */
  enqueue?: ReadonlyArray<Record<string, unknown>>;
  /** Clock in milliseconds (for tests); default performance.now. */
  now?: () => number;
  signal?: AbortSignal;
  /** Called after each trial. */
  onTrial?: (record: TrialRecord) => void;
}

export interface TrialRecord {
  trial: number;
  params: Record<string, unknown>;
  /** The objective's score; NaN when pruned. */
  score: number;
  pruned: boolean;
  /** Fold scores reported, in order. */
  folds: number[];
  seconds: number;
}

export interface StudyResult<R> {
  trials: TrialRecord[];
  /** The best completed trial (highest score; the earliest on ties), or null when none completed. */
  best: TrialRecord | null;
  bestResult: R | null;
  pruned: number;
  /** Why the study ended: trial budget, time budget, or no new configuration left to propose. */
  stopped: "trials" | "minutes" | "space";
}

/**
 * Re-draws when a proposal repeats an evaluated configuration: first from TPE (which, on a small
 * discrete space, keeps proposing the incumbent), then uniformly.
 */
const MODEL_PROPOSALS = 5;
const RANDOM_PROPOSALS = 200;
/** Discrete spaces up to this many configurations are enumerated once random re-draws fail. */
const ENUMERABLE = 100_000;

export async function runStudy<R>(o: StudyOptions<R>): Promise<StudyResult<R>> {
  if (!(o.trials >= 1)) throw new RangeError(`a study needs at least one trial, got ${o.trials}`);
  const now = o.now ?? (() => performance.now());
  const start = now();
  const sampler = new TpeSampler(o.space, { seed: o.seed, startupTrials: o.startupTrials, gamma: o.gamma, candidates: o.candidates });
  const pruner = new PercentilePruner(o.prune);
  const records: TrialRecord[] = [];
  const observations: Observation[] = [];
  const seen = new Set<string>();
  let best: TrialRecord | null = null;
  let bestResult: R | null = null;
  let stopped: StudyResult<R>["stopped"] = "trials";
  const enqueue = o.enqueue ?? [];

  for (let i = 0; i < o.trials; i++) {
    if (o.signal?.aborted) throw new Error("aborted");
    if (i > 0 && o.minutes !== undefined && now() - start >= o.minutes * 60_000) {
      stopped = "minutes";
      break;
    }
    let params: Record<string, unknown> | undefined;
    if (i < enqueue.length) params = { ...enqueue[i] };
    else {
      for (let attempt = 0; attempt < MODEL_PROPOSALS + RANDOM_PROPOSALS && params === undefined; attempt++) {
        const p = sampler.sample(observations, i, attempt, attempt >= MODEL_PROPOSALS);
        if (!seen.has(configKey(p))) params = p;
      }
      params ??= unseenConfiguration(o.space, seen, new Rng(o.seed).fork(`unseen:${i}`));
      if (params === undefined) {
        stopped = "space";
        break;
      }
    }
    seen.add(configKey(params));

    const folds: number[] = [];
    const curve = new Map<number, number>();
    let sum = 0;
    const handle: TrialHandle = {
      index: i,
      report(fold, score) {
        folds.push(score);
        sum += score;
        const running = sum / folds.length;
        curve.set(fold, running);
        return pruner.shouldPrune(fold, folds.length, running);
      },
    };
    const t0 = now();
    const outcome = await o.objective(params, handle);
    const record: TrialRecord = { trial: i, params, score: outcome.pruned ? NaN : outcome.score, pruned: outcome.pruned, folds, seconds: (now() - t0) / 1000 };
    records.push(record);
    observations.push({ params, score: record.score, pruned: record.pruned });
    if (!record.pruned) {
      pruner.addCompleted(curve);
      if (Number.isFinite(record.score) && (best === null || record.score > best.score)) {
        best = record;
        bestResult = outcome.result;
      }
    }
    o.onTrial?.(record);
  }
  return { trials: records, best, bestResult, pruned: records.filter((r) => r.pruned).length, stopped };
}

/**
 * A configuration not evaluated yet, drawn uniformly among all of them, for a small discrete
 * space; undefined when the space is continuous, too large to list, or exhausted.
 */
function unseenConfiguration(space: SearchSpace, seen: ReadonlySet<string>, rng: Rng): Record<string, unknown> | undefined {
  const keys = Object.keys(space).sort();
  const values: unknown[][] = [];
  let size = 1;
  for (const key of keys) {
    const spec = space[key];
    if (spec.type === "float") return undefined;
    const v = spec.type === "categorical" ? spec.choices : Array.from({ length: spec.high - spec.low + 1 }, (_, j) => spec.low + j);
    size *= v.length;
    if (size > ENUMERABLE) return undefined;
    values.push(v);
  }
  const unseen: Record<string, unknown>[] = [];
  for (let idx = 0; idx < size; idx++) {
    const p: Record<string, unknown> = {};
    let rest = idx;
    for (let k = keys.length - 1; k >= 0; k--) {
      p[keys[k]] = values[k][rest % values[k].length];
      rest = Math.floor(rest / values[k].length);
    }
    if (!seen.has(configKey(p))) unseen.push(p);
  }
  return unseen.length === 0 ? undefined : unseen[rng.int(0, unseen.length)];
}

/** A canonical text of a configuration (sorted keys), to recognise repeats. */
function configKey(params: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}
