/**
 * Stage "report": report.html, one self-contained file that reads offline, built from what the run
 * folder holds (so `foxml run` and a later `foxml report RUN_DIR` give the same page).
 *
 * It is the run's last stage and it ends the run: the page is drawn with the summary as it will be
 * once this stage and the run have finished (status, end time, duration), then the stage and the run
 * are finished at that same instant, so the page and summary.json agree.
 */
import { writeReport } from "../../report/index.js";
import type { Instant } from "../../runs/summary.js";
import type { NoResultError } from "../../util/errors.js";
import type { PipelineContext } from "../context.js";

export const REPORT_STAGE = "report";
export const REPORT_OUTCOME = "wrote report.html";

/** How the run ends once the report is written. */
export type RunEnding = { status: "succeeded" } | { status: "no_result"; error: NoResultError };

export async function reportStage(ctx: Pick<PipelineContext, "run" | "cfg" | "status">, ending: RunEnding): Promise<void> {
  const { run } = ctx;
  const error = ending.status === "no_result" ? ending.error : undefined;
  if (!ctx.cfg.pipeline.report.enabled) {
    run.summary.stageSkipped(REPORT_STAGE, "pipeline.report.enabled is off (build it later with `foxml report RUN_DIR`)");
    return;
  }
  await run.summary.runStage(REPORT_STAGE, async (stage) => {
    let at: Instant | undefined;
    try {
      const result = { outcome: REPORT_OUTCOME };
      await writeReport(run.dir, undefined, {
        summaryAtEnd: () => {
          at = run.summary.instant();
          return run.summary.projectEnd({ stage: REPORT_STAGE, result, status: ending.status, error, at });
        },
      });
      ctx.status.add({ stage: "report", status: "succeeded" });
      stage.finish(result, at);
      run.finish(ending.status, error, at);
    } catch (e) {
      // A report that cannot be drawn never loses the run's results.
      ctx.status.fail({ stage: "report" }, e);
      run.summary.error(REPORT_STAGE, e);
      stage.finish({ outcome: "report.html could not be written; the run's files are complete" });
    }
  });
}
