/**
 * The run report: one self-contained report.html built from the files of a run folder, finished or
 * not. `foxml run` writes it as its last stage; `foxml report RUN_DIR` rebuilds it at any time.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { renderReportHtml, type RenderOptions } from "./html.js";
import { readRun } from "./read-run.js";

export const REPORT_FILE = "report.html";

export { readRun, type RunData, type TargetData } from "./read-run.js";

/**
 * The report page for the run folder `runDir`. Throws InputError when the folder does not exist,
 * is not a run folder, or holds a damaged file (naming it); missing files are noted in the page.
 */
export async function buildReportHtml(runDir: string, opts: RenderOptions = {}): Promise<string> {
  return renderReportHtml(readRun(runDir), opts);
}

export type { RenderOptions } from "./html.js";

/** Builds the report and writes it atomically to `out` (default `<runDir>/report.html`); returns the path. */
export async function writeReport(runDir: string, out: string = join(runDir, REPORT_FILE), opts: RenderOptions = {}): Promise<string> {
  const page = await buildReportHtml(runDir, opts);
  writeFileAtomic(out, page);
  return out;
}
