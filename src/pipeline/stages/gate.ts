/**
 * Stage "gate": the leakage gate on each kept target's selected features, with its auto-fix
 * rounds. The scan before ranking checked every feature against every target; this re-checks the
 * set that will actually be trained (a quick model on the selected features can reveal what the
 * wide scan diluted). Writes `gate/<target>/leakage_report.json` and the run's top-level
 * `leakage_report.json`: the outcome of the scan and the gate, per target.
 */
import { leakageGate } from "../../leakage/gate.js";
import { reportPath as scanReportPath } from "./leakage.js";
import type { LeakageFeatures, LeakageReport } from "../../leakage/types.js";
import type { LeakageSummaryFile, SelectionFile } from "../../artifacts/run-files.js";
import type { PipelineContext } from "../context.js";
import type { BuiltTarget } from "./targets.js";

export const GATE_STAGE = "gate";
export const LEAKAGE_SUMMARY_FILE = "leakage_report.json";

export interface GatedTarget {
  built: BuiltTarget;
  /** Features to train on: selected, minus what the gate excluded. */
  features: string[];
  /** The gate's verdict for the confidence tiers. */
  leakage: { status: string; suspicious: string[] };
}

/** The features of `all` named in `names`, in `all`'s order. */
export function subsetFeatures(all: LeakageFeatures, names: readonly string[]): LeakageFeatures {
  const keep = new Set(names);
  return {
    names: all.names.filter((n) => keep.has(n)),
    specs: all.specs.filter((s) => keep.has(s.name)),
    grids: new Map([...all.grids].filter(([n]) => keep.has(n))),
  };
}

export async function gateStage(
  ctx: PipelineContext,
  kept: readonly BuiltTarget[],
  selected: ReadonlyMap<string, SelectionFile>,
  scanReports: readonly LeakageReport[],
): Promise<GatedTarget[]> {
  const { run, cfg } = ctx;
  return run.summary.runStage(GATE_STAGE, async (stage) => {
    const out: GatedTarget[] = [];
    const summary: LeakageSummaryFile = { targets: [], excluded: [] };
    for (const r of scanReports) {
      summary.targets.push({
        target: r.target.name,
        status: r.status,
        verdict: r.verdict,
        excluded: r.excluded.map((e) => ({ feature: e.feature, round: e.round, reason: e.reason })),
        suspicious: Object.entries(r.features).filter(([, f]) => f.verdict === "SUSPICIOUS").map(([n]) => n),
        report_path: scanReportPath(r.target.name),
      });
    }
    let excludedTotal = 0;
    for (const built of kept) {
      const name = built.target.name;
      const file = selected.get(name);
      if (file !== undefined && file.selected.length === 0) {
        // No feature beat noise at selection: nothing to check or train, and not every feature instead.
        const reason = { type: "NoUsableFeatures", message: file.no_usable_features ?? "no usable features: selection kept none" };
        ctx.status.add({ stage: "leakage", target: name, status: "skipped", error: reason });
        ctx.status.add({ stage: "training", target: name, status: "skipped", error: reason });
        run.summary.warn(GATE_STAGE, "target skipped by the gate and training: it has no usable features", { target: name });
        continue;
      }
      const chosen = file?.selected ?? ctx.features.names;
      const features = subsetFeatures(ctx.features, chosen);
      const log = run.log.forStage(GATE_STAGE).with({ target: name });
      const t0 = performance.now();
      let job: Awaited<ReturnType<typeof gateJob>>;
      try {
        job = await gateJob(ctx, built, features, log);
      } catch (e) {
        // The selected set could not be checked: the target does not go on to training unverified.
        ctx.status.fail({ stage: "leakage", target: name, seconds: (performance.now() - t0) / 1000 }, e);
        run.summary.error(GATE_STAGE, e, { target: name });
        continue;
      }
      const report = job.value.report as LeakageReport;
      const path = `${GATE_STAGE}/${name}/leakage_report.json`;
      run.writeJson(path, report);
      const suspicious = Object.entries(report.features).filter(([, f]) => f.verdict === "SUSPICIOUS").map(([n]) => n);
      const excluded = report.excluded.map((e) => ({ feature: e.feature, round: e.round, reason: e.reason }));
      excludedTotal += excluded.length;
      const row = summary.targets.find((t) => t.target === name);
      if (row !== undefined) row.gate = { status: report.status, verdict: report.verdict, excluded, suspicious, report_path: path };
      for (const e of excluded) run.summary.warn(GATE_STAGE, `target ${name}: selected feature ${e.feature} excluded as leaking`, { reason: e.reason });
      for (const s of suspicious) run.summary.warn(GATE_STAGE, `suspicious selected feature kept for review: ${s}`, { target: name });
      ctx.status.add({
        stage: "leakage",
        target: name,
        status: job.value.features.length > 0 ? "succeeded" : "failed",
        error: job.value.features.length > 0 ? null : { type: "LeakageGate", message: "every selected feature was excluded as leaking" },
        score: report.rounds[report.rounds.length - 1]?.model?.score ?? null,
        seconds: job.reused ? null : (performance.now() - t0) / 1000,
      });
      if (job.value.features.length === 0) continue;
      out.push({ built, features: job.value.features, leakage: { status: report.status, suspicious } });
    }
    summary.excluded = [...new Set(summary.targets.flatMap((t) => [...t.excluded, ...(t.gate?.excluded ?? [])].map((e) => e.feature)))];
    run.writeJson(LEAKAGE_SUMMARY_FILE, summary);
    stage.finish({
      outcome: `${out.length} target(s) passed the gate on their selected features; ${excludedTotal} selected feature(s) excluded`,
      figures: { targets: out.length, excluded: excludedTotal },
    });
    return out;
  });
}

function gateJob(ctx: PipelineContext, built: BuiltTarget, features: LeakageFeatures, log: ReturnType<PipelineContext["run"]["log"]["forStage"]>) {
  const leakage = ctx.cfg.pipeline.leakage;
  return ctx.jobs.run(GATE_STAGE, built.target.name, { features: features.names, target: built.target.canonical, leakage, seed: ctx.seed }, async () => {
    const gate = await leakageGate({ panel: ctx.panel, features, target: built.target, targetGrid: built.grid, leakage, seed: ctx.seed, log });
    return { report: gate.report, features: [...gate.features.names] };
  });
}
