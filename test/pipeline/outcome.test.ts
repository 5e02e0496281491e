import { describe, expect, it } from "vitest";
import type { StatusRecord, TargetRankingsFile } from "../../src/artifacts/run-files.js";
import { gateOutcome, rankingOutcome, trainingOutcome } from "../../src/pipeline/outcome.js";
import { NoResultError } from "../../src/util/errors.js";

const record = (r: Partial<StatusRecord> & Pick<StatusRecord, "stage" | "status">): StatusRecord => ({
  target: null,
  family: null,
  symbol: null,
  error: null,
  score: null,
  top_feature: null,
  seconds: null,
  ...r,
});
const rankings = (kept: string[]): TargetRankingsFile => ({ weights: { skill: 0.6, stability: 0.25, agreement: 0.15 }, families: [], targets: [], kept });

describe("whether a run has a result", () => {
  it("ranking: none only when no target could be scored, naming the first failure and what to change", () => {
    expect(rankingOutcome(rankings(["fwd_ret_5"]), [], "/r", false)).toBeNull();
    const failed = [record({ stage: "ranking", target: "fwd_ret_5", status: "failed", error: { type: "InputError", message: "purged k-fold: fold 0 has 0 training\n and 24 test times" } })];
    const e = rankingOutcome(rankings([]), failed, "/r", true)!;
    expect(e).toBeInstanceOf(NoResultError);
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(/^every ranking job failed.*first failure: fwd_ret_5: purged k-fold: fold 0 has 0 training and 24 test times\); the reasons per target are in \/r\/target_rankings\.csv$/);
    expect(e.hint).toMatch(/turn off pipeline\.leakage\.include_feature_lookback_in_purge/);
    expect(rankingOutcome(rankings([]), failed, "/r", false)!.hint).not.toMatch(/include_feature_lookback_in_purge/);
  });

  it("gate: none when every kept target fell at the gate; nothing to say when nothing was kept", () => {
    expect(gateOutcome(2, 1, [], "/r")).toBeNull();
    expect(gateOutcome(0, 0, [], "/r")).toBeNull();
    const e = gateOutcome(1, 0, [record({ stage: "leakage", target: "fwd_ret_5", status: "failed", error: { type: "LeakageGate", message: "every selected feature was excluded as leaking" } })], "/r")!;
    expect(e.message).toMatch(/^no target passed the leakage gate .*fwd_ret_5: every selected feature was excluded as leaking/);
  });

  it("training: none when no family trained on any target (models with no signal are a result)", () => {
    expect(trainingOutcome(1, 2, [], "/r", false)).toBeNull();
    const failed = [record({ stage: "training", target: "fwd_ret_5", family: "ridge", status: "failed", error: { type: "Error", message: "ridge: singular" } })];
    expect(trainingOutcome(1, 0, failed, "/r", false)!.message).toMatch(/^every training job failed, so no model was trained \(1 target\(s\); first failure: fwd_ret_5: ridge: singular\)/);
    expect(trainingOutcome(0, 0, [], "/r", false)!.message).toMatch(/no target could be cut into folds/);
    expect(trainingOutcome(1, 0, [], "/r", false)!.message).toMatch(/no model family is configured/);
  });
});
