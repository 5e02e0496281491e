/**
 * Pipeline stage "leakage": the gate for every target, one report per target in
 * `leakage/<target>/leakage_report.json`, and the run's exclusion list in
 * `leakage/exclusions.json`, which later stages read.
 *
 * A feature found leaking for any target is excluded for all of them: it reads the future,
 * whatever it is paired with. Targets are checked in order, each starting from the features left
 * by the ones before. The stage fails only when the detectors themselves fail (they missed the
 * planted copy of a target); leaks, suspicious features and failed sentinels are warnings in the
 * run summary, with the details in the reports and the log.
 */
import type { Panel } from "../../data/types.js";
import type { Run } from "../../runs/run.js";
import type { TargetSpec } from "../../targets/spec.js";
import { FoxmlError } from "../../util/errors.js";
import type { SplitterConfig } from "../../validation/splitters/schema.js";
import { leakageGate, type GateInput } from "../../leakage/gate.js";
import type { LeakageConfig, LeakageFeatures, LeakageReport } from "../../leakage/types.js";

export const LEAKAGE_STAGE = "leakage";
export const REPORT_FILE = "leakage_report.json";
export const EXCLUSIONS_FILE = "exclusions.json";

export interface LeakageStageInput {
  panel: Panel;
  features: LeakageFeatures;
  /** Targets with their label grids when already computed. */
  targets: ReadonlyArray<{ target: TargetSpec; grid?: Float64Array }>;
  leakage: LeakageConfig;
  seed: number;
  splitter?: SplitterConfig;
  threads?: number;
  /** Re-runs the stages affected by exclusions (see GateInput.rerun). */
  rerun?: GateInput["rerun"];
  /** Called after each target is checked (progress reporting). */
  onTargetDone?: (target: string) => void;
}

export interface LeakageStageResult {
  reports: LeakageReport[];
  /** The run's exclusion list (every target), in order. */
  excluded: string[];
  /** The features after the exclusions. */
  features: LeakageFeatures;
}

/** Relative path of a target's report inside the run folder. */
export function reportPath(target: string): string {
  return `${LEAKAGE_STAGE}/${target}/${REPORT_FILE}`;
}

export async function leakageStage(run: Run, input: LeakageStageInput): Promise<LeakageStageResult> {
  return run.summary.runStage(LEAKAGE_STAGE, async (stage) => {
    const reports: LeakageReport[] = [];
    const excluded: Array<{ feature: string; target: string; round: number; checks: string[]; reason: string }> = [];
    let features = input.features;
    const checked = new Set(features.names);
    for (const { target, grid } of input.targets) {
      const log = run.log.forStage(LEAKAGE_STAGE).with({ target: target.name });
      const gate = await leakageGate({
        panel: input.panel,
        features,
        target,
        targetGrid: grid,
        leakage: input.leakage,
        seed: input.seed,
        splitter: input.splitter,
        threads: input.threads,
        log,
        rerun: input.rerun,
      });
      const report = gate.report;
      reports.push(report);
      run.writeJson(reportPath(target.name), report);
      for (const name of Object.keys(report.features)) checked.add(name);
      for (const e of report.excluded) excluded.push({ feature: e.feature, target: target.name, round: e.round, checks: [...e.checks], reason: e.reason });
      features = gate.features;
      input.onTargetDone?.(target.name);

      const missed = report.sentinels.find((c) => c.check === "planted_copy" && c.verdict !== "OK");
      if (missed !== undefined) {
        run.writeJson(`${LEAKAGE_STAGE}/${EXCLUSIONS_FILE}`, { excluded });
        throw new FoxmlError(`leakage detection failed its self-check for target "${target.name}": ${missed.explanation}`, {
          exitCode: 1,
          hint: `see ${reportPath(target.name)} in the run folder`,
        });
      }
      if (report.status === "unverified") {
        run.summary.warn(LEAKAGE_STAGE, `target ${target.name}: leaks were still found in the last allowed round (pipeline.leakage.auto_fix.max_rounds); they are excluded but the rest was not re-checked`);
      } else if (report.status === "leaks_found") {
        run.summary.warn(LEAKAGE_STAGE, `target ${target.name}: leaking features kept because pipeline.leakage.auto_fix.enabled is off`, {
          features: report.rounds[0].leak.slice(0, 10),
        });
      }
      const skipped = report.rounds[report.rounds.length - 1].model_skipped;
      if (skipped !== null) run.summary.warn(LEAKAGE_STAGE, `target ${target.name}: the quick model was not run; only the rules and the pre-scan checked the features`, { reason: skipped });
      for (const [name, f] of Object.entries(report.features)) {
        if (f.verdict === "SUSPICIOUS") run.summary.warn(LEAKAGE_STAGE, `suspicious feature kept for review: ${name}`, { target: target.name });
      }
      for (const c of [...report.model_checks, ...report.sentinels]) {
        if (c.verdict !== "OK") run.summary.warn(LEAKAGE_STAGE, `target ${target.name}: ${c.check} ${c.verdict}`, { explanation: c.explanation });
      }
    }
    run.writeJson(`${LEAKAGE_STAGE}/${EXCLUSIONS_FILE}`, { excluded });

    const suspicious = new Set(reports.flatMap((r) => Object.entries(r.features).filter(([, f]) => f.verdict === "SUSPICIOUS").map(([n]) => n)));
    const rounds = reports.reduce((a, r) => a + r.rounds.length, 0);
    const names = [...new Set(excluded.map((e) => e.feature))];
    stage.finish({
      outcome:
        `checked ${checked.size} feature(s) against ${reports.length} target(s) in ${rounds} round(s): ` +
        `${names.length} excluded as leaking${names.length > 0 ? ` (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""})` : ""}, ${suspicious.size} suspicious`,
      figures: { features: checked.size, targets: reports.length, excluded: names.length, suspicious: suspicious.size, rounds },
    });
    return { reports, excluded: names, features };
  });
}
