/**
 * What each stage's result depends on, as fingerprint inputs for the stage records (jobs/stage-store.ts):
 * the configuration sections the stage reads, chained with the stage before it, so a changed key
 * recomputes the stage that reads it and every stage after it, and nothing before.
 *
 * Keys no later stage claims (the data options, features, leakage, seed, threading, ...) belong to
 * the first stage, so an unclaimed key recomputes everything: the safe default for a new key.
 * Logging, the runs folder and the report change no result and are left out (the report is
 * always redrawn: it shows this attempt's times).
 */
import type { ResolvedConfigValue } from "../config/schema/resolved.js";
import { hashJson } from "../util/hash.js";

/** The stages in the order the pipeline runs them (the report, always redrawn, is not one of them). */
export const CHAINED_STAGES = ["data", "features", "targets", "leakage", "ranking", "selection", "gate", "training", "ensembling", "evaluation", "nested"] as const;
export type ChainedStage = (typeof CHAINED_STAGES)[number];

/** Top-level pipeline keys that change no result. */
const NO_RESULT_KEYS = new Set(["logging", "runs", "report"]);

/** The pipeline keys a later stage claims as its own. */
const CLAIMED: Partial<Record<ChainedStage, (cfg: ResolvedConfigValue) => unknown>> = {
  features: (cfg) => cfg.pipeline.features,
  // Holdout nesting hides the final period from every stage from here on.
  targets: (cfg) => ({ targets: cfg.targets, auto_targets: cfg.pipeline.ranking.auto_targets, holdout: cfg.pipeline.nesting.mode === "holdout" ? cfg.pipeline.nesting : null }),
  leakage: (cfg) => cfg.pipeline.leakage,
  ranking: (cfg) => cfg.pipeline.ranking,
  selection: (cfg) => cfg.pipeline.selection,
  training: (cfg) => ({ training: cfg.pipeline.training, families: cfg.families }),
  ensembling: (cfg) => cfg.pipeline.ensemble,
  evaluation: (cfg) => cfg.pipeline.evaluation,
  nested: (cfg) => cfg.pipeline.nesting,
};
const CLAIMED_KEYS = new Set(["features", "leakage", "ranking", "selection", "training", "ensemble", "evaluation", "nesting"]);

function firstStageSection(cfg: ResolvedConfigValue): unknown {
  const rest = Object.fromEntries(Object.entries(cfg.pipeline).filter(([k]) => !CLAIMED_KEYS.has(k) && !NO_RESULT_KEYS.has(k)));
  return { pipeline: rest };
}

/** Fingerprint inputs per stage: its own section and the hash of the stage before's inputs. */
export function stageChain(cfg: ResolvedConfigValue): Record<ChainedStage, unknown> {
  const out = {} as Record<ChainedStage, unknown>;
  let before: string | null = null;
  for (const stage of CHAINED_STAGES) {
    const section = stage === "data" ? firstStageSection(cfg) : (CLAIMED[stage]?.(cfg) ?? null);
    const inputs = { stage, before, section };
    out[stage] = inputs;
    before = hashJson(inputs);
  }
  return out;
}

/**
 * Which stages a resumed run loads: every stage when all of them (up to `last`) have a record for
 * their inputs; otherwise the stages from the leakage scan up to the first without one. The data,
 * features and targets are computed whenever a later stage computes, because what they hold in
 * memory (the panel, the feature grids, the label grids) is what computing stages need and is
 * cheaper to rebuild than to store.
 */
export function stagesToLoad(has: (stage: ChainedStage) => boolean, last: ChainedStage): Set<ChainedStage> {
  const upTo = CHAINED_STAGES.slice(0, CHAINED_STAGES.indexOf(last) + 1);
  const first = upTo.findIndex((s) => !has(s));
  if (first === -1) return new Set(upTo);
  return new Set(upTo.slice(0, first).filter((s) => CHAINED_STAGES.indexOf(s) >= CHAINED_STAGES.indexOf("leakage")));
}
