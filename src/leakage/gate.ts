/**
 * The leakage gate: detection, then the auto-fix. Features judged LEAK go onto the exclusion list,
 * the stages they affect are re-run through the caller's callback (e.g. feature selection on the
 * remaining features), and detection runs again on the result, until a round finds no new leak or
 * pipeline.leakage.auto_fix.max_rounds rounds have run. Every decision is logged: each exclusion
 * with the checks that made it, each suspicious feature kept, and why the loop stopped.
 */
import type { TargetSpec } from "../targets/spec.js";
import { detectRound, type ModelPart } from "./detect.js";
import { buildReport, exclusionRecord } from "./report.js";
import type { DetectInput, ExclusionRecord, GateStatus, LeakageFeatures, LeakageReport, RoundResult } from "./types.js";

export interface RerunContext {
  target: TargetSpec;
  /** The round that found the leaks. */
  round: number;
  /** Every feature excluded so far (all rounds), in the order they were excluded. */
  excluded: readonly string[];
  /** Features excluded by this round. */
  newlyExcluded: readonly string[];
}

export interface GateInput extends Omit<DetectInput, "round"> {
  /**
   * Re-runs the stages the exclusions affect and returns the features to check next; when absent
   * (or returning nothing) the excluded features are dropped from the current set. Features on the
   * exclusion list are dropped from whatever it returns.
   */
  rerun?: (ctx: RerunContext) => Promise<LeakageFeatures | void> | LeakageFeatures | void;
}

export interface GateResult {
  report: LeakageReport;
  /** The exclusion list, in order. */
  excluded: string[];
  /** The feature set after the exclusions (what the following stages should use). */
  features: LeakageFeatures;
}

/** `features` without the names in `drop`. */
export function withoutFeatures(features: LeakageFeatures, drop: ReadonlySet<string>): LeakageFeatures {
  if (!features.names.some((n) => drop.has(n))) return features;
  const names = features.names.filter((n) => !drop.has(n));
  const keep = new Set(names);
  return {
    names,
    specs: features.specs.filter((s) => keep.has(s.name)),
    grids: new Map([...features.grids].filter(([n]) => keep.has(n))),
  };
}

function logDecisions(input: GateInput, res: RoundResult, excluding: boolean): void {
  const log = input.log;
  if (!log) return;
  const target = input.target.name;
  for (const f of res.features) {
    if (f.verdict === "OK") continue;
    const flagged = f.checks.filter((c) => c.verdict === f.verdict);
    const fields = {
      target,
      round: res.round,
      feature: f.name,
      verdict: f.verdict,
      checks: flagged.map((c) => c.check),
      evidence: flagged.map((c) => `${c.evidence.figure}: ${c.evidence.value} (threshold ${c.evidence.threshold})`),
    };
    if (f.verdict === "LEAK") {
      if (excluding) log.info(`leakage: excluding feature ${f.name}: ${flagged[0].explanation}`, fields);
      else log.warn(`leakage: feature ${f.name} leaks and is kept (pipeline.leakage.auto_fix.enabled is off): ${flagged[0].explanation}`, fields);
    } else {
      log.warn(`leakage: feature ${f.name} is suspicious, kept for review: ${flagged[0].explanation}`, fields);
    }
  }
  for (const c of [...res.model_checks, ...res.sentinels]) {
    if (c.verdict !== "OK") log.warn(`leakage: ${c.check} ${c.verdict}: ${c.explanation}`, { target, round: res.round, check: c.check, verdict: c.verdict, evidence: c.evidence });
  }
}

/** Detection with the auto-fix loop; see the module comment. */
export async function leakageGate(input: GateInput): Promise<GateResult> {
  const { leakage, target, log } = input;
  const autoFix = leakage.auto_fix.enabled;
  const maxRounds = autoFix ? leakage.auto_fix.max_rounds : 1;
  const excluded: ExclusionRecord[] = [];
  const dropped = new Set<string>();
  const rounds: RoundResult[] = [];
  let features = input.features;
  let status: GateStatus = "clean";
  const targetGrid = input.targetGrid ?? target.compute(input.panel);
  const cache: { part?: ModelPart } = {};
  for (let round = 1; ; round++) {
    const res = await detectRound({ ...input, targetGrid, features, round }, cache);
    rounds.push(res);
    logDecisions(input, res, autoFix);
    if (res.leak.length === 0) {
      status = excluded.length > 0 ? "leaks_excluded" : "clean";
      log?.info(`leakage: round ${round} found no leak; ${excluded.length > 0 ? `${excluded.length} feature(s) excluded in all` : "nothing excluded"}`, { target: target.name, round });
      break;
    }
    if (!autoFix) {
      status = "leaks_found";
      log?.warn(`leakage: ${res.leak.length} leaking feature(s) kept: the auto-fix is off`, { target: target.name, leak: res.leak });
      break;
    }
    for (const name of res.leak) {
      excluded.push(exclusionRecord(res, name));
      dropped.add(name);
    }
    features = withoutFeatures(features, dropped);
    if (round >= maxRounds) {
      status = "unverified";
      log?.warn(`leakage: round ${round} still found ${res.leak.length} leak(s), excluded without a further check: pipeline.leakage.auto_fix.max_rounds = ${maxRounds}`, {
        target: target.name,
        leak: res.leak,
      });
      break;
    }
    log?.info(`leakage: re-running the affected stages without ${res.leak.length} feature(s)`, { target: target.name, round, excluded: res.leak });
    const next = await input.rerun?.({ target, round, excluded: [...dropped], newlyExcluded: [...res.leak] });
    if (next) features = withoutFeatures(next, dropped);
  }
  return { report: buildReport(target, rounds, excluded, status), excluded: [...dropped], features };
}

/** One round of detection as a report, without the auto-fix. */
export async function detectLeakage(input: DetectInput): Promise<LeakageReport> {
  const res = await detectRound(input);
  return buildReport(input.target, [res], [], res.leak.length > 0 ? "leaks_found" : "clean");
}
