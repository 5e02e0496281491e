/**
 * Whether a run produced something to use. A run whose every ranking job failed, whose targets
 * all fell at the leakage gate, or whose every training job failed has done its work without an
 * error, but its result is empty: it ends with status `no_result` and exit code 1 (a NoResultError),
 * with a message that says what went wrong first and a hint that says what to change, never as
 * `succeeded`. A ranking where every target was scored but none cleared the bar is a result (the
 * best one continues as exploratory, see rankTargets), and so is training whose models show no
 * signal: both are honest answers.
 */
import { NoResultError } from "../util/errors.js";
import type { StatusRecord, TargetRankingsFile } from "../artifacts/run-files.js";

/** The first failure message of a stage's jobs in model_family_status.json, shortened. */
function firstFailure(records: readonly StatusRecord[], stage: StatusRecord["stage"]): string | null {
  const r = records.find((x) => x.stage === stage && x.status === "failed" && x.error !== null);
  if (r === undefined || r.error === null) return null;
  const m = r.error.message.replace(/\s+/g, " ").trim();
  return `${r.target === null ? "" : `${r.target}: `}${m.length > 300 ? `${m.slice(0, 299)}…` : m}`;
}

/** What to change when folds cannot be cut: the purge is the label window + buffer + embargo (+ lookback when asked). */
function shortHistoryHint(lookbackPurged: boolean): string {
  return (
    `on a short history: ${lookbackPurged ? "turn off pipeline.leakage.include_feature_lookback_in_purge (features read only the past), " : ""}` +
    "shorter target horizons (e.g. fwd_ret_1, fwd_ret_5), smaller pipeline.leakage.purge_buffer_bars and embargo_bars, or more bars"
  );
}

/** After ranking: nothing continues when no target could be scored at all. */
export function rankingOutcome(file: TargetRankingsFile, records: readonly StatusRecord[], runDir: string, lookbackPurged: boolean): NoResultError | null {
  if (file.kept.length > 0) return null;
  const first = firstFailure(records, "ranking") ?? file.targets[0]?.reason ?? "no target was ranked";
  return new NoResultError(
    `every ranking job failed, so no target was ranked, selected or trained (${file.targets.length} target(s); first failure: ${first}); ` +
      `the reasons per target are in ${runDir}/target_rankings.csv`,
    `fix what the first failure names; ${shortHistoryHint(lookbackPurged)}`,
  );
}

/** After the leakage gate: nothing trains when every kept target fell at the gate. */
export function gateOutcome(kept: number, gated: number, records: readonly StatusRecord[], runDir: string): NoResultError | null {
  if (kept === 0 || gated > 0) return null;
  // Selection finding nothing that beats noise is an answer about the data, not a leak: say that.
  const noFeatures = records.filter((x) => x.stage === "selection" && x.error?.type === "NoUsableFeatures" && x.target !== null).map((x) => x.target);
  if (noFeatures.length >= kept) {
    return new NoResultError(
      `no target has usable features: no candidate feature beat noise at selection's significance gate for ${noFeatures.join(", ")}, so nothing was trained; ` +
        `see ${runDir}/selection/<target>/selection.json (each feature's gate figures)`,
      "on this data the features show no signal for these targets; try other targets or features, more data, or (to explore anyway) a looser pipeline.selection.significance (alpha, correction) or enabled: false",
    );
  }
  const first = firstFailure(records, "leakage") ?? "every selected feature was excluded as leaking";
  return new NoResultError(
    `no target passed the leakage gate on its selected features, so nothing was trained (${kept} target(s); first: ${first}); see ${runDir}/leakage_report.json`,
    "check the excluded features in leakage_report.json: a genuine leak must be removed from the data; a false alarm can be tuned in pipeline.leakage.thresholds",
  );
}

/** After training: nothing to evaluate when no family trained on any target. */
export function trainingOutcome(targets: number, trainedMembers: number, records: readonly StatusRecord[], runDir: string, lookbackPurged: boolean): NoResultError | null {
  if (targets > 0 && trainedMembers > 0) return null;
  const first = firstFailure(records, "training") ?? (targets === 0 ? "no target could be cut into folds" : "no model family is configured");
  return new NoResultError(
    `every training job failed, so no model was trained (${targets} target(s); first failure: ${first}); see ${runDir}/model_family_status.json`,
    `fix what the first failure names (list families in the experiment, e.g. lightgbm and ridge); ${shortHistoryHint(lookbackPurged)}`,
  );
}
