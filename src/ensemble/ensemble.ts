/**
 * Ensembles of the trained families of one target, judged on the same purged folds as the
 * families: every ensemble's out-of-fold prediction of a cell is made without the labels of that
 * cell's test fold, so its scores compare with the members' scores like for like.
 */
import { InputError } from "../util/errors.js";
import type { CvData } from "../training/cv-data.js";
import { sourceFolds } from "./folds.js";
import { rankAverage } from "./rank-average.js";
import type { EnsembleConfig } from "./schema.js";
import { stacking } from "./stacking.js";
import type { Grouping } from "./standardize.js";
import type { EnsembleContext, EnsembleMember, EnsembleResult } from "./types.js";

export interface EnsembleInput {
  data: CvData;
  /** The successfully trained families of the target (cvFit's oof), in a fixed order. */
  members: readonly EnsembleMember[];
  config: EnsembleConfig;
  /**
   * The run's seed. The current combiners are deterministic closed forms (ranks, least squares)
   * and draw no random numbers; it is part of the call so a future randomized combiner keeps the
   * same contract.
   */
  seed: number;
  /** Where the configuration lives, for messages (default pipeline.ensemble). */
  configKey?: string;
}

/**
 * The configured ensembles of the members, in the order of config.methods. Empty when ensembling
 * is disabled or fewer than config.min_members members have any prediction. Deterministic.
 */
export function ensembleMembers(input: EnsembleInput): EnsembleResult[] {
  const { data, config } = input;
  const key = input.configKey ?? "pipeline.ensemble";
  if (!config.enabled) return [];
  const n = data.T * data.S;
  const seen = new Set<string>();
  for (const m of input.members) {
    if (m.oof.length !== n) throw new Error(`ensembleMembers: member ${m.name} has ${m.oof.length} predictions, expected T*S = ${n}`);
    if (seen.has(m.name)) throw new Error(`ensembleMembers: member ${m.name} is listed twice`);
    seen.add(m.name);
  }
  const members = input.members.filter(hasPrediction);
  if (members.length < config.min_members) return [];
  const ctx: EnsembleContext = { data, members, grouping: groupingFor(data), source: sourceFolds(data) };
  const out: EnsembleResult[] = [];
  for (const method of config.methods) {
    if (method === "stacking") out.push(stacking(ctx, config.stacker));
    else out.push(rankAverage(ctx, rankWeights(members, config.rank_weights, key)));
  }
  const dropped = input.members.filter((m) => !hasPrediction(m)).map((m) => m.name);
  if (dropped.length > 0) for (const r of out) r.notes.push(`left out (no out-of-fold prediction): ${dropped.join(", ")}`);
  return out;
}

/**
 * Per-timestamp standardization for cross-sectional (IC) targets; per source fold for pooled
 * metrics, whose skill includes timing across timestamps.
 */
export function groupingFor(data: CvData): Grouping {
  return data.task.metric === "ic" ? { kind: "timestamp" } : { kind: "cells", group: sourceFolds(data) };
}

function hasPrediction(m: EnsembleMember): boolean {
  for (const v of m.oof) if (Number.isFinite(v)) return true;
  return false;
}

function rankWeights(members: readonly EnsembleMember[], configured: Record<string, number>, key: string): Float64Array {
  const w = new Float64Array(members.length);
  if (Object.keys(configured).length === 0) return w.fill(1);
  members.forEach((m, i) => (w[i] = configured[m.name] ?? 0));
  if (!w.some((v) => v > 0)) {
    throw new InputError(
      `${key}.rank_weights: no trained family of this target has a positive weight (weights name ${Object.keys(configured).join(", ")}; trained: ${members.map((m) => m.name).join(", ")})`,
      "give a positive weight to at least one trained family, or remove rank_weights for equal weights",
    );
  }
  return w;
}
