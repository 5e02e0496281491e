/**
 * `/runs/<id>`: one run. Its stages with status and timings (from the registry), a live progress
 * panel while it runs, the raw files, then the report's own sections (rankings, selected features
 * and their agreement, leakage findings, family status, evaluation and backtest charts), read
 * from the run folder by the report's reader, so the dashboard and report.html never disagree.
 */
import type { RunDetails } from "../../registry/queries.js";
import { badge, table } from "../../report/blocks.js";
import { duration, timestamp } from "../../report/format.js";
import { reportBody } from "../../report/html.js";
import type { RunData } from "../../report/read-run.js";
import { html } from "../../report/safe-html.js";
import { page } from "./layout.js";

const RAW_FILES = ["summary.json", "manifest.json", "target_rankings.csv", "model_family_status.json", "target_confidence.json", "logs.jsonl", "report.html"];

export async function runPage(run: RunDetails, data: RunData, files: readonly string[]): Promise<string> {
  const live = run.status === "running";
  const stages = table(
    [{ label: "stage" }, { label: "status" }, { label: "started" }, { label: "finished" }, { label: "duration", num: true }, { label: "outcome" }],
    run.stages.map((s) => [s.name, badge(s.status), timestamp(s.startedAt), timestamp(s.finishedAt), duration(s.durationS), s.outcome ?? ""]),
    { cls: "stages" },
  );
  const { nav, main } = await reportBody(data);
  const id = encodeURIComponent(run.id);
  const body = html`<section id="run">
<dl class="facts">
<dt>Run</dt><dd><code>${run.id}</code></dd>
<dt>Status</dt><dd><span id="run-status">${badge(run.status)}</span></dd>
<dt>Started</dt><dd>${timestamp(run.createdAt)}</dd>
<dt>Finished</dt><dd>${timestamp(run.finishedAt)}</dd>
<dt>Duration</dt><dd>${duration(run.durationS)}</dd>
<dt>Command</dt><dd><code>${run.command.join(" ")}</code></dd>
</dl>
${live ? html`<div class="live" id="live" data-run="${run.id}" aria-live="polite">Following the run: <span id="live-text">waiting for the next stage…</span></div>` : ""}
<h2>Stages</h2>
${stages}
<h2>Files</h2>
<p>${RAW_FILES.filter((f) => files.includes(f)).map((f) => html`<a href="/runs/${id}/files/${f}">${f}</a> `)}</p>
</section>
${nav}
${main}`;
  return page(`Run ${run.name}`, body, { scripts: live ? ["/static/live.js"] : [] });
}
