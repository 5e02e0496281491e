/**
 * Stage "report": report.html, one self-contained file that reads offline, built from what the run
 * folder holds (so `foxml report RUN_DIR` rebuilds the same page later).
 */
import { writeReport } from "../../report/index.js";
import type { PipelineContext } from "../context.js";

export const REPORT_STAGE = "report";

export async function reportStage(ctx: PipelineContext): Promise<void> {
  const { run } = ctx;
  if (!ctx.cfg.pipeline.report.enabled) {
    run.summary.stageSkipped(REPORT_STAGE, "pipeline.report.enabled is off (build it later with `foxml report RUN_DIR`)");
    return;
  }
  await run.summary.runStage(REPORT_STAGE, async (stage) => {
    try {
      const path = await writeReport(run.dir);
      ctx.status.add({ stage: "report", status: "succeeded" });
      stage.finish({ outcome: `wrote ${path.slice(run.dir.length + 1)}` });
    } catch (e) {
      // A report that cannot be drawn never loses the run's results.
      ctx.status.fail({ stage: "report" }, e);
      run.summary.error(REPORT_STAGE, e);
      stage.finish({ outcome: "report.html could not be written; the run's files are complete" });
    }
  });
}
